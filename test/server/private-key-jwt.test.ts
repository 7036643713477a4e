import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient, createWorkspace, type ServerProcess, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

describe('grantline serve: private_key_jwt over HTTP (RFC 7523 §2.2), the client made by the CLI', () => {
  let ws: Workspace
  let server: ServerProcess

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    server = await startServer(ws)
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 7523 §2.2, §3: oauth4webapi discovers the method, gets a token with its key, and a replayed assertion is refused', async () => {
    const { publicKey, privateKey } = await generateKeyPair('PS256', { extractable: true })
    const file = join(ws.data, 'service-jwks.json')
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'svc' }] }))
    const created = await createClient(ws, 'Service', ['client_credentials'], ['--auth-method', 'private_key_jwt', '--jwks-file', file])
    const issuer = new URL(server.issuer)
    // oauth4webapi refuses plain http unless told: this is a loopback test server.
    const http = { [oauth.allowInsecureRequests]: true }
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oauth2' }))
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt')
    expect(as.token_endpoint_auth_signing_alg_values_supported).toContain('PS256')
    const client: oauth.Client = { client_id: created.client_id }
    let assertion = ''
    const capture = {
      ...http,
      [oauth.customFetch]: (url: string, init: RequestInit) => {
        assertion = new URLSearchParams(String(init.body)).get('client_assertion') ?? ''
        return fetch(url, init)
      },
    }
    const auth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'svc' })
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), capture)
    expect((await oauth.processClientCredentialsResponse(as, client, response)).access_token).toMatch(/^gl_at_/)
    const replay = await fetch(as.token_endpoint ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    })
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' })
  })
})
