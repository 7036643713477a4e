/** A lean stand-in that can build the real object it stands for. */
interface HasReal {
  real(): object
}

/**
 * Makes `lean.prototype` answer every member of `native.prototype` that it does not define itself
 * (`own`) from `this.real()`: methods are called on the real object, accessors read from it, plain
 * values (Symbol.toStringTag) are inherited as they are. Then `instanceof` the native class holds.
 * The lean Request, Headers and Response of the fast listener are built this way.
 */
export function delegateToReal(lean: { prototype: object }, native: { prototype: object }, own: readonly PropertyKey[]): void {
  const skip = new Set<PropertyKey>(['constructor', ...own])
  for (const name of Reflect.ownKeys(native.prototype)) {
    if (skip.has(name)) continue
    const descriptor = Object.getOwnPropertyDescriptor(native.prototype, name)
    if (typeof descriptor?.value === 'function') {
      Object.defineProperty(lean.prototype, name, {
        value(this: HasReal, ...args: unknown[]) {
          return (this.real() as Record<PropertyKey, (...a: unknown[]) => unknown>)[name]!(...args)
        },
      })
    } else if (descriptor?.get) {
      Object.defineProperty(lean.prototype, name, {
        get(this: HasReal) {
          return (this.real() as Record<PropertyKey, unknown>)[name]
        },
      })
    }
  }
  Object.setPrototypeOf(lean.prototype, native.prototype)
}
