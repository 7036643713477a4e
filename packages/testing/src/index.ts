/**
 * @grantline/testing without a test runner: the conformance suites as functions of a
 * `describe`/`it`/`expect` trio, fixtures, fake clock and test accounts. It imports no vitest;
 * `runStorageConformance` and `runCacheConformance`, which register with vitest, are in
 * `@grantline/testing/vitest`.
 */
export {
  accountStoreConformance,
  type ConformanceOptions,
  createFakeClock,
  deepEqual,
  type FakeClock,
  FIXTURE_TIME,
  type Grant,
  issuePair,
  type MakeStorage,
  type Matchers,
  makeAccessToken,
  makeClient,
  makeCode,
  makeConsent,
  makeDynamicClient,
  makeFamily,
  makeInitialAccessToken,
  makeInteraction,
  makePair,
  makeRefreshToken,
  minimalTestApi,
  nonAtomicStorage,
  type RegisterTest,
  type RejectsMatchers,
  raceConsume,
  raceDevicePoll,
  raceRemember,
  raceRotateRefresh,
  randomHash,
  randomId,
  seedGrant,
  storageConformance,
  type TestApi,
  type TestUser,
  type TokenPair,
  testAccounts,
} from './portable.js'
