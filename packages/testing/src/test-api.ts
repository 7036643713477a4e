/**
 * The few test functions the conformance suites call, so that one suite runs under vitest,
 * `bun test` (bun:test) and `deno test` (through `minimalTestApi`) alike. vitest's and bun's own
 * `describe`, `it` and `expect` fit these types as they are.
 */

/** The matchers the suites use, with the meanings vitest gives them. */
export interface Matchers {
  /** Recursive equality of plain data (records, arrays, primitives). */
  toEqual(expected: unknown): void
  /** `Object.is` equality. */
  toBe(expected: unknown): void
  toBeNull(): void
  toHaveLength(length: number): void
  toBeGreaterThanOrEqual(expected: number): void
  toBeLessThanOrEqual(expected: number): void
  readonly not: Pick<Matchers, 'toBe' | 'toBeNull' | 'toEqual'>
}

/** Matchers on a promise that must reject; awaited (bun's types declare them void, vitest's a Promise). */
export interface RejectsMatchers {
  toThrow(): PromiseLike<void> | void
}

export interface TestApi {
  describe(name: string, body: () => void): void
  it(name: string, body: () => Promise<void>): void
  expect(actual: unknown): Matchers & { readonly rejects: RejectsMatchers }
}
