import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { as, introspect, type Registered, register, via } from './support.js'

function clientCredentials(s: ReturnType<typeof setup>, reg: Registered, params: Record<string, string> = {}) {
  return oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, params, via(s))
}

const tokens = (reg: Registered, response: Response) => oauth.processClientCredentialsResponse(as, reg.client, response)

describe('client credentials grant (oauth4webapi)', () => {
  it('RFC 6749 §4.4 with client_secret_basic (§2.3.1): a token for the client itself, no refresh token', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const result = await tokens(reg, await clientCredentials(s, reg, { scope: 'read' }))
    expect(result).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read' })
    expect(result.refresh_token).toBeUndefined()
    const info = await introspect(s, reg, result.access_token)
    expect(info).toMatchObject({ active: true, client_id: reg.client.client_id, scope: 'read' })
    expect(info.sub).toBeUndefined()
  })

  it('RFC 6749 §4.4 with client_secret_post (§2.3.1)', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' })
    const result = await tokens(reg, await clientCredentials(s, reg))
    expect(result.scope).toBe('read write')
    expect(result.refresh_token).toBeUndefined()
  })

  it('RFC 6749 §4.4.3: no refresh token even for a client that may use refresh_token', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['client_credentials', 'refresh_token'] })
    const response = await clientCredentials(s, reg)
    const body = await response.clone().json()
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type'])
    expect((await tokens(reg, response)).refresh_token).toBeUndefined()
  })

  it('RFC 6749 §4.4: a public client is unauthorized_client', async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public' })
    // Registration refuses this pairing now; a record stored earlier (or imported) must still be refused here.
    const stored = await s.storage.getClient(reg.client.client_id)
    await s.storage.putClient({ ...stored!, grant_types: ['client_credentials'] })
    await expect(tokens(reg, await clientCredentials(s, reg))).rejects.toMatchObject({ error: 'unauthorized_client', status: 400 })
  })

  it('RFC 6749 §5.2: a client not registered for client_credentials is unauthorized_client', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['authorization_code'] })
    await expect(tokens(reg, await clientCredentials(s, reg))).rejects.toMatchObject({ error: 'unauthorized_client' })
  })

  it('RFC 6749 §5.2: a scope the client may not have is invalid_scope', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['client_credentials'], scope: 'read' })
    await expect(tokens(reg, await clientCredentials(s, reg, { scope: 'write' }))).rejects.toMatchObject({ error: 'invalid_scope' })
  })

  it('RFC 6749 §5.2: a wrong Basic secret is a 401 invalid_client with a Basic challenge', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const wrong = { ...reg, auth: oauth.ClientSecretBasic('gl_cs_wrong') }
    const error = await tokens(wrong, await clientCredentials(s, wrong)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    const challenge = error as oauth.WWWAuthenticateChallengeError
    expect(challenge.status).toBe(401)
    expect(challenge.cause[0]?.scheme).toBe('basic')
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64 encoding', async () => {
    const s = setup()
    const reg = await register(s, { client_id: 'svc:reports+daily%~*', grant_types: ['client_credentials'] })
    const result = await tokens(reg, await clientCredentials(s, reg))
    expect(await introspect(s, reg, result.access_token)).toMatchObject({ active: true, client_id: 'svc:reports+daily%~*' })
  })

  it('RFC 6749 §2.3: a client must use the authentication method it registered', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const post = { ...reg, auth: oauth.ClientSecretPost(reg.secret!) }
    await expect(tokens(post, await clientCredentials(s, post))).rejects.toMatchObject({ error: 'invalid_client' })
  })
})
