import type { DeviceAuthorization, DevicePollResult, Storage } from '@grantline/core'
import { hashOf, type RedisConnection, type RunScript } from './connection.js'
import { CREATE_DEVICE, DECIDE_DEVICE, POLL_DEVICE } from './lua/device.js'
import { TTL_MARGIN_SECONDS } from './rows.js'

type DeviceMethods = Required<
  Pick<Storage, 'createDeviceAuthorization' | 'findDeviceAuthorization' | 'decideDeviceAuthorization' | 'pollDeviceAuthorization'>
>

const nullable = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value))

/** The stored JSON with the fields the scripts change laid over it. */
function recordOf(fields: Record<string, string>): DeviceAuthorization {
  const record = JSON.parse(fields.json as string) as DeviceAuthorization
  return {
    ...record,
    status: fields.status as DeviceAuthorization['status'],
    sub: fields.sub ?? null,
    auth_time: nullable(fields.auth_time),
    poll_interval: Number(fields.poll_interval),
    last_polled_at: nullable(fields.last_polled_at),
    consumed_at: nullable(fields.consumed_at),
  }
}

/** Device authorizations (RFC 8628): decisions and polls are Lua scripts (lua/device.ts). */
export function deviceAuthorizationMethods(redis: RedisConnection, run: RunScript, prefix: string): DeviceMethods {
  const rowKey = (hash: string) => `${prefix}device:${hash}`
  const userKey = (hash: string) => `${prefix}device_user:${hash}`
  return {
    async createDeviceAuthorization(record) {
      const ttl = record.expires_at - record.created_at + TTL_MARGIN_SECONDS
      const { device_code_hash, user_code_hash, client_id, poll_interval, expires_at } = record
      await run(CREATE_DEVICE, device_code_hash, user_code_hash, JSON.stringify(record), client_id, poll_interval, expires_at, ttl)
    },
    async findDeviceAuthorization(userCodeHash, now) {
      const hash = (await redis.sendCommand(['GET', userKey(userCodeHash)])) as string | null
      if (hash === null) return null
      const fields = hashOf(await redis.sendCommand(['HGETALL', rowKey(hash)]))
      if (fields.json === undefined) return null
      const record = recordOf(fields)
      return record.status === 'pending' && record.expires_at > now ? record : null
    },
    async decideDeviceAuthorization(userCodeHash, decision, now) {
      const user = decision.status === 'approved' ? [decision.sub, decision.auth_time] : []
      return Number(await run(DECIDE_DEVICE, userCodeHash, now, decision.status, ...user)) === 1
    },
    async pollDeviceAuthorization(deviceCodeHash, clientId, now): Promise<DevicePollResult> {
      const [outcome, fields] = (await run(POLL_DEVICE, deviceCodeHash, clientId, now)) as [string, unknown]
      if (outcome === 'absent' || outcome === 'expired') return { status: outcome }
      return { status: outcome as 'approved', record: recordOf(hashOf(fields)) }
    },
  }
}
