// Run by `deno test` (see test/runtimes/in-runtime.test.ts): the Storage and AccountStore
// contracts on Deno KV, inside Deno, on a real KV file (SQLite-backed, as `deno run` uses).
import { accountStoreConformance, minimalTestApi, storageConformance } from '@grantline/testing/portable'
import { denoKvAccountStore, denoKvStorage } from '../../../adapters/deno/src/mod.ts'

const dir = await Deno.makeTempDir({ prefix: 'grantline-deno-kv-' })
const kv = await Deno.openKv(`${dir}/kv.sqlite3`)
// Every test gets an empty store: a prefix of its own in the one database.
const fresh = () => ['test', crypto.randomUUID()]

const t = minimalTestApi((name, fn) => Deno.test({ name, fn }))
storageConformance(t, 'Deno KV', () => denoKvStorage(kv, { prefix: fresh() }))
accountStoreConformance(t, 'Deno KV', async () => denoKvAccountStore(kv, { prefix: fresh() }))

Deno.test({
  name: 'closes the database',
  fn: async () => {
    kv.close()
    await Deno.remove(dir, { recursive: true })
  },
})
