/**
 * Lua shared by the scripts, prepended to each. ARGV[1] is the key prefix; keys follow keys.ts.
 * Redis runs a script alone, from its first command to its last, so a check and the write it
 * guards can never be split by another client: that is what makes each operation atomic.
 * Absent hash fields are null; `now` is always the caller's clock, never Redis's TIME.
 */
export const LIBRARY = `
local P = ARGV[1]
local function key(kind, id) return P .. kind .. ':' .. id end
local EXPIRY, REVOKED = P .. 'expiry', P .. 'revoked'

-- The family's hash key when it is live at now: unrevoked, unexpired, its client registered in
-- the epoch it was stamped with, its user's grants not revoked since, its consent unrevoked.
local function live_family(id, now)
  local fk = key('family', id)
  local f = redis.call('HMGET', fk, 'expires_at', 'revoked_at', 'client_id', 'client_epoch', 'sub', 'subject_epoch', 'consent_id')
  if not f[1] or f[2] or tonumber(f[1]) <= now then return nil end
  if redis.call('HGET', key('client', f[3]), 'epoch') ~= f[4] then return nil end
  if f[5] and (redis.call('GET', key('subject', f[5])) or '') ~= f[6] then return nil end
  if f[7] then
    local c = redis.call('HMGET', key('consent', f[7]), 'json', 'revoked_at')
    if not c[1] or c[2] then return nil end
  end
  return fk
end

-- The token's and its family's hash keys when the token is unrevoked, unexpired and its family live.
local function live_token(kind, hash, now)
  local tk = key(kind, hash)
  local t = redis.call('HMGET', tk, 'expires_at', 'revoked_at', 'family_id')
  if not t[1] or t[2] or tonumber(t[1]) <= now then return nil end
  local fk = live_family(t[3], now)
  if not fk then return nil end
  return tk, fk
end

-- Sets revoked_at on an existing, unrevoked row and lists it for cleanup; 1 when it did.
local function revoke_row(kind, id, now)
  local k = key(kind, id)
  local r = redis.call('HMGET', k, 'json', 'revoked_at')
  if not r[1] or r[2] then return 0 end
  redis.call('HSET', k, 'revoked_at', now)
  redis.call('ZADD', REVOKED, now, kind .. ':' .. id)
  return 1
end

-- Replaces a row (rows.ts RowWrite) with its index entries. A family is stamped with its
-- client's registration epoch and its user's revocation epoch as they are now.
local function write_row(row)
  local k = key(row.kind, row.id)
  local member = row.kind .. ':' .. row.id
  redis.call('DEL', k)
  redis.call('HSET', k, unpack(row.fields))
  if row.expires_at then redis.call('ZADD', EXPIRY, row.expires_at, member) end
  if row.revoked_at then redis.call('ZADD', REVOKED, row.revoked_at, member) end
  if row.ttl then redis.call('EXPIRE', k, row.ttl) end
  if row.kind == 'family' then
    local f = redis.call('HMGET', k, 'client_id', 'sub', 'created_at')
    redis.call('HSET', k, 'client_epoch', redis.call('HGET', key('client', f[1]), 'epoch') or '')
    if f[2] then redis.call('HSET', k, 'subject_epoch', redis.call('GET', key('subject', f[2])) or '') end
    redis.call('ZADD', key('client_families', f[1]), f[3], row.id)
  elseif row.kind == 'consent' then
    local c = redis.call('HMGET', k, 'sub', 'client_id')
    redis.call('SADD', key('consents_of', c[1]), row.id)
    redis.call('SADD', key('client_consents', c[2]), row.id)
  end
end

local function write_rows(rows)
  for _, row in ipairs(rows) do write_row(row) end
end

-- Removes a client and revokes its consents (RFC 7592 §2.3). Its families die with its epoch:
-- a client_id registered again gets a new one.
local function delete_client(client_id, now)
  redis.call('DEL', key('client', client_id), key('client_families', client_id))
  redis.call('SREM', P .. 'clients', client_id)
  redis.call('ZREM', P .. 'dynamic_clients', client_id)
  for _, id in ipairs(redis.call('SMEMBERS', key('client_consents', client_id))) do
    if redis.call('HGET', key('consent', id), 'client_id') == client_id then revoke_row('consent', id, now) end
  end
end
`
