// The runtime matrix's workerd server: miniflare (workerd) running worker.ts, bundled by the
// harness, with a D1 database migrated as wrangler would. Env: PORT, GL_SECRET, GL_DATA,
// GL_WORKER (the bundled worker module).
import { migrations } from '@grantline/sql'
import { Miniflare } from 'miniflare'
import { READY, type ReadyLine, SEED_PATH, signedCookieAccounts, TEST_USER } from './fixture.js'

const { PORT = '0', GL_SECRET = '', GL_DATA = '.', GL_WORKER = '' } = process.env
const origin = `http://127.0.0.1:${PORT}`
const mf = new Miniflare({
  modules: true,
  scriptPath: GL_WORKER,
  compatibilityDate: '2026-04-01',
  d1Databases: ['DB'],
  d1Persist: `${GL_DATA}/d1`,
  bindings: { ISSUER: `${origin}/o`, SECRET: GL_SECRET },
  host: '127.0.0.1',
  port: Number(PORT),
})
await mf.ready

// `wrangler d1 migrations apply`: each migration file as one batch of its statements.
const db = await mf.getD1Database('DB')
for (const migration of migrations.sqlite) {
  const statements = migration.sql
    .replace(/--.*$/gm, '')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean)
  await db.batch(statements.map((s) => db.prepare(s)))
}

const seeded = await fetch(new URL(SEED_PATH, origin), { method: 'POST', headers: { authorization: `Bearer ${GL_SECRET}` } })
if (!seeded.ok) throw new Error(`seeding the Worker answered ${seeded.status}: ${await seeded.text()}`)
const clients = (await seeded.json()) as Pick<ReadyLine, 'web' | 'machine'>
const cookie = await signedCookieAccounts(GL_SECRET).cookieFor(TEST_USER.sub, Math.floor(Date.now() / 1000))
const line: ReadyLine = { runtime: 'workerd', origin, issuer: `${origin}/o`, ...clients, cookie }
console.log(`${READY}${JSON.stringify(line)}`)

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    mf.dispose().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
