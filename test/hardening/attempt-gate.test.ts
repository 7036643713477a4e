import { describe, expect, it, vi } from 'vitest'
import { attemptGate } from '../../packages/core/src/rate-limit/attempt-gate.js'

const settled = async <T>(promise: Promise<T>) => {
  let done = false
  void promise.then(() => {
    done = true
  })
  await new Promise((resolve) => setTimeout(resolve, 5))
  return done
}

describe('the gate in front of the client-authentication rate limit', () => {
  it('RFC 6749 §10.10: lets `limit` attempts per key in at once; the next waits for a release, in order; other keys are not held', async () => {
    const gate = attemptGate(2)
    const first = await gate.enter('a')
    await gate.enter('a')
    const third = gate.enter('a')
    const fourth = gate.enter('a')
    expect(await settled(third)).toBe(false)
    expect(await settled(gate.enter('b'))).toBe(true)
    first()
    first() // a second call gives back nothing more
    expect(await settled(third)).toBe(true)
    expect(await settled(fourth)).toBe(false)
    ;(await third)()
    expect(await settled(fourth)).toBe(true)
  })

  it('RFC 6749 §10.10: a slot never given back (a canceled request) delays the next attempt by at most maxWaitMs', async () => {
    vi.useFakeTimers()
    try {
      const gate = attemptGate(1, 2000)
      await gate.enter('a') // never released
      let entered: (() => void) | undefined
      void gate.enter('a').then((release) => {
        entered = release
      })
      await vi.advanceTimersByTimeAsync(1999)
      expect(entered).toBeUndefined()
      await vi.advanceTimersByTimeAsync(1)
      expect(entered).toBeTypeOf('function')
      entered?.()
      // The slot taken after the wait was its own: the one never given back still holds the only slot.
      let third = false
      void gate.enter('a').then(() => {
        third = true
      })
      await vi.advanceTimersByTimeAsync(0)
      expect(third).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })
})
