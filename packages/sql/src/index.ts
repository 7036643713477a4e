export { deleteUserWithGrants } from './delete-user.js'
export type { SqlDialect, SqlDriver, SqlRunResult, SqlStatement, SqlValue } from './driver.js'
export {
  type ImportCounts,
  type ImportedAccessToken,
  type ImportedClient,
  type ImportedRefreshToken,
  type ImportRecords,
  type ImportWriter,
  importInTransaction,
  importRecords,
} from './import-records.js'
export { migrate } from './migrate.js'
export { type Migration, migrations } from './migrations.js'
export { sqlAccountStore } from './sql-account-store.js'
export { type SqlStorageOptions, sqlStorage } from './sql-storage.js'
export { countCleanup } from './storage/cleanup.js'
export { type SyncSqlite, type SyncStatement, syncSqliteDriver } from './sync-sqlite-driver.js'
export { type CheckpointWorker, type CheckpointWorkerData, walCheckpointer } from './wal-checkpointer.js'
