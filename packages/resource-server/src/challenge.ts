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
 * RFC 6750 §3 and RFC 9449 §7.1, §7.2: the challenges of a resource that takes both Bearer and
 * DPoP tokens, each naming the metadata URL (RFC 9728 §5.1), DPoP with the accepted `algs`; the
 * error, if any, goes on the scheme the token came under, which comes first. Without an error
 * (no token), the challenges alone with no body.
 */
export function tokenChallenge(
  status: 401 | 403,
  metadataUrl: string,
  scheme: 'bearer' | 'dpop',
  algs: readonly string[],
  error?: BearerError,
  description?: string,
  scope?: string,
): Response {
  const details = [
    ...(error ? [`error=${quoted(error)}`] : []),
    ...(description ? [`error_description=${quoted(description)}`] : []),
    ...(scope ? [`scope=${quoted(scope)}`] : []),
  ]
  const metadata = `resource_metadata=${quoted(metadataUrl)}`
  const dpop = scheme === 'dpop'
  const bearerChallenge = `Bearer ${[metadata, ...(dpop ? [] : details)].join(', ')}`
  const dpopChallenge = `DPoP ${[metadata, ...(dpop ? details : []), `algs=${quoted(algs.join(' '))}`].join(', ')}`
  const headers: Record<string, string> = {
    'www-authenticate': dpop ? `${dpopChallenge}, ${bearerChallenge}` : `${bearerChallenge}, ${dpopChallenge}`,
    'cache-control': 'no-store',
  }
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

/** RFC 9110 §5.6.2 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * The challenges of a `WWW-Authenticate` value (RFC 9110 §11.6.1): split at the commas, outside
 * quoted strings, that are followed by a scheme (a token not followed by `=`) rather than a parameter.
 */
function splitChallenges(value: string): string[] {
  const parts: string[] = []
  let start = 0
  let quotedString = false
  for (let i = 0; i < value.length; i++) {
    const char = value[i]
    if (quotedString) {
      if (char === '\\') i++
      else if (char === '"') quotedString = false
    } else if (char === '"') {
      quotedString = true
    } else if (char === ',') {
      const next = /^\s*([^\s,=]+)\s*(=?)/.exec(value.slice(i + 1))
      if (next && TOKEN.test(next[1] as string) && next[2] === '') {
        parts.push(value.slice(start, i).trim())
        start = i + 1
      }
    }
  }
  parts.push(value.slice(start).trim())
  return parts.filter(Boolean)
}

/**
 * RFC 9728 §5.1: the same challenges with `resource_metadata` added to each Bearer and DPoP one,
 * for a 400/401/403 answered by an authorization server in the same process (whose challenges
 * name only its own realm).
 */
export function withResourceMetadata(response: Response, metadataUrl: string): Response {
  if (![400, 401, 403].includes(response.status)) return response
  const parameter = `resource_metadata=${quoted(metadataUrl)}`
  const challenges = splitChallenges(response.headers.get('www-authenticate') ?? '').map((challenge) => {
    if (!/^(bearer|dpop)(\s|$)/i.test(challenge) || /resource_metadata=/i.test(challenge)) return challenge
    return /^\S+\s+\S/.test(challenge) ? `${challenge}, ${parameter}` : `${challenge} ${parameter}`
  })
  const headers = new Headers(response.headers)
  headers.set('www-authenticate', challenges.length > 0 ? challenges.join(', ') : `Bearer ${parameter}`)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/** The ready 503 for an authorization server that cannot be asked: nothing about why. */
export function temporarilyUnavailable(): Response {
  return new Response(JSON.stringify({ error: 'temporarily_unavailable' }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '5' },
  })
}
