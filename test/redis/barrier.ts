import type { RedisClientType } from 'redis'

/** The connections named `name` that Redis holds blocked (`flags` has `b`), from CLIENT LIST. */
async function blocked(control: RedisClientType, name: string): Promise<number> {
  const list = String(await control.sendCommand(['CLIENT', 'LIST']))
  return list.split('\n').filter((line) => line.includes(` name=${name} `) && /\bflags=\w*b/.test(line)).length
}

/**
 * The barrier: Redis pauses every write (CLIENT PAUSE WRITE; EVAL and EVALSHA are writes), the
 * `requests` start, one per connection, and only when all of them are held inside Redis is the
 * pause lifted, so they contend for real and none completed before the last was in flight.
 * `name` is the client name of the racing connections. Reads go through a WRITE pause, which is
 * what lets a read-modify-write race fail.
 */
export async function race<T>(control: RedisClientType, name: string, requests: (() => Promise<T>)[]): Promise<T[]> {
  let completed = 0
  await control.sendCommand(['CLIENT', 'PAUSE', '10000', 'WRITE'])
  try {
    const pending = requests.map((request) =>
      request().finally(() => {
        completed++
      }),
    )
    for (const p of pending) p.catch(() => {})
    const deadline = Date.now() + 8000
    for (;;) {
      const held = await blocked(control, name)
      if (held === requests.length) break
      if (Date.now() > deadline) throw new Error(`only ${held} of ${requests.length} requests reached the barrier`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    if (completed !== 0) throw new Error(`${completed} requests completed before the barrier opened`)
    await control.sendCommand(['CLIENT', 'UNPAUSE'])
    return await Promise.all(pending)
  } finally {
    await control.sendCommand(['CLIENT', 'UNPAUSE'])
  }
}
