import { describe, expect, it } from 'vitest'
import { type CsrfPurpose, signFor, verifyFor } from '../../packages/core/src/html/csrf.js'

const OLD = 'old-secret-0123456789-abcdefghijklmnop'
const NEW = 'new-secret-0123456789-abcdefghijklmnop'
const PURPOSES: CsrfPurpose[] = ['consent', 'manage', 'oidc-logout', 'login-form', 'logout-form', 'login-marker']

describe('one signed CSRF value with a typed purpose (RFC 6749 §10.12)', () => {
  it('RFC 6749 §10.12: a value verifies for the purpose and parts it was signed for', async () => {
    const value = await signFor([NEW], 'consent', 'interaction-1', 'session-1')
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await verifyFor([NEW], 'consent', value, 'interaction-1', 'session-1')).toBe(true)
  })

  it('RFC 6749 §10.12: a value signed for one purpose fails for every other, the two sign-out forms included', async () => {
    for (const purpose of PURPOSES) {
      const value = await signFor([NEW], purpose, 'same-part')
      for (const other of PURPOSES.filter((p) => p !== purpose)) {
        expect(await verifyFor([NEW], other, value, 'same-part'), `${purpose} as ${other}`).toBe(false)
      }
    }
  })

  it('RFC 6749 §10.12: secrets rotate by prepending: the first signs, an older one still verifies', async () => {
    const before = await signFor([OLD], 'manage', 'session-1')
    expect(await verifyFor([NEW, OLD], 'manage', before, 'session-1')).toBe(true)
    expect(await signFor([NEW, OLD], 'manage', 'session-1')).toBe(await signFor([NEW], 'manage', 'session-1'))
    // Once the old secret is dropped, what it signed no longer verifies.
    expect(await verifyFor([NEW], 'manage', before, 'session-1')).toBe(false)
  })

  it('RFC 6749 §10.12: a tampered value, other parts, or no value fail', async () => {
    const value = await signFor([NEW], 'oidc-logout', 'session-1')
    const flipped = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`
    expect(await verifyFor([NEW], 'oidc-logout', flipped, 'session-1')).toBe(false)
    expect(await verifyFor([NEW], 'oidc-logout', value.slice(0, -1), 'session-1')).toBe(false)
    expect(await verifyFor([NEW], 'oidc-logout', `${value}A`, 'session-1')).toBe(false)
    expect(await verifyFor([NEW], 'oidc-logout', value, 'session-2')).toBe(false)
    expect(await verifyFor([NEW], 'oidc-logout', value)).toBe(false)
    expect(await verifyFor([NEW], 'oidc-logout', '', 'session-1')).toBe(false)
  })

  it('RFC 6749 §10.12: the encoding is unambiguous: parts cannot be regrouped, nor moved into the purpose', async () => {
    const value = await signFor([NEW], 'consent', 'a|b', 'c')
    expect(await verifyFor([NEW], 'consent', value, 'a', 'b|c')).toBe(false)
    expect(await verifyFor([NEW], 'consent', value, 'a|b|c')).toBe(false)
    expect(await verifyFor([NEW], 'consent', await signFor([NEW], 'consent', 'ab', 'c'), 'a', 'bc')).toBe(false)
    expect(await verifyFor([NEW], 'consent', await signFor([NEW], 'consent', '1:x'), '', 'x')).toBe(false)
  })

  it('signing without a secret is a configuration error, never a value', async () => {
    await expect(signFor([], 'manage', 'session-1')).rejects.toThrow()
  })
})
