import { luaScript } from '../connection.js'

/**
 * Device authorizations (RFC 8628): a hash at `<prefix>device:<device code hash>` holding the
 * record's JSON and, beside it, the fields that change (`status`, `sub`, `auth_time`,
 * `poll_interval`, `last_polled_at`, `consumed_at`); `<prefix>device_user:<user code hash>` names
 * it. Both expire in Redis an hour after the record does.
 */
const ROW = `
local prefix = ARGV[1]
local function device_key(hash) return prefix .. 'device:' .. hash end
local function field(k, name) return redis.call('HGET', k, name) end
`

/** ARGV[2..4]: user code hash, now, and 'approved' or 'denied', then sub and auth_time. 1 when decided. */
export const DECIDE_DEVICE = luaScript(`${ROW}
local hash = redis.call('GET', prefix .. 'device_user:' .. ARGV[2])
if not hash then return 0 end
local k = device_key(hash)
if field(k, 'status') ~= 'pending' or tonumber(field(k, 'expires_at')) <= tonumber(ARGV[3]) then return 0 end
if ARGV[4] == 'approved' then
  redis.call('HSET', k, 'status', 'approved', 'sub', ARGV[5], 'auth_time', ARGV[6])
else
  redis.call('HSET', k, 'status', 'denied')
end
return 1
`)

/**
 * ARGV[2..4]: device code hash, client_id, now. One poll (RFC 8628 §3.5) in one script, so
 * concurrent polls see each other's bookkeeping and only one takes an approval. Answers
 * { outcome, fields... } with outcome absent, expired, reused, slow_down, approved, pending, denied.
 */
export const POLL_DEVICE = luaScript(`${ROW}
local k, now = device_key(ARGV[2]), tonumber(ARGV[4])
if redis.call('EXISTS', k) == 0 or field(k, 'client_id') ~= ARGV[3] then return { 'absent' } end
if tonumber(field(k, 'expires_at')) <= now then return { 'expired' } end
local outcome
if field(k, 'consumed_at') then
  outcome = 'reused'
else
  local last, interval = tonumber(field(k, 'last_polled_at')), tonumber(field(k, 'poll_interval'))
  redis.call('HSET', k, 'last_polled_at', now)
  if last and now - last < interval then
    redis.call('HSET', k, 'poll_interval', interval + 5)
    outcome = 'slow_down'
  elseif field(k, 'status') == 'approved' then
    redis.call('HSET', k, 'consumed_at', now)
    outcome = 'approved'
  else
    outcome = field(k, 'status')
  end
end
return { outcome, redis.call('HGETALL', k) }
`)

/** ARGV[2..8]: device code hash, user code hash, JSON, client_id, poll_interval, expires_at, TTL. */
export const CREATE_DEVICE = luaScript(`${ROW}
local k = device_key(ARGV[2])
redis.call('HSET', k, 'json', ARGV[4], 'client_id', ARGV[5], 'status', 'pending', 'poll_interval', ARGV[6], 'expires_at', ARGV[7])
redis.call('EXPIRE', k, ARGV[8])
redis.call('SET', prefix .. 'device_user:' .. ARGV[3], ARGV[2], 'EX', ARGV[8])
return 1
`)
