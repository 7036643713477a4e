// Run by `bun test`: single use across processes. Several Bun processes open one SQLite file and
// race on one code, one refresh token and one jti; only the conditioned SQL under BEGIN IMMEDIATE keeps
// each to one winner (an in-process race on a synchronous driver would prove nothing).
import { expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bunSqliteDriver } from '@grantline/bun'
import { migrate, sqlStorage } from '@grantline/sql'
import { FIXTURE_TIME, issuePair, makeCode, makeFamily, randomHash, seedGrant } from '@grantline/testing/portable'

const PROCESSES = 4
const PER_PROCESS = 5

it(`${PROCESSES} processes x ${PER_PROCESS}: a code is consumed once, a refresh token rotated once and a jti remembered once`, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'grantline-bun-race-'))
  const path = join(folder, 'race.sqlite')
  const driver = bunSqliteDriver(path)
  await migrate(driver, 'sqlite')
  const storage = sqlStorage(driver, { dialect: 'sqlite' })
  const grant = await seedGrant(storage)
  const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
  const code = makeCode({ family_id: family.id, client_id: grant.client.client_id, expires_at: FIXTURE_TIME + 600 })
  await storage.createCode(code, family)
  const pair = await issuePair(storage, grant)
  const jti = randomHash()
  await driver.close?.()

  // Far enough ahead for every process to have started and opened the database.
  const startAt = Date.now() + 1000
  const worker = join(import.meta.dir, 'race-worker.ts')
  const racers = Array.from({ length: PROCESSES }, () =>
    Bun.spawn(
      [process.execPath, worker, path, code.hash, pair.refresh.hash, JSON.stringify(grant), String(startAt), String(PER_PROCESS), jti],
      {
        stdout: 'pipe',
        stderr: 'pipe',
      },
    ),
  )
  const totals = { consumed: 0, rotated: 0, remembered: 0 }
  for (const racer of racers) {
    const [out, err, status] = await Promise.all([new Response(racer.stdout).text(), new Response(racer.stderr).text(), racer.exited])
    expect(status, err).toBe(0)
    const counts = JSON.parse(out) as typeof totals
    totals.consumed += counts.consumed
    totals.rotated += counts.rotated
    totals.remembered += counts.remembered
  }
  rmSync(folder, { recursive: true, force: true })
  expect(totals).toEqual({ consumed: 1, rotated: 1, remembered: 1 })
}, 20_000)
