// `grantline import-dot` of 1M live access tokens: a DOT 3-shaped SQLite database (the tables of
// DOT 3's migrations, test/import-dot/fixtures/dot3-sqlite.sql) with one user, one application
// and `tokens` access tokens as DOT 3 writes them (a 30-character token and its token_checksum),
// imported by the real CLI into a fresh Grantline SQLite database; answers the time, rows/s and
// the import's peak RSS (the CLI process's maxRSS, written by a preload module when it exits).
//
//   node test/bench/lib/import-dot-check.mjs [--tokens 1000000]   (alone, prints the result as JSON)
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import Database from 'better-sqlite3'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const CLI = join(root, 'adapters', 'node', 'dist', 'cli', 'main.js')
const SCHEMA = join(root, 'test', 'import-dot', 'fixtures', 'dot3-sqlite.sql')
/** oauthlib's generate_token alphabet (UNICODE_ASCII_CHARACTER_SET), 30 characters as DOT issues them. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Django's SQLite datetime text, UTC. */
const djangoTime = (ms) => `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}000`

function token() {
  let value = ''
  for (const byte of randomBytes(40)) {
    // 248 = 4 * 62: bytes above it would favour the first characters.
    if (byte < 248 && value.length < 30) value += ALPHABET[byte % ALPHABET.length]
  }
  return value.length === 30 ? value : token()
}

/** The DOT 3 database: one transaction, prepared statements. Answers the milliseconds it took. */
export function makeDot3Database(path, tokens) {
  const t0 = performance.now()
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  // 1M random token_checksum keys: the unique index's pages must stay in memory, or every insert reads one.
  db.pragma('cache_size = -262144')
  db.exec(readFileSync(SCHEMA, 'utf8'))
  const now = Date.now()
  const created = djangoTime(now - 600_000)
  const expires = djangoTime(now + 36_000_000)
  db.transaction(() => {
    db.prepare(
      `INSERT INTO auth_user (id, password, last_login, is_superuser, username, last_name, email, is_staff, is_active, date_joined, first_name)
       VALUES (1, 'pbkdf2_sha256$720000$benchsaltbenchsaltbe$' || ?, NULL, 0, 'bench', '', 'bench@example.com', 0, 1, ?, 'Bench')`,
    ).run(`${'A'.repeat(43)}=`, created)
    db.prepare(
      `INSERT INTO oauth2_provider_application (id, client_id, redirect_uris, client_type, authorization_grant_type, client_secret, name,
       user_id, skip_authorization, created, updated, algorithm, post_logout_redirect_uris, hash_client_secret, allowed_origins)
       VALUES (1, 'bench-dot-app', 'https://app.example.com/callback', 'confidential', 'authorization-code', ?, 'Bench app',
       1, 0, ?, ?, '', '', 0, '')`,
    ).run(token(), created, created)
    const insert = db.prepare(
      `INSERT INTO oauth2_provider_accesstoken (token, expires, scope, application_id, user_id, created, updated,
       source_refresh_token_id, id_token_id, token_checksum) VALUES (?, ?, 'read write', 1, 1, ?, ?, NULL, NULL, ?)`,
    )
    for (let i = 0; i < tokens; i++) {
      const value = token()
      insert.run(value, expires, created, created, createHash('sha256').update(value).digest('hex'))
    }
  })()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return Math.round(performance.now() - t0)
}

/** Loaded into the CLI with --import: its peak resident set size (kilobytes on Linux, ru_maxrss) when it exits. */
const PEAK_RSS = `import { writeFileSync } from 'node:fs'
process.on('exit', () => writeFileSync(process.env.GRANTLINE_BENCH_PEAK_RSS, String(process.resourceUsage().maxRSS)))
`

/** Makes the database, times `grantline import-dot --from it --db new.sqlite --json`, cleans up. */
export async function importDotCheck({ tokens = 1_000_000, log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-bench-import-'))
  try {
    const from = join(dir, 'dot3.sqlite3')
    const makeMs = makeDot3Database(from, tokens)
    log(`import-dot: a DOT 3 database with ${tokens} access tokens made in ${makeMs} ms`)
    const preload = join(dir, 'peak-rss.mjs')
    const peakFile = join(dir, 'peak-rss')
    writeFileSync(preload, PEAK_RSS)
    const t0 = performance.now()
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        pathToFileURL(preload).href,
        CLI,
        'import-dot',
        '--from',
        from,
        '--db',
        join(dir, 'grantline.sqlite'),
        '--data',
        join(dir, 'data'),
        '--json',
      ],
      { maxBuffer: 64 * 1024 * 1024, timeout: 3_600_000, env: { ...process.env, GRANTLINE_BENCH_PEAK_RSS: peakFile } },
    )
    const seconds = (performance.now() - t0) / 1000
    const peakRssMb = Math.round(Number(readFileSync(peakFile, 'utf8')) / 1024)
    const report = JSON.parse(stdout)
    const imported = report.tables.oauth2_provider_accesstoken.imported
    if (imported !== tokens) throw new Error(`import-dot imported ${imported} of ${tokens} access tokens`)
    const result = {
      tokens,
      imported,
      seconds: Number(seconds.toFixed(1)),
      rows_per_second: Math.round(imported / seconds),
      peak_rss_mb: peakRssMb,
      note: 'Node CLI, DOT 3 SQLite file into a new Grantline SQLite database, one transaction; the time includes start-up and migrations',
    }
    log(`import-dot: ${imported} access tokens imported in ${result.seconds} s, ${result.rows_per_second} rows/s, peak RSS ${peakRssMb} MB`)
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { tokens: { type: 'string', default: '1000000' } } })
  const result = await importDotCheck({ tokens: Number(values.tokens), log: (line) => process.stderr.write(`${line}\n`) })
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
