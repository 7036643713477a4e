import * as v from 'valibot'
import { ConfigError } from '../primitives/errors.js'
import type { ClientMetadata, Storage } from '../contracts/storage.js'

/**
 * Client metadata as a registration asks for it (RFC 7591 §2), after validation: redirect URIs
 * canonicalised, defaults filled in, unknown members dropped. What `onRegister` receives, and
 * what it may return changed.
 */
export interface RegistrationMetadata extends ClientMetadata {
  redirect_uris: string[]
  token_endpoint_auth_method: string
  grant_types: string[]
  response_types: string[]
  client_name?: string
  /** Space-separated; empty when the request named none (then every configured scope). */
  scope: string
  /** OpenID Connect RP-Initiated Logout §3.1. */
  post_logout_redirect_uris: string[]
}

/** What `onRegister` knows of the request besides the metadata. */
export interface RegistrationContext {
  request: Request
  /** 'register' at the registration endpoint (RFC 7591 §3.1), 'update' at PUT (RFC 7592 §2.2). */
  action: 'register' | 'update'
  /** The client being updated; absent at registration. */
  client_id?: string
  /** The caller's address, when known. */
  clientAddress?: string
  /**
   * What the metadata asks beyond what the policy grants by itself (for example
   * `grant type "client_credentials"`); empty when within it. Such a request is refused unless
   * the hook returns metadata: returning undefined keeps the policy's answer.
   */
  beyondPolicy: string[]
}

/**
 * Decides a registration (or an update): return the metadata to store (the same object,
 * adjusted, or one that asks for more than the policy allows), return undefined to let the
 * policy decide, or throw an OAuthError (e.g. `invalid_client_metadata`, or `access_denied` with
 * status 403) to refuse. What it returns is validated again; it can never give a client
 * skip_authorization or introspection, nor anything the server does not support.
 */
export type OnRegister = (
  metadata: RegistrationMetadata,
  context: RegistrationContext,
) => RegistrationMetadata | undefined | null | Promise<RegistrationMetadata | undefined | null>

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
