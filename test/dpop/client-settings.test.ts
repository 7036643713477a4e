import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { expectError, NATIVE, postRegistration, registered, registrationSetup } from '../clients/dynamic-registration-support.js'
import { as, begin, location, via } from '../e2e/support.js'
import { cliJson, createClient, createWorkspace, type Workspace } from '../server/support.js'
import { authorizeAs, type Setup } from '../support/provider.js'
import { dpopKeys } from './support.js'

async function codeFlow(s: Setup, client: oauth.Client, DPoP?: oauth.DPoPHandle) {
  const started = await begin(client, { scope: 'read' })
  const callback = oauth.validateAuthResponse(
    as,
    client,
    location(await authorizeAs(s, s.users.signIn('user-1'), started.url)),
    started.state,
  )
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, started.redirectUri, started.verifier, {
    ...via(s),
    ...(DPoP ? { DPoP } : {}),
  })
  return oauth.processAuthorizationCodeResponse(as, client, response)
}

describe('dpop_bound_access_tokens (RFC 9449 §5.2)', () => {
  it('RFC 9449 §5.2: dynamic registration accepts dpop_bound_access_tokens; the client is then refused a token without a proof', async () => {
    const s = registrationSetup({ policy: 'open' }, { now: () => Date.now() })
    s.clock.set(Date.now())
    const info = await registered(s, { ...NATIVE, redirect_uris: ['https://app.example/cb'], dpop_bound_access_tokens: true })
    expect(info.dpop_bound_access_tokens).toBe(true)
    const client: oauth.Client = { client_id: info.client_id as string }
    await expect(codeFlow(s, client)).rejects.toMatchObject({ error: 'invalid_dpop_proof' })
    expect((await codeFlow(s, client, oauth.DPoP(client, await dpopKeys()))).token_type).toBe('dpop')
  })

  it('RFC 7591 §3.2.2: a dpop_bound_access_tokens that is not a boolean is invalid_client_metadata', async () => {
    const s = registrationSetup()
    await expectError(postRegistration(s, { ...NATIVE, dpop_bound_access_tokens: 'yes' }), 'invalid_client_metadata')
  })

  it('provider.clients keeps it in metadata, and update turns it off', async () => {
    const s = registrationSetup()
    const { client } = await s.provider.clients.create({
      client_name: 'Bank app',
      grant_types: ['client_credentials'],
      dpop_bound_access_tokens: true,
    })
    expect(client.metadata.dpop_bound_access_tokens).toBe(true)
    const updated = await s.provider.clients.update(client.client_id, { dpop_bound_access_tokens: false })
    expect(updated.metadata.dpop_bound_access_tokens).toBe(false)
    const untouched = await s.provider.clients.update(client.client_id, { client_name: 'Renamed' })
    expect(untouched.metadata.dpop_bound_access_tokens).toBe(false)
  })
})

describe('grantline clients --dpop-bound', () => {
  vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })
  let ws: Workspace
  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
  })
  afterAll(async () => {
    await ws?.dispose()
  })

  it('create --dpop-bound sets it; update --no-dpop-bound clears it', async () => {
    const created = await createClient(ws, 'Bank agent', ['client_credentials'], ['--dpop-bound'])
    expect(await cliJson(ws, ['clients', 'show', created.client_id])).toMatchObject({ metadata: { dpop_bound_access_tokens: true } })
    await cliJson(ws, ['clients', 'update', created.client_id, '--no-dpop-bound'])
    expect(await cliJson(ws, ['clients', 'show', created.client_id])).toMatchObject({ metadata: { dpop_bound_access_tokens: false } })
  })
})
