import * as v from 'valibot'
import type { ClientInput, PublicJwks } from '../contracts/clients.js'
import type { Client, ClientMetadata, TokenEndpointAuthMethod } from '../contracts/storage.js'
import { randomBytes } from '../primitives/crypto.js'
import { ConfigError } from '../primitives/errors.js'
import { AUTH_METHOD_NAME, isSecretMethod, SECRET_METHODS } from '../protocol/client-auth-methods.js'
import { publicJwksProblem, withoutEmptyMembers } from '../protocol/public-jwks.js'
import { canonicalRedirectUri } from '../protocol/redirect-uri.js'
import { derivedResponseTypes, grantTypesFor, normaliseResponseType, type ResponseType } from '../protocol/response-type.js'

const GRANT_TYPES = ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password'] as const

const clientInput = v.object({
  client_id: v.optional(v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,255}$/, 'client_id must be 1-255 visible ASCII characters'))),
  client_name: v.pipe(v.string(), v.trim(), v.minLength(1, 'client_name is required'), v.maxLength(255)),
  client_type: v.optional(v.picklist(['confidential', 'public']), 'confidential'),
  /** A built-in method or one the provider registered (`clientAuthMethods`); checked by the clients API. */
  token_endpoint_auth_method: v.optional(
    v.custom<TokenEndpointAuthMethod | (string & {})>(
      (value) => typeof value === 'string' && AUTH_METHOD_NAME.test(value),
      'token_endpoint_auth_method must be a method name',
    ),
  ),
  grant_types: v.optional(v.array(v.string()), ['authorization_code', 'refresh_token']),
  /** RFC 7591 §2; omitted means derived from grant_types (code, token). */
  response_types: v.optional(v.array(v.string())),
  redirect_uris: v.optional(v.array(v.string()), []),
  post_logout_redirect_uris: v.optional(v.array(v.string()), []),
  scope: v.optional(v.string(), ''),
  allowed_cors_origins: v.optional(v.array(v.pipe(v.string(), v.url())), []),
  skip_authorization: v.optional(v.boolean(), false),
  introspection: v.optional(v.boolean(), false),
  owner_sub: v.optional(v.nullable(v.string()), null),
  require_pushed_authorization_requests: v.optional(v.boolean()),
  dpop_bound_access_tokens: v.optional(v.boolean()),
  secret_methods: v.optional(v.nullable(v.array(v.picklist(SECRET_METHODS, 'secret_methods: client_secret_basic or client_secret_post')))),
  jwks: v.optional(v.nullable(v.custom<PublicJwks>((value) => publicJwksProblem(value) === undefined, 'jwks must be a public JWK Set'))),
  jwks_uri: v.optional(
    v.nullable(
      v.custom<string>(
        (value) => typeof value === 'string' && isJwksUri(value),
        'jwks_uri must be an https URL without userinfo or fragment',
      ),
    ),
  ),
})

function isJwksUri(value: string): boolean {
  if (value.length > 2000 || !URL.canParse(value)) return false
  const url = new URL(value)
  return url.protocol === 'https:' && !url.username && !url.password && !url.hash
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** 24 letters and digits (~143 bits), like DOT's ids: never starting with "-", safe in any command line or URL. */
export function randomClientId(): string {
  // 248 = 62 * 4: bytes at or above it are dropped so every character is equally likely.
  let id = ''
  while (id.length < 24) {
    for (const byte of randomBytes(32)) if (byte < 248 && id.length < 24) id += ALPHANUMERIC[byte % 62]
  }
  return id
}

// ClientInput is written out for the published API; this fails to compile when it and the
// schema drift apart.
const inputMatchesSchema: [ClientInput, v.InferInput<typeof clientInput>] extends [v.InferInput<typeof clientInput>, ClientInput]
  ? true
  : false = true
void inputMatchesSchema

/** What a Client record keeps from its registration whatever its metadata: identity, secrets, origin. */
export type ClientBase = Pick<
  Client,
  | 'client_id'
  | 'created_at'
  | 'secret_hash'
  | 'previous_secret_hash'
  | 'previous_secret_expires_at'
  | 'dynamic'
  | 'metadata'
  | 'registration_token_hash'
>

/**
 * Validates client metadata (RFC 7591 §2) into a Client record, keeping id, secret, creation time
 * and registration origin. A dynamically registered client never skips consent nor introspects
 * (RFC 7591 §5: its metadata is unverified), whoever edits it.
 */
export function toClient(input: ClientInput, base: ClientBase): Client {
  // The JWK Set's own problem, named, rather than the schema's generic message.
  const jwksProblem = input.jwks ? publicJwksProblem(input.jwks) : undefined
  if (jwksProblem) throw new ConfigError('ERR_INVALID_CLIENT', `jwks: ${jwksProblem}`)
  const result = v.safeParse(clientInput, input)
  if (!result.success) {
    const issue = result.issues[0]
    throw new ConfigError('ERR_INVALID_CLIENT', `${issue.path?.map((p) => String(p.key)).join('.') ?? 'client'}: ${issue.message}`)
  }
  const m = result.output
  if (base.dynamic && (m.skip_authorization || m.introspection)) {
    throw new ConfigError('ERR_INVALID_CLIENT', 'a dynamically registered client cannot skip consent or introspect; register one for that')
  }
  const unknown = m.grant_types.find((grant) => !(GRANT_TYPES as readonly string[]).includes(grant) && !grant.includes(':'))
  if (unknown) throw new ConfigError('ERR_INVALID_CLIENT', `grant_types: unknown grant type "${unknown}"`)
  const method = m.token_endpoint_auth_method ?? (m.client_type === 'public' ? 'none' : 'client_secret_basic')
  if ((m.client_type === 'public') !== (method === 'none')) {
    throw new ConfigError('ERR_INVALID_CLIENT', 'token_endpoint_auth_method: public clients use "none", confidential ones a secret')
  }
  if (m.client_type === 'public' && m.grant_types.includes('client_credentials')) {
    throw new ConfigError('ERR_INVALID_CLIENT', 'grant_types: client_credentials needs a confidential client (RFC 6749 §4.4)')
  }
  const redirect_uris = [...new Set(m.redirect_uris.map(canonicalRedirectUri))]
  const redirecting = m.grant_types.includes('authorization_code') || m.grant_types.includes('implicit')
  if (redirecting && redirect_uris.length === 0) {
    throw new ConfigError('ERR_INVALID_CLIENT', 'redirect_uris: authorization_code and implicit need at least one redirect URI')
  }
  const response_types = checkResponseTypes(m.response_types, m.grant_types)
  const metadata = withSecretMethods(
    withKeys(
      withClientSettings(base.metadata, m.require_pushed_authorization_requests, m.dpop_bound_access_tokens),
      m.jwks,
      m.jwks_uri,
      method,
    ),
    m.secret_methods,
    method,
  )
  return {
    ...base,
    client_name: m.client_name,
    client_type: m.client_type,
    token_endpoint_auth_method: method,
    grant_types: [...new Set(m.grant_types)],
    response_types,
    redirect_uris,
    post_logout_redirect_uris: [...new Set(m.post_logout_redirect_uris.map(canonicalRedirectUri))],
    scope: m.scope.split(' ').filter(Boolean).join(' '),
    allowed_cors_origins: m.allowed_cors_origins.map((origin) => new URL(origin).origin),
    skip_authorization: m.skip_authorization,
    introspection: m.introspection,
    owner_sub: m.owner_sub,
    // A private_key_jwt client proves itself with its key: a secret left over would be a second way in.
    secret_hash: m.client_type === 'public' || method === 'private_key_jwt' ? null : base.secret_hash,
    metadata,
  }
}

/** The client's settings that live in its metadata (RFC 9126 §6, RFC 9449 §5.2), changed only when given. */
function withClientSettings(metadata: ClientMetadata, requirePushed: boolean | undefined, dpopBound: boolean | undefined): ClientMetadata {
  const pushed = requirePushed === undefined ? metadata : { ...metadata, require_pushed_authorization_requests: requirePushed }
  return dpopBound === undefined ? pushed : { ...pushed, dpop_bound_access_tokens: dpopBound }
}

/**
 * The client's `secret_methods` (RFC 6749 §2.3.1): given ones replace, null or [] removes, absent
 * keeps; only a client that authenticates with a secret keeps them, so `none` and key-based
 * methods never mix with a secret.
 */
function withSecretMethods(
  metadata: ClientMetadata,
  given: ('client_secret_basic' | 'client_secret_post')[] | null | undefined,
  method: string,
): ClientMetadata {
  const { secret_methods, ...rest } = metadata
  const wanted = given === undefined ? secret_methods : given
  if (!wanted?.length) return rest
  if (!isSecretMethod(method)) {
    if (given === undefined) return rest
    throw new ConfigError('ERR_INVALID_CLIENT', `secret_methods: a ${method} client has no secret to send another way`)
  }
  return { ...rest, secret_methods: [...new Set(wanted)] }
}

/**
 * The client's keys (RFC 7591 §2): given ones replace, null removes, absent keeps. Never both
 * `jwks` and `jwks_uri`; private_key_jwt needs one of them (RFC 7523 §2.2).
 */
function withKeys(
  metadata: ClientMetadata,
  jwks: PublicJwks | null | undefined,
  jwksUri: string | null | undefined,
  method: string,
): ClientMetadata {
  const next: ClientMetadata = { ...metadata }
  if (jwks === null) delete next.jwks
  else if (jwks !== undefined) next.jwks = withoutEmptyMembers(jwks)
  if (jwksUri === null) delete next.jwks_uri
  else if (jwksUri !== undefined) next.jwks_uri = jwksUri
  if (next.jwks && next.jwks_uri) throw new ConfigError('ERR_INVALID_CLIENT', 'jwks and jwks_uri must not both be set (RFC 7591 §2)')
  if (method === 'private_key_jwt' && !next.jwks && !next.jwks_uri) {
    throw new ConfigError('ERR_INVALID_CLIENT', 'token_endpoint_auth_method: private_key_jwt needs the client keys, jwks or jwks_uri')
  }
  return next
}

/**
 * RFC 7591 §2.1: each response type is a known one (in any member order, stored canonical) and
 * its grant types are registered: a code needs authorization_code; a token or ID Token from the
 * authorization endpoint needs implicit (OIDC Dynamic Client Registration §2).
 */
function checkResponseTypes(requested: string[] | undefined, grantTypes: string[]): ResponseType[] {
  if (requested === undefined) return derivedResponseTypes(grantTypes)
  const types = requested.map((value) => {
    const type = normaliseResponseType(value)
    if (type === undefined) throw new ConfigError('ERR_INVALID_CLIENT', `response_types: unknown response type "${value}"`)
    const missing = grantTypesFor(type).find((grant) => !grantTypes.includes(grant))
    if (missing) throw new ConfigError('ERR_INVALID_CLIENT', `response_types: "${type}" needs the ${missing} grant type`)
    return type
  })
  return [...new Set(types)]
}
