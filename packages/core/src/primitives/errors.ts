/**
 * The error codes of RFC 6749 §4.1.2.1, §5.2 and RFC 6750 §3.1 that Grantline answers with, and
 * any other (RFC 6749 §8.5: extensions register their own, such as RFC 8628's
 * `authorization_pending`), so that an extension grant can throw its protocol's codes.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'invalid_target'
  // RFC 7591 §3.2.2: the registration endpoint's.
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | (string & {})

/**
 * RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. Descriptions may
 * echo request values, so they are mapped into that set here, once, and kept short.
 */
function toErrorDescription(text: string): string {
  return text
    .replace(/§/g, 'section ')
    .replace(/"/g, "'")
    .replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?')
    .slice(0, 200)
}

const ERROR_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/

const defaultStatus: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
}

/**
 * The one protocol error. A single renderer turns it into a Response; code never builds error
 * responses itself. `redirectUri` is set only once the client and redirect_uri were validated,
 * so only then may the authorization endpoint redirect the error back (RFC 6749 §4.1.2.1).
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode
  readonly status: number
  readonly headers: Record<string, string>

  constructor(error: OAuthErrorCode, description: string, options: { status?: number; headers?: Record<string, string> } = {}) {
    // RFC 6749 §5.2: an error code is %x20-21 / %x23-5B / %x5D-7E. An extension's code that is not
    // is a programmer error; thrown on a request, it becomes a generic server_error.
    if (!ERROR_CODE.test(error)) throw new TypeError('an OAuth error code is printable ASCII without " or \\')
    super(toErrorDescription(description))
    this.name = 'OAuthError'
    this.error = error
    this.status = options.status ?? defaultStatus[error] ?? 400
    this.headers = options.headers ?? {}
  }
}

/** A programmer error (bad configuration or API use), thrown at start-up, never on a request. */
export class ConfigError extends TypeError {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'ConfigError'
    this.code = code
  }
}
