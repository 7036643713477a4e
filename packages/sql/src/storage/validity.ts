import { raw, type SqlFragment, sql } from '../sql-fragment.js'

/** Joins the family `f` to its client `c` (which must exist) and its consent `k` (if any). */
export const FAMILY_JOINS = raw('JOIN clients c ON c.client_id = f.client_id LEFT JOIN consents k ON k.id = f.consent_id')

/**
 * The family `f`, joined with FAMILY_JOINS, is live at `now`: unrevoked, unexpired, and its
 * consent, when it has one, still there and unrevoked. A token is valid only if its family is.
 */
export function liveFamily(now: number): SqlFragment {
  return sql`f.revoked_at IS NULL AND f.expires_at > ${now} AND (f.consent_id IS NULL OR (k.id IS NOT NULL AND k.revoked_at IS NULL))`
}

/**
 * The token row `alias` is valid at `now`: unrevoked and unexpired, with a live family. One
 * condition in SQL, so a write conditioned on it cannot act on a stale read.
 */
export function liveToken(alias: string, now: number): SqlFragment {
  const t = raw(alias)
  return sql`${t}.revoked_at IS NULL AND ${t}.expires_at > ${now} AND EXISTS (SELECT 1 FROM families f ${FAMILY_JOINS} WHERE f.id = ${t}.family_id AND ${liveFamily(now)})`
}
