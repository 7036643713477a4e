import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseParams } from '../../packages/core/src/http/form.js'

const form = fc.string({
  unit: fc.constantFrom('a', 'b', '=', '&', '?', '%', '2', '0', 'F', '+', ' ', 'é', '😀', '\ud800', '\udfff', ';'),
  maxLength: 30,
})

/** What parseParams must answer, from URLSearchParams itself: the pairs, or a refusal of a NUL or a repeat. */
function expected(encoded: string): Map<string, string> | 'repeated' | 'nul' {
  const out = new Map<string, string>()
  const seen = new Set<string>()
  for (const [name, value] of new URLSearchParams(encoded)) {
    if (name.includes('\0') || value.includes('\0')) return 'nul'
    if (name === 'resource') return 'repeated' // resource has its own rules, tested elsewhere
    if (seen.has(name)) return 'repeated'
    seen.add(name)
    if (value !== '') out.set(name, value)
  }
  return out
}

describe('form bodies are read as the WHATWG URL parser reads them', () => {
  it('parseParams gives the pairs URLSearchParams gives, on its literal fast path and off it', () => {
    fc.assert(
      fc.property(form, (encoded) => {
        const want = expected(encoded)
        if (want === 'repeated') return
        if (want === 'nul') expect(() => parseParams(encoded)).toThrow(/NUL/)
        else expect(parseParams(encoded)).toEqual(want)
      }),
      { numRuns: 20_000, seed: 42 },
    )
  })

  it('refuses a repeated parameter on the literal path as on the decoded one (RFC 6749 §3.1)', () => {
    expect(() => parseParams('a=1&a=2')).toThrow(/repeated/)
    expect(() => parseParams('a=1&%61=2')).toThrow(/repeated/)
    expect(parseParams('&&a=1&&b&c=')).toEqual(new Map([['a', '1']]))
    expect(parseParams('a==b')).toEqual(new Map([['a', '=b']]))
    // URLSearchParams drops one leading `?`, with or without anything to decode after it.
    expect(parseParams('?grant_type=client_credentials')).toEqual(new Map([['grant_type', 'client_credentials']]))
    expect(() => parseParams('?a=1&a=2')).toThrow(/repeated/)
    expect(parseParams('??a=1')).toEqual(new Map([['?a', '1']]))
  })
})
