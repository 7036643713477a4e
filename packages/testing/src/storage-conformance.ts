import { describeCleanup } from './conformance/cleanup.js'
import { describeClients } from './conformance/clients.js'
import { describeConcurrency } from './conformance/concurrency.js'
import { describeConsents } from './conformance/consents.js'
import { describeConsumables } from './conformance/consumables.js'
import { describeDeviceAuthorizations } from './conformance/device-authorizations.js'
import { describeDynamicClients } from './conformance/dynamic-clients.js'
import { describeRateLimits } from './conformance/rate-limits.js'
import { describeRemembered } from './conformance/remembered.js'
import { describeRotation } from './conformance/rotation.js'
import type { MakeStorage } from './conformance/seed.js'
import { describeSigningKeys } from './conformance/signing-keys.js'
import { describeSubjects } from './conformance/subjects.js'
import { describeTokens } from './conformance/tokens.js'
import type { TestApi } from './test-api.js'

export interface ConformanceOptions {
  /** How many requests each race fires at once; 20 by default. */
  concurrency?: number
}

/**
 * Registers, through `t`, suites pinning every rule of the Storage contract: lifecycle reads,
 * single-use consumption with tombstones, refresh rotation with reuse detection and a grace
 * window, revocation through family, consent and user, cleanup, copy semantics, and races that a
 * non-atomic store fails. `makeStorage` is called once per test and must return an empty store.
 * Runner-neutral: vitest (`runStorageConformance`), `bun test` and `deno test` all drive it.
 */
export function storageConformance(t: TestApi, name: string, makeStorage: MakeStorage, options: ConformanceOptions = {}): void {
  const n = options.concurrency ?? 20
  t.describe(`Storage conformance: ${name}`, () => {
    describeClients(t, makeStorage)
    describeConsents(t, makeStorage)
    describeConsumables(t, makeStorage)
    describeTokens(t, makeStorage)
    describeRotation(t, makeStorage)
    describeSubjects(t, makeStorage)
    describeCleanup(t, makeStorage)
    describeDynamicClients(t, makeStorage)
    describeSigningKeys(t, makeStorage, n)
    describeConcurrency(t, makeStorage, n)
    describeRateLimits(t, makeStorage, n)
    describeRemembered(t, makeStorage, n)
    describeDeviceAuthorizations(t, makeStorage, n)
  })
}
