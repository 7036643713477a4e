export type { ConformanceOptions, MakeStorage } from './conformance.js'
export { raceConsume, raceRotateRefresh, runStorageConformance } from './conformance.js'
export type { FakeClock } from './fake-clock.js'
export { createFakeClock } from './fake-clock.js'
export {
  FIXTURE_TIME,
  makeAccessToken,
  makeClient,
  makeCode,
  makeConsent,
  makeFamily,
  makeInteraction,
  makeRefreshToken,
  randomHash,
  randomId,
} from './fixtures.js'
export { nonAtomicStorage } from './non-atomic-storage.js'
export { type TestUser, testAccounts } from './test-accounts.js'
