import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { countRows } from './support.js'
import { ISSUER, setupWorker, type WorkerSetup } from './worker-support.js'

const jwks = async (s: WorkerSetup) =>
  ((await (await s.call(`${ISSUER}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys

describe('createWorker: scheduled() on a Cron Trigger', () => {
  it('makes the first signing key; requests never make one (docs/architecture.md "Formats")', async () => {
    const s = await setupWorker()
    expect(await jwks(s)).toEqual([])
    expect(await countRows('signing_keys')).toBe(0)
    await s.cron()
    expect(await countRows('signing_keys')).toBe(1)
    expect(await jwks(s)).toHaveLength(1)
    expect(s.logs.at(-1)).toMatch(/new signing key/)
    await s.cron()
    expect(await countRows('signing_keys')).toBe(1)
  })

  it('adds a successor once the newest key is older than rotateKeysAfterSeconds; it is published before it signs', async () => {
    const s = await setupWorker({ scheduled: { rotateKeysAfterSeconds: 7 * 86_400, log: false } })
    await s.cron()
    const [first] = await jwks(s)
    s.clock.advance(7 * 86_400 - 1)
    await s.cron()
    expect(await countRows('signing_keys')).toBe(1)
    s.clock.advance(1)
    await s.cron()
    expect(await countRows('signing_keys')).toBe(2)
    s.clock.advance(61) // the provider re-reads keys at least every 60 s
    expect((await jwks(s)).map((key) => key.kid)).toContain(first?.kid)
    expect(await jwks(s)).toHaveLength(2)
  })

  it('removes expired and revoked rows in batches, and nothing that is still valid', async () => {
    const s = await setupWorker({ scheduled: { cleanupBatchSize: 2, cleanupMaxBatches: 50, log: (line) => s.logs.push(line) } })
    const as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...s.via, algorithm: 'oidc' }),
    )
    const created = await s.admin.clients.create({ client_name: 'API', grant_types: ['client_credentials'], introspection: true })
    const client: oauth.Client = { client_id: created.client.client_id }
    const auth = oauth.ClientSecretBasic(created.client_secret ?? '')
    const issue = async () =>
      (
        await oauth.processClientCredentialsResponse(
          as,
          client,
          await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), s.via),
        )
      ).access_token
    const old = [await issue(), await issue(), await issue()]
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, old[0] ?? '', s.via))
    s.clock.advance(3600) // the access-token lifetime: the three are expired or revoked now
    const live = await issue()
    expect(await countRows('access_tokens')).toBe(4)
    await s.cron()
    expect(await countRows('access_tokens')).toBe(1)
    expect(await countRows('families')).toBe(1)
    expect(s.logs.at(-1)).toMatch(/removed 6 expired or revoked rows/)
    const introspection = await oauth.introspectionRequest(as, client, auth, live, s.via)
    expect((await oauth.processIntrospectionResponse(as, client, introspection)).active).toBe(true)
  })
})
