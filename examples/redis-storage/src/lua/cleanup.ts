import { luaScript } from '../connection.js'
import { LIBRARY } from './library.js'

/**
 * ARGV[2..4]: now, how many rows it may remove, how many index entries to read from each index.
 * Answers {removed, examined}. Takes revoked rows, then rows expired by `now`, from the two
 * indexes; removes each dead one with its index entries. Consumed records and used refresh
 * tokens are only dead once expired: they are what recognises a replay. An entry whose row Redis
 * already dropped (its TTL ran out) goes uncounted. Every entry examined leaves its index, so
 * calling again makes progress.
 */
export const SWEEP = luaScript(`${LIBRARY}
local now, budget, chunk = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local removed, examined = 0, 0
local TOMBSTONES = { code = true, interaction = true, initial_access_token = true, pushed_request = true, hits = true, remembered = true }

local function sweep(index, members)
  for _, member in ipairs(members) do
    if removed >= budget then return end
    examined = examined + 1
    local kind, id = string.match(member, '^([^:]+):(.*)$')
    local k = key(kind, id)
    local r = redis.call('HMGET', k, 'expires_at', 'revoked_at', 'sub', 'client_id')
    local expired = r[1] and tonumber(r[1]) <= now
    local dead = expired or (r[2] and not TOMBSTONES[kind])
    if redis.call('EXISTS', k) == 0 then
      redis.call('ZREM', EXPIRY, member)
      redis.call('ZREM', REVOKED, member)
    elseif dead then
      redis.call('DEL', k)
      redis.call('ZREM', EXPIRY, member)
      redis.call('ZREM', REVOKED, member)
      if kind == 'consent' then
        redis.call('SREM', key('consents_of', r[3]), id)
        redis.call('SREM', key('client_consents', r[4]), id)
      elseif kind == 'family' then
        redis.call('ZREM', key('client_families', r[4]), id)
      end
      removed = removed + 1
    else
      -- A stale entry (a consent replaced by an unrevoked one): the row stays, the entry goes.
      redis.call('ZREM', index, member)
    end
  end
end

sweep(REVOKED, redis.call('ZRANGE', REVOKED, 0, chunk - 1))
sweep(EXPIRY, redis.call('ZRANGEBYSCORE', EXPIRY, '-inf', now, 'LIMIT', 0, chunk))
return { removed, examined }
`)

/**
 * ARGV[2..6]: now, cutoff, how many it may remove, offset, count. Among the dynamic clients
 * created by `cutoff` (from `offset`, `count` of them), deletes each that no family shows in
 * use: none created after the cutoff, none unrevoked and unexpired at `now`. Answers {removed,
 * kept, examined}; the caller moves `offset` on by `kept`.
 */
export const REMOVE_UNUSED_CLIENTS = luaScript(`${LIBRARY}
local now, cutoff, budget = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local removed, kept, examined = 0, 0, 0

local function in_use(client_id)
  local families = key('client_families', client_id)
  if #redis.call('ZRANGEBYSCORE', families, '(' .. ARGV[3], '+inf', 'LIMIT', 0, 1) > 0 then return true end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', families, '-inf', ARGV[3])) do
    local f = redis.call('HMGET', key('family', id), 'expires_at', 'revoked_at')
    if f[1] and not f[2] and tonumber(f[1]) > now then return true end
  end
  return false
end

local ids = redis.call('ZRANGEBYSCORE', P .. 'dynamic_clients', '-inf', ARGV[3], 'LIMIT', ARGV[5], ARGV[6])
for _, client_id in ipairs(ids) do
  if removed >= budget then break end
  examined = examined + 1
  if in_use(client_id) then
    kept = kept + 1
  else
    delete_client(client_id, ARGV[2])
    removed = removed + 1
  end
end
return { removed, kept, examined }
`)
