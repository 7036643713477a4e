import type { ClientAuthMethod } from '../contracts/client-auth-method.js'
import { OAuthError } from '../primitives/errors.js'
import { verifySecret } from './verify-secret.js'

/** Undoes the form-urlencoding RFC 6749 §2.3.1 applies to id and secret before Basic encoding. */
function formDecode(value: string): string {
  if (!value.includes('%') && !value.includes('+')) return value
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    throw new OAuthError('invalid_client', 'the Basic credentials are not form-urlencoded', { headers: BASIC_CHALLENGE })
  }
}

const HIGH_BYTE = /[\u0080-\u00ff]/
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The decoded header's bytes read as UTF-8, the charset the challenge names (RFC 7617 §2.1):
 * `atob` answers one character per byte. Form-urlencoded credentials are ASCII and pass as they are.
 */
function utf8(binary: string): string {
  if (!HIGH_BYTE.test(binary)) return binary
  try {
    return UTF8.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
  } catch {
    throw new OAuthError('invalid_client', 'the Basic credentials are not UTF-8', { headers: BASIC_CHALLENGE })
  }
}

export const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="grantline", charset="UTF-8"' }

/** RFC 6749 §2.3.1 / RFC 7617: `Authorization: Basic base64(urlencode(id):urlencode(secret))`. */
export const clientSecretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',
  extract(request) {
    const header = request.headers.get('authorization')
    if (!header || !/^basic /i.test(header)) return null
    let binary: string
    try {
      binary = atob(header.slice(6).trim())
    } catch {
      throw new OAuthError('invalid_client', 'the Basic credentials are not base64', { headers: BASIC_CHALLENGE })
    }
    const decoded = utf8(binary)
    const colon = decoded.indexOf(':')
    if (colon < 1)
      throw new OAuthError('invalid_client', 'the Basic credentials need client_id:client_secret', { headers: BASIC_CHALLENGE })
    const clientId = formDecode(decoded.slice(0, colon))
    const secret = formDecode(decoded.slice(colon + 1))
    // As in a form parameter: no id or secret holds U+0000, and PostgreSQL's text refuses it.
    if (clientId.includes('\0') || secret.includes('\0'))
      throw new OAuthError('invalid_client', 'the Basic credentials hold a NUL character', { headers: BASIC_CHALLENGE })
    return { clientId, secret }
  },
  verify: verifySecret,
}
