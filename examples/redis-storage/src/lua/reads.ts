import { luaScript } from '../connection.js'
import { LIBRARY } from './library.js'

/** ARGV[2..4]: 'access' or 'refresh', hash, now. The token's and its family's hashes, or nil. */
export const FIND_TOKEN = luaScript(`${LIBRARY}
local tk, fk = live_token(ARGV[2], ARGV[3], tonumber(ARGV[4]))
if not tk then return false end
return { redis.call('HGETALL', tk), redis.call('HGETALL', fk) }
`)

/** ARGV[2..3]: family id, now. The family's hash when it is live, or nil. */
export const GET_FAMILY = luaScript(`${LIBRARY}
local fk = live_family(ARGV[2], tonumber(ARGV[3]))
if not fk then return false end
return redis.call('HGETALL', fk)
`)
