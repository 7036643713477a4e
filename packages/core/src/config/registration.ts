import * as v from 'valibot'
import type { OnRegister } from '../contracts/registration.js'
import type { Storage } from '../contracts/storage.js'
import { ConfigError } from '../primitives/errors.js'

const positive = v.pipe(v.number(), v.integer(), v.minValue(1))

/** The `registration` setting: present means the registration endpoint is on (RFC 7591). */
export const registrationSchema = v.strictObject({
  /** 'open': anyone may register within limits; 'token': an initial access token is required (RFC 7591 §3). */
  policy: v.picklist(['open', 'token'], "registration.policy must be 'open' or 'token'"),
  onRegister: v.optional(v.custom<OnRegister>((value) => typeof value === 'function', 'registration.onRegister must be a function')),
  /** Registration requests allowed per client address in a sliding window; then 429. `false` turns it off. */
  rateLimit: v.optional(
    v.union([v.literal(false), v.strictObject({ max: v.optional(positive, 10), windowSeconds: v.optional(positive, 3600) })]),
    {},
  ),
  /** cleanup() removes a dynamic client once no family shows it used for this many days. */
  unusedClientDays: v.optional(positive, 30),
})

export type RegistrationConfig = v.InferOutput<typeof registrationSchema>

/**
 * After how many unused days cleanup() removes a dynamic client: the configured number, or 30
 * when registration is off (the clients it left are no less unverified, and `grantline tokens
 * clear` may run without the setting the server runs with).
 */
export function unusedClientDays(config: { registration?: RegistrationConfig | undefined }): number {
  return config.registration?.unusedClientDays ?? 30
}

/**
 * Open registration counts requests per address in the Storage's `hit` counters: a Storage
 * without them could be filled by anyone, so it must say `rateLimit: false` outright.
 */
export function checkRegistration(registration: RegistrationConfig | undefined, storage: Storage): void {
  if (registration?.policy !== 'open' || registration.rateLimit === false || typeof storage.hit === 'function') return
  throw new ConfigError(
    'ERR_INVALID_CONFIG',
    "registration: open registration is rate-limited through the Storage's hit counters, which this Storage lacks; set registration.rateLimit: false to run without a limit",
  )
}
