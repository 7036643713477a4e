import { luaScript } from '../connection.js'
import { LIBRARY } from './library.js'

/**
 * ARGV[2..6]: old hash, now, grace seconds, the successor's hash, a JSON list of the new rows
 * (refresh and access). Answers {'ok'}, {'reused', family_id} or {'absent'} (RFC 9700 §4.14.2).
 *
 * A live, unused old token is marked used with its successor and the new pair stored. A used
 * one is a reuse, unless it was first used less than `grace` ago and its successor is still
 * unused and unrevoked: then that successor and its access token are revoked and replaced, so
 * the chain moves and never forks. The grace window runs from the first use. Nothing is written
 * on a refusal.
 */
export const ROTATE_REFRESH = luaScript(`${LIBRARY}
local now, grace = tonumber(ARGV[3]), tonumber(ARGV[4])
local old = live_token('refresh', ARGV[2], now)
if not old then return { 'absent' } end
local o = redis.call('HMGET', old, 'used_at', 'successor_hash', 'family_id')
if o[1] then
  local s = o[2] and redis.call('HMGET', key('refresh', o[2]), 'json', 'used_at', 'revoked_at', 'access_hash')
  local in_grace = now - tonumber(o[1]) < grace and s and s[1] and not s[2] and not s[3]
  if not in_grace then return { 'reused', o[3] } end
  revoke_row('refresh', o[2], ARGV[3])
  if s[4] then revoke_row('access', s[4], ARGV[3]) end
else
  redis.call('HSET', old, 'used_at', ARGV[3])
end
redis.call('HSET', old, 'successor_hash', ARGV[5])
write_rows(cjson.decode(ARGV[6]))
return { 'ok' }
`)
