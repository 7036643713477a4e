import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, codeFlow, introspect, location, login, type OAuthClient, oauthClient, refresh } from './http-client.js'
import {
  BACKENDS,
  type CreatedClient,
  cliJson,
  createClient,
  createUser,
  createWorkspace,
  REDIRECT_URI,
  type ServerProcess,
  startServer,
  stopAllServers,
  type Workspace,
} from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const PASSWORD = 'correct horse battery staple'

/** GET userinfo (OIDC Core §5.3) with the access token as a Bearer token. */
function userinfo(server: ServerProcess, accessToken: string): Promise<Response> {
  return fetch(`${server.issuer}/userinfo/`, { headers: { authorization: `Bearer ${accessToken}` } })
}

/** Where the browser of `jar` lands on an authorization request: the login page when signed out. */
async function authorizeLandsOnLogin(server: ServerProcess, c: OAuthClient, jar: CookieJar): Promise<boolean> {
  const url = new URL(`${server.issuer}/authorize/`)
  url.search = new URLSearchParams({
    client_id: c.client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    state: 'state-1',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString()
  const response = await jar.fetch(url)
  await response.body?.cancel()
  return response.status === 302 && location(response, url).pathname === '/accounts/login/'
}

/**
 * A user's grants end with the account, and a new password ends the user's sessions: through a
 * real `grantline serve` and the real `grantline users` commands against the same database.
 */
describe.each(BACKENDS)('grantline users and the grants of a user, on %s', (backend) => {
  let ws: Workspace
  let server: ServerProcess
  let web: CreatedClient

  beforeAll(async () => {
    ws = await createWorkspace(backend)
    web = await createClient(ws, 'Web app', ['authorization_code', 'refresh_token'])
    server = await startServer(ws)
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 9700 §4.14 / RFC 7009: deleting a user revokes their grants (introspection inactive, userinfo 401, refresh invalid_grant)', async () => {
    await createUser(ws, 'alice', PASSWORD)
    await createUser(ws, 'bob', PASSWORD)
    const c = oauthClient(server, web)
    const alice = (await codeFlow(c, server, { username: 'alice', password: PASSWORD }, 'openid read')).tokens
    const bob = (await codeFlow(c, server, { username: 'bob', password: PASSWORD }, 'openid read')).tokens
    expect(await introspect(c, alice.access_token)).toMatchObject({ active: true, username: 'alice' })
    expect((await userinfo(server, alice.access_token)).status).toBe(200)

    expect(await cliJson(ws, ['users', 'delete', 'alice'])).toStrictEqual({ deleted: 'alice' })

    expect(await introspect(c, alice.access_token)).toStrictEqual({ active: false })
    expect(await introspect(c, alice.refresh_token as string)).toStrictEqual({ active: false })
    const info = await userinfo(server, alice.access_token)
    expect(info.status).toBe(401)
    expect(info.headers.get('www-authenticate')).toMatch(/error="invalid_token"/)
    await expect(refresh(c, alice.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant', status: 400 })
    // Another user's grant is untouched.
    expect(await introspect(c, bob.access_token)).toMatchObject({ active: true, username: 'bob' })
    expect((await refresh(c, bob.refresh_token as string)).id_token).toEqual(expect.any(String))
  })

  it('Django / RFC 9700 §4.14: set-password ends the sessions the user already had', async () => {
    await createUser(ws, 'carol', PASSWORD)
    const c = oauthClient(server, web)
    const jar = new CookieJar()
    expect((await login(server, jar, 'carol', PASSWORD)).status).toBe(303)
    expect(await authorizeLandsOnLogin(server, c, jar)).toBe(false)

    expect(await cliJson(ws, ['users', 'set-password', 'carol', '--password', 'a new long passphrase'])).toStrictEqual({
      username: 'carol',
    })

    expect(await authorizeLandsOnLogin(server, c, jar)).toBe(true)
  })
})
