const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/** The RFC 9728 §3 well-known path suffix. */
export const WELL_KNOWN = '/.well-known/oauth-protected-resource'

/**
 * RFC 8707 §2: the canonical form of a resource indicator, or undefined when it is not an
 * absolute `https` URI (`http` on a loopback host) without a fragment. Scheme and host are
 * lowercased and a default port dropped; the path and query are kept exactly as written. This is
 * the form the authorization server stores as a token's audience, so that the two compare by
 * string equality.
 */
export function canonicalResource(value: string): string | undefined {
  // Whitespace, controls and backslashes are silently rewritten by URL parsers: refuse them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u0020\u007f\\#"]/.test(value) || !/^https?:\/\//i.test(value) || !URL.canParse(value)) return undefined
  const url = new URL(value)
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?]*@/i.test(value)) return undefined
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return undefined
  const authorityEnd = value.slice(url.protocol.length + 2).search(/[/?]/)
  const rest = authorityEnd === -1 ? '' : value.slice(url.protocol.length + 2 + authorityEnd)
  return `${url.protocol}//${url.host}${rest.startsWith('?') || rest === '' ? `/${rest}` : rest}`
}

/**
 * RFC 9728 §3.1: the metadata URL of a resource: the well-known suffix inserted between the host
 * and the path (and query), the path's leading `/` alone dropped, so that `https://api.example/`
 * has `https://api.example/.well-known/oauth-protected-resource` and `https://mcp.example/mcp`
 * has `https://mcp.example/.well-known/oauth-protected-resource/mcp`.
 */
export function metadataUrlOf(resource: string): string {
  const url = new URL(resource)
  const tail = resource.slice(url.origin.length)
  return `${url.origin}${WELL_KNOWN}${tail.startsWith('/?') || tail === '/' ? tail.slice(1) : tail}`
}
