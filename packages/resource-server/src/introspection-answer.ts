import type { VerifiedAccess } from './types.js'

/** Why a token the authorization server answered for is refused (the `error_description`). */
export const INVALID = 'the access token is invalid, expired or revoked'
export const WRONG_AUDIENCE = 'the access token is not meant for this resource'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** RFC 7662 §2.2 `aud`: one string or an array of them; anything else names no audience. */
function audienceOf(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud]
  return Array.isArray(aud) ? aud.filter((item): item is string => typeof item === 'string') : []
}

/**
 * RFC 7662 §2.2: reads an introspection answer for this resource. Answers the access; a refusal
 * (its description) when the token is inactive, for another audience or none (RFC 8707 §2, RFC
 * 9068 §4: a resource accepts only tokens meant for it), expired by this clock, bound to a key
 * by anything but a DPoP key (`cnf`, RFC 9449 §6.2), or not named a Bearer or DPoP access token
 * (`token_type`, RFC 6749 §7.1: a refresh token is not one); and `null` when the answer is not an introspection
 * response at all.
 */
export function readIntrospection(body: unknown, resource: string, now: number): VerifiedAccess | string | null {
  if (!isRecord(body) || typeof body.active !== 'boolean') return null
  if (!body.active) return INVALID
  const audience = audienceOf(body.aud)
  if (!audience.includes(resource)) return WRONG_AUDIENCE
  const { exp, client_id, scope, sub, token_type } = body
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp * 1000 <= now) return INVALID
  if (typeof client_id !== 'string' || (scope !== undefined && typeof scope !== 'string')) return INVALID
  // A refresh token, which introspection also calls active, has no token_type and must never open
  // the API; a DPoP-bound access token (RFC 9449 §6.2) names its key, and no other binding is known here.
  const type = typeof token_type === 'string' ? token_type.toLowerCase() : undefined
  const jkt = isRecord(body.cnf) && typeof body.cnf.jkt === 'string' ? body.cnf.jkt : undefined
  if (type === 'bearer' ? body.cnf !== undefined : type !== 'dpop' || jkt === undefined) return INVALID
  return {
    sub: typeof sub === 'string' ? sub : null,
    client_id,
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    expires_at: exp,
    audience,
    ...(jkt === undefined ? {} : { cnf: { jkt } }),
  }
}
