// One racer process of race.test.ts: opens the shared database file, waits for the common start
// time, fires its share of concurrent consumes, rotations and remembers of one jti, prints how
// many answered ok (true).
import { bunSqliteDriver } from '@grantline/bun'
import { sqlStorage } from '@grantline/sql'
import { FIXTURE_TIME, type Grant, makePair } from '@grantline/testing/portable'

const [path, codeHash, refreshHash, grantJson, startAt, perProcess, jti] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
]
const storage = sqlStorage(bunSqliteDriver(path), { dialect: 'sqlite' })
const grant = JSON.parse(grantJson) as Grant
const n = Number(perProcess)
await Bun.sleep(Math.max(0, Number(startAt) - Date.now()))
const now = FIXTURE_TIME + 10
const [consumed, rotated, remembered] = await Promise.all([
  Promise.all(Array.from({ length: n }, () => storage.consume('code', codeHash, now))),
  Promise.all(Array.from({ length: n }, () => storage.rotateRefresh(refreshHash, makePair(grant, now), now, 0))),
  Promise.all(Array.from({ length: n }, () => storage.remember!('jti', jti, now + 60, now))),
])
const ok = (results: { status: string }[]) => results.filter((r) => r.status === 'ok').length
console.log(JSON.stringify({ consumed: ok(consumed), rotated: ok(rotated), remembered: remembered.filter(Boolean).length }))
