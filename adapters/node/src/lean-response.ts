import { delegateToReal } from './delegate-to-real.js'

/**
 * A Response that keeps a string or byte body as it was given, so that a node:http listener can
 * write it with one `end()` instead of reading it back through a web stream: on Node a Fetch
 * Response costs more to build and to read than the whole token issue behind it (see
 * docs/benchmarks.md). Installed as the global `Response` by `toFastListener`, as
 * @hono/node-server's listener installs its own. Status, headers and the body for the listener
 * come from the lean fields; every other member builds the real Response once and answers from it.
 */
const NativeResponse = globalThis.Response

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304])

export type LeanBody = string | Uint8Array | null

export class LeanResponse {
  #body: LeanBody
  #status: number
  #statusText: string
  #init: HeadersInit | undefined
  #headers: Headers | undefined
  #real: Response | undefined

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    const status = init?.status ?? 200
    const lean = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array
    if (!lean || status < 200 || status > 599 || (body != null && NULL_BODY_STATUS.has(status))) {
      // Streams, blobs, forms, and the cases the real constructor refuses: the real Response
      // builds (or throws) exactly as without this class.
      this.#real = new NativeResponse(body, init)
    }
    this.#body = lean ? ((body ?? null) as LeanBody) : null
    this.#status = status
    this.#statusText = init?.statusText ?? ''
    this.#init = init?.headers
  }

  get status(): number {
    return this.#real ? this.#real.status : this.#status
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  get headers(): Headers {
    if (this.#real) return this.#real.headers
    if (!this.#headers) {
      this.#headers = new Headers(this.#init)
      if (typeof this.#body === 'string' && !this.#headers.has('content-type'))
        this.#headers.set('content-type', 'text/plain;charset=UTF-8')
    }
    return this.#headers
  }

  /** The body as given, while no other member has built the real Response; else undefined. */
  leanBody(): LeanBody | undefined {
    return this.#real ? undefined : this.#body
  }

  /**
   * The headers as given, while they are a plain record (what the core passes) and neither the
   * Headers nor the real Response was built, so that nothing changed them since; else undefined.
   * Without a `content-type` default: the listener adds it for a string body, as `headers` does.
   * The record may be shared between responses (the core's JSON headers): read it, never change it.
   */
  leanHeaders(): Readonly<Record<string, string>> | undefined {
    if (this.#real || this.#headers) return undefined
    const init = this.#init
    if (init === undefined) return {}
    const proto: unknown = Object.getPrototypeOf(init)
    // Arrays, Headers, Maps and other iterables are read as pairs: the Headers path handles them.
    if ((proto !== Object.prototype && proto !== null) || Symbol.iterator in init) return undefined
    return init as Readonly<Record<string, string>>
  }

  /** The real Response, built on first use of any other member. */
  real(): Response {
    this.#real ??= new NativeResponse(this.#body as BodyInit | null, {
      status: this.#status,
      statusText: this.#statusText,
      headers: this.headers,
    })
    return this.#real
  }
}

// `response instanceof Response` holds, and Response.json() and the other statics still work.
delegateToReal(LeanResponse, NativeResponse, ['status', 'ok', 'headers'])
Object.setPrototypeOf(LeanResponse, NativeResponse)

/** Makes `new Response(...)` build a LeanResponse in this process (idempotent). */
export function installLeanResponse(): void {
  if (globalThis.Response !== (LeanResponse as unknown as typeof Response)) globalThis.Response = LeanResponse as unknown as typeof Response
}
