import { ConfigError } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { REDIRECT_URI, setup } from '../support/provider.js'

describe('provider.clients.create (RFC 7591 §2 metadata)', () => {
  it('RFC 6749 §2.2: a generated client_id is 24 letters and digits, never starting with "-"', async () => {
    const s = setup()
    const ids = await Promise.all(
      Array.from(
        { length: 50 },
        async (_, i) =>
          (await s.provider.clients.create({ client_name: `App ${i}`, grant_types: ['client_credentials'] })).client.client_id,
      ),
    )
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{24}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('RFC 6749 §4.4: a public client cannot be registered for client_credentials', async () => {
    const s = setup()
    const attempt = s.provider.clients.create({ client_name: 'SPA', client_type: 'public', grant_types: ['client_credentials'] })
    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_INVALID_CLIENT' })
  })

  it('RFC 6749 §2.3.1: the secret is returned once and only its SHA-256 is kept', async () => {
    const s = setup()
    const { client, client_secret } = await s.provider.clients.create({ client_name: 'App', redirect_uris: [REDIRECT_URI] })
    expect(client_secret).toMatch(/^gl_cs_[A-Za-z0-9_-]{43}$/)
    const stored = await s.provider.clients.get(client.client_id)
    expect(JSON.stringify(stored)).not.toContain(client_secret)
    expect(stored?.secret_hash).toMatch(/^[0-9a-f]{64}$/)
  })
})
