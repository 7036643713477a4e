/** RFC 6749 §5.2 (and §4.1.2.1): error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
export const ERROR_DESCRIPTION = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** RFC 6749 §5.2. */
const TOKEN_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  // RFC 8707 §2: a resource parameter that is malformed or not served here.
  'invalid_target',
]

/** The errors each kind of endpoint may answer with, by the RFC that defines them. */
export const ALLOWED_ERRORS = {
  token: TOKEN_ERRORS,
  /** RFC 7009 §2.2.1 adds unsupported_token_type to §5.2. */
  revoke: [...TOKEN_ERRORS, 'unsupported_token_type'],
  /** RFC 7662 §2.3 uses §5.2. */
  introspect: TOKEN_ERRORS,
  /** RFC 6750 §3.1. */
  userinfo: ['invalid_request', 'invalid_token', 'insufficient_scope'],
  /** RFC 6749 §4.1.2.1 and §4.2.2.1, OIDC Core §3.1.2.6 (server_error never: nothing fails while fuzzing). */
  authorize: [
    'invalid_request',
    'unauthorized_client',
    'access_denied',
    'unsupported_response_type',
    'invalid_scope',
    'temporarily_unavailable',
    'interaction_required',
    'login_required',
    'account_selection_required',
    'consent_required',
    'invalid_request_uri',
    'invalid_request_object',
    'request_not_supported',
    'request_uri_not_supported',
    'registration_not_supported',
    // RFC 8707 §2.
    'invalid_target',
  ],
} as const

/** Stack frames and source locations: none may reach a client. */
export const STACK_TRACE =
  /\n\s+at\s|\bat [\w$.<>]+ \(|file:\/\/|node:internal|\/node_modules\/|\/work\/|packages\/core\/|\.(?:ts|js|mjs|cjs):\d+:\d+|\b(?:Type|Range|Syntax|Reference)Error: /g

/** A broken property: fast-check reports it with the request that broke it. */
export class PropertyViolation extends Error {}

export function violation(message: string): never {
  throw new PropertyViolation(message)
}

export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return violation(`${where}: a JSON endpoint answered a body that is not JSON: ${text.slice(0, 200)}`)
  }
}

/** RFC 6749 §5.2: `{ error, error_description?, error_uri? }`, the code from the endpoint's set. */
export function checkErrorBody(body: unknown, allowed: readonly string[], where: string): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) violation(`${where}: error body is not an object`)
  const record = body as Record<string, unknown>
  const extra = Object.keys(record).filter((name) => !['error', 'error_description', 'error_uri'].includes(name))
  if (extra.length > 0) violation(`${where}: error body has extra members ${extra.join()}`)
  if (typeof record.error !== 'string' || !allowed.includes(record.error)) {
    violation(`${where}: error ${JSON.stringify(record.error)} not in ${allowed.join()}`)
  }
  const description = record.error_description
  if (description !== undefined && (typeof description !== 'string' || description === '' || !ERROR_DESCRIPTION.test(description))) {
    violation(`${where}: error_description ${JSON.stringify(description)} is outside %x20-21 / %x23-5B / %x5D-7E`)
  }
  return record.error
}
