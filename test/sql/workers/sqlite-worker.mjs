// A separate OS process on a shared SQLite file, for races that must cross processes. It opens
// the database and reports 'ready'; on { ops } it reports 'started' and runs them, answering
// their statuses. The parent holds the database's write lock meanwhile, so every worker's first
// write queues inside SQLite until all of them are in flight.
import { sqliteDriver } from '@grantline/node'
import { migrate, sqlStorage } from '@grantline/sql'

const driver = sqliteDriver(process.argv[2])
const storage = sqlStorage(driver, { dialect: 'sqlite' })

// The read-modify-write that the race tests must catch: read, decide in JavaScript, write.
async function naiveConsume(hash, now) {
  const row = await driver.prepare('SELECT consumed_at FROM codes WHERE hash = ?').bind(hash).first()
  if (!row || row.consumed_at !== null) return 'reused'
  await driver.prepare('UPDATE codes SET consumed_at = ? WHERE hash = ?').bind(now, hash).run()
  return 'ok'
}

async function run(op) {
  switch (op.op) {
    case 'consume':
      return (await storage.consume(op.kind, op.key, op.now)).status
    case 'naive-consume':
      return naiveConsume(op.key, op.now)
    case 'rotate':
      return (await storage.rotateRefresh(op.oldHash, op.next, op.now, op.grace)).status
    case 'migrate':
      return `migrated:${(await migrate(driver, 'sqlite')).join(',')}`
    default:
      throw new Error(`unknown op ${op.op}`)
  }
}

process.once('message', ({ ops }) => {
  process.send('started', async () => {
    const results = []
    for (const op of ops) {
      try {
        results.push(await run(op))
      } catch (error) {
        results.push(`error: ${error.message}`)
      }
    }
    await driver.close()
    process.send(results, () => process.exit(0))
  })
})
process.send('ready')
