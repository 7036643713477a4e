import type { ProviderConfig } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { redisStorage } from '../../examples/redis-storage/src/index.js'
import { as, begin, codeFlow, introspect, location, refresh, register, via } from '../e2e/support.js'
import { authorizeAs, REDIRECT_URI, setup } from '../support/provider.js'
import { prefixes } from './support.js'

// A provider on examples/redis-storage, driven by a real client (oauth4webapi): createProvider
// accepts it, and the replay rules hold end to end.
const keys = prefixes()
const client = await keys.connect()
const onRedis = (overrides: Partial<ProviderConfig> = {}) => setup(overrides, redisStorage(client, { prefix: keys.fresh() }))

describe('examples/redis-storage behind a provider (oauth4webapi)', () => {
  it('RFC 6749 §4.1.2 / RFC 9700 §4.5: a code is redeemed once; its replay is invalid_grant and revokes the tokens it issued', async () => {
    const s = onRedis()
    const reg = await register(s)
    const started = await begin(reg.client)
    const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    const params = oauth.validateAuthResponse(as, reg.client, redirect, started.state)
    const exchange = () => oauth.authorizationCodeGrantRequest(as, reg.client, reg.auth, params, REDIRECT_URI, started.verifier, via(s))
    const tokens = await oauth.processAuthorizationCodeResponse(as, reg.client, await exchange())
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true, sub: 'user-1' })
    await expect(oauth.processAuthorizationCodeResponse(as, reg.client, await exchange())).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual({ active: false })
    expect(await introspect(s, reg, tokens.refresh_token!)).toStrictEqual({ active: false })
  })

  it('RFC 9700 §4.14.2: refresh rotates; a reuse after the grace window is invalid_grant and revokes the grant', async () => {
    const s = onRedis({ refreshGraceSeconds: 30 })
    const reg = await register(s)
    const tokens = await codeFlow(s, reg, s.users.signIn('user-1'))
    const next = await refresh(s, reg, tokens.refresh_token!)
    expect(await introspect(s, reg, next.access_token)).toMatchObject({ active: true })
    s.clock.advance(31)
    await expect(refresh(s, reg, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, next.refresh_token!)).toStrictEqual({ active: false })
    expect(await introspect(s, reg, next.access_token)).toStrictEqual({ active: false })
  })
})
