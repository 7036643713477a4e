import * as v from 'valibot'
import { SECRET_MESSAGE } from '../config/messages.js'
import { DEFAULT_ITERATIONS, MAX_ITERATIONS } from '../primitives/django-password.js'
import { ConfigError } from '../primitives/errors.js'

/** Options of `localAccounts`. Times are seconds except `now`, which answers epoch milliseconds. */
export interface LocalAccountsOptions {
  /** HMAC keys for the forms' CSRF values: the first signs, all verify (rotate by prepending). 32+ characters each. */
  secrets: string[]
  /** PBKDF2 iterations for new hashes; a stored hash with another count is rehashed at login. Default 600,000 (100,000 on workerd). */
  iterations?: number
  /** Session lifetime in seconds. Default 14 days (Django's SESSION_COOKIE_AGE). */
  sessionTtl?: number
  /** Default `/accounts/login/` (Django's LOGIN_URL). */
  loginPath?: string
  /** Default `/accounts/logout/`. */
  logoutPath?: string
  /** Adds `Secure` to cookies. Default: when the request URL is https. Set it behind a TLS-terminating proxy. */
  secureCookies?: boolean
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number
  /** Failed logins allowed per username within `lockoutSeconds`. Default 5. */
  maxFailures?: number
  /**
   * Failed logins allowed per client address, whatever the usernames, within `lockoutSeconds`:
   * the limit on password spraying. Default 20, so that users behind one NAT do not lock each
   * other out with a few typos. The address is the one the provider learned (createProvider's
   * `clientAddress`, else the runtime's).
   */
  maxFailuresPerAddress?: number
  /** The window failures are counted in, and the longest a lockout lasts. Default 900. */
  lockoutSeconds?: number
  /**
   * Password derivations (PBKDF2) allowed in flight at once; a login or password grant past it is
   * answered 429 with `Retry-After: 1` instead of waiting. Default 2: one derivation at 600,000
   * iterations keeps a core busy for a few hundred milliseconds, so two already make about ten
   * logins a second, while on Node they leave two of libuv's four threads (shared with the rest of
   * Web Crypto and file I/O) to other requests. Raise it with the cores (and `UV_THREADPOOL_SIZE`).
   * Client secrets still in a Django hash (imported from DOT 2+) take the same slots at first use.
   */
  hashConcurrency?: number
}

const positive = v.pipe(v.number(), v.integer(), v.minValue(1))
const path = v.pipe(v.string(), v.regex(/^(\/[A-Za-z0-9._~-]+)+\/$/, 'a path like /accounts/login/'))

const schema = v.object({
  secrets: v.pipe(
    v.array(v.pipe(v.string(SECRET_MESSAGE), v.minLength(32, SECRET_MESSAGE)), SECRET_MESSAGE),
    v.minLength(1, 'secrets needs at least one value (the forms need CSRF protection)'),
  ),
  iterations: v.optional(v.pipe(positive, v.maxValue(MAX_ITERATIONS)), DEFAULT_ITERATIONS),
  sessionTtl: v.optional(positive, 14 * 86400),
  loginPath: v.optional(path, '/accounts/login/'),
  logoutPath: v.optional(path, '/accounts/logout/'),
  secureCookies: v.optional(v.boolean()),
  now: v.optional(
    v.custom<() => number>((value) => typeof value === 'function', 'now must be a function'),
    () => Date.now,
  ),
  maxFailures: v.optional(positive, 5),
  maxFailuresPerAddress: v.optional(positive, 20),
  lockoutSeconds: v.optional(positive, 900),
  hashConcurrency: v.optional(positive, 2),
})

export type ResolvedLocalAccountsOptions = v.InferOutput<typeof schema> & {
  /** Epoch seconds from the injected clock. */
  seconds(): number
}

/** Validates the options once; bad ones throw a coded ConfigError at start-up. */
export function resolveLocalAccountsOptions(input: LocalAccountsOptions): ResolvedLocalAccountsOptions {
  if (input && 'clientAddress' in input) {
    throw new ConfigError(
      'ERR_INVALID_CONFIG',
      'localAccounts clientAddress: the provider passes the address it learned to the login page; set clientAddress on createProvider instead',
    )
  }
  const result = v.safeParse(schema, input ?? {})
  if (!result.success) {
    const issue = result.issues[0]
    const at = issue.path?.map((p) => String(p.key)).join('.') ?? 'options'
    throw new ConfigError('ERR_INVALID_CONFIG', `localAccounts ${at}: ${issue.message}`)
  }
  const options = result.output
  if (options.loginPath === options.logoutPath)
    throw new ConfigError('ERR_INVALID_CONFIG', 'localAccounts: loginPath and logoutPath must differ')
  const now = options.now
  return { ...options, seconds: () => Math.floor(now() / 1000) }
}
