import { sha256Hex } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { createClient, obtainCode, post, recordingStorage, redeem } from './support.js'

type Tokens = { access_token: string; refresh_token: string }

const PREFIXES = ['gl_at_', 'gl_rt_', 'gl_ac_', 'gl_cs_']

describe('RFC 6819 §5.1.4.1.3 / docs/architecture.md "Formats": storage never holds a bearer secret', () => {
  it('RFC 6819 §5.1.4.1.3: no code, token or client secret reaches storage, only their SHA-256', async () => {
    const { storage, calls } = recordingStorage()
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'] }, storage)
    const secrets: string[] = []
    const keep = (value: string | undefined) => {
      expect(value).toBeTruthy()
      secrets.push(value as string)
      return value as string
    }

    const app = await createClient(s)
    keep(app.client_secret)
    const poster = await createClient(s, {
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials', 'password', 'refresh_token'],
      redirect_uris: [],
    })
    keep(poster.client_secret)
    const reset = { ...app, client_secret: keep(await s.provider.clients.resetSecret(app.client_id)) }

    const { code, verifier } = await obtainCode(s, reset, { extra: { scope: 'read write' } })
    keep(code)
    const first = (await (await redeem(s, reset, code, { code_verifier: verifier as string })).json()) as Tokens
    keep(first.access_token)
    keep(first.refresh_token)
    const refreshed = (await (
      await post(
        s,
        'token',
        { grant_type: 'refresh_token', refresh_token: first.refresh_token },
        { id: reset.client_id, secret: reset.client_secret },
      )
    ).json()) as Tokens
    keep(refreshed.access_token)
    keep(refreshed.refresh_token)
    const narrowed = (await (
      await post(
        s,
        'token',
        { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token, scope: 'read' },
        { id: reset.client_id, secret: reset.client_secret },
      )
    ).json()) as Tokens
    keep(narrowed.access_token)
    keep(narrowed.refresh_token)

    const cc = (await (
      await post(s, 'token', { grant_type: 'client_credentials', client_id: poster.client_id, client_secret: poster.client_secret })
    ).json()) as Tokens
    keep(cc.access_token)
    const pw = (await (
      await post(s, 'token', {
        grant_type: 'password',
        username: 'alice',
        password: 'correct horse',
        client_id: poster.client_id,
        client_secret: poster.client_secret,
      })
    ).json()) as Tokens
    keep(pw.access_token)
    keep(pw.refresh_token)

    expect(
      (await post(s, 'introspect', { token: narrowed.access_token }, { id: reset.client_id, secret: reset.client_secret })).status,
    ).toBe(200)
    expect(
      (await post(s, 'revoke_token', { token: narrowed.refresh_token }, { id: reset.client_id, secret: reset.client_secret })).status,
    ).toBe(200)

    // Everything that can be read back through the Storage interface, plus every argument it was ever given.
    const hashes = secrets.map(sha256Hex)
    const families = new Set<string>()
    const interactions = new Set<string>()
    for (const call of calls) {
      const json = JSON.stringify(call.args)
      for (const match of json.matchAll(/"family_id":"([^"]+)"/g)) families.add(match[1] as string)
      if (call.method === 'createInteraction') interactions.add((call.args[0] as { id: string }).id)
    }
    const now = Math.floor(s.clock.now() / 1000)
    const dump = {
      calls,
      clients: await storage.listClients(),
      consents: await storage.listConsents('user-1'),
      families: await Promise.all([...families].map((id) => storage.getFamily(id, now))),
      interactions: await Promise.all([...interactions].map((id) => storage.getInteraction(id, now))),
      access: await Promise.all(hashes.map((hash) => storage.findAccessToken(hash, now))),
      refresh: await Promise.all(hashes.map((hash) => storage.findRefreshToken(hash, now))),
    }
    const text = JSON.stringify(dump)

    expect(calls.length).toBeGreaterThan(20)
    expect(dump.clients).toHaveLength(2)
    // The code flow's family was revoked with its refresh token; the client_credentials and password tokens live on.
    expect(dump.access.filter(Boolean)).toHaveLength(2)
    expect(dump.refresh.filter(Boolean)).toHaveLength(1)
    for (const prefix of PREFIXES) expect(text).not.toContain(prefix)
    for (const secret of secrets) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(secret.slice(6))
    }
    // What was stored instead is the lowercase hex SHA-256 of each secret (DOT's token_checksum).
    const clientHashes = dump.clients.map((client) => client.secret_hash)
    expect(clientHashes).toContain(sha256Hex(reset.client_secret))
    expect(clientHashes).toContain(sha256Hex(poster.client_secret))
    expect(clientHashes).not.toContain(sha256Hex(app.client_secret))
    expect(text).toContain(sha256Hex(code))
    expect(text).toContain(sha256Hex(first.refresh_token))
  })
})
