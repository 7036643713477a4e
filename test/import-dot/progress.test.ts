import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { importDot } from '../../adapters/node/src/cli/import-dot/import-dot.js'
import { openDotReader } from '../../adapters/node/src/cli/import-dot/open-dot-reader.js'
import { openDatabase } from '../../adapters/node/src/cli/open-database.js'
import { createProgress } from '../../adapters/node/src/cli/progress.js'
import { createWorkspace, type Workspace } from '../server/support.js'
import { dot3Data, writeDot3Sqlite } from './dot3-database.js'

/** A terminal (or not) that keeps what was written, and a clock the test moves. */
function setup(isTTY: boolean) {
  const written: string[] = []
  let ms = 0
  const stream = { isTTY, write: (text: string) => written.push(text) }
  return { written, stream, now: () => ms, tick: (by: number) => (ms += by) }
}

describe('the progress line of long CLI commands', () => {
  it('shows rows done of the total, the rate and the time left, redrawn in place', () => {
    const t = setup(true)
    const progress = createProgress('reading', 0, { stream: t.stream, now: t.now })
    progress.phase('reading', 10_000)
    t.tick(1000)
    progress.advance(2500)
    expect(t.written.at(-1)).toBe('\rreading: 2,500 of 10,000 rows, 2,500/s, 3s left')
    t.tick(100)
    progress.advance(100)
    // Within 250 ms of the last redraw: not drawn again.
    expect(t.written.at(-1)).toBe('\rreading: 2,500 of 10,000 rows, 2,500/s, 3s left')
    t.tick(2900)
    progress.advance(7400)
    expect(t.written.at(-1)).toBe('\rreading: 10,000 of 10,000 rows, 2,500/s, 0s left')
    progress.done()
    expect(t.written.at(-1)).toMatch(/^\r +\r$/)
  })

  it('a phase without a total (one transaction committing) shows only what it waits for', () => {
    const t = setup(true)
    const progress = createProgress('reading', 0, { stream: t.stream, now: t.now })
    progress.phase('writing 12 rows in one transaction', 0)
    expect(t.written.at(-1)).toBe('\rwriting 12 rows in one transaction')
  })

  it('writes nothing when the stream is not a terminal (a pipe, a file, a script)', () => {
    const t = setup(false)
    const progress = createProgress('reading', 100, { stream: t.stream, now: t.now })
    progress.phase('reading', 100)
    t.tick(1000)
    progress.advance(100)
    progress.done()
    expect(t.written).toStrictEqual([])
  })

  describe('grantline import-dot', () => {
    let ws: Workspace | undefined
    afterAll(async () => {
      await ws?.dispose()
    })

    it('shows one line for the whole import, counting each page once it is written, then the commit', async () => {
      ws = await createWorkspace('postgres')
      const from = join(ws.dir, 'dot.sqlite3')
      writeDot3Sqlite(from, dot3Data().rows)
      const reader = await openDotReader(from)
      const database = await openDatabase(ws.db)
      const t = setup(true)
      const progress = createProgress('reading', 0, { stream: t.stream, now: t.now, every: 0 })
      try {
        await importDot({
          reader,
          database,
          now: Math.floor(Date.now() / 1000),
          refreshTtl: 14 * 86400,
          familyTtl: 90 * 86400,
          authMethod: 'client_secret_basic',
          resources: [],
          dryRun: false,
          progress,
          pageSize: 2,
        })
      } finally {
        await database.close()
        await reader.close()
      }
      // 3 users, 5 applications, 7 access tokens, and 8 refresh tokens read twice (DOT 3's chains first).
      const lines = t.written.map((line) => line.trimEnd())
      expect(lines[0]).toBe('\rimporting: 0 of 31 rows')
      const counts = lines.slice(1, -2).map((line) => Number(/^\rimporting: (\d+) of 31 rows$/.exec(line)?.[1]))
      expect(counts.length).toBeGreaterThan(10)
      expect(counts).toStrictEqual([...counts].sort((a, b) => a - b))
      expect(counts.at(-1)).toBe(31)
      expect(lines.at(-2)).toBe('\rcommitting')
      expect(t.written.at(-1)).toMatch(/^\r +\r$/)
    })
  })
})
