import { readCappedText } from '../../http/form.js'
import { invalidMetadata } from './client-metadata.js'

/**
 * RFC 7591 §3.1: the registration (and RFC 7592 §2.2 update) body is a JSON object. Capped at
 * 64 KiB before parsing (413 past it); anything that is not JSON is `invalid_client_metadata`,
 * never a 500.
 */
export async function readJson(request: Request): Promise<unknown> {
  const header = request.headers.get('content-type') ?? ''
  const type = header.split(';', 1)[0]?.trim().toLowerCase()
  if (type !== 'application/json') throw invalidMetadata('the body must be application/json (RFC 7591 §3.1)')
  const text = await readCappedText(request)
  // A JSON string holds U+0000 only as an escape; no metadata value has one, and PostgreSQL's text refuses it.
  if (/\\u0000/i.test(text)) throw invalidMetadata('a value holds a NUL character')
  try {
    return JSON.parse(text)
  } catch {
    throw invalidMetadata('the body is not valid JSON (RFC 7591 §3.1)')
  }
}
