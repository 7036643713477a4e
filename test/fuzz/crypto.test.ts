import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  base64,
  base64url,
  portableBase64url,
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
        expect(portableBase64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'))
        // A view into a larger buffer encodes only its own bytes.
        const view = new Uint8Array([7, ...bytes, 9]).subarray(1, bytes.length + 1)
        expect(base64url(view)).toBe(Buffer.from(bytes).toString('base64url'))
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

describe('the SHA-256 and base64url the core picks at load', () => {
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

  it('encodes base64url with node:buffer where there is no Uint8Array.prototype.toBase64, and with toBase64 where there is', async () => {
    const proto = Uint8Array.prototype as { toBase64?: unknown }
    const had = Object.getOwnPropertyDescriptor(proto, 'toBase64')
    try {
      Reflect.deleteProperty(proto, 'toBase64')
      const seen: string[] = []
      process.getBuiltinModule = ((id: string) => {
        seen.push(id)
        return original(id)
      }) as typeof original
      vi.resetModules()
      const viaBuffer = (await import(CRYPTO_MODULE)).base64url as (bytes: Uint8Array) => string
      expect(seen).toContain('node:buffer')
      expect(viaBuffer(new Uint8Array([251, 255, 191]))).toBe('-_-_')

      const calls: unknown[] = []
      proto.toBase64 = function (this: Uint8Array, options: unknown) {
        calls.push(options)
        return 'native'
      }
      vi.resetModules()
      const viaToBase64 = (await import(CRYPTO_MODULE)).base64url as (bytes: Uint8Array) => string
      expect(viaToBase64(new Uint8Array([1]))).toBe('native')
      expect(calls).toEqual([{ alphabet: 'base64url', omitPadding: true }])
    } finally {
      if (had) Object.defineProperty(proto, 'toBase64', had)
      else Reflect.deleteProperty(proto, 'toBase64')
    }
  })

  it('encodes base64url in JavaScript where the runtime offers neither (workerd without node compatibility, browsers)', async () => {
    const proto = Uint8Array.prototype as { toBase64?: unknown }
    const had = Object.getOwnPropertyDescriptor(proto, 'toBase64')
    try {
      Reflect.deleteProperty(proto, 'toBase64')
      Reflect.deleteProperty(process, 'getBuiltinModule')
      vi.resetModules()
      const { base64url: loaded } = await import(CRYPTO_MODULE)
      expect(loaded(new Uint8Array([251, 255, 191, 0]))).toBe('-_-_AA')
    } finally {
      if (had) Object.defineProperty(proto, 'toBase64', had)
    }
  })
})
