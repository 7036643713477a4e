// One racer process of kv-race.test.ts: opens the shared KV file, waits for the common start
// time, fires its share of concurrent consumes, rotations and remembers of one value, prints how
// many answered ok (true).
import { FIXTURE_TIME, makePair } from '@grantline/testing/portable'
import { denoKvStorage } from '../../../adapters/deno/src/mod.ts'

const [path, prefix, codeHash, refreshHash, grantJson, startAt, perProcess, jti] = Deno.args as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
]
const storage = denoKvStorage(await Deno.openKv(path), { prefix: [prefix] })
const n = Number(perProcess)
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())))
const now = FIXTURE_TIME + 10
const [consumed, rotated, remembered] = await Promise.all([
  Promise.all(Array.from({ length: n }, () => storage.consume('code', codeHash, now))),
  Promise.all(Array.from({ length: n }, () => storage.rotateRefresh(refreshHash, makePair(JSON.parse(grantJson), now), now, 0))),
  Promise.all(Array.from({ length: n }, () => storage.remember!('jti', jti, now + 60, now))),
])
const ok = (results: { status: string }[]) => results.filter((r) => r.status === 'ok').length
console.log(JSON.stringify({ consumed: ok(consumed), rotated: ok(rotated), remembered: remembered.filter(Boolean).length }))
Deno.exit(0)
