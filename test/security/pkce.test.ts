import { describe, expect, it } from 'vitest'
import { REDIRECT_URI, type Setup, setup } from '../support/provider.js'
import { authorizeUrl, createClient, expectJsonError, obtainCode, redeem, redirectParams } from './support.js'

/** A signed-in authorization request; answers the redirect parameters (code or error). */
async function authorize(s: Setup, clientId: string, extra: Record<string, string>): Promise<URLSearchParams> {
  const url = authorizeUrl({ client_id: clientId, response_type: 'code', redirect_uri: REDIRECT_URI, state: 's', ...extra })
  const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
  expect(response.status).toBe(302)
  return redirectParams(response)
}

const PLAIN = 'plain-verifier-0123456789-0123456789-0123456789'

describe('RFC 9700 §2.1.1: PKCE is required for every client by default', () => {
  it('RFC 9700 §2.1.1: a confidential client without code_challenge is refused', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    const params = await authorize(s, c.client_id, {})
    expect(params.get('error')).toBe('invalid_request')
    expect(params.get('error_description')).toMatch(/code_challenge/)
    expect(params.has('code')).toBe(false)
  })

  it('RFC 9700 §2.1.1: a public client without code_challenge is refused', async () => {
    const s = setup()
    const c = await createClient(s, { client_type: 'public', skip_authorization: true })
    expect((await authorize(s, c.client_id, {})).get('error')).toBe('invalid_request')
  })

  it("RFC 9700 §2.1.1: pkce.required 'public' lets a confidential client go without", async () => {
    const s = setup({ pkce: { required: 'public' } })
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c, { pkce: false })
    expect(verifier).toBeUndefined()
    expect((await redeem(s, c, code)).status).toBe(200)
  })

  it("RFC 9700 §2.1.1: pkce.required 'public' still requires it of a public client", async () => {
    const s = setup({ pkce: { required: 'public' } })
    const c = await createClient(s, { client_type: 'public', skip_authorization: true })
    expect((await authorize(s, c.client_id, {})).get('error')).toBe('invalid_request')
  })
})

describe('RFC 7636 §4.2 / §4.3: the challenge method', () => {
  it('RFC 7636 §4.3: code_challenge_method=plain is refused by default', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    const params = await authorize(s, c.client_id, { code_challenge: PLAIN, code_challenge_method: 'plain' })
    expect(params.get('error')).toBe('invalid_request')
    expect(params.get('error_description')).toMatch(/plain/)
  })

  it('RFC 7636 §4.3: a challenge without a method defaults to plain, and is refused by default', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    expect((await authorize(s, c.client_id, { code_challenge: PLAIN })).get('error')).toBe('invalid_request')
  })

  it('RFC 7636 §4.3: plain works when pkce.allowPlain is set', async () => {
    const s = setup({ pkce: { allowPlain: true } })
    const c = await createClient(s, { skip_authorization: true })
    const code = (await authorize(s, c.client_id, { code_challenge: PLAIN, code_challenge_method: 'plain' })).get('code') as string
    expect(code).toBeTruthy()
    expect((await redeem(s, c, code, { code_verifier: PLAIN })).status).toBe(200)
  })

  it('RFC 7636 §4.3: an unknown challenge method is refused', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    expect((await authorize(s, c.client_id, { code_challenge: PLAIN, code_challenge_method: 'S512' })).get('error')).toBe('invalid_request')
  })

  it('RFC 7636 §4.2: a malformed code_challenge is refused', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    expect((await authorize(s, c.client_id, { code_challenge: 'too-short', code_challenge_method: 'S256' })).get('error')).toBe(
      'invalid_request',
    )
  })

  it('RFC 7636 §4.3: a code_challenge_method without a code_challenge is refused', async () => {
    const s = setup({ pkce: { required: 'none' } })
    const c = await createClient(s, { skip_authorization: true })
    expect((await authorize(s, c.client_id, { code_challenge_method: 'S256' })).get('error')).toBe('invalid_request')
  })
})

describe('RFC 7636 §4.6: the verifier at the token endpoint', () => {
  it('RFC 7636 §4.6: a wrong code_verifier is invalid_grant', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code } = await obtainCode(s, c)
    await expectJsonError(await redeem(s, c, code, { code_verifier: 'A'.repeat(43) }), 'invalid_grant')
  })

  it('RFC 7636 §4.5: a missing code_verifier for a code issued with a challenge is invalid_grant', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code } = await obtainCode(s, c)
    await expectJsonError(await redeem(s, c, code), 'invalid_grant')
  })

  it.each([
    ['too short', 'a'.repeat(42)],
    ['too long', 'a'.repeat(129)],
    ['outside the unreserved set', `${'a'.repeat(42)}+`],
    ['with a space', `${'a'.repeat(21)} ${'a'.repeat(21)}`],
  ])('RFC 7636 §4.1: a malformed code_verifier (%s) is invalid_grant', async (_why, verifier) => {
    const s = setup()
    const c = await createClient(s)
    const { code } = await obtainCode(s, c)
    await expectJsonError(await redeem(s, c, code, { code_verifier: verifier }), 'invalid_grant')
  })

  it('RFC 7636 §4.6: the S256 challenge is not accepted as its own verifier', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    const code = (await authorize(s, c.client_id, { code_challenge: challenge, code_challenge_method: 'S256' })).get('code') as string
    await expectJsonError(await redeem(s, c, code, { code_verifier: challenge }), 'invalid_grant')
  })

  it('RFC 7636 Appendix B: the example verifier redeems its S256 challenge', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    const code = (
      await authorize(s, c.client_id, { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })
    ).get('code') as string
    expect((await redeem(s, c, code, { code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' })).status).toBe(200)
  })

  it('RFC 9700 §4.8.2: a code_verifier sent for a code issued without a challenge is invalid_grant (downgrade)', async () => {
    const s = setup({ pkce: { required: 'public' } })
    const c = await createClient(s)
    const { code } = await obtainCode(s, c, { pkce: false })
    const body = await expectJsonError(
      await redeem(s, c, code, { code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' }),
      'invalid_grant',
    )
    expect(body.error_description).toMatch(/code_verifier/)
  })
})
