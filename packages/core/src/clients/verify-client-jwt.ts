import { errors, type JWTPayload, jwtVerify } from 'jose'
import type { ClientKeys } from '../contracts/services.js'
import type { Client } from '../contracts/storage.js'
import { OAuthError } from '../primitives/errors.js'

/**
 * The algorithms a client may sign with (RFC 7523 §3, RFC 9101 §10.2): asymmetric only, never
 * `none` or HS* (the server keeps no client secret to share: secrets are stored hashed).
 * `Ed25519` is the fully-specified name of EdDSA over Ed25519 (RFC 9864), which some clients send.
 */
export const CLIENT_JWT_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'] as const

/** What a client's JWT must satisfy beyond its signature. */
export interface ClientJwtExpectation {
  /** Acceptable `aud` values: the JWT must name at least one. */
  audience: string | string[]
  /** Epoch seconds. */
  now: number
  /** Seconds of leeway for `exp`, `nbf` and `iat`. */
  clockSkew: number
  /** A subset of CLIENT_JWT_ALGS; all of them when absent. */
  algs?: readonly string[]
  /** `sub` must equal the client_id (RFC 7523 §3). */
  subjectIsClient?: boolean
  /** Claims that must be present, besides `iss`, `aud` and `exp`. */
  requiredClaims?: string[]
  /** The most seconds `exp` may lie ahead of `now` (plus skew). */
  maxLifetime?: number
  /** Longer JWTs are refused before any parsing. */
  maxLength: number
  /** Whether the header's `typ` is one this JWT may have (RFC 8725 §3.11: one kind of JWT is not taken for another). */
  typ?: (typ: string | undefined) => boolean
}

/**
 * Verifies a JWT that `client` signed (private_key_jwt assertions, RFC 7523 §3; request objects,
 * RFC 9101 §6.2) with jose against the client's keys: an allowed algorithm, `iss` the client_id,
 * one of the expected audiences, an unexpired `exp` that is required, `nbf` and `iat` not in the
 * future. Every failure is `fail(description)`; the description names the check, never a key.
 */
export async function verifyClientJwt(
  keys: ClientKeys,
  client: Client,
  jwt: string,
  expect: ClientJwtExpectation,
  fail: (description: string) => OAuthError,
): Promise<JWTPayload> {
  if (jwt.length > expect.maxLength) throw fail(`the JWT is longer than ${expect.maxLength} characters`)
  let payload: JWTPayload
  let typ: string | undefined
  try {
    ;({
      payload,
      protectedHeader: { typ },
    } = await jwtVerify(jwt, keys.resolver(client), {
      algorithms: [...(expect.algs ?? CLIENT_JWT_ALGS)],
      issuer: client.client_id,
      ...(expect.subjectIsClient ? { subject: client.client_id } : {}),
      audience: expect.audience,
      currentDate: new Date(expect.now * 1000),
      clockTolerance: expect.clockSkew,
      requiredClaims: ['exp', ...(expect.requiredClaims ?? [])],
    }))
  } catch (error) {
    throw fail(describe(error, expect.algs ?? CLIENT_JWT_ALGS))
  }
  if (expect.typ && !expect.typ(typ)) throw fail(`the JWT typ "${typ}" is not the one expected here (RFC 8725 section 3.11)`)
  if (payload.iat !== undefined && payload.iat > expect.now + expect.clockSkew) throw fail('the JWT iat is in the future')
  if (expect.maxLifetime !== undefined && (payload.exp as number) > expect.now + expect.maxLifetime + expect.clockSkew) {
    throw fail(`the JWT exp is more than ${expect.maxLifetime} seconds ahead`)
  }
  return payload
}

/** A description of why jose refused a JWT, from its error codes; the client's own key problems keep their text. */
function describe(error: unknown, algs: readonly string[]): string {
  if (error instanceof OAuthError) return error.message
  if (error instanceof errors.JWTExpired) return 'the JWT has expired'
  if (error instanceof errors.JWTClaimValidationFailed) return `the JWT ${error.claim} claim is missing or wrong (${error.reason})`
  if (error instanceof errors.JOSEAlgNotAllowed) return `the JWT algorithm is not allowed; use one of ${algs.join(', ')}`
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the client matches the JWT (kid and alg)'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the JWT signature does not verify with the client keys'
  if (error instanceof errors.JWKSInvalid) return 'the client keys are not a usable public JWK Set'
  if (error instanceof errors.JOSEError) return 'the JWT is malformed or not a signed JWT'
  // Web Crypto refusing a registered key's material (a DataError, or a TypeError from the import).
  if (error instanceof TypeError || (error instanceof Error && error.name === 'DataError')) return 'a client key could not be used'
  throw error
}
