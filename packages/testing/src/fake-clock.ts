/** A clock that moves only when told to, so tests step over TTLs instead of sleeping. */
export interface FakeClock {
  /** Current time in epoch milliseconds, the unit of the provider's injected `now`. */
  now(): number
  /** Moves the clock forward (or back, when negative) by whole or fractional seconds. */
  advance(seconds: number): void
  /** Jumps to an absolute time in epoch milliseconds. */
  set(ms: number): void
}

/** Creates a fake clock starting at `startMs` (epoch milliseconds, 2023-11-14 by default). */
export function createFakeClock(startMs = 1_700_000_000_000): FakeClock {
  let current = startMs
  return {
    now: () => current,
    advance(seconds) {
      current += seconds * 1000
    },
    set(ms) {
      current = ms
    },
  }
}
