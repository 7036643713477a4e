/**
 * Everything of @grantline/testing that does not import vitest: the runner-neutral conformance
 * suites, fixtures, fake clock and test accounts. `deno test` and `bun test` import this entry.
 */
export { accountStoreConformance } from './account-store-conformance.js'
export { raceConsume, raceDevicePoll, raceRemember, raceRotateRefresh } from './conformance/race.js'
export { type Grant, issuePair, type MakeStorage, makePair, seedGrant, type TokenPair } from './conformance/seed.js'
export type { FakeClock } from './fake-clock.js'
export { createFakeClock } from './fake-clock.js'
export {
  FIXTURE_TIME,
  makeAccessToken,
  makeClient,
  makeCode,
  makeConsent,
  makeDynamicClient,
  makeFamily,
  makeInitialAccessToken,
  makeInteraction,
  makePushedRequest,
  makeRefreshToken,
  randomHash,
  randomId,
} from './fixtures.js'
export { deepEqual, minimalTestApi, type RegisterTest } from './minimal-test-api.js'
export { nonAtomicStorage } from './non-atomic-storage.js'
export { type ConformanceOptions, storageConformance } from './storage-conformance.js'
export { type TestAccounts, type TestUser, testAccounts } from './test-accounts.js'
export type { Matchers, RejectsMatchers, TestApi } from './test-api.js'
