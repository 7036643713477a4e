import { luaScript } from '../connection.js'
import { LIBRARY } from './library.js'

/**
 * ARGV[2..5]: id (kind and key), expires_at, now, TTL margin. Answers 1 and remembers the value
 * until expires_at when it is unknown or expired at now, 0 while it is remembered (RFC 7523 §3,
 * RFC 9449 §11.1). The check and the write are one script, so of concurrent callers exactly one
 * is told 1. The row is a hash like every other, listed in the expiry index for cleanup(), and
 * Redis drops it by itself once its margin has passed too.
 */
export const REMEMBER = luaScript(`${LIBRARY}
local id, expires_at, now = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local k = key('remembered', id)
local seen = redis.call('HGET', k, 'expires_at')
if seen and tonumber(seen) > now then return 0 end
redis.call('HSET', k, 'expires_at', expires_at)
redis.call('ZADD', EXPIRY, expires_at, 'remembered:' .. id)
redis.call('EXPIRE', k, math.max(1, math.ceil(expires_at - now + tonumber(ARGV[5]))))
return 1
`)
