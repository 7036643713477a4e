import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { createClient, expectJsonError, introspect, obtainCode, post, redeem } from './support.js'

describe('RFC 6749 §4.1.2 / RFC 9700 §4.5: an authorization code is single-use', () => {
  it('RFC 6749 §4.1.2: a second redemption is invalid_grant and revokes the tokens of the first', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    const first = await redeem(s, c, code, { code_verifier: verifier as string })
    expect(first.status).toBe(200)
    const tokens = (await first.json()) as { access_token: string; refresh_token: string }
    expect(await introspect(s, c, tokens.access_token)).toMatchObject({ active: true })
    expect(await introspect(s, c, tokens.refresh_token)).toMatchObject({ active: true })

    const body = await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
    expect(body.error_description).toMatch(/used/)

    expect(await introspect(s, c, tokens.access_token)).toEqual({ active: false })
    expect(await introspect(s, c, tokens.refresh_token)).toEqual({ active: false })
    const refresh = await post(
      s,
      'token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectJsonError(refresh, 'invalid_grant')
  })

  it('RFC 9700 §4.5: a replay by another client is refused and still revokes the first tokens', async () => {
    const s = setup()
    const c = await createClient(s)
    const attacker = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    const tokens = (await (await redeem(s, c, code, { code_verifier: verifier as string })).json()) as { access_token: string }
    await expectJsonError(await redeem(s, attacker, code, { code_verifier: verifier as string }), 'invalid_grant')
    expect(await introspect(s, c, tokens.access_token)).toEqual({ active: false })
  })

  it('RFC 6749 §4.1.2: a second redemption refused by PKCE still finds the code already used', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    await expectJsonError(await redeem(s, c, code, { code_verifier: 'x'.repeat(43) }), 'invalid_grant')
    await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
  })

  it('RFC 6749 §4.1.2: a replay after the code expired, while the first access token lives, still revokes it', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    s.clock.advance(30)
    const tokens = (await (await redeem(s, c, code, { code_verifier: verifier as string })).json()) as {
      access_token: string
      refresh_token: string
    }
    s.clock.advance(3000)
    expect(await introspect(s, c, tokens.access_token)).toMatchObject({ active: true })
    const body = await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
    expect(body.error_description).toMatch(/used/)
    expect(await introspect(s, c, tokens.access_token)).toEqual({ active: false })
    expect(await introspect(s, c, tokens.refresh_token)).toEqual({ active: false })
  })

  it('RFC 6749 §4.1.2: the tombstone lasts as long as the longest-lived access token of the first redemption', async () => {
    const s = setup({ ttl: { code: 10, accessToken: 100 } })
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c)
    s.clock.advance(9)
    const tokens = (await (await redeem(s, c, code, { code_verifier: verifier as string })).json()) as { access_token: string }
    // The access token lives until 9 + 100; a replay at 108 still finds the tombstone.
    s.clock.advance(99)
    await expectJsonError(await redeem(s, c, code, { code_verifier: verifier as string }), 'invalid_grant')
    expect(await introspect(s, c, tokens.access_token)).toEqual({ active: false })
  })
})
