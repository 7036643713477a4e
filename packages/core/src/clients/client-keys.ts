import { createLocalJWKSet, errors, type JSONWebKeySet } from 'jose'
import type { PublicJwks } from '../contracts/clients.js'
import type { ResolvedConfig } from '../contracts/config.js'
import type { ClientKeys } from '../contracts/services.js'
import type { Client } from '../contracts/storage.js'
import { OAuthError } from '../primitives/errors.js'
import { publicJwksProblem, withoutEmptyMembers } from '../protocol/public-jwks.js'
import { refusedHost } from '../protocol/special-use-address.js'
import { documentCacheSeconds } from './metadata-document.js'
import { readDocument } from './read-document.js'

/** Key sets kept per provider; the least recently used goes first. */
const MAX_ENTRIES = 1000
/** A JWK Set holds several RSA keys: more room than a metadata document gets. */
const MAX_JWKS_BYTES = 65_536
/** Bounds on a fetched key set's Cache-Control lifetime: a removed key stops working within the hour. */
const CACHE_SECONDS = { min: 60, max: 3600 }
/** An unknown `kid` refetches a jwks_uri at most this often, so that made-up kids cannot make the server a fetch amplifier. */
const REFETCH_SECONDS = 60

type KeySet = ReturnType<typeof createLocalJWKSet>

interface Entry {
  keySet: KeySet
  fetchedAt: number
  expiresAt: number
}

function keysError(description: string): OAuthError {
  return new OAuthError('invalid_client', description, { status: 400 })
}

/** jwks_uri is fetched like a Client ID Metadata Document: https, no special-use host, checked before any connection. */
function parseJwksUri(value: string): URL {
  if (!URL.canParse(value)) throw keysError('the client jwks_uri is not a URL')
  const url = new URL(value)
  if (url.protocol !== 'https:' || url.username || url.password)
    throw keysError('the client jwks_uri must be an https URL without userinfo')
  const refused = refusedHost(url.hostname)
  if (refused) throw keysError(`the client jwks_uri host ${refused}; it is not fetched`)
  return url
}

function toKeySet(jwks: unknown, where: string): KeySet {
  const problem = publicJwksProblem(jwks)
  if (problem) throw keysError(`the client ${where}: ${problem}`)
  return createLocalJWKSet(withoutEmptyMembers(jwks as PublicJwks) as JSONWebKeySet)
}

/**
 * Clients' public keys for private_key_jwt (RFC 7523 §2.2) and request objects (RFC 9101 §6.2).
 * A `jwks_uri` goes through the configured `fetch` with the limits of Client ID Metadata
 * Documents (no redirects, a deadline, a capped body), is cached for its Cache-Control lifetime
 * within an hour by the injected clock, and concurrent loads share one fetch. Errors are never
 * cached.
 */
export function createClientKeys(config: Pick<ResolvedConfig, 'fetch' | 'clientIdMetadataDocuments' | 'seconds'>): ClientKeys {
  const remote = new Map<string, Entry>()
  const pending = new Map<string, Promise<Entry>>()
  const inline = new Map<string, { json: string; keySet: KeySet }>()
  const timeoutMs = config.clientIdMetadataDocuments?.timeoutMs ?? 5000

  function keep<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key)
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string)
    map.set(key, value)
  }

  async function fetchKeySet(uri: string): Promise<Entry> {
    const url = parseJwksUri(uri)
    let document: Awaited<ReturnType<typeof readDocument>>
    try {
      document = await readDocument(url, { fetch: config.fetch, maxBytes: MAX_JWKS_BYTES, timeoutMs })
    } catch (error) {
      if (error instanceof OAuthError) throw keysError('the client jwks_uri could not be read (a 200 JSON answer, no redirect, in time)')
      throw error
    }
    const now = config.seconds()
    const entry = {
      keySet: toKeySet(document.json, 'jwks_uri document'),
      fetchedAt: now,
      expiresAt: now + documentCacheSeconds(document.headers, CACHE_SECONDS),
    }
    keep(remote, uri, entry)
    return entry
  }

  function load(uri: string, refresh: boolean): Promise<Entry> {
    const entry = remote.get(uri)
    if (entry && !refresh && config.seconds() < entry.expiresAt) return Promise.resolve(entry)
    const inFlight = pending.get(uri)
    if (inFlight) return inFlight
    const loading = fetchKeySet(uri).finally(() => pending.delete(uri))
    pending.set(uri, loading)
    return loading
  }

  function inlineKeySet(client: Client, jwks: unknown): KeySet {
    const json = JSON.stringify(jwks)
    const cached = inline.get(client.client_id)
    if (cached?.json === json) return cached.keySet
    const keySet = toKeySet(jwks, 'jwks')
    keep(inline, client.client_id, { json, keySet })
    return keySet
  }

  return {
    resolver(client) {
      const { jwks, jwks_uri } = client.metadata
      if (jwks !== undefined) {
        const keySet = inlineKeySet(client, jwks)
        return (header, token) => keySet(header, token)
      }
      if (jwks_uri === undefined) throw keysError('the client has registered no keys (jwks or jwks_uri)')
      return async (header, token) => {
        const entry = await load(jwks_uri, false)
        try {
          return await entry.keySet(header, token)
        } catch (error) {
          // OIDC Core §10.1.1: a client rotates by publishing a new kid; fetch once more, not on every miss.
          if (!(error instanceof errors.JWKSNoMatchingKey) || config.seconds() - entry.fetchedAt < REFETCH_SECONDS) throw error
          return (await load(jwks_uri, true)).keySet(header, token)
        }
      }
    },
  }
}
