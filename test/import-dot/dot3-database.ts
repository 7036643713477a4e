import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import type postgres from 'postgres'

/**
 * A Django OAuth Toolkit 3.x database with rows written the way DOT 3 writes them: tokens of 30
 * letters and digits (oauthlib's generate_token) with `token_checksum` = SHA-256 hex of the token,
 * client secrets hashed by Django's make_password unless `hash_client_secret` is off, user
 * passwords in Django's pbkdf2_sha256 format, datetimes in UTC.
 */

const HOUR = 3600_000
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** oauthlib.common.generate_token: 30 characters of letters and digits. */
export function generateToken(): string {
  return [...randomBytes(30)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')
}

/** Django's PBKDF2PasswordHasher (Django 5.1: 870,000 iterations), computed here independently of Grantline. */
export function djangoHash(password: string, iterations = 870_000): string {
  const salt = [...randomBytes(22)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')
  return `pbkdf2_sha256$${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64')}`
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

type Row = Record<string, string | number | boolean | Date | null>

/** The rows of each table, in insertion order. */
export type Dot3Rows = Record<string, Row[]>

export interface Dot3Data {
  rows: Dot3Rows
  alice: { username: string; password: string; sub: string }
  plain: { client_id: string; client_secret: string }
  hashed: { client_id: string; client_secret: string; stored: string }
  native: { client_id: string }
  service: { client_id: string; client_secret: string }
  tokens: {
    /** alice's live access token of `plain`, scope "openid read write", with its refresh token. */
    live: string
    liveRefresh: string
    /** A refresh token of `plain` whose access token expired an hour ago. */
    orphanRefresh: string
    /** `service`'s client_credentials token (no user). */
    service: string
    /** The public `native` client's refresh token. */
    nativeRefresh: string
    hashed: string
    /** A refresh token DOT revoked by rotating it. */
    revokedRefresh: string
    /** A DOT 3 chain (token_family): the token rotated away, and the live one it was rotated into. */
    chainOld: string
    chainLive: string
    expired: string
  }
}

/** The DOT 3 data the import tests read, made afresh (new tokens and secrets) on each call. */
export function dot3Data(now = Date.now()): Dot3Data {
  const at = (offset: number) => new Date(now + offset)
  const alicePassword = 'alice-old-password'
  const plainSecret = `plain${generateToken()}`
  const hashedSecret = `hashed${generateToken()}`
  const serviceSecret = `service${generateToken()}`
  const hashedStored = djangoHash(hashedSecret)
  const chain = crypto.randomUUID().replaceAll('-', '')
  const user = (id: number, username: string, password: string, active: boolean, first = '', last = '', email = ''): Row => ({
    id,
    password,
    last_login: null,
    is_superuser: false,
    username,
    first_name: first,
    last_name: last,
    email,
    is_staff: false,
    is_active: active,
    date_joined: at(-100 * 24 * HOUR),
  })
  const application = (id: number, fields: Row): Row => ({
    id,
    redirect_uris: '',
    client_type: 'confidential',
    authorization_grant_type: 'authorization-code',
    name: '',
    user_id: null,
    skip_authorization: false,
    created: at(-50 * 24 * HOUR),
    updated: at(-50 * 24 * HOUR),
    algorithm: '',
    post_logout_redirect_uris: '',
    hash_client_secret: true,
    allowed_origins: '',
    ...fields,
  })
  const tokens = Object.fromEntries(
    [
      'live',
      'liveRefresh',
      'expired',
      'orphanRefresh',
      'service',
      'legacy',
      'bob',
      'hashed',
      'hashedRefresh',
      'native',
      'nativeRefresh',
      'revokedRefresh',
      'goneRefresh',
      'chainOld',
      'chainLive',
    ].map((name) => [name, generateToken()]),
  ) as Record<string, string>
  const access = (
    id: number,
    token: string,
    application_id: number,
    user_id: number | null,
    scope: string,
    expires: Date,
    id_token_id: number | null = null,
  ): Row => ({
    id,
    token,
    token_checksum: sha256(token),
    expires,
    scope,
    application_id,
    user_id,
    created: at(-HOUR),
    updated: at(-HOUR),
    source_refresh_token_id: null,
    id_token_id,
  })
  const refresh = (
    id: number,
    token: string,
    access_token_id: number | null,
    application_id: number,
    user_id: number,
    revoked: Date | null = null,
    token_family: string | null = null,
  ): Row => ({
    id,
    token,
    access_token_id,
    application_id,
    user_id,
    created: at(-HOUR),
    updated: at(-HOUR),
    revoked,
    token_family,
  })
  const rows: Dot3Rows = {
    auth_user: [
      user(1, 'alice', djangoHash(alicePassword), true, 'Alice', 'Liddell', 'alice@example.com'),
      user(2, 'bob', djangoHash('bob-password'), false),
      user(3, 'carol', 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaGhhc2hoYXNo', true),
    ],
    oauth2_provider_application: [
      application(1, {
        client_id: 'dotPlainClient',
        client_secret: plainSecret,
        hash_client_secret: false,
        name: 'Plain web app',
        redirect_uris: 'https://app.example/cb http://app.example/insecure',
        post_logout_redirect_uris: 'https://app.example/bye',
        allowed_origins: 'https://app.example',
        algorithm: 'RS256',
        user_id: 1,
      }),
      application(2, {
        client_id: 'dotHashedClient',
        client_secret: hashedStored,
        name: 'Hashed web app',
        redirect_uris: 'https://hashed.example/cb',
      }),
      application(3, {
        client_id: 'dotNativeClient',
        client_secret: djangoHash(generateToken()),
        client_type: 'public',
        redirect_uris: 'com.example.app:/cb',
      }),
      application(4, {
        client_id: 'dotServiceClient',
        client_secret: serviceSecret,
        hash_client_secret: false,
        authorization_grant_type: 'client-credentials',
      }),
      application(5, {
        client_id: 'dotLegacyClient',
        client_secret: djangoHash(generateToken()),
        redirect_uris: 'http://legacy.example/cb',
      }),
    ],
    oauth2_provider_idtoken: [
      {
        id: 1,
        jti: crypto.randomUUID().replaceAll('-', ''),
        expires: at(HOUR),
        scope: 'openid read write',
        created: at(-HOUR),
        updated: at(-HOUR),
        application_id: 1,
        user_id: 1,
      },
    ],
    oauth2_provider_accesstoken: [
      access(1, tokens.live as string, 1, 1, 'openid read write', at(HOUR), 1),
      access(2, tokens.expired as string, 1, 1, 'read', at(-HOUR)),
      access(3, tokens.service as string, 4, null, 'read', at(HOUR)),
      access(4, tokens.legacy as string, 5, 1, 'read', at(HOUR)),
      access(5, tokens.bob as string, 1, 2, 'read', at(HOUR)),
      access(6, tokens.hashed as string, 2, 1, 'read', at(HOUR)),
      access(7, tokens.native as string, 3, 1, 'read', at(HOUR)),
    ],
    oauth2_provider_refreshtoken: [
      refresh(1, tokens.liveRefresh as string, 1, 1, 1),
      refresh(2, tokens.orphanRefresh as string, 2, 1, 1),
      refresh(3, tokens.revokedRefresh as string, null, 1, 1, at(-2 * HOUR)),
      refresh(4, tokens.goneRefresh as string, null, 1, 1),
      refresh(5, tokens.nativeRefresh as string, 7, 3, 1),
      refresh(6, tokens.hashedRefresh as string, 6, 2, 1),
      // DOT 3 rotated 7 into 8: 7 revoked, both in one token_family.
      refresh(7, tokens.chainOld as string, null, 1, 1, at(-30 * 60_000), chain),
      refresh(8, tokens.chainLive as string, null, 1, 1, null, chain),
    ],
    oauth2_provider_grant: [
      {
        id: 1,
        code: generateToken(),
        expires: at(60_000),
        redirect_uri: 'https://app.example/cb',
        scope: 'read',
        application_id: 1,
        user_id: 1,
        created: at(0),
        updated: at(0),
        code_challenge: '',
        code_challenge_method: '',
        nonce: '',
        claims: '',
      },
    ],
  }
  return {
    rows,
    alice: { username: 'alice', password: alicePassword, sub: '1' },
    plain: { client_id: 'dotPlainClient', client_secret: plainSecret },
    hashed: { client_id: 'dotHashedClient', client_secret: hashedSecret, stored: hashedStored },
    native: { client_id: 'dotNativeClient' },
    service: { client_id: 'dotServiceClient', client_secret: serviceSecret },
    tokens: {
      live: tokens.live as string,
      liveRefresh: tokens.liveRefresh as string,
      orphanRefresh: tokens.orphanRefresh as string,
      service: tokens.service as string,
      nativeRefresh: tokens.nativeRefresh as string,
      hashed: tokens.hashed as string,
      revokedRefresh: tokens.revokedRefresh as string,
      chainOld: tokens.chainOld as string,
      chainLive: tokens.chainLive as string,
      expired: tokens.expired as string,
    },
  }
}

/** Tables in an order their foreign keys accept. */
const ORDER = [
  'auth_user',
  'oauth2_provider_application',
  'oauth2_provider_idtoken',
  'oauth2_provider_accesstoken',
  'oauth2_provider_refreshtoken',
  'oauth2_provider_grant',
]

/** Django's SQLite datetime text: UTC, `YYYY-MM-DD HH:MM:SS.ffffff`. */
function djangoSqliteTime(date: Date): string {
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}000`
}

const schema = (file: string) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')

/** Writes the DOT 3 tables and rows into a new SQLite file. */
export function writeDot3Sqlite(path: string, rows: Dot3Rows): void {
  const db = new Database(path)
  db.exec(schema('dot3-sqlite.sql'))
  db.close()
  appendDot3Sqlite(path, rows)
}

/** Adds rows to the DOT 3 tables of a SQLite file, as DOT goes on issuing tokens. */
export function appendDot3Sqlite(path: string, rows: Dot3Rows): void {
  const db = new Database(path)
  db.transaction(() => {
    for (const table of ORDER) {
      for (const row of rows[table] ?? []) {
        const columns = Object.keys(row)
        const values = Object.values(row).map((v) => (v instanceof Date ? djangoSqliteTime(v) : typeof v === 'boolean' ? Number(v) : v))
        db.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
          ...values,
        )
      }
    }
  })()
  db.close()
}

/** Writes the DOT 3 tables and rows into the connection's current schema. */
export async function writeDot3Postgres(sql: postgres.Sql, rows: Dot3Rows): Promise<void> {
  await sql.unsafe(schema('dot3-postgres.sql'))
  await sql.begin(async (tx) => {
    for (const table of ORDER) {
      for (const row of rows[table] ?? []) {
        const columns = Object.keys(row)
        await tx.unsafe(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          Object.values(row) as never[],
        )
      }
    }
  })
}
