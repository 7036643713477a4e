import { OAuthError } from '../primitives/errors.js'
import { refusedHost } from './special-use-address.js'

/** Longer client_id URLs are refused: they are shown to users and stored with every grant. */
const MAX_LENGTH = 2000

/**
 * Whether a client_id is URL-shaped (`https://` or `http://`, any case): such an id is a Client
 * Identifier URL when metadata documents are on, and is checked as one so that a mistake gets a
 * clear error rather than "unknown client".
 */
export function looksLikeClientIdUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId)
}

/** The invalid_client error of a client that failed its metadata document (400: no credentials were presented). */
export function metadataDocumentError(description: string): OAuthError {
  return new OAuthError('invalid_client', description, { status: 400 })
}

/**
 * draft-ietf-oauth-client-id-metadata-document §3: a Client Identifier URL uses `https`, has a
 * path other than `/`, no userinfo, no dot segments, no fragment and (a SHOULD that Grantline
 * makes a MUST) no query. The checks read the string as sent, since the WHATWG parser would
 * quietly resolve `%2e%2e` or `\`; and the host must not be a special-use address or a local
 * name (§8.6), checked here before any connection is made.
 */
export function parseClientIdUrl(clientId: string): URL {
  const fail = (why: string) => metadataDocumentError(`client_id URL ${why} (draft-ietf-oauth-client-id-metadata-document §3)`)
  if (clientId.length > MAX_LENGTH) throw fail(`is longer than ${MAX_LENGTH} characters`)
  if (!/^[\x21-\x7e]+$/.test(clientId)) throw fail('must be visible ASCII, without spaces')
  if (!clientId.startsWith('https://')) throw fail('must use the https scheme')
  if (clientId.includes('\\')) throw fail('must not contain a backslash')
  if (clientId.includes('#')) throw fail('must not contain a fragment')
  if (clientId.includes('?')) throw fail('must not contain a query')
  const authorityEnd = clientId.indexOf('/', 'https://'.length)
  const authority = clientId.slice('https://'.length, authorityEnd === -1 ? undefined : authorityEnd)
  if (authority === '') throw fail('must have a host')
  if (authority.includes('@')) throw fail('must not contain userinfo')
  const path = authorityEnd === -1 ? '' : clientId.slice(authorityEnd)
  if (path === '' || path === '/') throw fail('must have a path')
  if (path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) throw fail('must not contain dot segments')
  let url: URL
  try {
    url = new URL(clientId)
  } catch {
    throw fail('is not a valid URL')
  }
  const refused = refusedHost(url.hostname)
  if (refused)
    throw metadataDocumentError(`client_id URL host ${refused}; it is not fetched (draft-ietf-oauth-client-id-metadata-document §8.6)`)
  return url
}
