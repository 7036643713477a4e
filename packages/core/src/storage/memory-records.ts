import type { AccessTokenRecord, Family, RefreshTokenRecord } from '../contracts/storage.js'

/**
 * How memoryStorage() holds its families and tokens: one per grant or token, so their size is the
 * storage's size. A record is kept without the fields its table key or another record already
 * gives, its arrays shared with every record holding the same values, and its strings flat; the
 * records the Storage returns are rebuilt from these (a copy, as before).
 */

/**
 * `value` made flat in place. Strings built by concatenation (a hex digest, a base64url id) are
 * ropes on V8: a 64-character digest made of 32 two-character pieces takes about 870 bytes, flat
 * 80. Reading one character flattens it, and the next garbage collection drops the rope; on other
 * engines this only reads a character.
 */
export function flat<T extends string | null>(value: T): T {
  value?.charCodeAt(0)
  return value
}

const NIBBLES = new Int8Array(128).fill(-1)
for (let i = 0; i < 16; i++) NIBBLES['0123456789abcdef'.charCodeAt(i)] = i
const digest: number[] = new Array(32).fill(0)

/**
 * The table key of a code or token hash: a lowercase hex SHA-256 (64 characters, 80 bytes on V8)
 * becomes its 32 bytes as a 32-character string (48 bytes). Any other string keeps its characters
 * behind U+0100, which no key made of bytes holds, so no two hashes share a key.
 */
export function hashKey(hash: string): string {
  if (hash.length === 64) {
    let i = 0
    for (; i < 32; i++) {
      const high = NIBBLES[hash.charCodeAt(2 * i)] ?? -1
      const low = NIBBLES[hash.charCodeAt(2 * i + 1)] ?? -1
      if ((high | low) < 0) break
      digest[i] = (high << 4) | low
    }
    if (i === 32) return String.fromCharCode.apply(null, digest)
  }
  return flat(`\u0100${hash}`)
}

const EMPTY: readonly string[] = Object.freeze([])

/**
 * Shares one frozen array among every stored record with the same values (a grant's scopes and
 * resources repeat across tokens): answers the shared copy, made on first sight. At most `limit`
 * distinct arrays are remembered; then the table starts afresh, and arrays already shared stay so.
 */
export function arrayInterner(limit = 4096): (values: readonly string[]) => readonly string[] {
  let table = new Map<string, readonly string[]>()
  // The last array answered: a token's scopes are usually its family's, stored just before, so
  // comparing against it first spares joining a key (a new string) and a table lookup.
  let last: readonly string[] = EMPTY
  return (values) => {
    if (values.length === 0) return EMPTY
    if (values.length === last.length && sameValues(last, values)) return last
    const key = values.join('\u0000')
    const found = table.get(key)
    // The key joins the values; a value holding U+0000 could make two arrays meet, so compare them.
    if (found && found.length === values.length && sameValues(found, values)) {
      last = found
      return found
    }
    const own = Object.freeze(values.map(flat))
    if (!found) {
      if (table.size >= limit) table = new Map()
      table.set(key, own)
    }
    last = own
    return own
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

type Intern = ReturnType<typeof arrayInterner>

/** The fields a family has only when a user is behind it; null for a client's own grant. */
type FamilyUser = Pick<Family, 'consent_id' | 'sub' | 'auth_time' | 'acr' | 'nonce' | 'claims'> & { amr: readonly string[] | null }

export interface StoredFamily {
  id: string
  client_id: string
  scopes: readonly string[]
  resource: readonly string[]
  created_at: number
  expires_at: number
  revoked_at: number | null
  user: Readonly<FamilyUser> | null
}

export function storedFamily(f: Family, intern: Intern): StoredFamily {
  const anyUser =
    f.consent_id !== null ||
    f.sub !== null ||
    f.auth_time !== null ||
    f.acr !== null ||
    f.amr !== null ||
    f.nonce !== null ||
    f.claims !== null
  return {
    id: flat(f.id),
    client_id: flat(f.client_id),
    scopes: intern(f.scopes),
    resource: intern(f.resource),
    created_at: f.created_at,
    expires_at: f.expires_at,
    revoked_at: f.revoked_at,
    user: anyUser
      ? {
          consent_id: flat(f.consent_id),
          sub: flat(f.sub),
          auth_time: f.auth_time,
          acr: flat(f.acr),
          amr: f.amr === null ? null : intern(f.amr),
          nonce: flat(f.nonce),
          claims: flat(f.claims),
        }
      : null,
  }
}

export function familyRecord(s: StoredFamily): Family {
  const user = s.user
  return {
    id: s.id,
    consent_id: user?.consent_id ?? null,
    client_id: s.client_id,
    sub: user?.sub ?? null,
    scopes: [...s.scopes],
    auth_time: user?.auth_time ?? null,
    acr: user?.acr ?? null,
    amr: user?.amr ? [...user.amr] : null,
    nonce: user?.nonce ?? null,
    claims: user?.claims ?? null,
    resource: [...s.resource],
    created_at: s.created_at,
    expires_at: s.expires_at,
    revoked_at: s.revoked_at,
  }
}

/** An access token without its hash, which is its table key. */
export type StoredAccess = Omit<AccessTokenRecord, 'hash' | 'scopes' | 'audience'> & {
  scopes: readonly string[]
  audience: readonly string[]
}

export function storedAccess(t: AccessTokenRecord, intern: Intern): StoredAccess {
  return {
    family_id: flat(t.family_id),
    client_id: flat(t.client_id),
    sub: flat(t.sub),
    scopes: intern(t.scopes),
    audience: intern(t.audience),
    cnf_jkt: flat(t.cnf_jkt),
    created_at: t.created_at,
    expires_at: t.expires_at,
    revoked_at: t.revoked_at,
  }
}

export function accessRecord(hash: string, s: StoredAccess): AccessTokenRecord {
  return {
    hash,
    family_id: s.family_id,
    client_id: s.client_id,
    sub: s.sub,
    scopes: [...s.scopes],
    audience: [...s.audience],
    cnf_jkt: s.cnf_jkt,
    created_at: s.created_at,
    expires_at: s.expires_at,
    revoked_at: s.revoked_at,
  }
}

/** A refresh token without its hash, which is its table key. */
export type StoredRefresh = Omit<RefreshTokenRecord, 'hash' | 'scopes'> & { scopes: readonly string[] }

export function storedRefresh(t: RefreshTokenRecord, intern: Intern): StoredRefresh {
  return {
    family_id: flat(t.family_id),
    client_id: flat(t.client_id),
    sub: flat(t.sub),
    scopes: intern(t.scopes),
    access_hash: flat(t.access_hash),
    cnf_jkt: flat(t.cnf_jkt),
    created_at: t.created_at,
    expires_at: t.expires_at,
    revoked_at: t.revoked_at,
    used_at: t.used_at,
    successor_hash: flat(t.successor_hash),
  }
}

export function refreshRecord(hash: string, s: StoredRefresh): RefreshTokenRecord {
  return {
    hash,
    family_id: s.family_id,
    client_id: s.client_id,
    sub: s.sub,
    scopes: [...s.scopes],
    access_hash: s.access_hash,
    cnf_jkt: s.cnf_jkt,
    created_at: s.created_at,
    expires_at: s.expires_at,
    revoked_at: s.revoked_at,
    used_at: s.used_at,
    successor_hash: s.successor_hash,
  }
}

/**
 * A deep copy of a stored record, so that no caller shares an object with the store. Records are
 * plain data (JSON values); this is several times cheaper than structuredClone for them on Node,
 * and anything else still goes through structuredClone.
 */
export function copy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(copy) as T
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value)
  // A spread copies the flat fields in one step; only nested values need copying on their own.
  const out = { ...value } as Record<string, unknown>
  for (const key in out) {
    const field = out[key]
    if (typeof field === 'object' && field !== null) out[key] = copy(field)
  }
  return out as T
}
