import { env } from 'cloudflare:test'
import { kvCache } from '@grantline/kv'
import { randomId } from '@grantline/testing'
import { runCacheConformance } from '@grantline/testing/vitest'
import { d1Storage } from './support.js'

// Each test gets its own key prefix in the one KV namespace; the Storage behind the cache is D1.
runCacheConformance('kv (workerd) in front of d1', () => kvCache(env.CACHE, { prefix: `${randomId('test')}:` }), { makeStorage: d1Storage })
