import type { UserRecord } from '@grantline/core'
import type { SqlDriver } from '@grantline/sql'

export interface RunningWorker {
  /** `http://HOST:PORT` */
  origin: string
  /** `${origin}/o` */
  issuer: string
  /** `${origin}/mcp`: the MCP server, and the resource its tokens are for. */
  mcpUrl: string
  /** The Worker's D1 database, seen from Node. */
  db: SqlDriver
  createUser(username: string, password: string): Promise<UserRecord>
  /** Fires the Cron Trigger (cleanup). */
  cron(): Promise<unknown>
  stop(): Promise<void>
}

/** The Worker bundled by esbuild, as wrangler bundles it. */
export declare function bundleWorker(): Promise<string>

/** Serves the Worker in workerd (Miniflare) with a fresh in-memory D1 database. */
export declare function start(options?: { host?: string; port?: number }): Promise<RunningWorker>
