import { ORIGIN } from './fixture.js'

export type Pair = [string, string]

/** A request body: an urlencoded form (as pairs), raw bytes, or JSON. */
export type Body =
  | { kind: 'none' }
  | { kind: 'form'; pairs: Pair[] }
  | { kind: 'raw'; bytes: Uint8Array<ArrayBuffer> }
  | { kind: 'json'; value: unknown }

/**
 * A request as the fuzzer edits it. `params` live in the query (GET) or the form body (POST) as
 * pairs, so mutations can drop, repeat and rewrite them; `contentType` null sends none at all.
 */
export interface RequestModel {
  method: string
  path: string
  query: Pair[]
  /** Appended verbatim after the encoded query: broken percent-escapes, stray `&` and `=`. */
  rawQuery: string
  headers: Pair[]
  body: Body
  contentType: string | null
}

export const FORM = 'application/x-www-form-urlencoded'

export function getModel(path: string, query: Pair[] = [], headers: Pair[] = []): RequestModel {
  return { method: 'GET', path, query, rawQuery: '', headers, body: { kind: 'none' }, contentType: null }
}

export function postModel(path: string, pairs: Pair[], headers: Pair[] = []): RequestModel {
  return { method: 'POST', path, query: [], rawQuery: '', headers, body: { kind: 'form', pairs }, contentType: FORM }
}

/** The pairs mutations act on: the form body when there is one, else the query. */
export function paramsOf(model: RequestModel): Pair[] {
  return model.body.kind === 'form' ? model.body.pairs : model.query
}

const encoder = new TextEncoder()

function bodyInit(model: RequestModel): BodyInit | undefined {
  if (model.method === 'GET' || model.method === 'HEAD') return undefined
  switch (model.body.kind) {
    case 'none':
      return undefined
    case 'form':
      // URLSearchParams turns lone surrogates into U+FFFD, as a browser's form encoding would.
      return encoder.encode(new URLSearchParams(model.body.pairs).toString())
    case 'raw':
      return model.body.bytes
    case 'json':
      return encoder.encode(JSON.stringify(model.body.value) ?? 'null')
  }
}

/** Header values are ByteStrings without NUL, CR or LF: anything else cannot be sent on the wire. */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').trim()
}

/** Builds the Request; answers null for a request no client could send (the Request constructor refuses it). */
export function toRequest(model: RequestModel): Request | null {
  const search = new URLSearchParams(model.query).toString() + model.rawQuery
  const url = `${ORIGIN}${model.path}${search ? `?${search}` : ''}`
  const headers = new Headers()
  try {
    for (const [name, value] of model.headers) headers.append(name, headerSafe(value))
    if (model.contentType !== null) headers.set('content-type', headerSafe(model.contentType))
    const body = bodyInit(model)
    return new Request(url, { method: model.method, headers, ...(body === undefined ? {} : { body }) })
  } catch {
    return null
  }
}

/**
 * What of a request a server may legitimately echo back (an error naming a bad `grant_type`, the
 * login form keeping its username): everything but the values of credential-carrying fields and
 * the Authorization and Cookie headers. A known secret found in a response is a leak unless the
 * request put it in one of these echoable places itself.
 */
const CREDENTIAL_FIELDS = new Set([
  'client_secret',
  'password',
  'code',
  'code_verifier',
  'refresh_token',
  'token',
  'access_token',
  'assertion',
])

export function echoable(model: RequestModel): string {
  const parts: string[] = [model.path, model.rawQuery, model.method]
  const pairs = [...model.query, ...(model.body.kind === 'form' ? model.body.pairs : [])]
  // The authorization endpoint carries the whole request on to the login page (returnTo), so
  // there every parameter is the requester's own input echoed back to it.
  const carried = /\/authorize\/?$/.test(model.path)
  for (const [name, value] of pairs) parts.push(name, CREDENTIAL_FIELDS.has(name) && !carried ? '' : value)
  for (const [name, value] of model.headers) if (!/^(authorization|cookie)$/i.test(name)) parts.push(name, value)
  if (model.body.kind === 'raw') parts.push(new TextDecoder().decode(model.body.bytes))
  if (model.body.kind === 'json') parts.push(JSON.stringify(model.body.value) ?? '')
  if (model.contentType) parts.push(model.contentType)
  const text = parts.join('\n')
  // Also in the forms a page or URL would carry them: percent-decoded and form-decoded.
  const decoded = safeDecode(text)
  return `${text}\n${decoded}\n${new URLSearchParams(model.query).toString()}`
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** A one-line description for failure messages: enough to rebuild the request by hand. */
export function describe(model: RequestModel): string {
  const body =
    model.body.kind === 'form'
      ? new URLSearchParams(model.body.pairs).toString()
      : model.body.kind === 'raw'
        ? `<raw ${model.body.bytes.length} bytes>`
        : model.body.kind === 'json'
          ? JSON.stringify(model.body.value)
          : ''
  const text = `${model.method} ${model.path}?${new URLSearchParams(model.query)}${model.rawQuery} headers=${JSON.stringify(model.headers)} type=${model.contentType} body=${body}`
  return text.length > 2000 ? `${text.slice(0, 2000)}...` : text
}
