// An absolute URL with a host free of spaces and controls (which the parser would strip) and a
// path of only letters, digits, `_`, `-` and `/`: nothing in it for the WHATWG parser to
// normalize (no dot segments, percent-escapes or backslashes), so the path is as written.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what the host must not hold.
const PLAIN_PATH = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\\x00-\x20]+(\/[A-Za-z0-9_/-]*)(?:[?#]|$)/i

/** The request's path as `new URL(url).pathname` gives it, without the parser on the common path. */
export function pathnameOf(url: string): string {
  return PLAIN_PATH.exec(url)?.[1] ?? new URL(url).pathname
}
