import { createClient, type RedisClientType } from 'redis'
import { afterAll } from 'vitest'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A connected client; fails (never skips) when no Redis answers, saying how to start one. */
export async function connect(name = 'grantline-test'): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url: REDIS_URL, name, socket: { reconnectStrategy: false, connectTimeout: 2000 } })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    throw new Error(
      `Redis does not answer at ${REDIS_URL} (${(error as Error).message}). These tests need a real server: ` +
        'start one with `redis-server --daemonize yes --port 6379 --save "" --appendonly no` (or point REDIS_URL at one).',
    )
  }
  return client
}

/** Deletes every key under `prefix` (SCAN + UNLINK): never FLUSHALL, the server may be shared. */
export async function deletePrefix(client: RedisClientType, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.unlink(keys)
  }
}

/**
 * A key prefix of the calling test file (`gl-test:<random>:`) and a fresh one under it for each
 * store, so tests never see each other's keys; everything under it goes after the file's tests,
 * and the clients opened through it close.
 */
export function prefixes() {
  const base = `gl-test:${crypto.randomUUID()}:`
  const clients: RedisClientType[] = []
  let n = 0
  afterAll(async () => {
    const [first] = clients
    if (first) await deletePrefix(first, base)
    await Promise.all(clients.map((c) => c.quit()))
  })
  return {
    base,
    fresh: () => `${base}${n++}:`,
    async connect(name?: string) {
      const client = await connect(name)
      clients.push(client)
      return client
    },
  }
}
