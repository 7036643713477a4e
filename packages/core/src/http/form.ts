import type { Params } from '../contracts/params.js'
import { OAuthError } from '../primitives/errors.js'

/** Request bodies are capped before parsing (docs/architecture.md "The request pipeline"). */
export const MAX_BODY_BYTES = 64 * 1024
const MAX_PARAMETERS = 100
const encoder = new TextEncoder()

/**
 * Parses `application/x-www-form-urlencoded` pairs, refusing repeated parameters: RFC 6749 §3.1
 * "Request and response parameters MUST NOT be included more than once", except `resource`,
 * which RFC 8707 §2 lets a request name several times.
 */
export function parseParams(encoded: string): Params {
  const params: Params = new Map()
  const seen = new Set<string>()
  let count = 0
  for (const [name, value] of formPairs(encoded)) {
    if (++count > MAX_PARAMETERS) throw new OAuthError('invalid_request', 'too many parameters')
    // No OAuth value holds U+0000, and PostgreSQL's text refuses it: refused here, not as a 500 there.
    if (name.includes('\0') || value.includes('\0')) throw new OAuthError('invalid_request', 'a parameter holds a NUL character')
    if (name === 'resource') {
      addResource(params, value)
      continue
    }
    if (seen.has(name)) throw new OAuthError('invalid_request', `parameter "${name}" is repeated`)
    seen.add(name)
    if (value !== '') params.set(name, value)
  }
  return params
}

// Nothing URLSearchParams would change: no leading `?` (which it drops), no escapes, no `+`, no
// lone surrogate (which it would make U+FFFD).
const LITERAL_FORM = /^(?!\?)[^%+\uD800-\uDFFF]*$/

/**
 * The name/value pairs of a form body as URLSearchParams gives them (WHATWG URL
 * application/x-www-form-urlencoded parsing), split here when nothing in it needs decoding: the
 * common token request, without building the parser's object.
 */
function formPairs(encoded: string): Iterable<[string, string]> {
  if (!LITERAL_FORM.test(encoded)) return new URLSearchParams(encoded)
  const pairs: [string, string][] = []
  for (const sequence of encoded.split('&')) {
    if (sequence === '') continue
    const equals = sequence.indexOf('=')
    pairs.push(equals === -1 ? [sequence, ''] : [sequence.slice(0, equals), sequence.slice(equals + 1)])
  }
  return pairs
}

function addResource(params: Params, value: string): void {
  // A space cannot be in a URI; refused here, it cannot split one value into two.
  if (value === '' || value.includes(' ')) throw new OAuthError('invalid_target', 'a resource must be an absolute URI (RFC 8707 §2)')
  const earlier = params.get('resource')
  params.set('resource', earlier === undefined ? value : `${earlier} ${value}`)
}

/** Reads a capped form body. Anything but a form is refused with invalid_request, never a 500. */
export async function readForm(request: Request): Promise<Params> {
  const header = request.headers.get('content-type') ?? ''
  const semicolon = header.indexOf(';')
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded')
  }
  return parseParams(await readCappedText(request))
}

/** Reads a body of at most MAX_BODY_BYTES as text; a longer one is refused (413) before it is all read. */
export async function readCappedText(request: Request): Promise<string> {
  const length = request.headers.get('content-length')
  const declared = Number(length ?? 0)
  if (declared > MAX_BODY_BYTES) throw tooLarge()
  // A declared length within the cap bounds what the server reads (HTTP/1.1 frames the body by
  // it), so the whole body is read at once, cheaper than chunk by chunk on every runtime. The
  // length check after it covers a Request built in-process with a header that understates it.
  if (length !== null && Number.isInteger(declared)) {
    const text = await request.text()
    // A UTF-8 character is at most 3 bytes per UTF-16 code unit: only a long text is measured.
    if (text.length * 3 > MAX_BODY_BYTES && encoder.encode(text).byteLength > MAX_BODY_BYTES) throw tooLarge()
    return text
  }
  return readCapped(request)
}

async function readCapped(request: Request): Promise<string> {
  if (!request.body) return ''
  const reader = request.body.getReader()
  const decoder = new TextDecoder()
  let size = 0
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return text + decoder.decode()
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      throw tooLarge()
    }
    text += decoder.decode(value, { stream: true })
  }
}

const tooLarge = () => new OAuthError('invalid_request', `the body exceeds ${MAX_BODY_BYTES} bytes`, { status: 413 })

/** The query string of a request as Params. */
export function queryParams(request: Request): Params {
  const url = request.url
  const start = url.indexOf('?')
  if (start === -1) return new Map()
  const end = url.indexOf('#', start)
  return parseParams(url.slice(start + 1, end === -1 ? undefined : end))
}

/** A required parameter, or invalid_request naming it. */
export function required(params: Params, name: string): string {
  const value = params.get(name)
  if (value === undefined) throw new OAuthError('invalid_request', `the ${name} parameter is required`)
  return value
}
