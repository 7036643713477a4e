export type { RedisConnection } from './connection.js'
export { type RedisStorageOptions, redisStorage } from './redis-storage.js'
