import { sqlStorage } from '@grantline/sql'
import { describe, expect, it } from 'vitest'
import { NATIVE, postRegistration } from '../clients/dynamic-registration-support.js'
import { createClient, expectInvalidClient } from '../security/support.js'
import { postgresSchema } from '../sql/support/postgres.js'
import { basic, form, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'

// PostgreSQL's text refuses U+0000, so these requests once reached it and failed there with a 500.
const pg = await postgresSchema()
const driver = pg.open(2)
await pg.migrate(driver)
const onPostgres = () => setup({ registration: { policy: 'open' } }, sqlStorage(driver, { dialect: 'postgres' }))

const token = (init: RequestInit) => new Request(`${ISSUER}/token/`, init)

describe('a NUL character (U+0000) in a request, on PostgreSQL storage: the client’s mistake, never a 500', () => {
  it('RFC 6749 §5.2: in a form parameter of the token endpoint it is invalid_request', async () => {
    const s = onPostgres()
    const body = 'grant_type=client_credentials&client_id=a%00b&client_secret=x'
    const response = await s.provider.handle(token({ method: 'POST', headers: form({}).headers, body }))
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('RFC 6749 §2.3.1: in HTTP Basic credentials it is 401 invalid_client with the Basic challenge', async () => {
    const s = onPostgres()
    const c = await createClient(s, { grant_types: ['client_credentials'] })
    for (const authorization of [basic('a\u0000b', 'x'), `Basic ${btoa(`${c.client_id}%00:x`)}`, `Basic ${btoa('\u0000zzx:x')}`]) {
      const { headers, ...init } = form({ grant_type: 'client_credentials' })
      await expectInvalidClient(await s.provider.handle(token({ ...init, headers: { ...headers, authorization } })), true)
    }
  })

  it('RFC 6749 §4.1.2.1: in an authorization request it is refused before anything is stored or redirected', async () => {
    const s = onPostgres()
    const c = await createClient(s)
    const cookie = s.users.signIn('user-1')
    const query = new URLSearchParams({ response_type: 'code', client_id: c.client_id, redirect_uri: REDIRECT_URI, nonce: 'x\u0000' })
    const response = await s.provider.handle(new Request(`${ISSUER}/authorize/?${query}`, { headers: { cookie } }))
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
  })

  it('RFC 7591 §3.2.2: in registration metadata it is invalid_client_metadata', async () => {
    const s = onPostgres()
    const response = await postRegistration(s, { ...NATIVE, client_name: 'MCP\u0000host' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' })
  })
})
