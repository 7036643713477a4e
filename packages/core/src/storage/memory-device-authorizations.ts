import type { DeviceAuthorization, DevicePollResult, Storage } from '../contracts/storage.js'

type DeviceMethods = Required<
  Pick<Storage, 'createDeviceAuthorization' | 'findDeviceAuthorization' | 'decideDeviceAuthorization' | 'pollDeviceAuthorization'>
>

const copy = (record: DeviceAuthorization): DeviceAuthorization => ({
  ...record,
  scopes: [...record.scopes],
  resource: [...record.resource],
})

/**
 * One poll of `record` at `now` (RFC 8628 §3.5), applied to it in place: the order of the checks
 * is the order the token endpoint answers them. Polling sooner than the interval raises the
 * interval by 5 seconds and answers slow_down, whatever the user decided.
 */
export function applyDevicePoll(record: DeviceAuthorization | undefined, now: number): DevicePollResult {
  if (!record) return { status: 'absent' }
  if (record.expires_at <= now) return { status: 'expired' }
  if (record.consumed_at !== null) return { status: 'reused', record: copy(record) }
  const early = record.last_polled_at !== null && now - record.last_polled_at < record.poll_interval
  record.last_polled_at = now
  if (early) {
    record.poll_interval += 5
    return { status: 'slow_down', record: copy(record) }
  }
  if (record.status === 'approved') {
    record.consumed_at = now
    return { status: 'approved', record: copy(record) }
  }
  return { status: record.status, record: copy(record) }
}

/**
 * Device authorizations kept in `table` by device code hash, for the in-process store. Each
 * method runs without awaiting, so it is atomic within one JavaScript realm.
 */
export function memoryDeviceAuthorizations(table: Map<string, DeviceAuthorization>): DeviceMethods {
  const byUserCode = (userCodeHash: string, now: number) => {
    for (const record of table.values()) {
      if (record.user_code_hash === userCodeHash && record.status === 'pending' && record.expires_at > now) return record
    }
    return undefined
  }
  return {
    async createDeviceAuthorization(record) {
      table.set(record.device_code_hash, copy(record))
    },
    async findDeviceAuthorization(userCodeHash, now) {
      const record = byUserCode(userCodeHash, now)
      return record ? copy(record) : null
    },
    async decideDeviceAuthorization(userCodeHash, decision, now) {
      const record = byUserCode(userCodeHash, now)
      if (!record) return false
      record.status = decision.status
      if (decision.status === 'approved') {
        record.sub = decision.sub
        record.auth_time = decision.auth_time
      }
      return true
    },
    async pollDeviceAuthorization(deviceCodeHash, clientId, now) {
      const record = table.get(deviceCodeHash)
      return applyDevicePoll(record?.client_id === clientId ? record : undefined, now)
    },
  }
}
