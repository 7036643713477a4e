export { type PostgresDriverOptions, postgresDriver } from './postgres-driver.js'
export type { RequestLogger } from './request-log.js'
export { type RunningServer, type ServeOptions, serve, toNodeListener } from './serve.js'
export { sqliteDriver } from './sqlite-driver.js'
