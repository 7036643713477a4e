import { verifyClientJwt } from '../../clients/verify-client-jwt.js'
import type { ProviderContext } from '../../contracts/context.js'
import type { Params } from '../../contracts/params.js'
import type { Client } from '../../contracts/storage.js'
import { sha256Hex } from '../../primitives/crypto.js'
import { OAuthError } from '../../primitives/errors.js'

/** The JWT claims of a request object that are not authorization request parameters (RFC 7519 §4.1). */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub'])
/** A request object may live this long (FAPI 2.0 Message Signing §5.3.1: at most 60 minutes). */
const MAX_LIFETIME = 3600
const CLOCK_SKEW = 30
const MAX_LENGTH = 16_384

const invalidObject = (description: string) => new OAuthError('invalid_request_object', description)

/** The algorithms `client` may sign request objects with: the server's, narrowed to its registered one (RFC 9101 §10.2, OIDC Registration §2). */
function allowedAlgs(provider: ProviderContext, client: Client): readonly string[] {
  const registered = client.metadata.request_object_signing_alg
  return registered === undefined ? provider.clientJwtAlgs : provider.clientJwtAlgs.filter((alg) => alg === registered)
}

/** A claim's value as the parameter it stands for: strings as they are, `claims` (OIDC Core §5.5) and numbers as JSON. */
function toParameter(name: string, value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || (name === 'claims' && typeof value === 'object' && value !== null)) return JSON.stringify(value)
  // RFC 8707 §2: several resources, as the form parser joins repeated ones.
  if (name === 'resource' && Array.isArray(value) && value.every((item) => typeof item === 'string' && !item.includes(' '))) {
    return value.join(' ')
  }
  throw invalidObject(`the request object member "${name}" is not a string`)
}

/**
 * RFC 9101 §5, §6: the parameters of a signed `request` (a request object) in place of the
 * outer ones. The object is verified with jose against the client's registered keys (`alg: none`
 * and HS* refused, §6.2, §10.1), must name the client as `iss` and this issuer as `aud`, have an
 * unexpired `exp` at most an hour ahead, carry the outer client_id if it carries one (§5), and
 * must not nest `request` or `request_uri` (§4). A `jti`, when present, is single use.
 * OIDC Core §6.1: an outer `response_type` must equal the object's. Only the object's parameters
 * are used (§6.3), with the client_id. Failures are `invalid_request_object`. The PAR endpoint
 * reaches it through validateAuthorizationRequest for a pushed `request`.
 */
export async function resolveRequestObject(provider: ProviderContext, client: Client, params: Params): Promise<Params> {
  const jwt = params.get('request')
  if (jwt === undefined) return params
  if (params.has('request_uri'))
    throw new OAuthError('invalid_request', 'request and request_uri must not both be sent (RFC 9101 section 5)')
  const { config } = provider
  const now = config.seconds()
  const claims = await verifyClientJwt(
    provider.clientKeys,
    client,
    jwt,
    {
      audience: config.issuer,
      now,
      clockSkew: CLOCK_SKEW,
      algs: allowedAlgs(provider, client),
      maxLifetime: MAX_LIFETIME,
      maxLength: MAX_LENGTH,
      // RFC 9101 §4, RFC 8725 §3.11: oauth-authz-req+jwt or a plain JWT, never a client assertion's or a proof's typ.
      typ: (typ) => typ === undefined || /^(?:application\/)?(?:jwt|oauth-authz-req\+jwt)$/i.test(typ),
    },
    (description) => invalidObject(`request object: ${description}`),
  )
  if ('request' in claims || 'request_uri' in claims)
    throw invalidObject('a request object must not contain request or request_uri (RFC 9101 section 4)')
  if (claims.client_id !== undefined && claims.client_id !== client.client_id) {
    throw invalidObject('the request object client_id differs from the client_id parameter (RFC 9101 section 5)')
  }
  const outerType = params.get('response_type')
  if (outerType !== undefined && claims.response_type !== undefined && claims.response_type !== outerType) {
    throw invalidObject('the request object response_type differs from the response_type parameter (OIDC Core section 6.1)')
  }
  const resolved: Params = new Map([['client_id', client.client_id]])
  for (const [name, value] of Object.entries(claims)) {
    if (JWT_CLAIMS.has(name) || name === 'client_id' || value === null) continue
    resolved.set(name, toParameter(name, value))
  }
  const { remember } = config.storage
  if (typeof claims.jti === 'string' && remember) {
    const key = sha256Hex(`${client.client_id}:${claims.jti}`)
    if (!(await remember.call(config.storage, 'request_object', key, (claims.exp as number) + CLOCK_SKEW + 1, now))) {
      throw invalidObject('the request object was already used: its jti is single use')
    }
  }
  return resolved
}
