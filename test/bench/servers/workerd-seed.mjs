// The bench rows for D1 as literal multi-row INSERT statements (D1 binds at most 100 values per
// statement). Every value comes from the bench itself: numbers, hex, base64url and fixed text.
import { memoryStorage } from '@grantline/core'
import { CLIENT_ID } from './bench-client.mjs'
import { createBenchProvider, benchRecords as records } from './grantline-app.mjs'

const literal = (value) => {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? '1' : '0'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return `'${text.replaceAll("'", "''")}'`
}

function inserts(table, rows, chunk = 200) {
  if (rows.length === 0) return []
  const columns = Object.keys(rows[0])
  const out = []
  for (let i = 0; i < rows.length; i += chunk) {
    const values = rows.slice(i, i + chunk).map((row) => `(${columns.map((c) => literal(row[c])).join(',')})`)
    out.push(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`)
  }
  return out
}

/** The statements that store `benchRecords(kind, start, count)`. */
export function benchRecords(kind, start, count) {
  const r = records(kind, start, count)
  return [
    ...inserts('families', r.families),
    ...inserts('codes', r.codes),
    ...inserts('access_tokens', r.access),
    ...inserts('refresh_tokens', r.refresh),
  ]
}

/** The bench client's row, as createBenchProvider registers it. */
export async function createBenchProviderRecords() {
  const storage = memoryStorage()
  await createBenchProvider(storage)
  return inserts('clients', [await storage.getClient(CLIENT_ID)])
}
