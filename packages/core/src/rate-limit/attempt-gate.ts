import type { AttemptGate } from '../contracts/services.js'

interface Slots {
  running: number
  waiting: (() => void)[]
}

/** The longest an attempt waits for a slot before it takes one of its own. */
const MAX_WAIT_MS = 2000

/**
 * Client authentications that arrive together would all pass the rate limit's check before any of
 * their failures is counted, so a burst over many connections got as many guesses as it had
 * requests. Through this gate at most `limit` (the limit's maxFailures) attempts per key are
 * between their check and the count of their failure at once; the others wait for one to settle.
 * A burst then gets at most maxFailures - 1 guesses past the limit per process, and honest
 * clients lose nothing but the wait: an attempt settles in the time of a storage read or two.
 *
 * A waiting attempt holds a timer of its own: a runtime that cancels a request waiting only on
 * another request's promise (workerd) sees it waiting on that, and a slot that a canceled request
 * never gave back delays an attempt by at most `maxWaitMs`, after which it takes a slot of its own.
 */
export function attemptGate(limit: number, maxWaitMs = MAX_WAIT_MS): AttemptGate {
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
  const wait = (slots: Slots) =>
    new Promise<void>((resolve) => {
      const handOver = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        slots.waiting.splice(slots.waiting.indexOf(handOver), 1)
        slots.running++
        resolve()
      }, maxWaitMs)
      slots.waiting.push(handOver)
    })
  return {
    async enter(key) {
      let slots = keys.get(key)
      if (!slots) {
        slots = { running: 0, waiting: [] }
        keys.set(key, slots)
      }
      if (slots.running < limit) slots.running++
      else await wait(slots)
      return release(key, slots)
    },
  }
}
