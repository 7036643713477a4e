/** An RFC 6750 §3.1 error code. */
export type BearerError = 'invalid_request' | 'invalid_token' | 'insufficient_scope'

/** RFC 7230 §3.2.6 quoted-string: a backslash before `"` and `\`. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`
}

/**
 * RFC 6750 §3 with RFC 9728 §5.1: a `WWW-Authenticate: Bearer` challenge that names the
 * resource's metadata URL, so that a client which has no token yet can find the authorization
 * server. Without an error code when the request carried no token (RFC 6750 §3.1); with a JSON
 * body naming the error otherwise.
 */
export function bearerChallenge(
  status: 400 | 401 | 403,
  metadataUrl: string,
  error?: BearerError,
  description?: string,
  scope?: string,
): Response {
  const parts = [`resource_metadata=${quoted(metadataUrl)}`]
  if (error) parts.push(`error=${quoted(error)}`)
  if (description) parts.push(`error_description=${quoted(description)}`)
  if (scope) parts.push(`scope=${quoted(scope)}`)
  const headers: Record<string, string> = { 'www-authenticate': `Bearer ${parts.join(', ')}`, 'cache-control': 'no-store' }
  // No token, no error (RFC 6750 §3.1): the challenge alone, with no body to type.
  if (!error) return new Response(null, { status, headers })
  headers['content-type'] = 'application/json'
  return new Response(JSON.stringify({ error, error_description: description }), { status, headers })
}

/**
 * RFC 9449 §7.1: a `WWW-Authenticate: DPoP` challenge for a DPoP-bound token or its proof, naming
 * the accepted `algs` and the resource's metadata URL, with a JSON body.
 */
export function dpopChallenge(
  metadataUrl: string,
  error: 'invalid_token' | 'invalid_dpop_proof',
  description: string,
  algs: readonly string[],
): Response {
  const challenge = `DPoP resource_metadata=${quoted(metadataUrl)}, error=${quoted(error)}, error_description=${quoted(description)}, algs=${quoted(algs.join(' '))}`
  return new Response(JSON.stringify({ error, error_description: description }), {
    status: 401,
    headers: { 'www-authenticate': challenge, 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

/**
 * RFC 9728 §5.1: the same challenge with `resource_metadata` added, for a 400/401/403 answered by
 * an authorization server in the same process (whose challenge names only its own realm).
 */
export function withResourceMetadata(response: Response, metadataUrl: string): Response {
  if (![400, 401, 403].includes(response.status)) return response
  const challenge = response.headers.get('www-authenticate') ?? ''
  if (/resource_metadata=/i.test(challenge)) return response
  const parameter = `resource_metadata=${quoted(metadataUrl)}`
  const headers = new Headers(response.headers)
  headers.set('www-authenticate', /^(bearer|dpop)\s+\S/i.test(challenge) ? `${challenge}, ${parameter}` : `Bearer ${parameter}`)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/** The ready 503 for an authorization server that cannot be asked: nothing about why. */
export function temporarilyUnavailable(): Response {
  return new Response(JSON.stringify({ error: 'temporarily_unavailable' }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '5' },
  })
}
