import { luaScript } from '../connection.js'
import { LIBRARY } from './library.js'

/**
 * ARGV[2..4]: kind, id, now. Marks a code, interaction, initial access token or pushed request
 * consumed and answers {status, hash}: 'ok' the first time, 'reused' with the tombstone after
 * (RFC 6749 §4.1.2, RFC 9126 §4), 'absent' when unknown or expired. The check and the mark are one script, so of
 * concurrent callers exactly one sees the record unconsumed.
 */
export const CONSUME = luaScript(`${LIBRARY}
local k, now = key(ARGV[2], ARGV[3]), ARGV[4]
local r = redis.call('HMGET', k, 'expires_at', 'consumed_at')
if not r[1] or tonumber(r[1]) <= tonumber(now) then return { 'absent' } end
if r[2] then return { 'reused', redis.call('HGETALL', k) } end
redis.call('HSET', k, 'consumed_at', now)
return { 'ok', redis.call('HGETALL', k) }
`)
