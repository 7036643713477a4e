import { describe, expect, it } from 'vitest'
import { createProgress } from '../../adapters/node/src/cli/progress.js'

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
})
