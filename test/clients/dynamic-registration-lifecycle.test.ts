import type { ConsentContext } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { begin, codeFlow } from '../e2e/support.js'
import { REDIRECT_URI, setup } from '../support/provider.js'
import { NATIVE, registered, registrationSetup } from './dynamic-registration-support.js'

const DAY = 86_400

/** Opens the authorization URL of a code request for `clientId` as a signed-in user; answers the page. */
async function consentPage(s: ReturnType<typeof registrationSetup>, clientId: string, redirectUri: string): Promise<string> {
  const started = await begin({ client_id: clientId }, { redirect_uri: redirectUri })
  const response = await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } }))
  expect(response.status).toBe(200)
  return response.text()
}

describe('RFC 7591 §5: the consent page of a self-registered client', () => {
  it('RFC 7591 §5: the page says the application is unverified and names the host of its redirect URI', async () => {
    const s = registrationSetup()
    const info = await registered(s, { ...NATIVE, client_name: 'Google Drive' })
    const html = await consentPage(s, String(info.client_id), 'http://127.0.0.1:33418/callback')
    expect(html).toContain('Unverified application.')
    expect(html).toContain('<code>127.0.0.1:33418</code>')
  })

  it('RFC 8252 §7.1: for a private-use scheme redirect the page names the scheme', async () => {
    const s = registrationSetup()
    const info = await registered(s, { ...NATIVE, redirect_uris: ['com.example.app:/oauth'] })
    expect(await consentPage(s, String(info.client_id), 'com.example.app:/oauth')).toContain('<code>com.example.app:</code>')
  })

  it('a client the operator registered gets no such notice; renderConsent is told through `unverified`', async () => {
    const contexts: ConsentContext[] = []
    const s = registrationSetup(
      { policy: 'open' },
      {
        renderConsent: (context) => {
          contexts.push(context)
          return new Response('consent')
        },
      },
    )
    const operator = await s.provider.clients.create({ client_name: 'Operator app', redirect_uris: [REDIRECT_URI] })
    const info = await registered(s, NATIVE)
    await consentPage(s, operator.client.client_id, REDIRECT_URI)
    await consentPage(s, String(info.client_id), NATIVE.redirect_uris[0] as string)
    expect(contexts.map((c) => c.unverified)).toEqual([undefined, { redirectHost: '127.0.0.1:33418' }])
  })

  it('RFC 7591 §5: the operator cannot give a dynamic client skip_authorization or introspection either', async () => {
    const s = registrationSetup()
    const info = await registered(s, NATIVE)
    await expect(s.provider.clients.update(String(info.client_id), { skip_authorization: true })).rejects.toMatchObject({
      code: 'ERR_INVALID_CLIENT',
    })
    await expect(s.provider.clients.update(String(info.client_id), { introspection: true })).rejects.toMatchObject({
      code: 'ERR_INVALID_CLIENT',
    })
    await s.provider.clients.update(String(info.client_id), { client_name: 'Renamed by the operator' })
    expect(await s.storage.getClient(String(info.client_id))).toMatchObject({ dynamic: true, client_name: 'Renamed by the operator' })
  })
})

describe('registration.unusedClientDays', () => {
  it('provider.cleanup() removes a dynamic client no grant used for unusedClientDays, and keeps a used one and operator clients', async () => {
    const s = registrationSetup({ policy: 'open', unusedClientDays: 30 })
    const idle = await registered(s, NATIVE)
    const used = await registered(s, { redirect_uris: [REDIRECT_URI] })
    const operator = await s.provider.clients.create({ client_name: 'Operator app', redirect_uris: [REDIRECT_URI] })
    s.clock.advance(25 * DAY)
    const reg = {
      client: { client_id: String(used.client_id) },
      auth: oauth.ClientSecretBasic(String(used.client_secret)),
      secret: undefined,
    }
    await codeFlow(s, reg, s.users.signIn('user-1'))
    s.clock.advance(6 * DAY)
    expect(await s.provider.cleanup()).toBeGreaterThanOrEqual(1)
    expect(await s.storage.getClient(String(idle.client_id))).toBeNull()
    expect(await s.storage.getClient(String(used.client_id))).not.toBeNull()
    expect(await s.storage.getClient(operator.client.client_id)).not.toBeNull()
  })

  it('with registration off, provider.cleanup() still removes dynamic clients unused for 30 days, and only those', async () => {
    const on = registrationSetup({ policy: 'open', unusedClientDays: 90 })
    const info = await registered(on, NATIVE)
    const off = setup({ now: on.clock.now }, on.storage)
    on.clock.advance(29 * DAY)
    await off.provider.cleanup()
    expect(await on.storage.getClient(String(info.client_id))).not.toBeNull()
    on.clock.advance(DAY)
    await on.provider.cleanup()
    expect(await on.storage.getClient(String(info.client_id))).not.toBeNull()
    await off.provider.cleanup()
    expect(await on.storage.getClient(String(info.client_id))).toBeNull()
  })
})
