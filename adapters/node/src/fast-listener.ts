import type { IncomingMessage, ServerResponse } from 'node:http'

/** A Fetch handler: the provider's `handle`, or one wrapped in the request log. */
export type FetchHandler = (request: Request) => Promise<Response>

/**
 * The most body bytes buffered before the handler runs: the core's own cap (64 KiB) plus one, so
 * that the core still sees a body that is too large and refuses it with 413.
 */
const MAX_BUFFERED = 64 * 1024 + 1

const BAD_REQUEST = 'Bad Request'

/**
 * A node:http request listener that hands each request to a Fetch handler with less conversion
 * than @hono/node-server: the body (small for every Grantline endpoint) is read into one buffer
 * first, so the Request is built from bytes instead of a Node stream bridged to a web stream, and
 * the Response, always fully formed by the core, is written with one `end()`. The benchmark
 * (test/bench, docs/benchmarks.md) shows where this matters: the token endpoint on Node.
 */
export function toFastListener(handle: FetchHandler): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    const method = incoming.method ?? 'GET'
    if (method === 'GET' || method === 'HEAD') {
      respond(handle, incoming, outgoing, null, false)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let overflow = false
    const onData = (chunk: Buffer) => {
      if (overflow) return
      size += chunk.length
      if (size > MAX_BUFFERED) {
        // Keep cap + 1 bytes (the core answers 413), read no more, and close after the answer.
        overflow = true
        chunks.push(chunk.subarray(0, chunk.length - (size - MAX_BUFFERED)))
        incoming.pause()
        finish()
        return
      }
      chunks.push(chunk)
    }
    const finish = () => {
      incoming.off('data', onData)
      incoming.off('end', finish)
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      respond(handle, incoming, outgoing, body, overflow)
    }
    incoming.on('data', onData)
    incoming.on('end', finish)
    incoming.on('error', () => outgoing.destroy())
  }
}

/** The request's URL from its Host header (the core takes its issuer from configuration, never from here). */
function requestUrl(incoming: IncomingMessage): string {
  const scheme = (incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
  return `${scheme}://${incoming.headers.host ?? 'localhost'}${incoming.url ?? '/'}`
}

function toRequest(incoming: IncomingMessage, body: Buffer | null): Request {
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  return new Request(requestUrl(incoming), { method: incoming.method ?? 'GET', headers, body: body && body.length > 0 ? (body as Uint8Array<ArrayBuffer>) : null })
}

function respond(handle: FetchHandler, incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer | null, close: boolean): void {
  let request: Request
  try {
    request = toRequest(incoming, body)
  } catch {
    // A Host header or path that makes no URL, or a method Fetch refuses.
    outgoing.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end(BAD_REQUEST)
    return
  }
  handle(request)
    .then((response) => writeResponse(response, outgoing, close))
    .catch(() => {
      // The core renders its own errors; this is a handler that threw, or a body that failed.
      if (outgoing.headersSent) outgoing.destroy()
      else outgoing.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error')
    })
}

async function writeResponse(response: Response, outgoing: ServerResponse, close: boolean): Promise<void> {
  const headers: string[] = []
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') headers.push(name, value)
  }
  for (const cookie of response.headers.getSetCookie()) headers.push('set-cookie', cookie)
  if (close) headers.push('connection', 'close')
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined
  if (body && !response.headers.has('content-length')) headers.push('content-length', String(body.length))
  outgoing.writeHead(response.status, headers)
  outgoing.end(body)
  if (close) outgoing.once('finish', () => outgoing.socket?.destroySoon())
}
