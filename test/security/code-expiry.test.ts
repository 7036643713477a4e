import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { createClient, expectJsonError, obtainCode, redeem } from './support.js'

describe('RFC 6749 §4.1.2: an authorization code is short-lived (60 s by default)', () => {
  it('RFC 6749 §4.1.2: a code redeemed 61 s after issue is invalid_grant', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    s.clock.advance(61)
    const body = await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
    expect(body.error_description).toMatch(/expired|invalid/)
  })

  it('RFC 6749 §4.1.2: a code redeemed 59 s after issue still works', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    s.clock.advance(59)
    expect((await redeem(s, c, code, { code_verifier: verifier as string })).status).toBe(200)
  })

  it('RFC 6749 §4.1.2: ttl.code shortens the lifetime', async () => {
    const s = setup({ ttl: { code: 10 } })
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    s.clock.advance(11)
    await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
  })

  it('RFC 6749 §4.1.2: an unredeemed code is invalid_grant from 60 s on, though its row is kept as a tombstone', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    s.clock.advance(60)
    const body = await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
    expect(body.error_description).toMatch(/expired|invalid/)
    s.clock.advance(1000)
    await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
  })
})
