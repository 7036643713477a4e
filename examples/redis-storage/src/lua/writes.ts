import { luaScript } from '../connection.js'
import { LIBRARY } from './library.js'

/** ARGV[2]: a JSON list of rows (rows.ts RowWrite), written together. */
export const WRITE_ROWS = luaScript(`${LIBRARY}
write_rows(cjson.decode(ARGV[2]))
return 1
`)

/**
 * ARGV[2..6]: client_id, JSON, a fresh epoch, '1' when dynamic, created_at. An update keeps the
 * registration's epoch (HSETNX), so its families stay live; a new registration takes the fresh one.
 */
export const PUT_CLIENT = luaScript(`${LIBRARY}
local id, k = ARGV[2], key('client', ARGV[2])
redis.call('HSET', k, 'json', ARGV[3])
redis.call('HSETNX', k, 'epoch', ARGV[4])
redis.call('SADD', P .. 'clients', id)
if ARGV[5] == '1' then redis.call('ZADD', P .. 'dynamic_clients', ARGV[6], id) else redis.call('ZREM', P .. 'dynamic_clients', id) end
return 1
`)

/** ARGV[2..3]: client_id, now. */
export const DELETE_CLIENT = luaScript(`${LIBRARY}
delete_client(ARGV[2], ARGV[3])
return 1
`)

/** ARGV[2..4]: kind, id, now. 1 when the row was revoked now, 0 when absent or already revoked. */
export const REVOKE_ROW = luaScript(`${LIBRARY}
return revoke_row(ARGV[2], ARGV[3], ARGV[4])
`)

/**
 * ARGV[2..4]: sub, now, a fresh epoch. Moving the user's epoch ends every family stamped with
 * the old one (RFC 9700 §4.14) without touching a family or token row; the user's consents get
 * their revoked_at in the same script.
 */
export const REVOKE_SUBJECT = luaScript(`${LIBRARY}
local sub, now = ARGV[2], ARGV[3]
redis.call('SET', key('subject', sub), ARGV[4])
for _, id in ipairs(redis.call('SMEMBERS', key('consents_of', sub))) do
  if redis.call('HGET', key('consent', id), 'sub') == sub then revoke_row('consent', id, now) end
end
return 1
`)

/** ARGV[2..4]: kid, JSON, '1' for ifNone. Insert-if-absent on the kid, and on the table with ifNone. */
export const ADD_SIGNING_KEY = luaScript(`${LIBRARY}
local k = P .. 'signing_keys'
if ARGV[4] == '1' and redis.call('HLEN', k) > 0 then return 0 end
return redis.call('HSETNX', k, ARGV[2], ARGV[3])
`)
