import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base64, base64url, timingSafeEqual } from '../../packages/core/src/crypto.js'

describe('the core byte and string helpers agree with the platform', () => {
  it('base64 and base64url encode as Buffer does (RFC 4648 §4 with padding, §5 without)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
        expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'))
      }),
      { numRuns: 5_000, seed: 42 },
    )
  })

  it('timingSafeEqual is string equality, for any strings (equal length or not, non-ASCII included)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '0', 'é', '😀', '\u0000'), maxLength: 12 })
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b)
        expect(timingSafeEqual(a, a)).toBe(true)
      }),
      { numRuns: 5_000, seed: 42 },
    )
  })
})
