import { ConfigError } from '../primitives/errors.js'

const FORBIDDEN_SCHEMES = ['javascript', 'data', 'vbscript', 'blob', 'file']
const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]']

/**
 * Validates and canonicalises a redirect URI once, at registration (RFC 9700 §4.1.3, RFC 8252
 * §7): lowercase scheme and host, IDN to punycode, default port dropped; no userinfo, no fragment;
 * `https`, `http` only on loopback, or a private-use scheme with a dot (RFC 8252 §7.1). Characters
 * that the WHATWG URL parser rewrites silently (whitespace and controls, which it strips, and the
 * backslash, which it reads as "/") are refused, so the stored URI is the one that was written.
 */
export function canonicalRedirectUri(input: string): string {
  const fail = (why: string) => new ConfigError('ERR_INVALID_REDIRECT_URI', `redirect URI "${input}" ${why}`)
  // Browsers drop tabs, newlines and leading controls before reading the scheme: so do we.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  const squeezed = input.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase()
  if (FORBIDDEN_SCHEMES.some((scheme) => squeezed.startsWith(`${scheme}:`))) throw fail('uses a forbidden scheme')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u0020\u007f]/.test(input)) throw fail('contains whitespace or control characters')
  // The URL parser reads a backslash as "/" in http(s) URLs: it would silently move the host boundary.
  if (input.includes('\\')) throw fail('must not contain a backslash')
  if (input.includes('#')) throw fail('must not contain a fragment (RFC 6749 §3.1.2)')
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw fail('is not an absolute URI')
  }
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?]*@/i.test(input)) throw fail('must not contain userinfo')
  const scheme = url.protocol.slice(0, -1)
  if (FORBIDDEN_SCHEMES.includes(scheme)) throw fail('uses a forbidden scheme')
  if (scheme === 'http') {
    if (!isLoopback(url.hostname, true)) throw fail('may use http only on a loopback host (RFC 8252 §7.3)')
  } else if (scheme !== 'https' && !scheme.includes('.')) {
    throw fail('must use https, http on loopback, or a reverse-domain private-use scheme (RFC 8252 §7.1)')
  }
  if ((scheme === 'http' || scheme === 'https') && !url.hostname) throw fail('has no host')
  return url.href
}

function isLoopback(hostname: string, withLocalhost: boolean): boolean {
  return LOOPBACK_HOSTS.includes(hostname) || (withLocalhost && hostname === 'localhost')
}

/**
 * RFC 9700 §4.1.3: the requested URI matches a registered one by exact string equality, with no
 * normalisation first. The one exception, RFC 8252 §7.3: on a registered loopback IP (and
 * `localhost` when allowed) any port is accepted.
 */
export function matchRedirectUri(requested: string, registered: readonly string[], allowLocalhost: boolean): boolean {
  for (const uri of registered) {
    if (uri === requested) return true
    const loopback = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::\d+)?(\/.*)?$/.exec(uri)
    if (!loopback || (loopback[1] === 'localhost' && !allowLocalhost)) continue
    const prefix = `http://${loopback[1]}`
    const suffix = loopback[2] ?? ''
    // The prefix and suffix must not overlap, or another path could pass for the registered one.
    if (requested.length < prefix.length + suffix.length || !requested.startsWith(prefix) || !requested.endsWith(suffix)) continue
    const port = requested.slice(prefix.length, requested.length - suffix.length)
    if (port === '' || (/^:[1-9]\d{0,4}$/.test(port) && Number(port.slice(1)) <= 65535)) return true
  }
  return false
}
