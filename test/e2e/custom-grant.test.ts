import {
  type AuditEvent,
  type GrantContext,
  type GrantHandler,
  type GrantServices,
  OAuthError,
  type OAuthErrorCode,
  type TokenResponse,
} from '@grantline/core'
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

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code'

/** RFC 8628 §3.5's answer while the user has not decided yet: a code outside RFC 6749's list. */
const PENDING: OAuthErrorCode = 'authorization_pending'

/** A device grant's polling step, pending until the device code is approved (here: never). */
const pendingDeviceGrant: GrantHandler = {
  grantType: DEVICE,
  async handle() {
    throw new OAuthError(PENDING, 'the user has not yet approved the device')
  },
}

/** What a grant was handed, by name: the services and the request, nothing else. */
let seen: string[] = []

/**
 * A grant written against the exported services alone: it reads the scopes from `config`, the
 * client from `storage`, reports a failed badge through `emit` and issues through `issue`.
 */
async function issueForBadge(services: GrantServices, context: Pick<GrantContext, 'params' | 'client' | 'now'>): Promise<TokenResponse> {
  const value = context.params.get('badge') ?? ''
  const sub = BADGES[value]
  const stored = await services.storage.getClient(context.client.client_id)
  if (sub === undefined || stored === null) {
    services.emit({ type: 'login.failed', via: 'password_grant', username: value, client_id: context.client.client_id })
    throw new OAuthError('invalid_grant', 'the badge is not recognised')
  }
  const scopes = Object.keys(services.config.scopes).filter((scope) => scope === 'read')
  return services.issue({ scopes, sub, auth_time: context.now })
}

const servicesGrant: GrantHandler = {
  grantType: GRANT,
  handle(context) {
    seen = Object.keys(context).sort()
    return issueForBadge(context, context)
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

  it('RFC 6749 §8.5: an extension error code (RFC 8628 §3.5 authorization_pending) is answered as 400 JSON with that code', async () => {
    const s = setup({ grants: [pendingDeviceGrant] })
    const reg = await register(s, { grant_types: [DEVICE] })
    const response = await oauth.genericTokenEndpointRequest(as, reg.client, reg.auth, DEVICE, { device_code: 'dc' }, via(s))
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ error: 'authorization_pending', error_description: 'the user has not yet approved the device' })
  })

  it('RFC 6749 §5.2: an extension error code outside the RFC 6749 §5.2 character set is a generic server_error', async () => {
    const bad: GrantHandler = {
      grantType: DEVICE,
      async handle() {
        throw new OAuthError('slow "down"', 'bad code')
      },
    }
    const s = setup({ grants: [bad] })
    const reg = await register(s, { grant_types: [DEVICE] })
    const response = await oauth.genericTokenEndpointRequest(as, reg.client, reg.auth, DEVICE, {}, via(s))
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ error: 'server_error' })
  })

  it('RFC 6749 §4.5: a grant gets the request and the services (config, storage, accounts, issue, mintAccessToken, signIdToken, emit), never the provider and its secrets', async () => {
    const events: AuditEvent[] = []
    const s = setup({ grants: [servicesGrant], onEvent: (event) => void events.push(event) })
    const reg = await register(s, { grant_types: [GRANT] })
    await expect(badge(s, reg, 'badge-7')).rejects.toMatchObject({ error: 'invalid_grant' })
    const tokens = await badge(s, reg, 'badge-42')
    expect(tokens).toMatchObject({ scope: 'read' })
    expect(seen).toEqual([
      'accounts',
      'client',
      'config',
      'dpopJkt',
      'emit',
      'issue',
      'mintAccessToken',
      'now',
      'params',
      'request',
      'signIdToken',
      'storage',
    ])
    expect(events.map((event) => event.type)).toEqual(['login.failed', 'token.issued'])
    expect(events[1]).toMatchObject({ grant_type: GRANT, client_id: reg.client.client_id, sub: 'user-2', scopes: ['read'] })
  })

  it('RFC 6749 §4.5: the settings a grant reads are a frozen copy without storage, accounts, secrets or keys', async () => {
    let config: GrantServices['config'] | undefined
    const spy: GrantHandler = {
      grantType: GRANT,
      async handle(context) {
        config = context.config
        return context.issue({ scopes: ['read'] })
      },
    }
    const s = setup({ grants: [spy] })
    const reg = await register(s, { grant_types: [GRANT] })
    await badge(s, reg, 'any')
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.keys(config ?? {}).sort()).toEqual([
      'defaultScopes',
      'grantTypes',
      'issuer',
      'refreshGraceSeconds',
      'resources',
      'rotateRefreshTokens',
      'scopes',
      'ttl',
    ])
    expect(JSON.stringify(config)).not.toContain('test-secret')
  })
})
