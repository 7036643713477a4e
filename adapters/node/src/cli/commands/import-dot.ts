import { resolve } from 'node:path'
import { canonicalResource } from '@grantline/core'
import { integer, parseFlags, requireFlag, usageError } from '../args.js'
import { buildServer, readConfigFile } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { isTimeZone } from '../import-dot/dot-values.js'
import { importDot } from '../import-dot/import-dot.js'
import { formatReport } from '../import-dot/import-report.js'
import { openDotReader } from '../import-dot/open-dot-reader.js'
import { describeDatabase } from '../open-database.js'
import { print } from '../output.js'
import { createProgress } from '../progress.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  from: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'auth-method': { type: 'string' },
  'refresh-token-expire-seconds': { type: 'string' },
  resource: { type: 'string', multiple: true },
  'time-zone': { type: 'string' },
} as const

export const importDotUsage = `grantline import-dot --from DOT_SQLITE_FILE|postgres://URL [--dry-run] [--auth-method client_secret_basic|client_secret_post]
                     [--refresh-token-expire-seconds N (DOT's setting, when it was set)] [--resource URI]... [--json]
                     [--time-zone ZONE (Django's TIME_ZONE if USE_TZ was False; default UTC)]
                     (the tokens' audience: --resource, else the config's resources, else none)
                     (Django OAuth Toolkit 1.x-3.x: applications, users, live tokens, in one transaction)`

const DAY = 86400

/** Rows per page: an internal setting, for tests that need an import to span many pages. */
function pageSize(): number | undefined {
  const value = process.env.GRANTLINE_IMPORT_PAGE_SIZE
  if (value === undefined) return undefined
  if (!/^[1-9]\d*$/.test(value)) throw new CliError('GRANTLINE_IMPORT_PAGE_SIZE must be a positive integer')
  return Number(value)
}

/**
 * The audience of the imported tokens (RFC 8707): the `--resource` URIs, else the config file's
 * `resources` (every one: a DOT token was good at every resource server), else none. With
 * `"resources": "any"` there is no list to take, so only --resource gives one.
 */
function importedAudience(flagged: string[] | undefined, configured: unknown): string[] {
  const given = flagged?.length ? flagged : Array.isArray(configured) ? configured.map((entry: { uri: string }) => entry.uri) : []
  return [
    ...new Set(
      given.map((uri) => {
        const canonical = canonicalResource(uri)
        if (canonical === undefined)
          throw new CliError(`--resource ${uri}: a resource is an https URI (http on a loopback host) without a fragment (RFC 8707 §2)`)
        return canonical
      }),
    ),
  ]
}

/**
 * Imports a Django OAuth Toolkit database into the server's database (import-dot/): the same
 * --db, --data and --config as `serve`, so that `serve` then serves what was imported.
 */
export async function importDotCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, flags)
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  const from = requireFlag(values.from, 'from')
  const authMethod = values['auth-method'] ?? 'client_secret_basic'
  if (authMethod !== 'client_secret_basic' && authMethod !== 'client_secret_post') {
    throw new CliError('--auth-method must be client_secret_basic or client_secret_post')
  }
  const target = values.db ?? process.env.GRANTLINE_DB ?? `${values.data ?? 'data'}/grantline.sqlite`
  // Grantline's tables never go into Django's database: the import only reads it.
  if (from === target || (!URL.canParse(from) && resolve(from) === resolve(target))) {
    throw new CliError('--from and --db name the same database; import into a database of its own')
  }
  const dotRefreshExpire = integer(values['refresh-token-expire-seconds'], 'refresh-token-expire-seconds')
  const timeZone = values['time-zone'] ?? 'UTC'
  if (!isTimeZone(timeZone)) throw new CliError(`--time-zone ${timeZone}: not an IANA time zone name (like Europe/Paris)`)
  const config = readConfigFile(values.config)
  const ttl = config.ttl
  const resources = importedAudience(values.resource, config.resources)
  const reader = await openDotReader(from)
  try {
    const { database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
    try {
      const { report } = await importDot({
        reader,
        database,
        now: Math.floor(Date.now() / 1000),
        refreshTtl: ttl?.refreshToken ?? 14 * DAY,
        familyTtl: ttl?.family ?? 90 * DAY,
        dotRefreshExpire,
        timeZone,
        authMethod,
        resources,
        dryRun: values['dry-run'] === true,
        progress: createProgress('reading', 0),
        pageSize: pageSize(),
      })
      const outcome = report.dry_run ? 'nothing was written' : `imported into ${describeDatabase(target)}`
      print(values.json ? report : `${formatReport(report)}\n${outcome}`)
    } finally {
      await database.close()
    }
  } finally {
    await reader.close()
  }
}
