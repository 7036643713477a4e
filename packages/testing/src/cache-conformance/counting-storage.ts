import type { Storage } from '@grantline/core'

/** A Storage that counts the calls reaching it, by method name. */
export function countingStorage(storage: Storage): { storage: Storage; calls: (method: keyof Storage) => number } {
  const counts = new Map<PropertyKey, number>()
  const counted = new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        counts.set(property, (counts.get(property) ?? 0) + 1)
        return value.apply(target, args)
      }
    },
  })
  return { storage: counted, calls: (method) => counts.get(method) ?? 0 }
}
