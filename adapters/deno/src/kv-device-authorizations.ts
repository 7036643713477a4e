import { applyDevicePoll, type DeviceAuthorization, type Storage } from '@grantline/core'
import { CONFLICT, type KvKeys, retrying } from './kv-keys.ts'

type DeviceMethods = Required<
  Pick<Storage, 'createDeviceAuthorization' | 'findDeviceAuthorization' | 'decideDeviceAuthorization' | 'pollDeviceAuthorization'>
>

/**
 * Device authorizations (RFC 8628) on Deno KV: the row by device code hash, an index from the user
 * code hash to it, and an expiry entry for cleanup(). A decision and a poll each read the row and
 * commit checked against it, retried on conflict, so concurrent polls issue once.
 */
export function deviceAuthorizationMethods(kv: Deno.Kv, keys: KvKeys): DeviceMethods {
  const byUserCode = async (userCodeHash: string) => {
    const index = await kv.get<string>(keys.deviceByUserCode(userCodeHash))
    return index.value === null ? null : kv.get<DeviceAuthorization>(keys.device(index.value))
  }
  return {
    async createDeviceAuthorization(record) {
      await kv
        .atomic()
        .set(keys.device(record.device_code_hash), record)
        .set(keys.deviceByUserCode(record.user_code_hash), record.device_code_hash)
        .set(keys.expiry(record.expires_at, 'device', record.device_code_hash), true)
        .commit()
    },
    async findDeviceAuthorization(userCodeHash, now) {
      const entry = await byUserCode(userCodeHash)
      const record = entry?.value
      return record && record.status === 'pending' && record.expires_at > now ? record : null
    },
    decideDeviceAuthorization(userCodeHash, decision, now) {
      return retrying(async () => {
        const entry = await byUserCode(userCodeHash)
        const record = entry?.value
        if (!entry || !record || record.status !== 'pending' || record.expires_at <= now) return false
        const decided: DeviceAuthorization =
          decision.status === 'approved'
            ? { ...record, status: 'approved', sub: decision.sub, auth_time: decision.auth_time }
            : { ...record, status: 'denied' }
        return (await kv.atomic().check(entry).set(entry.key, decided).commit()).ok ? true : CONFLICT
      })
    },
    pollDeviceAuthorization(deviceCodeHash, clientId, now) {
      return retrying(async () => {
        const entry = await kv.get<DeviceAuthorization>(keys.device(deviceCodeHash))
        const record = entry.value?.client_id === clientId ? { ...entry.value } : undefined
        const result = applyDevicePoll(record, now)
        if (!record || result.status === 'absent' || result.status === 'expired' || result.status === 'reused') return result
        return (await kv.atomic().check(entry).set(entry.key, record).commit()).ok ? result : CONFLICT
      })
    },
  }
}
