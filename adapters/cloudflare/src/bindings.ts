import type { SqlRunResult, SqlStatement } from '@grantline/sql'

/**
 * The part of a D1 binding (`D1Database`) the adapter uses. The real binding satisfies it as it
 * is; `D1DatabaseSession` (read replication) does too, and `d1Driver` refuses it at run time.
 */
export interface D1DatabaseLike {
  prepare(query: string): SqlStatement
  batch(statements: SqlStatement[]): Promise<SqlRunResult[]>
}

/** A Worker's ExecutionContext, as far as the adapter needs it. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
}

/** The controller of a Cron Trigger event (`ScheduledController`). */
export interface ScheduledControllerLike {
  /** Epoch milliseconds the trigger was scheduled for. */
  readonly scheduledTime: number
  readonly cron: string
}
