import { describe, expect, it } from 'vitest'
import { REDIRECT_URI, setup } from '../support/provider.js'
import { createClient, expectJsonError, obtainCode, redeem } from './support.js'

const OTHER_URI = 'https://app.example/other'

describe('RFC 6749 §4.1.3: a code is bound to its client and redirect_uri', () => {
  it('RFC 6749 §4.1.3: a code redeemed by another client is invalid_grant, and the code is spent', async () => {
    const s = setup()
    const c = await createClient(s)
    const other = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    await expectJsonError(await redeem(s, other, code, { code_verifier: verifier as string }), 'invalid_grant')
    // The misdirected attempt revoked the grant: the rightful client cannot redeem it afterwards either.
    await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
  })

  it('RFC 6749 §4.1.3: a redirect_uri other than the authorization request one is invalid_grant', async () => {
    const s = setup()
    const c = await createClient(s, { redirect_uris: [REDIRECT_URI, OTHER_URI] })
    const { code, verifier } = await obtainCode(s, c)
    const body = await expectJsonError(
      await redeem(s, c, code, { code_verifier: verifier as string, redirect_uri: OTHER_URI }),
      'invalid_grant',
    )
    expect(body.error_description).toMatch(/redirect_uri/)
  })

  it('RFC 6749 §4.1.3: omitting the redirect_uri that the authorization request carried is invalid_grant', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    const response = await redeem(s, c, code, { code_verifier: verifier as string, redirect_uri: '' })
    await expectJsonError(response, 'invalid_grant')
  })

  it('RFC 6749 §4.1.3: a redirect_uri spelled differently from the authorization request is invalid_grant', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    await expectJsonError(
      await redeem(s, c, code, { code_verifier: verifier as string, redirect_uri: `${REDIRECT_URI}/` }),
      'invalid_grant',
    )
  })

  it('RFC 8252 §7.3: a loopback code is bound to the exact port it was requested with', async () => {
    const s = setup()
    const c = await createClient(s, { redirect_uris: ['http://127.0.0.1/cb'] })
    const { code, verifier } = await obtainCode(s, c, { extra: { redirect_uri: 'http://127.0.0.1:50001/cb' } })
    await expectJsonError(
      await redeem(s, c, code, { code_verifier: verifier as string, redirect_uri: 'http://127.0.0.1:50002/cb' }),
      'invalid_grant',
    )
  })

  it('RFC 6749 §4.1.3: the matching client and redirect_uri redeem the code', async () => {
    const s = setup()
    const c = await createClient(s, { redirect_uris: [REDIRECT_URI, OTHER_URI] })
    const { code, verifier } = await obtainCode(s, c, { extra: { redirect_uri: OTHER_URI } })
    expect((await redeem(s, c, code, { code_verifier: verifier as string, redirect_uri: OTHER_URI })).status).toBe(200)
  })
})
