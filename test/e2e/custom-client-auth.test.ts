import { type ClientAuthContext, type ClientAuthMethod, ConfigError, createProvider, OAuthError, sha256Hex } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { form, ISSUER, setup } from '../support/provider.js'

const METHOD = 'x_shared_header'

/**
 * A toy client authentication method written against the public contract only: the client names
 * itself in `x-client-id` and proves it with its secret in `x-shared-key`. `verify` is async and
 * records what it was handed, as an assertion method (RFC 7523 §3) would check its audience.
 */
function sharedHeader(seen: ClientAuthContext[] = []): ClientAuthMethod {
  return {
    name: METHOD,
    extract(request) {
      const clientId = request.headers.get('x-client-id')
      const key = request.headers.get('x-shared-key')
      if (clientId === null) return null
      if (key === null) throw new OAuthError('invalid_client', 'x-shared-key is missing')
      return { clientId, secret: key }
    },
    async verify(client, credentials, context) {
      seen.push(context)
      await Promise.resolve()
      return client.secret_hash !== null && credentials.secret !== undefined && sha256Hex(credentials.secret) === client.secret_hash
    },
  }
}

/** A client_credentials request authenticated by the toy method's headers. */
function viaHeaders(clientId: string, key: string, path = 'token/', body: Record<string, string> = { grant_type: 'client_credentials' }) {
  const init = form(body)
  return new Request(`${ISSUER}/${path}`, { ...init, headers: { ...init.headers, 'x-client-id': clientId, 'x-shared-key': key } })
}

async function discovery(s: ReturnType<typeof setup>): Promise<Record<string, unknown>> {
  return (await (await s.fetch('https://as.example/.well-known/oauth-authorization-server/o')).json()) as Record<string, unknown>
}

describe('client authentication methods registered through createProvider({ clientAuthMethods })', () => {
  it('RFC 6749 §2.3: an outside method authenticates a client registered with its name, and verify is told the endpoint (RFC 7523 §3 audience)', async () => {
    const seen: ClientAuthContext[] = []
    const s = setup({ clientAuthMethods: [sharedHeader(seen)] })
    const { client, client_secret } = await s.provider.clients.create({
      client_name: 'Header client',
      token_endpoint_auth_method: METHOD,
      grant_types: ['client_credentials'],
    })
    const response = await s.provider.handle(viaHeaders(client.client_id, client_secret ?? ''))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', scope: 'read write' })
    expect(seen[0]).toMatchObject({ endpoint: `${ISSUER}/token/`, issuer: ISSUER, now: Math.floor(s.clock.now() / 1000) })
    expect(seen[0]?.params.get('grant_type')).toBe('client_credentials')
    const revoked = await s.provider.handle(viaHeaders(client.client_id, client_secret ?? '', 'revoke_token/', { token: 'unknown' }))
    expect(revoked.status).toBe(200)
    expect(seen[1]?.endpoint).toBe(`${ISSUER}/revoke_token/`)
  })

  it('RFC 7521 §4.2: an assertion method gets client_assertion and client_assertion_type, even beside client_id (none stays out)', async () => {
    const TYPE = 'urn:example:client-assertion-type:toy'
    const assertions: unknown[] = []
    const toyAssertion: ClientAuthMethod = {
      name: 'x_toy_assertion',
      extract(_request, params) {
        const type = params.get('client_assertion_type')
        const value = params.get('client_assertion')
        if (type !== TYPE || value === undefined) return null
        return { clientId: params.get('client_id') ?? value.split('.')[0] ?? '', assertion: { type, value } }
      },
      async verify(client, credentials) {
        assertions.push(credentials.assertion)
        // A toy "assertion": client_id.secret. A real one is a JWT signed by the client (RFC 7523 §3).
        const secret = credentials.assertion?.value.split('.')[1] ?? ''
        return client.secret_hash === sha256Hex(secret)
      },
    }
    const s = setup({ clientAuthMethods: [toyAssertion] })
    const { client, client_secret } = await s.provider.clients.create({
      client_name: 'Assertion',
      token_endpoint_auth_method: 'x_toy_assertion',
      grant_types: ['client_credentials'],
    })
    const value = `${client.client_id}.${client_secret}`
    const response = await s.fetch(
      `${ISSUER}/token/`,
      form({ grant_type: 'client_credentials', client_id: client.client_id, client_assertion_type: TYPE, client_assertion: value }),
    )
    expect(response.status).toBe(200)
    expect(assertions).toEqual([{ type: TYPE, value }])
  })

  it('RFC 6749 §5.2: a wrong key, or a client registered with another method, is invalid_client', async () => {
    const s = setup({ clientAuthMethods: [sharedHeader()] })
    const header = await s.provider.clients.create({
      client_name: 'Header',
      token_endpoint_auth_method: METHOD,
      grant_types: ['client_credentials'],
    })
    const basic = await s.provider.clients.create({ client_name: 'Basic', grant_types: ['client_credentials'] })
    const wrong = await s.provider.handle(viaHeaders(header.client.client_id, 'not-the-secret'))
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' })
    // The right secret through a method the client did not register is refused too (RFC 7591 §2).
    const other = await s.provider.handle(viaHeaders(basic.client.client_id, basic.client_secret ?? ''))
    expect(await other.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('RFC 8414 §2: discovery lists the registered method after the built-ins, for every endpoint that authenticates clients', async () => {
    const s = setup({ clientAuthMethods: [sharedHeader()] })
    const metadata = await discovery(s)
    const expected = ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt', METHOD]
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expected)
    expect(metadata.revocation_endpoint_auth_methods_supported).toEqual(expected)
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(expected)
  })

  it('RFC 6749 §2.3: a method named like a built-in replaces it, in its place', async () => {
    const calls: string[] = []
    const post: ClientAuthMethod = {
      name: 'client_secret_post',
      extract: (_request, params) =>
        params.has('client_secret') ? { clientId: params.get('client_id') ?? '', secret: params.get('client_secret') } : null,
      async verify() {
        calls.push('custom post')
        return false
      },
    }
    const s = setup({ clientAuthMethods: [post] })
    expect((await discovery(s)).token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
      'private_key_jwt',
    ])
    const { client, client_secret } = await s.provider.clients.create({
      client_name: 'Post',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
    })
    const response = await s.fetch(
      `${ISSUER}/token/`,
      form({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client_secret ?? '' }),
    )
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
    expect(calls).toEqual(['custom post'])
  })

  it('RFC 7591 §2: a client cannot be registered with a method the provider does not have', async () => {
    const s = setup()
    await expect(
      s.provider.clients.create({ client_name: 'Header', token_endpoint_auth_method: METHOD, grant_types: ['client_credentials'] }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_CLIENT' })
    expect((await discovery(s)).token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
      'private_key_jwt',
    ])
  })

  it('a method without a name, extract or verify is a ConfigError at start-up', () => {
    const { storage, accounts } = { storage: setup().storage, accounts: setup().users.accounts }
    const broken = { name: METHOD, extract: () => null } as unknown as ClientAuthMethod
    const create = () => createProvider({ issuer: ISSUER, storage, accounts, secrets: ['x'.repeat(32)], clientAuthMethods: [broken] })
    expect(create).toThrow(ConfigError)
    expect(create).toThrow(/clientAuthMethods/)
  })
})
