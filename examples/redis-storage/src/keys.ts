/**
 * The key layout. Every key is `<prefix><name>` or `<prefix><kind>:<id>`, and the Lua scripts
 * build the same names (lua/library.ts), so a script can follow a token to its family, client
 * and consent without a round trip. Rows are hashes: `json` holds the record as written; the
 * fields a script checks or changes (`expires_at`, `revoked_at`, `consumed_at`, `used_at`, ...)
 * sit beside it, and a read overlays the changed ones on the JSON.
 */
export type RowKind =
  | 'client'
  | 'consent'
  | 'family'
  | 'code'
  | 'interaction'
  | 'initial_access_token'
  | 'pushed_request'
  | 'access'
  | 'refresh'
  | 'hits'
  /** A single-use value seen by remember() (a hash with its `expires_at`). */
  | 'remembered'
  /** A user's revocation epoch (a string), compared with each family's stamp on every read. */
  | 'subject'
  /** The ids of a user's consents (a set). */
  | 'consents_of'
  /** The ids of a client's consents (a set), revoked when it is deleted. */
  | 'client_consents'
  /** The ids of a client's families scored by created_at (a sorted set): is a dynamic client in use. */
  | 'client_families'

/** Keys that are one per store rather than one per record. */
export type IndexName =
  /** Every client_id (a set), for listClients. */
  | 'clients'
  /** Dynamic clients (RFC 7591) scored by created_at, for cleanup of unused ones. */
  | 'dynamic_clients'
  /** `<kind>:<id>` of every row that expires, scored by expires_at, for cleanup. */
  | 'expiry'
  /** `<kind>:<id>` of every revoked row, scored by revoked_at, for cleanup. */
  | 'revoked'
  /** kid -> the signing key's JSON (a hash). */
  | 'signing_keys'

export interface RedisKeys {
  row(kind: RowKind, id: string): string
  index(name: IndexName): string
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    row: (kind, id) => `${prefix}${kind}:${id}`,
    index: (name) => `${prefix}${name}`,
  }
}
