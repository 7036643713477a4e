import { delegateToReal } from './delegate-to-real.js'

// A field name as Fetch takes one (RFC 9110 §5.6.2 token); `get`/`has` of any other name throws, as Headers does.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** A Headers object with the fields of node's rawHeaders (name, value, name, value), in order. */
export function headersOf(raw: string[]): Headers {
  const headers = new Headers()
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  return headers
}

/**
 * A request's Headers as the core reads them: `get` and `has` scan node's rawHeaders without
 * building a Headers object, and `get` joins a repeated field with ", " as Fetch does (RFC 9110
 * §5.3), so a repeated Authorization reads "a, b", never silently the first one (and Cookie with
 * "; ", as Node's Headers does). Any other member
 * builds the real Headers once and answers from it; from then on `get` and `has` read it too, so a
 * host's `set` or `delete` is seen.
 */
export class LeanHeaders {
  readonly #raw: string[]
  #real: Headers | undefined

  constructor(raw: string[]) {
    this.#raw = raw
  }

  get(name: string): string | null {
    if (this.#real || typeof name !== 'string' || !TOKEN.test(name)) return this.real().get(name)
    const wanted = name.toLowerCase()
    // RFC 6265 §5.4: one Cookie field is "a=1; b=2", so repeated ones join with "; ", as Node's Headers does.
    const separator = wanted === 'cookie' ? '; ' : ', '
    const raw = this.#raw
    let value: string | null = null
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i]!
      if (key.length === wanted.length && key.toLowerCase() === wanted)
        value = value === null ? raw[i + 1]! : `${value}${separator}${raw[i + 1]}`
    }
    return value
  }

  has(name: string): boolean {
    return this.get(name) !== null
  }

  /** The real Headers, built on first use of any other member. */
  real(): Headers {
    this.#real ??= headersOf(this.#raw)
    return this.#real
  }
}

// `request.headers instanceof Headers` holds.
delegateToReal(LeanHeaders, Headers, ['get', 'has'])
