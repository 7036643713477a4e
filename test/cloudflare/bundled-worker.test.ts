import { createProvider } from '@grantline/core'
import { sqlStorage } from '@grantline/sql'
import { testAccounts } from '@grantline/testing'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorkerd } from './workerd-server.js'

const vars = {
  ISSUER: 'http://127.0.0.1/o',
  SECRET: 'bundle-test-secret-0123456789abcdefghij',
  KEY_ENCRYPTION_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
}

// The shipped form: the example Worker bundled by esbuild, served by workerd over real HTTP.
describe('the bundled example Worker in workerd, over HTTP on loopback', () => {
  let server: Awaited<ReturnType<typeof startWorkerd>>
  beforeAll(async () => {
    server = await startWorkerd(vars)
  }, 60_000)
  afterAll(() => server?.close())

  const http = { [oauth.allowInsecureRequests]: true }
  const at = (path: string) => new URL(path, server.url)

  it('has no signing key until the Cron Trigger makes one', async () => {
    const before = (await (await fetch(at('/o/.well-known/jwks.json'))).json()) as { keys: unknown[] }
    expect(before.keys).toEqual([])
    await server.cron()
    const after = (await (await fetch(at('/o/.well-known/jwks.json'))).json()) as { keys: unknown[] }
    expect(after.keys).toHaveLength(1)
  })

  it('issues, introspects and revokes a client_credentials token (RFC 6749 §4.4, RFC 7662, RFC 7009)', async () => {
    const admin = createProvider({
      issuer: vars.ISSUER,
      storage: sqlStorage(server.db, { dialect: 'sqlite' }),
      accounts: testAccounts([]).accounts,
      secrets: [vars.SECRET],
    })
    const created = await admin.clients.create({ client_name: 'API', grant_types: ['client_credentials'], introspection: true })
    const client: oauth.Client = { client_id: created.client.client_id }
    const auth = oauth.ClientSecretBasic(created.client_secret ?? '')
    const metadata = await (await fetch(at('/.well-known/oauth-authorization-server/o'))).json()
    // The issuer is the configured one; the endpoints are reached on the loopback port.
    const as: oauth.AuthorizationServer = {
      ...(metadata as oauth.AuthorizationServer),
      token_endpoint: at('/o/token/').href,
      introspection_endpoint: at('/o/introspect/').href,
      revocation_endpoint: at('/o/revoke_token/').href,
    }
    const token = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), http),
    )
    const introspect = async () =>
      oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token.access_token, http))
    expect((await introspect()).active).toBe(true)
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, token.access_token, http))
    expect((await introspect()).active).toBe(false)
  })
})
