import { describe, expect, it } from 'vitest'
import { type Setup, setup } from '../support/provider.js'
import { createClient, expectJsonError, introspect, obtainTokens, post } from './support.js'

type Tokens = { access_token: string; refresh_token: string }
type Client = { client_id: string; client_secret: string }

const refresh = (s: Setup, c: Client, refresh_token: string) =>
  post(s, 'token', { grant_type: 'refresh_token', refresh_token }, { id: c.client_id, secret: c.client_secret })

describe('RFC 9700 §4.14.2: refresh tokens rotate with reuse detection', () => {
  it('RFC 9700 §4.14.2: each refresh returns a new refresh token and retires the old one', async () => {
    const s = setup()
    const c = await createClient(s)
    const first = await obtainTokens(s, c)
    const response = await refresh(s, c, first.refresh_token)
    expect(response.status).toBe(200)
    const second = (await response.json()) as Tokens
    expect(second.refresh_token).toMatch(/^gl_rt_/)
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(await introspect(s, c, first.refresh_token)).toEqual({ active: false })
    expect(await introspect(s, c, second.refresh_token)).toMatchObject({ active: true })
  })

  it('RFC 9700 §4.14.2: reusing a rotated refresh token is invalid_grant and revokes the whole grant', async () => {
    const s = setup()
    const c = await createClient(s)
    const first = await obtainTokens(s, c)
    const second = (await (await refresh(s, c, first.refresh_token)).json()) as Tokens
    s.clock.advance(5)
    await expectJsonError(await refresh(s, c, first.refresh_token), 'invalid_grant')
    expect(await introspect(s, c, second.access_token)).toEqual({ active: false })
    expect(await introspect(s, c, second.refresh_token)).toEqual({ active: false })
    await expectJsonError(await refresh(s, c, second.refresh_token), 'invalid_grant')
  })

  it('RFC 9700 §4.14.2: within refreshGraceSeconds a retry moves the chain instead of forking it', async () => {
    const s = setup({ refreshGraceSeconds: 30 })
    const c = await createClient(s)
    const first = await obtainTokens(s, c)
    const lost = (await (await refresh(s, c, first.refresh_token)).json()) as Tokens
    s.clock.advance(2)
    const retry = await refresh(s, c, first.refresh_token)
    expect(retry.status).toBe(200)
    const replacement = (await retry.json()) as Tokens
    expect(await introspect(s, c, lost.refresh_token)).toEqual({ active: false })
    expect(await introspect(s, c, lost.access_token)).toEqual({ active: false })
    expect(await introspect(s, c, replacement.refresh_token)).toMatchObject({ active: true })
  })

  it('RFC 9700 §4.14.2: after the grace window a retry revokes the grant', async () => {
    const s = setup({ refreshGraceSeconds: 30 })
    const c = await createClient(s)
    const first = await obtainTokens(s, c)
    const second = (await (await refresh(s, c, first.refresh_token)).json()) as Tokens
    s.clock.advance(31)
    await expectJsonError(await refresh(s, c, first.refresh_token), 'invalid_grant')
    expect(await introspect(s, c, second.refresh_token)).toEqual({ active: false })
  })

  it('RFC 6749 §6: a refresh token is bound to its client', async () => {
    const s = setup()
    const c = await createClient(s)
    const other = await createClient(s)
    const tokens = await obtainTokens(s, c)
    await expectJsonError(await refresh(s, other, tokens.refresh_token), 'invalid_grant')
    expect((await refresh(s, c, tokens.refresh_token)).status).toBe(200)
  })
})
