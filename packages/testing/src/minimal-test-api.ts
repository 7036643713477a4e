import type { Matchers, RejectsMatchers, TestApi } from './test-api.js'

/** Registers one test with the host runner, e.g. `(name, body) => Deno.test(name, body)`. */
export type RegisterTest = (name: string, body: () => Promise<void>) => void

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** vitest's `toEqual` on plain data: recursive, and a property holding `undefined` counts as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (!isRecord(a) || !isRecord(b)) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]))
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((key) => o[key] !== undefined)
  const [ka, kb] = [keys(a), keys(b)]
  return ka.length === kb.length && ka.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
}

const show = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function matchers(actual: unknown, negated: boolean): Matchers {
  const check = (pass: boolean, what: string) => {
    if (pass === negated) throw new Error(`expected ${show(actual)} ${negated ? 'not ' : ''}${what}`)
  }
  const size = () => (isRecord(actual) && typeof actual.length === 'number' ? actual.length : Number.NaN)
  return {
    toEqual: (expected) => check(deepEqual(actual, expected), `to equal ${show(expected)}`),
    toBe: (expected) => check(Object.is(actual, expected), `to be ${show(expected)}`),
    toBeNull: () => check(actual === null, 'to be null'),
    toHaveLength: (length) => check(size() === length, `to have length ${length}`),
    toBeGreaterThanOrEqual: (n) => check(typeof actual === 'number' && actual >= n, `to be >= ${n}`),
    toBeLessThanOrEqual: (n) => check(typeof actual === 'number' && actual <= n, `to be <= ${n}`),
    get not() {
      return matchers(actual, !negated)
    },
  }
}

function rejects(actual: unknown): RejectsMatchers {
  return {
    async toThrow() {
      try {
        await actual
      } catch {
        return
      }
      throw new Error('expected the promise to reject')
    },
  }
}

/**
 * A TestApi over any runner that can register a named async test: `describe` only prefixes
 * names (`outer > inner > test`), `expect` implements the matchers the suites use. This is how
 * the conformance suites run under `deno test`, whose registry takes flat names.
 */
export function minimalTestApi(register: RegisterTest): TestApi {
  const path: string[] = []
  return {
    describe(name, body) {
      path.push(name)
      try {
        body()
      } finally {
        path.pop()
      }
    },
    it(name, body) {
      register([...path, name].join(' > '), body)
    },
    expect: (actual) => Object.assign(matchers(actual, false), { rejects: rejects(actual) }),
  }
}
