import { type GrantHandler, OAuthError } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { as, introspect, type Registered, register, via } from './support.js'

const GRANT = 'urn:example:params:oauth:grant-type:badge'

/** Badge numbers a host app trusts, standing in for an assertion a real extension grant verifies. */
const BADGES: Record<string, string> = { 'badge-42': 'user-2' }

/** An extension grant (RFC 6749 §4.5) written against the public GrantHandler contract only. */
const badgeGrant: GrantHandler = {
  grantType: GRANT,
  parameters: ['badge'],
  async handle({ params, issue, now }) {
    const sub = BADGES[params.get('badge') ?? '']
    if (sub === undefined) throw new OAuthError('invalid_grant', 'the badge is not recognised')
    return { ...(await issue({ scopes: ['read'], sub, auth_time: now })), issued_by: 'badge' }
  },
}

async function badge(s: ReturnType<typeof setup>, reg: Registered, value: string, grantType = GRANT) {
  const response = await oauth.genericTokenEndpointRequest(as, reg.client, reg.auth, grantType, { badge: value }, via(s))
  return oauth.processGenericTokenEndpointResponse(as, reg.client, response)
}

describe('extension grants registered through createProvider({ grants })', () => {
  it('RFC 6749 §4.5: a registered URN grant type issues a working token', async () => {
    const s = setup({ grants: [badgeGrant] })
    const reg = await register(s, { grant_types: [GRANT] })
    const tokens = await badge(s, reg, 'badge-42')
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read', issued_by: 'badge' })
    expect(tokens.refresh_token).toBeUndefined()
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({
      active: true,
      sub: 'user-2',
      username: 'bob',
      client_id: reg.client.client_id,
    })
    const verified = await s.provider.verifyAccessToken(
      new Request('https://api.example/', { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      { scopes: ['read'] },
    )
    expect(verified).toMatchObject({ sub: 'user-2', client_id: reg.client.client_id, scopes: ['read'] })
  })

  it("RFC 6749 §5.2: the handler's OAuthError reaches the client", async () => {
    const s = setup({ grants: [badgeGrant] })
    const reg = await register(s, { grant_types: [GRANT] })
    await expect(badge(s, reg, 'badge-7')).rejects.toMatchObject({ error: 'invalid_grant', status: 400 })
  })

  it('RFC 6749 §5.2: a client not registered for the extension grant is unauthorized_client', async () => {
    const s = setup({ grants: [badgeGrant] })
    const reg = await register(s, { grant_types: ['client_credentials'] })
    await expect(badge(s, reg, 'badge-42')).rejects.toMatchObject({ error: 'unauthorized_client' })
  })

  it('RFC 6749 §5.2: an extension grant nobody registered is unsupported_grant_type', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: [GRANT] })
    await expect(badge(s, reg, 'badge-42')).rejects.toMatchObject({ error: 'unsupported_grant_type' })
  })
})
