import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { app, get, registerApp } from '../manage/helpers.js'
import { cliJson, createClient, createWorkspace, type Workspace } from '../server/support.js'
import { authorizeAs, ISSUER, REDIRECT_URI } from '../support/provider.js'
import { expectError, NATIVE, postRegistration, registered, registrationSetup } from './dynamic-registration-support.js'

describe('require_pushed_authorization_requests (RFC 9126 §6)', () => {
  it('RFC 9126 §6: dynamic registration accepts it and returns it; the client is then refused a plain authorization request', async () => {
    const s = registrationSetup({ policy: 'open' })
    const info = await registered(s, { ...NATIVE, redirect_uris: [REDIRECT_URI], require_pushed_authorization_requests: true })
    expect(info.require_pushed_authorization_requests).toBe(true)
    const url = new URL(`${ISSUER}/authorize/`)
    for (const [name, value] of Object.entries({
      client_id: info.client_id as string,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state: 's',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(name, value)
    const refused = await authorizeAs(s, s.users.signIn('user-1'), url)
    expect(new URL(refused.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request')
  })

  it('RFC 7591 §3.2.2: a require_pushed_authorization_requests that is not a boolean is invalid_client_metadata', async () => {
    const s = registrationSetup()
    await expectError(postRegistration(s, { ...NATIVE, require_pushed_authorization_requests: 'yes' }), 'invalid_client_metadata')
  })

  it('provider.clients keeps it in metadata, update turns it off, and an update that does not name it keeps it', async () => {
    const s = registrationSetup()
    const { client } = await s.provider.clients.create({
      client_name: 'Bank app',
      redirect_uris: [REDIRECT_URI],
      require_pushed_authorization_requests: true,
    })
    expect(client.metadata.require_pushed_authorization_requests).toBe(true)
    expect(
      (await s.provider.clients.update(client.client_id, { client_name: 'Renamed' })).metadata.require_pushed_authorization_requests,
    ).toBe(true)
    const updated = await s.provider.clients.update(client.client_id, { require_pushed_authorization_requests: false })
    expect(updated.metadata.require_pushed_authorization_requests).toBe(false)
  })

  it('the application page shows it to the owner; the self-service form does not set it', async () => {
    const s = registrationSetup()
    const alice = s.users.signIn('user-1')
    const { clientId, html } = await registerApp(s, alice, { require_pushed_authorization_requests: 'on' })
    expect(html).toContain('<dt>Pushed authorization requests</dt><dd>Optional</dd>')
    expect((await s.storage.getClient(clientId))?.metadata.require_pushed_authorization_requests).toBeUndefined()
    await s.provider.clients.update(clientId, { require_pushed_authorization_requests: true })
    expect(await (await get(s, app(clientId), alice)).text()).toContain('<dt>Pushed authorization requests</dt><dd>Required</dd>')
  })
})

describe('grantline clients --require-par', () => {
  vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })
  let ws: Workspace
  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
  })
  afterAll(async () => {
    await ws?.dispose()
  })

  it('create --require-par sets it; update --no-require-par clears it; both at once is a usage error', async () => {
    const created = await createClient(ws, 'Bank app', ['authorization_code'], ['--require-par'])
    expect(await cliJson(ws, ['clients', 'show', created.client_id])).toMatchObject({
      metadata: { require_pushed_authorization_requests: true },
    })
    await cliJson(ws, ['clients', 'update', created.client_id, '--no-require-par'])
    expect(await cliJson(ws, ['clients', 'show', created.client_id])).toMatchObject({
      metadata: { require_pushed_authorization_requests: false },
    })
    await expect(cliJson(ws, ['clients', 'update', created.client_id, '--require-par', '--no-require-par'])).rejects.toThrow(/contradict/)
  })
})
