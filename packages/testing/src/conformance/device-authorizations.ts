import type { Storage } from '@grantline/core'
import { FIXTURE_TIME, makeDeviceAuthorization, randomId } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { raceDevicePoll } from './race.js'
import type { MakeStorage } from './seed.js'

type DeviceStore = Required<
  Pick<Storage, 'createDeviceAuthorization' | 'findDeviceAuthorization' | 'decideDeviceAuthorization' | 'pollDeviceAuthorization'>
>

/** The store's device authorization methods, or null when it does not offer them. */
async function deviceStore(makeStorage: MakeStorage): Promise<DeviceStore | null> {
  const storage = await makeStorage()
  const { createDeviceAuthorization, findDeviceAuthorization, decideDeviceAuthorization, pollDeviceAuthorization } = storage
  if (!createDeviceAuthorization || !findDeviceAuthorization || !decideDeviceAuthorization || !pollDeviceAuthorization) return null
  return {
    createDeviceAuthorization: createDeviceAuthorization.bind(storage),
    findDeviceAuthorization: findDeviceAuthorization.bind(storage),
    decideDeviceAuthorization: decideDeviceAuthorization.bind(storage),
    pollDeviceAuthorization: pollDeviceAuthorization.bind(storage),
  }
}

const T = FIXTURE_TIME

const makeDevice = makeDeviceAuthorization

const approval = { status: 'approved', sub: 'user-1', auth_time: T } as const

/**
 * The optional device authorizations (RFC 8628): found by user code while pending, decided once,
 * polled with slow_down bookkeeping, issued once under concurrent polls. A store without them
 * passes vacuously: the provider then refuses to enable the device grant.
 */
export function describeDeviceAuthorizations(t: TestApi, makeStorage: MakeStorage, concurrency: number): void {
  const { describe, expect, it } = t
  describe('device authorizations (optional, RFC 8628)', () => {
    it('RFC 8628 §3.3: a pending request is found by user code; the decision is recorded once', async () => {
      const store = await deviceStore(makeStorage)
      if (!store) return
      const device = makeDevice()
      await store.createDeviceAuthorization(device)
      expect(await store.findDeviceAuthorization(device.user_code_hash, T + 1)).toEqual(device)
      expect(await store.findDeviceAuthorization(randomId('uch'), T + 1)).toBeNull()
      expect(await store.decideDeviceAuthorization(device.user_code_hash, approval, T + 2)).toBe(true)
      expect(await store.decideDeviceAuthorization(device.user_code_hash, { status: 'denied' }, T + 3)).toBe(false)
      expect(await store.findDeviceAuthorization(device.user_code_hash, T + 4)).toBeNull()
      const polled = await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 10)
      expect(polled).toEqual({
        status: 'approved',
        record: { ...device, status: 'approved', sub: 'user-1', auth_time: T, last_polled_at: T + 10, consumed_at: T + 10 },
      })
    })

    it('RFC 8628 §3.3: an expired request cannot be found or decided', async () => {
      const store = await deviceStore(makeStorage)
      if (!store) return
      const device = makeDevice()
      await store.createDeviceAuthorization(device)
      expect(await store.findDeviceAuthorization(device.user_code_hash, T + 600)).toBeNull()
      expect(await store.decideDeviceAuthorization(device.user_code_hash, approval, T + 600)).toBe(false)
      expect(await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 600)).toEqual({ status: 'expired' })
    })

    it('RFC 8628 §3.5: polls answer pending, slow_down raises the interval by 5 s and keeps it, denied', async () => {
      const store = await deviceStore(makeStorage)
      if (!store) return
      const device = makeDevice()
      await store.createDeviceAuthorization(device)
      expect((await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 5)).status).toBe('pending')
      const fast = await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 7)
      expect(fast.status).toBe('slow_down')
      expect('record' in fast && fast.record.poll_interval).toBe(10)
      // 9 s after the previous poll is still too soon for the raised interval of 10 s.
      expect((await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 16)).status).toBe('slow_down')
      const kept = await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 31)
      expect(kept.status).toBe('pending')
      expect('record' in kept && kept.record.poll_interval).toBe(15)
      await store.decideDeviceAuthorization(device.user_code_hash, { status: 'denied' }, T + 32)
      expect((await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 50)).status).toBe('denied')
      expect(await store.pollDeviceAuthorization(randomId('dch'), device.client_id, T + 50)).toEqual({ status: 'absent' })
      expect(await store.pollDeviceAuthorization(device.device_code_hash, randomId('client'), T + 50)).toEqual({ status: 'absent' })
    })

    it('RFC 8628 §3.5: an approved request is issued once; later polls answer reused', async () => {
      const store = await deviceStore(makeStorage)
      if (!store) return
      const device = makeDevice()
      await store.createDeviceAuthorization(device)
      await store.decideDeviceAuthorization(device.user_code_hash, approval, T + 1)
      expect((await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 2)).status).toBe('approved')
      expect((await store.pollDeviceAuthorization(device.device_code_hash, device.client_id, T + 20)).status).toBe('reused')
    })

    it(`RFC 8628 §3.5: ${concurrency} parallel polls after approval yield exactly one approval`, async () => {
      const storage = await makeStorage()
      if (!(await deviceStore(async () => storage))) return
      expect(await raceDevicePoll(storage, concurrency)).toBe(1)
    })

    it(`RFC 8628 §3.3: ${concurrency} parallel decisions: exactly one is recorded`, async () => {
      const store = await deviceStore(makeStorage)
      if (!store) return
      const device = makeDevice()
      await store.createDeviceAuthorization(device)
      const decisions = await Promise.all(
        Array.from({ length: concurrency }, (_, i) =>
          store.decideDeviceAuthorization(device.user_code_hash, i % 2 ? approval : { status: 'denied' }, T + 1),
        ),
      )
      expect(decisions.filter(Boolean)).toHaveLength(1)
    })
  })
}
