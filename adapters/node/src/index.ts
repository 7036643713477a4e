export { type PostgresDriverOptions, postgresDriver } from './postgres-driver.js'
export { sqliteDriver } from './sqlite-driver.js'
