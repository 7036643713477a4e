import type { Consumables, Storage } from '@grantline/core'
import { FIXTURE_TIME, makeDeviceAuthorization, randomHash } from '../fixtures.js'
import { issuePair, makePair, seedGrant } from './seed.js'
import { storeConsumable } from './store-consumable.js'

const countOk = (results: { status: string }[]) => results.filter((r) => r.status === 'ok').length

/**
 * Stores one single-use record of `kind`, then presents it `n` times at once. Returns how many
 * presentations answered `ok`: 1 on an atomic store (RFC 6749 §4.1.2, a code is used once).
 */
export async function raceConsume(storage: Storage, kind: keyof Consumables, n = 20): Promise<number> {
  const { key } = await storeConsumable(storage, kind, FIXTURE_TIME + 600)
  const now = FIXTURE_TIME + 1
  const results = await Promise.all(Array.from({ length: n }, () => storage.consume(kind, key, now)))
  return countOk(results)
}

/**
 * Issues one refresh token, then rotates it `n` times at once, each with its own successor and no
 * grace window. Returns how many rotations answered `ok`: 1 on an atomic store (RFC 9700 §4.14.2).
 */
export async function raceRotateRefresh(storage: Storage, n = 20): Promise<number> {
  const grant = await seedGrant(storage)
  const old = await issuePair(storage, grant)
  const now = FIXTURE_TIME + 10
  const results = await Promise.all(Array.from({ length: n }, () => storage.rotateRefresh(old.refresh.hash, makePair(grant, now), now, 0)))
  return countOk(results)
}

/**
 * Stores a device authorization (RFC 8628) and approves it, then polls it `n` times at once.
 * Returns how many polls answered `approved`: 1 on an atomic store (RFC 8628 §3.5, tokens once).
 */
export async function raceDevicePoll(storage: Storage, n = 20): Promise<number> {
  const { createDeviceAuthorization, decideDeviceAuthorization, pollDeviceAuthorization } = storage
  if (!createDeviceAuthorization || !decideDeviceAuthorization || !pollDeviceAuthorization) throw new TypeError('no device authorizations')
  const device = makeDeviceAuthorization()
  await createDeviceAuthorization.call(storage, device)
  await decideDeviceAuthorization.call(
    storage,
    device.user_code_hash,
    { status: 'approved', sub: 'user-1', auth_time: FIXTURE_TIME },
    FIXTURE_TIME + 1,
  )
  const polls = Array.from({ length: n }, () =>
    pollDeviceAuthorization.call(storage, device.device_code_hash, device.client_id, FIXTURE_TIME + 6),
  )
  return (await Promise.all(polls)).filter((poll) => poll.status === 'approved').length
}

/**
 * Presents one single-use value to `remember` `n` times at once. Returns how many calls were told
 * true: 1 on an atomic store (RFC 7523 §3, RFC 9449 §11.1: a jti is accepted once).
 */
export async function raceRemember(storage: Storage, n = 20): Promise<number> {
  const { remember } = storage
  if (!remember) throw new TypeError('no remember')
  const key = randomHash()
  const results = await Promise.all(Array.from({ length: n }, () => remember.call(storage, 'jti', key, FIXTURE_TIME + 600, FIXTURE_TIME)))
  return results.filter(Boolean).length
}
