import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  base64,
  base64url,
  portableSha256,
  randomBytes,
  s256,
  sha256Hex,
  timingSafeEqual,
} from '../../packages/core/src/primitives/crypto.js'

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

  it('sha256Hex and s256 (native where the runtime has it) and their portable path hash the UTF-8 bytes as node:crypto does: ASCII, non-ASCII, lone surrogates, and past the reused buffer', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: fc.constantFrom('a', 'Z', '~', 'é', '😀', '\u0000', '\u007f', '\u0080', '\ud800', '\udfff'), maxLength: 300 }),
    )
    fc.assert(
      fc.property(text, text, (a, b) => {
        // Two hashes in a row: the second must not see the first's bytes in the reused buffer.
        expect([sha256Hex(a), sha256Hex(b)]).toEqual([
          createHash('sha256').update(a).digest('hex'),
          createHash('sha256').update(b).digest('hex'),
        ])
        expect([portableSha256(a, 'hex'), portableSha256(b, 'hex')]).toEqual([sha256Hex(a), sha256Hex(b)])
        expect(portableSha256(a, 'base64url')).toBe(s256(a))
        expect(s256(a)).toBe(createHash('sha256').update(a).digest('base64url'))
      }),
      { numRuns: 5_000, seed: 42 },
    )
  })

  it('randomBytes hands out each pooled byte once: views never overlap, also across a refill', () => {
    const views = Array.from({ length: 300 }, () => randomBytes(32))
    const ranges = views.map((view) => [view.buffer, view.byteOffset, view.byteOffset + view.byteLength] as const)
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const [bufferA, startA, endA] = ranges[i]!
        const [bufferB, startB, endB] = ranges[j]!
        if (bufferA === bufferB) expect(endA <= startB || endB <= startA).toBe(true)
      }
    }
    expect(views.every((view) => view.byteLength === 32)).toBe(true)
  })
})

describe('the SHA-256 the core picks at load', () => {
  const CRYPTO_MODULE = '../../packages/core/src/primitives/crypto.js'
  const original = process.getBuiltinModule
  afterEach(() => {
    process.getBuiltinModule = original
    vi.resetModules()
  })

  it("is the runtime's node:crypto hash() where process.getBuiltinModule offers it", async () => {
    const calls: unknown[][] = []
    const hash = (...args: unknown[]) => {
      calls.push(args)
      return 'native'
    }
    process.getBuiltinModule = ((id: string) => (id === 'node:crypto' ? { hash } : original(id))) as typeof original
    vi.resetModules()
    const { sha256Hex: loaded, s256: loadedS256 } = await import(CRYPTO_MODULE)
    expect([loaded('secret'), loadedS256('verifier')]).toEqual(['native', 'native'])
    expect(calls).toEqual([
      ['sha256', 'secret', 'hex'],
      ['sha256', 'verifier', 'base64url'],
    ])
  })

  it('is @noble/hashes where there is no process.getBuiltinModule (workerd, browsers), with the same digests', async () => {
    Reflect.deleteProperty(process, 'getBuiltinModule')
    vi.resetModules()
    const { sha256Hex: loaded, s256: loadedS256 } = await import(CRYPTO_MODULE)
    expect(loaded('é😀')).toBe(createHash('sha256').update('é😀').digest('hex'))
    expect(loadedS256('verifier')).toBe(createHash('sha256').update('verifier').digest('base64url'))
  })
})
