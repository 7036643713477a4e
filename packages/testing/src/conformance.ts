import { describe } from 'vitest'
import { describeCleanup } from './conformance/cleanup.js'
import { describeClients } from './conformance/clients.js'
import { describeConcurrency } from './conformance/concurrency.js'
import { describeConsents } from './conformance/consents.js'
import { describeConsumables } from './conformance/consumables.js'
import { describeRotation } from './conformance/rotation.js'
import { describeSigningKeys } from './conformance/signing-keys.js'
import type { MakeStorage } from './conformance/seed.js'
import { describeTokens } from './conformance/tokens.js'

export { raceConsume, raceRotateRefresh } from './conformance/race.js'
export type { MakeStorage } from './conformance/seed.js'

export interface ConformanceOptions {
  /** How many requests each race fires at once; 20 by default. */
  concurrency?: number
}

/**
 * Registers vitest suites pinning every rule of the Storage contract: lifecycle reads, single-use
 * consumption with tombstones, refresh rotation with reuse detection and a grace window,
 * revocation through family and consent, cleanup, copy semantics, and races that a non-atomic
 * store fails. `makeStorage` is called once per test and must return an empty store.
 */
export function runStorageConformance(
  name: string,
  makeStorage: MakeStorage,
  options: ConformanceOptions = {},
): void {
  describe(`Storage conformance: ${name}`, () => {
    describeClients(makeStorage)
    describeConsents(makeStorage)
    describeConsumables(makeStorage)
    describeTokens(makeStorage)
    describeRotation(makeStorage)
    describeCleanup(makeStorage)
    describeSigningKeys(makeStorage, options.concurrency ?? 20)
    describeConcurrency(makeStorage, options.concurrency ?? 20)
  })
}
