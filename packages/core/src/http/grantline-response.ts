/**
 * What a listener that recognises a GrantlineResponse writes: the status, the headers (the record
 * the core passed, or the Headers once someone asked for them and may have changed them) and the
 * body as given.
 */
export interface RawResponse {
  status: number
  headers: Readonly<Record<string, string>> | Headers
  body: string | null
}

let enabled = false

/**
 * Makes `json()` and `redirect()` build GrantlineResponses in this process. Called by a listener
 * that writes them from `rawResponse()` (the Node adapter): a server that reads a Response's
 * internal body (workerd, Deno, Bun) would send a GrantlineResponse's empty one, so elsewhere the
 * core builds platform Responses. Changes no global: `Response` stays the platform's.
 */
export function enableRawResponses(): void {
  enabled = true
}

/**
 * A platform Response, or a GrantlineResponse once `enableRawResponses()` was called. `platform`,
 * the same headers as a Headers built once, is what a platform Response gets when given: a Response
 * copies the Headers it is given, and copying one costs Bun a third of reading a record.
 */
export function buildResponse(
  body: string | null,
  status: number,
  headers: Readonly<Record<string, string>>,
  platform?: Headers,
): Response {
  return enabled ? new GrantlineResponse(body, status, headers) : new Response(body, { status, headers: platform ?? headers })
}

/**
 * The status, headers and body a GrantlineResponse was built with, while its body was never read
 * (nor its stream built); else, and for any other Response, undefined.
 */
export function rawResponse(response: Response): RawResponse | undefined {
  return GrantlineResponse.raw(response)
}

/**
 * A Response (`instanceof Response` holds) that keeps its body text and header record, so that the
 * Node listener writes them with one `end()`: on Node 20 a platform Response with a string body
 * costs about 10 µs to build (a web stream) and as much again to read, against under 1 µs here.
 * The platform part is built with no body and no headers; every member that reads them answers
 * from the raw fields, building the Headers, or the platform Response for the body, on first use.
 */
class GrantlineResponse extends Response {
  readonly #body: string | null
  readonly #record: Readonly<Record<string, string>>
  #headers: Headers | undefined
  #platform: Response | undefined

  constructor(body: string | null, status: number, headers: Readonly<Record<string, string>>) {
    super(null, { status })
    this.#body = body
    this.#record = headers
  }

  static raw(response: Response): RawResponse | undefined {
    if (!(#body in response) || response.#platform) return undefined
    return { status: response.status, headers: response.#headers ?? response.#record, body: response.#body }
  }

  override get headers(): Headers {
    this.#headers ??= new Headers(this.#record)
    return this.#headers
  }

  override get body(): Response['body'] {
    return this.#withBody().body
  }

  override get bodyUsed(): boolean {
    return this.#platform ? this.#platform.bodyUsed : false
  }

  override text(): Promise<string> {
    return this.#withBody().text()
  }

  override json(): Promise<unknown> {
    return this.#withBody().json()
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#withBody().arrayBuffer()
  }

  override blob(): Promise<Blob> {
    return this.#withBody().blob()
  }

  override formData(): Promise<FormData> {
    return this.#withBody().formData()
  }

  override clone(): Response {
    if (!this.#platform) {
      const copy = new GrantlineResponse(this.#body, this.status, this.#record)
      if (this.#headers) copy.#headers = new Headers(this.#headers)
      return copy
    }
    // Throws as the platform does once the body was read.
    const copy = this.#platform.clone()
    return new Response(copy.body, { status: this.status, headers: this.headers })
  }

  /** The platform Response that holds the body, with these headers (read from here, not from it). */
  #withBody(): Response {
    this.#platform ??= new Response(this.#body, { status: this.status, headers: this.headers })
    return this.#platform
  }
}
