import { createResourceServer } from '@grantline/resource-server'
import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import { MCP, setupAs } from '../resource-server/support.js'
import { ISSUER } from '../support/provider.js'
import { dpopKeys, thumbprint } from './support.js'

describe('DPoP with openid-client (RFC 9449)', () => {
  it('RFC 9449 §5, §7: discovery names the algorithms; client_credentials with a DPoP handle gives a DPoP token that opens the resource', async () => {
    const s = setupAs({
      now: () => Date.now(),
      oidc: { keyEncryptionKey: 'Jc1mYq7sV0xT4bN8kE2wR6uH9aL3pZ5dG1fO7iQ0tXs' },
      dpop: { nonce: true },
    })
    const resource = createResourceServer({ resource: MCP, provider: s.provider })
    const { client: registered, client_secret } = await s.provider.clients.create({
      client_name: 'Agent',
      grant_types: ['client_credentials'],
    })
    const route = async (url: string | URL | Request, options?: RequestInit) => {
      const request = new Request(url, options)
      if (!request.url.startsWith(MCP)) return s.provider.handle(request)
      const access = await resource.verify(request)
      return access instanceof Response ? access : Response.json(access)
    }
    const config = await client.discovery(new URL(ISSUER), registered.client_id, undefined, client.ClientSecretBasic(client_secret!), {
      [client.customFetch]: (url, options) => route(url, options as RequestInit),
    })
    expect(config.serverMetadata().dpop_signing_alg_values_supported).toEqual(['ES256', 'RS256', 'PS256', 'EdDSA'])
    const keys = await dpopKeys()
    const DPoP = client.getDPoPHandle(config, keys)
    // openid-client retries once on use_dpop_nonce (RFC 9449 §8) by itself.
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read', resource: MCP }, { DPoP })
    expect(tokens.token_type).toBe('dpop')
    const introspected = await client.tokenIntrospection(config, tokens.access_token)
    expect(introspected).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: await thumbprint(keys) } })
    const response = await client.fetchProtectedResource(config, tokens.access_token, new URL(MCP), 'POST', null, undefined, { DPoP })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ client_id: registered.client_id, audience: [MCP] })
  })
})
