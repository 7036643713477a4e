import type { AttemptGate } from '../contracts/services.js'

interface Slots {
  running: number
  waiting: (() => void)[]
}

/**
 * Client authentications that arrive together would all pass the rate limit's check before any of
 * their failures is counted, so a burst over many connections got as many guesses as it had
 * requests. Through this gate at most `limit` (the limit's maxFailures) attempts per key are
 * between their check and the count of their failure at once; the others wait for one to settle.
 * A burst then gets at most maxFailures - 1 guesses past the limit per process, and honest
 * clients lose nothing but the wait: an attempt settles in the time of a storage read or two.
 */
export function attemptGate(limit: number): AttemptGate {
  const keys = new Map<string, Slots>()
  const release = (key: string, slots: Slots) => {
    let done = false
    return () => {
      if (done) return
      done = true
      // The slot goes straight to the next waiting attempt, or back.
      const next = slots.waiting.shift()
      if (next) next()
      else if (--slots.running === 0) keys.delete(key)
    }
  }
  return {
    async enter(key) {
      let slots = keys.get(key)
      if (!slots) {
        slots = { running: 0, waiting: [] }
        keys.set(key, slots)
      }
      if (slots.running < limit) slots.running++
      else {
        const waiting = slots.waiting
        await new Promise<void>((resolve) => waiting.push(resolve))
      }
      return release(key, slots)
    },
  }
}
