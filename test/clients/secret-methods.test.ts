import { ConfigError } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { register, via } from '../e2e/support.js'
import { ISSUER, type Setup, setup } from '../support/provider.js'

/** The `secret_methods` client setting (what import-dot sets): a secret by HTTP Basic or in the body. */
async function discovered(s: Setup) {
  const issuer = new URL(ISSUER)
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...via(s) }))
}

/** The status of a client_credentials request authenticated with `auth`, and its error if any. */
async function tokenStatus(s: Setup, clientId: string, auth: oauth.ClientAuth): Promise<number | string> {
  const as = await discovered(s)
  const response = await oauth.clientCredentialsGrantRequest(as, { client_id: clientId }, auth, new URLSearchParams(), via(s))
  return response.status === 200 ? 200 : ((await response.json()) as { error: string }).error
}

describe('secret_methods: a client secret accepted by HTTP Basic and in the body', () => {
  it('RFC 6749 §2.3.1: a client with both secret_methods authenticates with ClientSecretBasic and with ClientSecretPost', async () => {
    const s = setup()
    const reg = await register(s, {
      grant_types: ['client_credentials'],
      redirect_uris: [],
      secret_methods: ['client_secret_basic', 'client_secret_post'],
    })
    const secret = reg.secret as string
    expect(await tokenStatus(s, reg.client.client_id, oauth.ClientSecretBasic(secret))).toBe(200)
    expect(await tokenStatus(s, reg.client.client_id, oauth.ClientSecretPost(secret))).toBe(200)
    expect(await tokenStatus(s, reg.client.client_id, oauth.ClientSecretPost('wrong'))).toBe('invalid_client')
    // RFC 6749 §2.3: none is never one of the ways; the client_id alone does not authenticate.
    expect(await tokenStatus(s, reg.client.client_id, oauth.None())).toBe('invalid_client')
  })

  it('RFC 7591 §2: without the setting a client uses only its token_endpoint_auth_method', async () => {
    const s = setup()
    const reg = await register(s, {
      grant_types: ['client_credentials'],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
    })
    const secret = reg.secret as string
    expect(await tokenStatus(s, reg.client.client_id, oauth.ClientSecretPost(secret))).toBe(200)
    expect(await tokenStatus(s, reg.client.client_id, oauth.ClientSecretBasic(secret))).toBe('invalid_client')
  })

  it('RFC 7591 §2: secret_methods null removes the setting, and discovery lists the same methods either way', async () => {
    const s = setup()
    const before = (await discovered(s)).token_endpoint_auth_methods_supported
    const reg = await register(s, {
      grant_types: ['client_credentials'],
      redirect_uris: [],
      secret_methods: ['client_secret_basic', 'client_secret_post'],
    })
    expect((await discovered(s)).token_endpoint_auth_methods_supported).toStrictEqual(before)
    const updated = await s.provider.clients.update(reg.client.client_id, { secret_methods: null })
    expect(updated.metadata.secret_methods).toBeUndefined()
    expect(await tokenStatus(s, reg.client.client_id, oauth.ClientSecretPost(reg.secret as string))).toBe('invalid_client')
  })

  it('RFC 6749 §2.3: a public client (none) cannot be given secret_methods', async () => {
    const s = setup()
    await expect(
      s.provider.clients.create({
        client_name: 'SPA',
        client_type: 'public',
        redirect_uris: ['https://app.example/cb'],
        secret_methods: ['client_secret_post'],
      }),
    ).rejects.toThrow(ConfigError)
  })
})
