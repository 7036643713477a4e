import { kvCache } from '@grantline/kv'
import { randomId } from '@grantline/testing'
import { runCacheConformance } from '@grantline/testing/vitest'
import { fakeKvNamespace } from './fake-kv-namespace.js'

// The same suite runs on real KV inside workerd (test/workers); this run is the fast one.
const namespace = fakeKvNamespace()
runCacheConformance('kv cache over an in-memory namespace', () => kvCache(namespace, { prefix: `${randomId('t')}:` }))
