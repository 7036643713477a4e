import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pathnameOf } from '../../packages/core/src/http/pathname.js'

const piece = (chars: string) => fc.string({ unit: fc.constantFrom(...chars), maxLength: 24 })

describe('the router reads a request path as the WHATWG URL parser does', () => {
  it('pathnameOf(url) is new URL(url).pathname for every URL the parser accepts', () => {
    const url = fc
      .tuple(
        fc.constantFrom('http', 'https', 'HTTP', 'foo', 'file'),
        piece('ab1.-:[]@%\\\t\n\r\u0000 é'),
        piece('/ao19_-.%2e\\\t ;~é?#'),
        fc.constantFrom('', '?x=1', '#f', '?a/../b#c/./d'),
      )
      .map(([scheme, authority, path, rest]) => `${scheme}://${authority}${path}${rest}`)
    fc.assert(
      fc.property(url, (candidate) => {
        let expected: string
        try {
          expected = new URL(candidate).pathname
        } catch {
          return
        }
        expect(pathnameOf(candidate)).toBe(expected)
      }),
      { numRuns: 20_000, seed: 42 },
    )
  })

  it('normalizes what needs it: dot segments, escapes and backslashes go through the parser', () => {
    expect(pathnameOf('http://h/o/./token/')).toBe('/o/token/')
    expect(pathnameOf('http://h/o/x/../token')).toBe('/o/token')
    expect(pathnameOf('http://h/o/%2e/token')).toBe('/o/token')
    expect(pathnameOf('http://h\\o\\token')).toBe('/o/token')
    expect(pathnameOf('http://h:8080/o/token/?grant_type=x#y')).toBe('/o/token/')
  })
})
