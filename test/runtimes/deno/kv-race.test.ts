// Run by `deno test`: single use across processes. Several Deno processes open one KV file and
// race on one code, one refresh token and one jti; only `atomic().check()` keeps each to one winner.
import { FIXTURE_TIME, issuePair, makeCode, makeFamily, randomHash, seedGrant } from '@grantline/testing/portable'
import { denoKvStorage } from '../../../adapters/deno/src/mod.ts'

const PROCESSES = 4
const PER_PROCESS = 5

Deno.test(`${PROCESSES} processes x ${PER_PROCESS}: a code is consumed once, a refresh token rotated once and a jti remembered once`, async () => {
  const dir = await Deno.makeTempDir({ prefix: 'grantline-deno-race-' })
  const path = `${dir}/kv.sqlite3`
  const prefix = crypto.randomUUID()
  const kv = await Deno.openKv(path)
  const storage = denoKvStorage(kv, { prefix: [prefix] })
  const grant = await seedGrant(storage)
  const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
  const code = makeCode({ family_id: family.id, client_id: grant.client.client_id, expires_at: FIXTURE_TIME + 600 })
  await storage.createCode(code, family)
  const pair = await issuePair(storage, grant)
  const jti = randomHash()
  kv.close()

  const worker = new URL('./kv-race-worker.ts', import.meta.url).pathname
  const config = new URL('../../../adapters/deno/deno.json', import.meta.url).pathname
  // Far enough ahead for every process to have started and opened the database.
  const startAt = Date.now() + 1500
  const racers = Array.from({ length: PROCESSES }, () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        'run',
        '--no-check',
        '--config',
        config,
        '--allow-read',
        '--allow-write',
        worker,
        path,
        prefix,
        code.hash,
        pair.refresh.hash,
        JSON.stringify(grant),
        String(startAt),
        String(PER_PROCESS),
        jti,
      ],
      stdout: 'piped',
      stderr: 'piped',
    }).output(),
  )
  const outputs = await Promise.all(racers)
  const totals = { consumed: 0, rotated: 0, remembered: 0 }
  for (const output of outputs) {
    const text = new TextDecoder().decode(output.stdout)
    if (!output.success) throw new Error(`a racer failed: ${new TextDecoder().decode(output.stderr)}`)
    const counts = JSON.parse(text) as typeof totals
    totals.consumed += counts.consumed
    totals.rotated += counts.rotated
    totals.remembered += counts.remembered
  }
  await Deno.remove(dir, { recursive: true })
  if (totals.consumed !== 1 || totals.rotated !== 1 || totals.remembered !== 1) {
    throw new Error(`expected one winner each, got ${JSON.stringify(totals)}`)
  }
})
