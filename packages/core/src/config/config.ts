import * as v from 'valibot'
import type { Accounts } from '../contracts/accounts.js'
import type { ClientAuthMethod } from '../contracts/client-auth-method.js'
import type { ResolvedConfig } from '../contracts/config.js'
import type { ConsentContext } from '../contracts/consent.js'
import type { AuditEvent } from '../contracts/events.js'
import type { GrantHandler } from '../contracts/grant-handler.js'
import type { ProviderConfig } from '../contracts/provider-config.js'
import type { RateLimiter } from '../contracts/services.js'
import type { Storage } from '../contracts/storage.js'
import { ConfigError } from '../primitives/errors.js'
import { AUTH_METHOD_NAME } from '../protocol/client-auth-methods.js'
import { canonicalResources, longestJwtTtl } from '../protocol/resources.js'
import { checkDeviceGrant } from './device.js'
import { checkDpop, dpopSchema } from './dpop.js'
import { applyFapi2 } from './fapi2.js'
import { KEY_ENCRYPTION_KEY_MESSAGE, SECRET_MESSAGE } from './messages.js'
import { parSchema } from './par.js'
import { checkRegistration, registrationSchema } from './registration.js'

const fn = <T>(name: string) => v.custom<T>((value) => typeof value === 'function', `${name} must be a function`)
const seconds = v.pipe(v.number(), v.integer(), v.minValue(1))
const count = seconds
const scopeToken = v.pipe(v.string(), v.regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope is one scope-token (RFC 6749 §3.3)'))

const schema = v.strictObject({
  issuer: v.pipe(
    v.string(),
    v.url('issuer must be an absolute URL'),
    v.check((value) => {
      const url = URL.canParse(value) ? new URL(value) : null
      return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash
    }, 'issuer must be an http(s) URL without query or fragment (RFC 8414 §2)'),
  ),
  basePath: v.optional(v.pipe(v.string(), v.regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'basePath must look like /o')), '/o'),
  storage: v.custom<Storage>(
    (value) => typeof value === 'object' && value !== null && typeof (value as Storage).consume === 'function',
    // A KV namespace (or kvCache) lands here: it has no consume, and could not make one atomic.
    'storage must implement the Storage interface; a KV namespace is only a cache (no compare-and-swap, stale reads): use D1 through sqlStorage, with cachedStorage from @grantline/kv in front',
  ),
  accounts: v.custom<Accounts>(
    (value) => typeof value === 'object' && value !== null && typeof (value as Accounts).current === 'function',
    'accounts must implement the Accounts interface',
  ),
  secrets: v.pipe(
    v.array(v.pipe(v.string(SECRET_MESSAGE), v.minLength(32, SECRET_MESSAGE)), SECRET_MESSAGE),
    v.minLength(1, 'secrets needs at least one value'),
  ),
  scopes: v.optional(v.record(scopeToken, v.string()), { read: 'Reading scope', write: 'Writing scope' }),
  defaultScopes: v.optional(v.array(scopeToken)),
  ttl: v.optional(
    v.object({
      accessToken: v.optional(seconds, 3600),
      code: v.optional(seconds, 60),
      refreshToken: v.optional(seconds, 14 * 86400),
      family: v.optional(seconds, 90 * 86400),
      interaction: v.optional(seconds, 600),
      /** RFC 8628 §3.2 expires_in: how long a device_code and its user_code live. */
      deviceCode: v.optional(seconds, 600),
    }),
    {},
  ),
  rotateRefreshTokens: v.optional(v.boolean(), true),
  refreshGraceSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  pkce: v.optional(
    v.object({
      required: v.optional(v.picklist(['all', 'public', 'none']), 'all'),
      allowPlain: v.optional(v.boolean(), false),
    }),
    {},
  ),
  grantTypes: v.optional(v.array(v.string()), ['authorization_code', 'refresh_token', 'client_credentials']),
  allowLocalhostLoopback: v.optional(v.boolean(), false),
  /** DOT's REQUEST_APPROVAL_PROMPT: 'auto' reuses an earlier consent that covers the scopes. */
  approvalPrompt: v.optional(v.picklist(['auto', 'force']), 'auto'),
  /** OpenID Connect; present means enabled. */
  oidc: v.optional(
    v.strictObject(
      {
        /** base64url of 32 random bytes, from the environment: encrypts private signing keys at rest. */
        keyEncryptionKey: v.string(KEY_ENCRYPTION_KEY_MESSAGE),
        signingAlg: v.optional(v.picklist(['RS256', 'ES256', 'EdDSA'], 'signingAlg must be RS256, ES256 or EdDSA'), 'RS256'),
        /** Cache-Control max-age of the JWKS; a new key is published at least this long before it signs. */
        jwksMaxAge: v.optional(seconds, 600),
        idTokenTtl: v.optional(seconds, 3600),
        /** Make the first signing key inside a request when none exists (off on Workers). */
        createKeysOnDemand: v.optional(v.boolean(), true),
        /** Also end the client's grants at RP-initiated logout. */
        revokeOnLogout: v.optional(v.boolean(), false),
      },
      // a missing key is the object's issue: give it the same message as a malformed one
      (issue) => (issue.expected === '"keyEncryptionKey"' ? KEY_ENCRYPTION_KEY_MESSAGE : issue.message),
    ),
  ),
  /**
   * RFC 8707 resource indicators: the resources tokens may be issued for (each an absolute https
   * URI), or 'any'. Unset, a `resource` parameter is refused with invalid_target.
   */
  resources: v.optional(
    v.union([
      v.literal('any'),
      v.array(
        v.strictObject({
          uri: v.string(),
          name: v.optional(v.string()),
          scopes: v.optional(v.array(scopeToken)),
          clients: v.optional(v.array(v.string())),
          /** RFC 9068: 'jwt' makes this resource's access tokens JWTs (needs `oidc`); ttl in seconds. */
          accessToken: v.optional(
            v.strictObject({ format: v.picklist(['opaque', 'jwt'], "format must be 'opaque' or 'jwt'"), ttl: v.optional(seconds) }),
          ),
        }),
      ),
    ]),
  ),
  /** DOT's application and authorized-token pages under `basePath`; a host app may turn them off. */
  managementPages: v.optional(v.boolean(), true),
  /**
   * Extension grants (RFC 6749 §4.5) and replacements: a handler replaces the built-in of the same
   * grant_type; a new grant_type is enabled with it.
   */
  grants: v.optional(
    v.array(
      v.custom<GrantHandler>(
        (g) =>
          typeof g === 'object' &&
          g !== null &&
          typeof (g as GrantHandler).grantType === 'string' &&
          (g as GrantHandler).grantType !== '' &&
          typeof (g as GrantHandler).handle === 'function',
        'a grant handler needs a grantType and handle()',
      ),
    ),
    [],
  ),
  /**
   * Client authentication methods (RFC 6749 §2.3) besides client_secret_basic, client_secret_post
   * and none: a method replaces the built-in of the same name; a new name is appended. Discovery
   * lists them all (RFC 8414 §2).
   */
  clientAuthMethods: v.optional(
    v.array(
      v.custom<ClientAuthMethod>(
        (m) =>
          typeof m === 'object' &&
          m !== null &&
          typeof (m as ClientAuthMethod).name === 'string' &&
          AUTH_METHOD_NAME.test((m as ClientAuthMethod).name) &&
          typeof (m as ClientAuthMethod).extract === 'function' &&
          typeof (m as ClientAuthMethod).verify === 'function',
        'a client authentication method needs a name (printable ASCII, no space), extract() and verify()',
      ),
    ),
    [],
  ),
  renderConsent: v.optional(fn<(context: ConsentContext) => Response | Promise<Response>>('renderConsent')),
  onError: v.optional(fn<(error: unknown, request: Request) => unknown>('onError')),
  onEvent: v.optional(fn<(event: AuditEvent) => unknown>('onEvent')),
  /**
   * Operator warnings, such as the one said once when requests arrive without a client address.
   * Default `console.warn`.
   */
  onWarning: v.optional(fn<(message: string) => unknown>('onWarning')),
  /**
   * Failed client authentications allowed per client_id and client address (per client_id alone
   * when no address is known) in a sliding window, at the token, revocation and introspection
   * endpoints; then 429 with Retry-After. Needs a Storage with `hit`/`countHits` (or `limiter`);
   * `false` turns it off.
   */
  rateLimit: v.optional(
    v.union([
      v.literal(false),
      v.strictObject({
        maxFailures: v.optional(count, 10),
        windowSeconds: v.optional(seconds, 300),
        limiter: v.optional(
          v.custom<RateLimiter>(
            (l) =>
              typeof l === 'object' &&
              l !== null &&
              typeof (l as RateLimiter).check === 'function' &&
              typeof (l as RateLimiter).fail === 'function',
            'rateLimit.limiter needs check() and fail()',
          ),
        ),
      }),
    ]),
    {},
  ),
  now: v.optional(fn<() => number>('now'), () => Date.now),
  /**
   * Outbound HTTP (client ID metadata documents), the runtime's `fetch` when unset. On Node the
   * `grantline` CLI passes safeFetch from @grantline/node, which refuses names that resolve to
   * special-use addresses.
   */
  fetch: v.optional(fn<typeof fetch>('fetch')),
  /**
   * draft-ietf-oauth-client-id-metadata-document: an `https` client_id with a path names a JSON
   * document that is fetched (through `fetch`) as the client's metadata. Present means on.
   */
  clientIdMetadataDocuments: v.optional(
    v.strictObject({
      /** A trust policy: whether a Client Identifier URL (already checked for SSRF) may be used. */
      allow: v.optional(fn<(url: URL) => boolean | Promise<boolean>>('clientIdMetadataDocuments.allow')),
      /** Bounds on the Cache-Control lifetime a document is cached for. */
      cacheSeconds: v.optional(
        v.pipe(
          v.strictObject({ min: v.optional(seconds, 60), max: v.optional(seconds, 86400) }),
          v.check((bounds) => bounds.min <= bounds.max, 'cacheSeconds.min must not exceed cacheSeconds.max'),
        ),
        {},
      ),
      maxBytes: v.optional(count, 5120),
      timeoutMs: v.optional(count, 5000),
    }),
  ),
  /**
   * The caller's address, replacing the one the runtime passes `handle` (behind a reverse proxy the
   * runtime sees only the proxy): read the header your proxy sets and no other. Undefined means
   * unknown; the runtime's address is then not used.
   */
  clientAddress: v.optional(fn<(request: Request) => string | undefined>('clientAddress')),
  /**
   * RFC 7591 dynamic client registration and RFC 7592 management at `{basePath}/register/`;
   * present means on (config/registration.ts).
   */
  registration: v.optional(registrationSchema),
  /** RFC 9449 DPoP: proofs, server nonces and sender-constrained tokens (config/dpop.ts). */
  dpop: dpopSchema,
  /** RFC 9126 pushed authorization requests at `{basePath}/par/` (config/par.ts). */
  par: parSchema,
  /** 'fapi2': the FAPI 2.0 Security Profile's rules (config/fapi2.ts); a contradicting setting is a start-up error. */
  profile: v.optional(v.picklist(['fapi2'], "profile must be 'fapi2'")),
})

/** The OpenID Connect scopes (OIDC Core §5.4), added to `scopes` when `oidc` is set. */
const OIDC_SCOPES: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'Your name and profile details',
  email: 'Your email address',
  address: 'Your postal address',
  phone: 'Your phone number',
}

export type { ProviderConfig }

// ProviderConfig (contracts/provider-config.ts) is written out for the published API: a setting added to the
// schema above must be added there too, or this fails to compile.
const configMatchesSchema: [ProviderConfig, v.InferInput<typeof schema>] extends [v.InferInput<typeof schema>, ProviderConfig]
  ? true
  : false = true
void configMatchesSchema

type SchemaOutput = v.InferOutput<typeof schema> & { seconds(): number; defaultScopes: string[] }

// ResolvedConfig (contracts/config.ts) is written out for every reader: it must stay what the schema
// above produces, or this fails to compile.
const resolvedMatchesSchema: [ResolvedConfig, SchemaOutput] extends [SchemaOutput, ResolvedConfig] ? true : false = true
void resolvedMatchesSchema

export type { ResolvedConfig }

/** Validates the configuration once, at start-up; a bad one throws a coded ConfigError. */
export function resolveConfig(input: ProviderConfig): ResolvedConfig {
  if ((input.oidc as { signingAlg?: string } | undefined)?.signingAlg === 'HS256') {
    throw new ConfigError(
      'ERR_HS256_UNSUPPORTED',
      'oidc.signingAlg: HS256 needs the client secret as key, and secrets are stored hashed; use RS256, ES256 or EdDSA',
    )
  }
  const result = v.safeParse(schema, input.profile === 'fapi2' ? applyFapi2(input) : input)
  if (!result.success) {
    const issue = result.issues[0]
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? 'config'
    throw new ConfigError('ERR_INVALID_CONFIG', `${path}: ${issue.message}`)
  }
  const config = result.output
  const defaultScopes = config.defaultScopes ?? Object.keys(config.scopes)
  const scopes = config.oidc ? { ...OIDC_SCOPES, ...config.scopes } : config.scopes
  const unknown = defaultScopes.find((scope) => !(scope in scopes))
  if (unknown) throw new ConfigError('ERR_INVALID_CONFIG', `defaultScopes: "${unknown}" is not a configured scope`)
  checkRegistration(config.registration, config.storage)
  if (config.grantTypes.includes('password') && !config.accounts.verifyPassword) {
    throw new ConfigError('ERR_INVALID_CONFIG', 'grantTypes: password needs accounts.verifyPassword')
  }
  checkDeviceGrant(config.grantTypes, config.storage)
  checkDpop(config.dpop, config.storage)
  const now = config.now
  const resources = config.resources === undefined ? undefined : canonicalResources(config.resources)
  if (!config.oidc && longestJwtTtl(resources) > 0) {
    throw new ConfigError(
      'ERR_OIDC_DISABLED',
      "resources: accessToken.format 'jwt' needs the oidc option (its signing keys sign the tokens)",
    )
  }
  return { ...config, resources, scopes, issuer: config.issuer.replace(/\/$/, ''), defaultScopes, seconds: () => Math.floor(now() / 1000) }
}
