import { runStorageConformance } from '@grantline/testing/vitest'
import { redisStorage } from '../../examples/redis-storage/src/index.js'
import { prefixes } from './support.js'

// examples/redis-storage against a real Redis: a fresh key prefix per test is an empty store.
const keys = prefixes()
const client = await keys.connect()

runStorageConformance('redis (examples/redis-storage)', () => redisStorage(client, { prefix: keys.fresh() }))
