/**
 * The suites of @grantline/testing registered with vitest's `describe`/`it`/`expect`. This is the
 * one entry that imports vitest (an optional peer dependency): `@grantline/testing` itself holds
 * the runner-neutral suites, fixtures and fake clock, and imports without it.
 */
export { type CacheConformanceOptions, type MakeCache, runCacheConformance } from './cache-conformance.js'
export { runStorageConformance } from './conformance.js'
