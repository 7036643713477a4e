import { request as httpRequest, type IncomingMessage } from 'node:http'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, clientCredentials, codeFlow, introspect, login, oauthClient, passwordGrant, refresh, revoke } from './http-client.js'
import { createClient, createUser, createWorkspace, startServer, stopAllServers, WITH_PASSWORD, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const ALICE = { username: 'alice', password: 'correct horse battery staple' }

let ws: Workspace

beforeAll(async () => {
  ws = await createWorkspace('sqlite')
  await createUser(ws, ALICE.username, ALICE.password)
})

afterAll(async () => {
  await stopAllServers()
  vi.unstubAllGlobals()
  await ws?.dispose()
})

/** Resolves once the text shows up in what the process printed. */
function printed(read: () => string, text: string, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!read().includes(text)) return
      stream.off('data', check)
      resolve()
    }
    stream.on('data', check)
    check()
  })
}

describe('graceful shutdown', () => {
  it('SIGTERM while a token request is in flight: it completes normally, new connections are refused, exit status 0', async () => {
    const machine = await createClient(ws, 'Batch job', ['client_credentials'])
    const server = await startServer(ws)
    const body = 'grant_type=client_credentials&scope=read'
    const request = httpRequest(`${server.origin}/o/token/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${machine.client_id}:${machine.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        // The server answers 100 Continue once it parsed the headers and handed the request on:
        // from then on the request is in flight, waiting for its body.
        expect: '100-continue',
      },
    })
    const response = new Promise<IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject))
    request.flushHeaders()
    await new Promise((resolve) => request.once('continue', resolve))

    server.child.kill('SIGTERM')
    await printed(server.stdout, 'Grantline stopping on SIGTERM', server.child.stdout)
    await expect(fetch(`${server.origin}/accounts/login/`)).rejects.toThrow()
    request.end(body)

    const answer = await response
    let text = ''
    for await (const chunk of answer) text += chunk
    expect(answer.statusCode).toBe(200)
    expect(answer.headers.connection).toBe('close')
    expect(JSON.parse(text)).toMatchObject({ token_type: 'Bearer', scope: 'read', access_token: expect.stringMatching(/^gl_at_/) })
    expect(await server.exited).toBe(0)
    expect(server.stdout()).toMatch(/ POST \/o\/token\/ 200 /)
  })
})

describe('request log', () => {
  it('one line per request (time, method, path, status, ms) and never a query string, code, token, secret or password', async () => {
    const web = await createClient(ws, 'Web app', ['authorization_code', 'refresh_token', 'password'])
    const machine = await createClient(ws, 'Batch job', ['client_credentials'])
    const server = await startServer(ws, { config: WITH_PASSWORD })

    // Every request this test makes, as the client saw it, to compare with the log.
    const sent: string[] = []
    const realFetch = globalThis.fetch
    vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
      const response = await realFetch(input, init)
      const url = new URL(input instanceof Request ? input.url : input)
      sent.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url.pathname} ${response.status}`)
      return response
    })

    const c = oauthClient(server, web)
    const flow = await codeFlow(c, server, ALICE)
    const refreshed = await refresh(c, flow.tokens.refresh_token as string)
    await introspect(c, refreshed.access_token)
    await revoke(c, refreshed.refresh_token as string)
    const owner = await passwordGrant(c, ALICE.username, ALICE.password)
    const wrong = 'not-alices-password'
    await expect(passwordGrant(c, ALICE.username, wrong)).rejects.toMatchObject({ error: 'invalid_grant' })
    await login(server, new CookieJar(), ALICE.username, wrong, '/o/applications/?tab=secret')
    const service = await clientCredentials(oauthClient(server, machine))
    await fetch(`${server.origin}/demo/callback?code=${flow.tokens.access_token}`)
    vi.unstubAllGlobals()
    expect(await server.stop()).toBe(0)

    const lines = server
      .stdout()
      .split('\n')
      .filter((line) => /^\d{4}-\d\d-\d\dT/.test(line))
    expect(sent.length).toBeGreaterThan(10)
    expect(lines.map((line) => line.replace(/^\S+ /, '').replace(/ [\d.]+ms$/, ''))).toEqual(sent)
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (GET|POST) \/[^\s?#]* \d{3} \d+\.\dms$/)
    expect(server.stderr()).toBe('')

    const secrets = [
      web.client_secret,
      machine.client_secret,
      ALICE.password,
      wrong,
      ...flow.seen,
      flow.tokens.access_token,
      flow.tokens.refresh_token,
      refreshed.access_token,
      refreshed.refresh_token,
      owner.access_token,
      owner.refresh_token,
      service.access_token,
      'tab=secret',
    ]
    const output = server.stdout() + server.stderr()
    for (const secret of secrets) {
      expect(secret).toBeTruthy()
      expect(output).not.toContain(secret)
    }
  })
})
