/**
 * The response types Grantline knows (RFC 6749 §3.1.1; OAuth 2.0 Multiple Response Types §3;
 * OIDC Core §3.2.2.1, §3.3.2.1), each in its canonical spelling.
 */
export const RESPONSE_TYPES = ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] as const

export type ResponseType = (typeof RESPONSE_TYPES)[number]

const ORDER = ['code', 'id_token', 'token']

/**
 * Multiple Response Types §3: a response_type is a space-delimited set whose order does not
 * matter. Answers its canonical spelling, or undefined for anything unknown, repeated or with
 * empty members.
 */
export function normaliseResponseType(value: string): ResponseType | undefined {
  const members = value.split(' ')
  const set = new Set(members)
  if (set.size !== members.length || members.some((member) => !ORDER.includes(member))) return undefined
  const canonical = ORDER.filter((member) => set.has(member)).join(' ')
  return RESPONSE_TYPES.find((type) => type === canonical)
}

/** What an authorization response of this type carries. */
export function responseParts(type: ResponseType): { code: boolean; token: boolean; idToken: boolean } {
  const members = type.split(' ')
  return { code: members.includes('code'), token: members.includes('token'), idToken: members.includes('id_token') }
}

/**
 * The grant types a client needs for a response type (OIDC Dynamic Client Registration §2): a
 * code needs authorization_code; an access token or ID Token from the authorization endpoint
 * needs implicit.
 */
export function grantTypesFor(type: ResponseType): string[] {
  const parts = responseParts(type)
  return [...(parts.code ? ['authorization_code'] : []), ...(parts.token || parts.idToken ? ['implicit'] : [])]
}

/** The response types a client gets when it registers none: derived from its grant types. */
export function derivedResponseTypes(grantTypes: readonly string[]): ResponseType[] {
  return [
    ...(grantTypes.includes('authorization_code') ? ['code' as const] : []),
    ...(grantTypes.includes('implicit') ? ['token' as const] : []),
  ]
}
