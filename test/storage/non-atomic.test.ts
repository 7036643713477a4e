import { nonAtomicStorage, raceConsume, raceDevicePoll, raceRemember, raceRotateRefresh } from '@grantline/testing'
import { describe, expect, it } from 'vitest'

// The conformance races assert exactly one winner; here the same probes must see several winners
// on a read-modify-write store, or the suite could not fail and would prove nothing.
describe('the conformance races fail on a non-atomic store', () => {
  it('declares itself non-atomic, so createProvider would refuse it', () => {
    expect(nonAtomicStorage().capabilities.atomicConsume).toBe(false)
  })

  it('a code presented concurrently is redeemed more than once (RFC 6749 §4.1.2 violated)', async () => {
    expect(await raceConsume(nonAtomicStorage(), 'code', 20)).toBeGreaterThan(1)
  })

  it('a consent decision submitted concurrently is taken more than once', async () => {
    expect(await raceConsume(nonAtomicStorage(), 'interaction', 20)).toBeGreaterThan(1)
  })

  it('an initial access token presented concurrently registers more than one client (RFC 7591 §3 violated)', async () => {
    expect(await raceConsume(nonAtomicStorage(), 'initial_access_token', 20)).toBeGreaterThan(1)
  })

  it('RFC 9126 §4: a request_uri presented concurrently is used more than once', async () => {
    expect(await raceConsume(nonAtomicStorage(), 'pushed_request', 20)).toBeGreaterThan(1)
  })

  it('RFC 9449 §11.1: one jti remembered concurrently is accepted more than once', async () => {
    expect(await raceRemember(nonAtomicStorage(), 20)).toBeGreaterThan(1)
  })

  it('a refresh token rotated concurrently forks the chain (RFC 9700 §4.14.2 violated)', async () => {
    expect(await raceRotateRefresh(nonAtomicStorage(), 20)).toBeGreaterThan(1)
  })

  it('RFC 8628 §3.5: an approved device code polled concurrently issues more than once', async () => {
    expect(await raceDevicePoll(nonAtomicStorage(), 20)).toBeGreaterThan(1)
  })

  it('two concurrent requests are enough to double-redeem', async () => {
    expect(await raceConsume(nonAtomicStorage(), 'code', 2)).toBe(2)
    expect(await raceRotateRefresh(nonAtomicStorage(), 2)).toBe(2)
  })
})
