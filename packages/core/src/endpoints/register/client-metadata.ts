import * as v from 'valibot'
import { CLIENT_JWT_ALGS } from '../../clients/verify-client-jwt.js'
import type { RegistrationMetadata } from '../../contracts/registration.js'
import type { ClientMetadata } from '../../contracts/storage.js'
import { ConfigError, OAuthError } from '../../primitives/errors.js'
import { CLIENT_SECRET_JWT_REFUSED } from '../../protocol/client-auth-methods.js'
import { publicJwksProblem } from '../../protocol/public-jwks.js'
import { canonicalRedirectUri } from '../../protocol/redirect-uri.js'
import { derivedResponseTypes } from '../../protocol/response-type.js'

const text = (max: number) => v.pipe(v.string('must be a string'), v.maxLength(max, `must be at most ${max} characters`))
const list = <T extends v.GenericSchema<unknown, string>>(item: T, max: number) =>
  v.pipe(v.array(item, 'must be an array of strings'), v.maxLength(max, `must have at most ${max} entries`))
const isHttpsUrl = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 2000 && URL.canParse(value) && new URL(value).protocol === 'https:'
const httpsUrl = v.pipe(
  text(2000),
  v.check((value: string) => isHttpsUrl(value), 'must be an https URL'),
)
/**
 * A link shown about the client: kept when it is an https URL, otherwise dropped rather than
 * refused (RFC 7591 §3.1 lets the server replace a value; the response shows what was kept), since
 * Grantline only stores it and clients send all sorts.
 */
const displayUrl = v.optional(
  v.pipe(
    v.unknown(),
    v.transform((value) => (isHttpsUrl(value) ? value : undefined)),
  ),
)
const scopeList = v.pipe(
  text(2000),
  v.regex(/^([\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*)?$/, 'must be space-separated scope tokens (RFC 6749 §3.3)'),
)
/** A JWK's members: flat values only (RFC 7517 §4), so no registration can nest without bound. */
const jwk = v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.array(v.string())]), 'must be a JSON Web Key')

/**
 * RFC 7591 §2 client metadata, with its defaults (token_endpoint_auth_method client_secret_basic,
 * grant_types authorization_code). Members it does not name are dropped, never stored (§3.1); so
 * are skip_authorization and introspection, the operator's alone.
 */
const schema = v.object({
  redirect_uris: v.optional(list(text(2000), 20), []),
  token_endpoint_auth_method: v.optional(text(100), 'client_secret_basic'),
  grant_types: v.optional(list(text(200), 10), ['authorization_code']),
  response_types: v.optional(list(text(100), 10)),
  client_name: v.optional(v.pipe(text(255), v.trim(), v.minLength(1, 'must not be empty'))),
  client_uri: displayUrl,
  logo_uri: displayUrl,
  tos_uri: displayUrl,
  policy_uri: displayUrl,
  scope: v.optional(scopeList, ''),
  contacts: v.optional(list(text(320), 10)),
  software_id: v.optional(text(255)),
  software_version: v.optional(text(255)),
  jwks: v.optional(v.object({ keys: v.pipe(v.array(jwk, 'must be an array of keys'), v.maxLength(20, 'must have at most 20 keys')) })),
  jwks_uri: v.optional(httpsUrl),
  post_logout_redirect_uris: v.optional(list(text(2000), 20), []),
  /** RFC 9126 §6: this client's authorization requests must be pushed. */
  require_pushed_authorization_requests: v.optional(v.boolean('must be a boolean')),
  /** RFC 9449 §5.2: this client's token requests must carry a DPoP proof. */
  dpop_bound_access_tokens: v.optional(v.boolean('must be a boolean')),
  /** OIDC Registration §2, RFC 9101 §10.2: the one algorithm this client's request objects use. */
  request_object_signing_alg: v.optional(v.picklist(CLIENT_JWT_ALGS, `must be one of ${CLIENT_JWT_ALGS.join(', ')}`)),
})

export const invalidMetadata = (description: string) => new OAuthError('invalid_client_metadata', description)

const METADATA_FIELDS = [
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'contacts',
  'software_id',
  'software_version',
  'jwks',
  'jwks_uri',
  'require_pushed_authorization_requests',
  'dpop_bound_access_tokens',
  'request_object_signing_alg',
] as const

/** The informational members kept on the Client record as `metadata`. */
export function informational(metadata: RegistrationMetadata): ClientMetadata {
  const kept: Record<string, unknown> = {}
  for (const field of METADATA_FIELDS) if (metadata[field] !== undefined) kept[field] = metadata[field]
  return kept as ClientMetadata
}

function canonicalUris(uris: string[]): string[] {
  try {
    return [...new Set(uris.map(canonicalRedirectUri))]
  } catch (error) {
    if (error instanceof ConfigError) throw new OAuthError('invalid_redirect_uri', error.message)
    throw error
  }
}

/** Token endpoint authentication methods a registration may name (RFC 7591 §2), if the server offers them (policy.ts). */
const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']

function checkAuthMethod(method: string): void {
  if (AUTH_METHODS.includes(method)) return
  if (method === 'client_secret_jwt') throw invalidMetadata(CLIENT_SECRET_JWT_REFUSED)
  throw invalidMetadata(
    `token_endpoint_auth_method "${method}" is not supported; use none, client_secret_basic, client_secret_post or private_key_jwt`,
  )
}

/**
 * RFC 7591 §2, §3.1: validates a registration request's JSON into RegistrationMetadata. Redirect
 * URIs pass the same canonicaliser as the CLI (RFC 9700 §4.1.3), refused with
 * `invalid_redirect_uri`; anything else wrong is `invalid_client_metadata` (§3.2.2).
 */
export function parseClientMetadata(body: unknown): RegistrationMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidMetadata('the body must be a JSON object (RFC 7591 §3.1)')
  const result = v.safeParse(schema, body)
  if (!result.success) {
    const issue = result.issues[0]
    throw invalidMetadata(`${issue.path?.map((p) => String(p.key)).join('.') ?? 'metadata'} ${issue.message}`)
  }
  const m = result.output
  checkAuthMethod(m.token_endpoint_auth_method)
  if (m.jwks && m.jwks_uri) throw invalidMetadata('jwks and jwks_uri must not both be present (RFC 7591 §2)')
  const jwksProblem = m.jwks ? publicJwksProblem(m.jwks) : undefined
  if (jwksProblem) throw invalidMetadata(jwksProblem)
  // RFC 7523 §2.2: the server verifies the client's assertions with the keys it registered.
  if (m.token_endpoint_auth_method === 'private_key_jwt' && !m.jwks && !m.jwks_uri) {
    throw invalidMetadata('token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri (RFC 7591 section 2)')
  }
  const metadata: RegistrationMetadata = {
    ...informational(m as RegistrationMetadata),
    redirect_uris: canonicalUris(m.redirect_uris),
    token_endpoint_auth_method: m.token_endpoint_auth_method,
    grant_types: [...new Set(m.grant_types)],
    // RFC 7591 §2: response_types defaults to code, which only authorization_code can use.
    response_types: [...new Set(m.response_types ?? derivedResponseTypes(m.grant_types))],
    scope: [...new Set(m.scope.split(' ').filter(Boolean))].join(' '),
    post_logout_redirect_uris: canonicalUris(m.post_logout_redirect_uris),
  }
  if (m.client_name !== undefined) metadata.client_name = m.client_name
  return metadata
}
