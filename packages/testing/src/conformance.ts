import { describe, expect, it } from 'vitest'
import type { MakeStorage } from './conformance/seed.js'
import { type ConformanceOptions, storageConformance } from './storage-conformance.js'

export { raceConsume, raceRotateRefresh } from './conformance/race.js'
export type { MakeStorage } from './conformance/seed.js'
export type { ConformanceOptions } from './storage-conformance.js'

/**
 * Registers vitest suites pinning every rule of the Storage contract: lifecycle reads, single-use
 * consumption with tombstones, refresh rotation with reuse detection and a grace window,
 * revocation through family, consent and user, cleanup, copy semantics, and races that a non-atomic
 * store fails. `makeStorage` is called once per test and must return an empty store. Other
 * runners call `storageConformance` from `@grantline/testing/portable` with their own functions.
 */
export function runStorageConformance(name: string, makeStorage: MakeStorage, options: ConformanceOptions = {}): void {
  storageConformance({ describe, it, expect }, name, makeStorage, options)
}
