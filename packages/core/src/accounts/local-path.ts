const BASE = 'https://local.invalid'
/** No spaces or control characters; non-ASCII arrives percent-encoded from a browser. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/

/**
 * `next` as a local path, or undefined: it must start with a single `/` (not `//` or `/\`, which
 * browsers read as another host), carry no control characters or spaces (browsers drop tabs and
 * newlines, so `/\t/evil.example` would become `//evil.example`) and resolve to this origin.
 * Django's `url_has_allowed_host_and_scheme` with no allowed host, as DOT's login uses it.
 */
export function localPath(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 8192 || !VISIBLE_ASCII.test(value)) return undefined
  if (value[0] !== '/' || value[1] === '/' || value[1] === '\\') return undefined
  try {
    return new URL(value, BASE).origin === BASE ? value : undefined
  } catch {
    return undefined
  }
}
