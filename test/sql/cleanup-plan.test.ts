import { sqlStorage } from '@grantline/sql'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { recording } from './support/recording-driver.js'
import { sqliteFiles } from './support/sqlite.js'

const files = sqliteFiles()

describe('cleanup (DOT cleartokens) under the write lock', () => {
  it('every sweep finds its rows through an index, its check read too: no batch scans a whole table of live rows', async () => {
    const { driver, path } = await files.fresh()
    const seen: string[] = []
    // Every table holds a dead row, so that every sweep deletes (a sweep that finds none only reads).
    for (const sql of [
      "INSERT INTO codes (hash, family_id, client_id, created_at, expires_at) VALUES ('c', 'f', 'x', 1, 1)",
      "INSERT INTO interactions (id, session_id, sub, client_id, params, created_at, expires_at) VALUES ('i', 's', 's', 'x', '{}', 1, 1)",
      "INSERT INTO access_tokens (hash, family_id, client_id, scopes, created_at, expires_at) VALUES ('a', 'f', 'x', '[]', 1, 1)",
      "INSERT INTO refresh_tokens (hash, family_id, client_id, scopes, created_at, expires_at) VALUES ('r', 'f', 'x', '[]', 1, 1)",
      "INSERT INTO families (id, client_id, scopes, resource, created_at, expires_at) VALUES ('f', 'x', '[]', '[]', 1, 1)",
      "INSERT INTO consents (id, sub, client_id, scopes, created_at, revoked_at) VALUES ('k', 's', 'x', '[]', 1, 1)",
      "INSERT INTO rate_limits (rate_key, window_start, hits, previous_hits, expires_at) VALUES ('k', 1, 1, 0, 1)",
      "INSERT INTO initial_access_tokens (hash, created_at, expires_at) VALUES ('t', 1, 1)",
      // An unused dynamic client (RFC 7591), for the unusedDynamicClientSeconds step.
      `INSERT INTO clients (client_id, client_name, client_type, token_endpoint_auth_method, grant_types, response_types, redirect_uris,
        post_logout_redirect_uris, scope, allowed_cors_origins, skip_authorization, introspection, created_at, dynamic)
        VALUES ('d', 'd', 'public', 'none', '[]', '[]', '[]', '[]', '', '[]', 0, 0, 1, 1)`,
    ])
      await driver.exec?.(sql)
    await sqlStorage(recording(driver, seen), { dialect: 'sqlite' }).cleanup(1_700_000_000, 100, { unusedDynamicClientSeconds: 86_400 })
    const deletes = seen.filter((sql) => /^\s*(DELETE|SELECT|UPDATE)/i.test(sql))
    expect(deletes.filter((sql) => /^\s*DELETE/i.test(sql)).length).toBeGreaterThanOrEqual(9)
    const db = new Database(path, { readonly: true })
    try {
      for (const sql of deletes) {
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...Array.from(sql.matchAll(/\?/g), () => 1))
          .map((row) => (row as { detail: string }).detail)
        expect(
          plan.filter((step) => /^SCAN /.test(step)),
          `${sql}\n${plan.join('\n')}`,
        ).toEqual([])
      }
    } finally {
      db.close()
    }
  })
})
