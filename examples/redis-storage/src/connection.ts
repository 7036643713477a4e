import { createHash } from 'node:crypto'

/**
 * What the storage needs from a Redis client: send one command, get its RESP2 reply. A
 * node-redis client (`createClient()`, connected) is one as it is; with ioredis, pass
 * `{ sendCommand: ([name, ...args]) => redis.call(name, ...args) }`.
 */
export interface RedisConnection {
  sendCommand(args: string[]): Promise<unknown>
}

/** A Lua script, sent by its SHA-1 once Redis has it cached. */
export interface LuaScript {
  source: string
  sha: string
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

/** Runs scripts whose first argument is the key prefix; the rest are the script's own. */
export type RunScript = (script: LuaScript, ...args: (string | number)[]) => Promise<unknown>

/**
 * EVALSHA, falling back to EVAL when the server does not have the script yet (a restart, a
 * failover, SCRIPT FLUSH). The scripts name no KEYS: they build keys from the prefix and from
 * the records they read, which a single Redis primary allows (see the README about Cluster).
 */
export function scriptRunner(redis: RedisConnection, prefix: string): RunScript {
  return async (script, ...args) => {
    const argv = [prefix, ...args.map(String)]
    try {
      return await redis.sendCommand(['EVALSHA', script.sha, '0', ...argv])
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return redis.sendCommand(['EVAL', script.source, '0', ...argv])
    }
  }
}

/**
 * A hash reply as an object: a flat list (field, value, ...) as scripts and RESP2 answer it, or
 * the object or Map that a client makes of it (node-redis answers `HGETALL` with an object).
 */
export function hashOf(reply: unknown): Record<string, string> {
  if (reply instanceof Map) return Object.fromEntries(reply) as Record<string, string>
  if (!Array.isArray(reply)) return { ...(reply as Record<string, string>) }
  const flat = reply as string[]
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string
  return fields
}
