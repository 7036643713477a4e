import { ConfigError } from '@grantline/core'
import { makeClient } from '@grantline/testing'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { register, via } from '../e2e/support.js'
import { ISSUER, setup } from '../support/provider.js'

/** Client secret rotation with an overlap, driven by oauth4webapi's client_credentials. */
async function rotated(graceSeconds: number) {
  const s = setup()
  const issuer = new URL(ISSUER)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...via(s) }))
  const reg = await register(s, { grant_types: ['client_credentials'], redirect_uris: [] })
  const rotation = await s.provider.clients.rotateSecret(reg.client.client_id, { graceSeconds })
  /** Whether a client_credentials request with `secret` gets a token. */
  const works = async (secret: string) => {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      reg.client,
      oauth.ClientSecretBasic(secret),
      new URLSearchParams(),
      via(s),
    )
    if (response.status === 200) return (await oauth.processClientCredentialsResponse(as, reg.client, response)).token_type === 'bearer'
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe('invalid_client')
    return false
  }
  return { s, old: reg.secret as string, rotation, works }
}

describe('client secret rotation', () => {
  it('RFC 6749 §2.3.1: after a rotation with a grace period both secrets authenticate until it ends', async () => {
    const { s, old, rotation, works } = await rotated(3600)
    expect(rotation.client_secret).toMatch(/^gl_cs_/)
    expect(rotation.previous_secret_expires_at).toBe(Math.floor(s.clock.now() / 1000) + 3600)
    expect(await works(rotation.client_secret)).toBe(true)
    expect(await works(old)).toBe(true)
    s.clock.advance(3599)
    expect(await works(old)).toBe(true)
  })

  it('RFC 6749 §2.3.1: the old secret is refused from the second its grace period ends; the new one keeps working', async () => {
    const { s, old, rotation, works } = await rotated(3600)
    s.clock.advance(3600)
    expect(await works(old)).toBe(false)
    s.clock.advance(86_400)
    expect(await works(old)).toBe(false)
    expect(await works(rotation.client_secret)).toBe(true)
  })

  it('RFC 6749 §2.3.1: a grace of 0 ends the old secret at once', async () => {
    const { rotation, old, works } = await rotated(0)
    expect(rotation.previous_secret_expires_at).toBeNull()
    expect(rotation.client.previous_secret_hash).toBeNull()
    expect(await works(old)).toBe(false)
    expect(await works(rotation.client_secret)).toBe(true)
  })

  it('a second rotation ends the secret two rotations old at once; resetSecret ends the previous one too', async () => {
    const { s, old, rotation, works } = await rotated(3600)
    const second = await s.provider.clients.rotateSecret(rotation.client.client_id, { graceSeconds: 3600 })
    expect(await works(old)).toBe(false)
    expect(await works(rotation.client_secret)).toBe(true)
    const reset = await s.provider.clients.resetSecret(rotation.client.client_id)
    expect(await works(second.client_secret)).toBe(false)
    expect(await works(reset)).toBe(true)
  })

  it('refuses a grace outside 0..366 days, a public client and an unknown client with a ConfigError', async () => {
    const { s, rotation } = await rotated(0)
    const id = rotation.client.client_id
    for (const graceSeconds of [-1, 1.5, 367 * 86_400]) {
      await expect(s.provider.clients.rotateSecret(id, { graceSeconds })).rejects.toMatchObject({ code: 'ERR_INVALID_GRACE' })
    }
    const pub = await s.provider.clients.create({ client_name: 'SPA', client_type: 'public', redirect_uris: ['https://spa.example/cb'] })
    await expect(s.provider.clients.rotateSecret(pub.client.client_id, { graceSeconds: 0 })).rejects.toBeInstanceOf(ConfigError)
    await expect(s.provider.clients.rotateSecret('nobody', { graceSeconds: 0 })).rejects.toMatchObject({ code: 'ERR_UNKNOWN_CLIENT' })
  })

  it('a key-only client has no secret to rotate; a Django-hashed secret unused since its import rotates only without a grace', async () => {
    const s = setup()
    const keyOnly = makeClient({ token_endpoint_auth_method: 'private_key_jwt', secret_hash: null })
    await s.storage.putClient(keyOnly)
    await expect(s.provider.clients.rotateSecret(keyOnly.client_id, { graceSeconds: 0 })).rejects.toMatchObject({
      code: 'ERR_NO_CLIENT_SECRET',
    })
    const imported = makeClient({ secret_hash: 'pbkdf2_sha256$600000$salt$aGFzaA==' })
    await s.storage.putClient(imported)
    await expect(s.provider.clients.rotateSecret(imported.client_id, { graceSeconds: 60 })).rejects.toMatchObject({
      code: 'ERR_DJANGO_SECRET_GRACE',
    })
    expect((await s.storage.getClient(imported.client_id))?.secret_hash).toBe(imported.secret_hash)
    const rotated = await s.provider.clients.rotateSecret(imported.client_id, { graceSeconds: 0 })
    expect(rotated.client.previous_secret_hash).toBeNull()
    expect(rotated.client.secret_hash).toMatch(/^[0-9a-f]{64}$/)
  })
})
