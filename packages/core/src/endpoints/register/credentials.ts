import type { ProviderContext } from '../../contracts/context.js'
import type { Client } from '../../contracts/storage.js'
import { sha256Hex, timingSafeEqual } from '../../primitives/crypto.js'
import { OAuthError } from '../../primitives/errors.js'

/** The token of an `Authorization: Bearer` header (RFC 6750 §2.1); undefined without one. */
function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (!header || !/^bearer /i.test(header)) return undefined
  return header.slice(7).trim() || undefined
}

/**
 * RFC 6750 §3.1 (RFC 7591 §3, RFC 7592 §2): 401 with a Bearer challenge, naming the error only
 * when a token was presented. One answer for a wrong, expired, used or another client's token.
 */
function invalidToken(provider: ProviderContext, description: string, presented: boolean): OAuthError {
  const challenge = `Bearer realm="${provider.config.issuer}"${presented ? ', error="invalid_token"' : ''}`
  return new OAuthError('invalid_token', description, { headers: { 'www-authenticate': challenge } })
}

/**
 * RFC 7591 §3: under the 'token' policy a registration carries an initial access token as a
 * Bearer token. It must be unexpired and unused; answers its hash, consumed once the request is
 * known to be good (consumeInitialAccessToken), so a refused request does not spend it.
 */
export async function checkInitialAccessToken(provider: ProviderContext, request: Request): Promise<string> {
  const token = bearerToken(request)
  if (token === undefined) throw invalidToken(provider, 'an initial access token is required (RFC 7591 §3)', false)
  const hash = sha256Hex(token)
  const found = await provider.config.storage.getInitialAccessToken(hash, provider.config.seconds())
  if (!found) throw invalidToken(provider, 'the initial access token is invalid, expired or already used', true)
  return hash
}

/** Takes the initial access token, atomically: of two registrations racing on it, one wins. */
export async function consumeInitialAccessToken(provider: ProviderContext, hash: string): Promise<void> {
  const taken = await provider.config.storage.consume('initial_access_token', hash, provider.config.seconds())
  if (taken.status !== 'ok') throw invalidToken(provider, 'the initial access token is invalid, expired or already used', true)
}

/**
 * RFC 7592 §2: the client a configuration request names, when its Bearer token is that client's
 * registration access token. Compared by SHA-256 in constant time; an unknown client, a client
 * without one (registered by the operator) and another client's token all get the same 401.
 */
export async function authenticateRegistration(provider: ProviderContext, request: Request, clientId: string): Promise<Client> {
  const token = bearerToken(request)
  if (token === undefined) throw invalidToken(provider, 'the registration access token is required (RFC 7592 §2)', false)
  const hash = sha256Hex(token)
  const client = await provider.config.storage.getClient(clientId)
  const stored = client?.registration_token_hash ?? ''
  if (!client || !timingSafeEqual(hash, stored)) throw invalidToken(provider, 'the registration access token is invalid', true)
  return client
}
