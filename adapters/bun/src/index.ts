export { type RunningServer, type ServeOptions, serve } from './serve.js'
export { bunSqliteDriver } from './sqlite-driver.js'
