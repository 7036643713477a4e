import { luaScript } from '../connection.js'
import { LIBRARY } from './library.js'

/**
 * The rate-limit counters of one key in fixed windows that start at multiples of the window
 * length: {current, previous} as seen from the window holding `now`. A row from a later window
 * (another instance's clock ran ahead) counts as the current one.
 */
const COUNTS = `${LIBRARY}
local k, now, w = key('hits', ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local start = now - (now % w)
local row = redis.call('HMGET', k, 'window_start', 'hits', 'previous_hits')
local row_start = tonumber(row[1])
local current, previous = 0, 0
if row_start and row_start >= start then
  current, previous = tonumber(row[2]), tonumber(row[3])
elseif row_start == start - w then
  previous = tonumber(row[2])
end
`

/** ARGV[2..4]: key, now, window seconds. The counts without a hit. */
export const COUNT_HITS = luaScript(`${COUNTS}
return { current, previous }
`)

/**
 * ARGV[2..5]: key, now, window seconds, TTL margin. Counts one hit and answers the counts with
 * it: the read and the increment are one script, so concurrent hits all count and each answer
 * includes its own. The row expires two windows after its window starts, in Redis too.
 */
export const HIT = luaScript(`${COUNTS}
local window_start = math.max(start, row_start or 0)
current = current + 1
local expires_at = window_start + 2 * w
redis.call('HSET', k, 'window_start', window_start, 'hits', current, 'previous_hits', previous, 'expires_at', expires_at)
redis.call('ZADD', EXPIRY, expires_at, 'hits:' .. ARGV[2])
redis.call('EXPIRE', k, expires_at - now + tonumber(ARGV[5]))
return { current, previous }
`)
