// What the PostgreSQL servers of the benchmark consume, inserted with SQL by the runner before each
// round: Grantline's codes and refresh tokens (the rows of grantline-app.mjs's benchRecords, by
// SHA-256 only) and DOT 1.7's grants and refresh tokens (stored as sent, as DOT 1.x stores them).
import { createHash } from 'node:crypto'
import { REDIRECT_URI, VERIFIER } from '../servers/bench-client.mjs'
import { benchRecords } from '../servers/grantline-app.mjs'

const json = (value) => (value === null || value === undefined ? null : JSON.stringify(value))
// Under PostgreSQL's 65,535 parameters per statement: 14 columns x 2,000 rows.
const CHUNK = 2000

async function insertAll(tx, table, rows) {
  for (let i = 0; i < rows.length; i += CHUNK) await tx`INSERT INTO ${tx(table)} ${tx(rows.slice(i, i + CHUNK))}`
}

/** `seed(kind, start, count)` for Grantline's database: `gl_ac_bench<n>` codes or `gl_rt_bench<n>` refresh tokens. */
export function grantlineSeeder(sql) {
  return async (kind, start, count) => {
    if (count <= 0) return
    const { families, codes, access, refresh } = benchRecords(kind, start, count)
    await sql.begin(async (tx) => {
      await insertAll(
        tx,
        'families',
        families.map((f) => ({ ...f, scopes: json(f.scopes), amr: json(f.amr), resource: json(f.resource) })),
      )
      await insertAll(tx, 'codes', codes)
      await insertAll(
        tx,
        'access_tokens',
        access.map((a) => ({ ...a, scopes: json(a.scopes) })),
      )
      await insertAll(
        tx,
        'refresh_tokens',
        refresh.map((r) => ({ ...r, scopes: json(r.scopes) })),
      )
    })
  }
}

/**
 * `seed(kind, start, count)` for DOT's database: `dot_ac_bench<n>` grants with the bench PKCE
 * challenge, or `dot_rt_bench<n>` refresh tokens each with its access token, for the
 * authorization-code application `codeClientId` and the user `bench-user`.
 */
export async function dotSeeder(sql, codeClientId) {
  const [{ id: app }] = await sql`SELECT id FROM oauth2_provider_application WHERE client_id = ${codeClientId}`
  const [{ id: user }] = await sql`SELECT id FROM auth_user WHERE username = 'bench-user'`
  const challenge = createHash('sha256').update(VERIFIER).digest('base64url')
  return async (kind, start, count) => {
    if (count <= 0) return
    const end = start + count - 1
    if (kind === 'code') {
      await sql`INSERT INTO oauth2_provider_grant (user_id, code, application_id, expires, redirect_uri, scope, created, updated,
                  code_challenge, code_challenge_method, nonce, claims)
                SELECT ${user}, 'dot_ac_bench' || x, ${app}, now() + interval '15 minutes', ${REDIRECT_URI}, 'read', now(), now(),
                  ${challenge}, 'S256', '', '' FROM generate_series(${start}::int, ${end}::int) x`
      return
    }
    await sql`WITH a AS (
                INSERT INTO oauth2_provider_accesstoken (user_id, token, application_id, expires, scope, created, updated)
                SELECT ${user}, 'dot_at_benchr' || x, ${app}, now() + interval '1 hour', 'read', now(), now()
                FROM generate_series(${start}::int, ${end}::int) x RETURNING id, token)
              INSERT INTO oauth2_provider_refreshtoken (user_id, token, application_id, access_token_id, created, updated, revoked)
              SELECT ${user}, 'dot_rt_bench' || substr(a.token, 14), ${app}, a.id, now(), now(), NULL FROM a`
  }
}
