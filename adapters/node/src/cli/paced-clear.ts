import { setTimeout as sleep } from 'node:timers/promises'
import type { Progress } from './progress.js'

export interface PacedClearOptions {
  /** Removes at most `limit` expired or revoked rows; answers how many it removed (`provider.cleanup`). */
  cleanup(limit: number): Promise<number>
  /** Rows per batch (`--batch`). */
  batch: number
  /** Runs between batches, off the lock: SQLite checkpoints the WAL the batch wrote. */
  between?(): Promise<void>
  /** Told the rows of each batch (a terminal's progress line). */
  progress?: Progress
}

/**
 * DOT's `cleartokens`, paced so that a server writing to the same database never waits long: after
 * each batch the write lock stays free for as long as the batch took, and at least 2 ms. A
 * server's write that met a batch gets the lock on SQLite's first busy retries (after 1 ms, then
 * 2 ms more) instead of racing every next batch for it, so with batches of a few ms its wait stays
 * a few ms (docs/benchmarks.md, "tokens clear"). Answers the rows removed.
 */
export async function pacedClear({ cleanup, batch, between, progress }: PacedClearOptions): Promise<number> {
  let removed = 0
  for (;;) {
    const started = performance.now()
    const count = await cleanup(batch)
    removed += count
    progress?.advance(count)
    if (count < batch) return removed
    await between?.()
    await sleep(Math.max(2, performance.now() - started))
  }
}
