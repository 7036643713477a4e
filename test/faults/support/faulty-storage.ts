import type { Storage } from '@grantline/core'
import type { FakeClock } from '@grantline/testing'

/**
 * How an injected failure behaves, as a database fails:
 * - `throw`: the call throws synchronously, before doing anything (a driver that rejects its input);
 * - `timeout`: the call never answers; after the driver's timeout (a *fake* delay: the clock jumps
 *   TIMEOUT_SECONDS, nothing waits) it rejects, having done nothing;
 * - `lost-reply`: the call is carried out, then the reply is lost and it rejects after the fake
 *   timeout: the write happened, but the caller cannot know it.
 */
export type FaultMode = 'throw' | 'timeout' | 'lost-reply'
export const FAULT_MODES: readonly FaultMode[] = ['throw', 'timeout', 'lost-reply']

/**
 * Not a failure a database has but a storage bug, for the harness's own test: the call does
 * nothing and reports success, so the provider cannot know (a revocation then answers 200).
 */
export type BrokenMode = 'swallowed'

/** The driver timeout the `timeout` and `lost-reply` modes pretend to wait for. */
export const TIMEOUT_SECONDS = 5

export interface StorageCall {
  index: number
  method: string
  /** A deep copy of the arguments, as they were when the call was made. */
  args: unknown[]
  /** Whether the underlying storage carried the call out (false for `throw` and `timeout`). */
  performed: boolean
}

/** Every Storage method, including optional ones the wrapped storage may have. */
const isMethod = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === 'function'

/**
 * Wraps a Storage so that every call is numbered and recorded once `arm()`ed, and the call with
 * index `failAt` fails in `mode` with `error`. The wrapped storage stays reachable for checks
 * that must not go through the wrapper (and so are neither counted nor failed).
 */
export function faultyStorage(inner: Storage, clock: FakeClock) {
  const calls: StorageCall[] = []
  let armed = false
  let fault: { at: number; mode: FaultMode | BrokenMode; error: Error } | undefined
  /** Lets the microtasks already queued run first, as a reply from another process would. */
  const later = () => new Promise<void>((resolve) => setImmediate(resolve))

  const storage = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (!isMethod(value)) return value
      return (...args: unknown[]) => {
        if (!armed) return value.apply(target, args)
        const call: StorageCall = { index: calls.length, method: String(property), args: structuredClone(args), performed: false }
        calls.push(call)
        if (fault?.at !== call.index) {
          call.performed = true
          return value.apply(target, args)
        }
        const { mode, error } = fault
        if (mode === 'throw') throw error
        if (mode === 'swallowed') return Promise.resolve(undefined)
        return (async () => {
          if (mode === 'lost-reply') {
            call.performed = true
            await value.apply(target, args)
          }
          await later()
          clock.advance(TIMEOUT_SECONDS)
          throw error
        })()
      }
    },
  })

  return {
    storage,
    inner,
    calls,
    /** Starts counting (and failing): calls made while setting up are not call sites of a flow. */
    arm(failure?: { at: number; mode: FaultMode | BrokenMode; error: Error }) {
      armed = true
      fault = failure
    },
    /** The index the next call will get. */
    get next() {
      return calls.length
    },
  }
}

export type FaultyStorage = ReturnType<typeof faultyStorage>
