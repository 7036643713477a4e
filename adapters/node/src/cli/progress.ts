/** Where a progress line goes: stderr, which only a terminal gets. */
export interface ProgressStream {
  isTTY?: boolean
  write(text: string): unknown
}

export interface ProgressOptions {
  /** Default process.stderr. */
  stream?: ProgressStream
  /** Milliseconds; default performance.now. */
  now?: () => number
  /** Least time between two redraws, in milliseconds; default 250. */
  every?: number
}

export interface Progress {
  /** `count` more rows are done. */
  advance(count: number): void
  /** Another phase, with its own total (0 when unknown: the line shows the rows and rate only). */
  phase(label: string, total: number): void
  /** Clears the line: the result is printed after it. */
  done(): void
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

const quiet: Progress = { advance() {}, phase() {}, done() {} }

/**
 * A one-line progress display for long commands (`import-dot`, `tokens clear`): rows done of the
 * total, the rate, and the time left at that rate, redrawn in place at most every 250 ms. It
 * writes only when its stream is a terminal, so scripts, pipes and `--json` output never see it.
 */
export function createProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr
  if (!stream.isTTY) return quiet
  const now = options.now ?? (() => performance.now())
  const every = options.every ?? 250
  let name = label
  let goal = total
  let done = 0
  let started = now()
  let drawn = -Infinity
  let width = 0
  const draw = () => {
    const elapsed = (now() - started) / 1000
    const rate = elapsed > 0 ? done / elapsed : 0
    const parts = [goal > 0 ? `${done.toLocaleString('en')} of ${goal.toLocaleString('en')} rows` : `${done.toLocaleString('en')} rows`]
    if (elapsed >= 0.5) parts.push(`${Math.round(rate).toLocaleString('en')}/s`)
    if (goal > 0 && rate > 0 && elapsed >= 0.5) parts.push(`${duration((goal - done) / rate)} left`)
    // A phase with no total and nothing done yet (one transaction committing) says only what it waits for.
    const line = goal === 0 && done === 0 ? name : `${name}: ${parts.join(', ')}`
    stream.write(`\r${line.padEnd(width)}`)
    width = line.length
  }
  return {
    advance(count) {
      done += count
      const t = now()
      if (t - drawn < every) return
      drawn = t
      draw()
    },
    phase(label, total) {
      name = label
      goal = total
      done = 0
      started = now()
      drawn = now()
      draw()
    },
    done() {
      if (width > 0) stream.write(`\r${' '.repeat(width)}\r`)
      width = 0
    },
  }
}
