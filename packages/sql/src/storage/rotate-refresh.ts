import type { Storage } from '@grantline/core'
import type { SqlDialect, SqlDriver } from '../driver.js'
import { executeBatch } from '../query.js'
import { accessShape, insertRowIf, refreshShape } from '../shapes.js'
import { raw, sql, statement } from '../sql-fragment.js'
import { liveToken } from './validity.js'

/**
 * `rotateRefresh` as one batch whose every statement is conditioned in SQL, never on a value read
 * into JavaScript (RFC 9700 §4.14.2):
 *
 * 1. (PostgreSQL) lock the old row, so that concurrent rotations of one token queue up and each
 *    later statement, under READ COMMITTED, sees what the previous rotation committed.
 * 2. Inside the grace window, while the old token's successor is unused and unrevoked, revoke
 *    that successor's access token, then the successor itself (the chain moves).
 * 3. Mark the old token used with the new successor: when it was unused, or when step 2 has just
 *    revoked its successor (unused, revoked at `now`: only step 2 revokes a refresh row).
 * 4. Insert the new access and refresh tokens only if step 3 happened, i.e. the old row now
 *    names the new hash as successor and was used at `now`.
 *
 * Step 3's row count says whether the rotation won; when it did not, one read tells a reuse from
 * an absent token. That read changes nothing, so it cannot race.
 */
export function rotateRefreshMethod(driver: SqlDriver, dialect: SqlDialect): Storage['rotateRefresh'] {
  return async (oldHash, next, now, graceSeconds) => {
    const inGrace = (column: string) =>
      sql`SELECT s.${raw(column)} FROM refresh_tokens o JOIN refresh_tokens s ON s.hash = o.successor_hash
          WHERE o.hash = ${oldHash} AND ${liveToken('o', now)} AND o.used_at IS NOT NULL AND ${now} - o.used_at < ${graceSeconds}
            AND s.used_at IS NULL AND s.revoked_at IS NULL`
    const rotated = sql`EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.hash = ${oldHash} AND r.successor_hash = ${next.refresh.hash} AND r.used_at = ${now})`
    const lock = dialect === 'postgres' ? [sql`SELECT hash FROM refresh_tokens WHERE hash = ${oldHash} FOR UPDATE`] : []
    const changes = await executeBatch(driver, [
      ...lock,
      sql`UPDATE access_tokens SET revoked_at = ${now} WHERE revoked_at IS NULL AND hash IN (${inGrace('access_hash')})`,
      sql`UPDATE refresh_tokens SET revoked_at = ${now} WHERE used_at IS NULL AND revoked_at IS NULL AND hash IN (${inGrace('hash')})`,
      sql`UPDATE refresh_tokens AS o SET used_at = ${now}, successor_hash = ${next.refresh.hash}
          WHERE o.hash = ${oldHash} AND ${liveToken('o', now)} AND (o.used_at IS NULL OR (${now} - o.used_at < ${graceSeconds}
            AND EXISTS (SELECT 1 FROM refresh_tokens s WHERE s.hash = o.successor_hash AND s.used_at IS NULL AND s.revoked_at = ${now})))`,
      insertRowIf('access_tokens', accessShape, next.access, rotated),
      insertRowIf('refresh_tokens', refreshShape, next.refresh, rotated),
    ])
    if (changes[lock.length + 2] === 1) return { status: 'ok' }
    const old = await statement(
      driver,
      sql`SELECT o.family_id FROM refresh_tokens o WHERE o.hash = ${oldHash} AND ${liveToken('o', now)}`,
    ).first<{ family_id: unknown }>()
    return old ? { status: 'reused', family_id: String(old.family_id) } : { status: 'absent' }
  }
}
