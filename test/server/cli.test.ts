import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, login } from './http-client.js'
import {
  BACKENDS,
  type CreatedClient,
  cliJson,
  createClient,
  createWorkspace,
  REDIRECT_URI,
  runCli,
  startServer,
  stopAllServers,
  type Workspace,
} from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

let ws: Workspace
const at = () => ['--data', ws.data, '--db', ws.db]

beforeAll(async () => {
  ws = await createWorkspace('sqlite')
})

afterAll(async () => {
  await stopAllServers()
  await ws?.dispose()
})

describe('grantline clients', () => {
  it('create --json prints the client_id and the secret once; list and show never show the secret or its hash', async () => {
    const created = await createClient(ws, 'Photo Printer', ['authorization_code', 'refresh_token'])
    expect(Object.keys(created).sort()).toEqual(['client_id', 'client_secret'])
    expect(created.client_secret).toMatch(/^gl_cs_[A-Za-z0-9_-]{43}$/)
    const secret = created.client_secret as string
    const hash = createHash('sha256').update(secret).digest('hex')

    const list = await runCli(['clients', 'list', '--json', ...at()])
    const show = await runCli(['clients', 'show', created.client_id, '--json', ...at()])
    const plain = await runCli(['clients', 'show', created.client_id, ...at()])
    for (const output of [list.stdout, show.stdout, plain.stdout]) {
      expect(output).toContain(created.client_id)
      expect(output).not.toContain(secret)
      expect(output).not.toContain(hash)
      expect(output).not.toContain('secret_hash')
    }
    expect(JSON.parse(show.stdout)).toMatchObject({
      client_id: created.client_id,
      client_name: 'Photo Printer',
      client_type: 'confidential',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [REDIRECT_URI],
    })
  })

  it('create --type public: no secret (client_secret null) and token_endpoint_auth_method none', async () => {
    const created = await createClient(ws, 'Mobile app', ['authorization_code'], ['--type', 'public'])
    expect(created.client_secret).toBeNull()
    expect(await cliJson(ws, ['clients', 'show', created.client_id])).toMatchObject({
      client_type: 'public',
      token_endpoint_auth_method: 'none',
    })
  })

  it('update changes the given fields only; delete removes the client', async () => {
    const created = await createClient(ws, 'Old name', ['authorization_code'])
    const updated = await cliJson(ws, ['clients', 'update', created.client_id, '--name', 'New name', '--scope', 'read'])
    expect(updated).toMatchObject({ client_id: created.client_id, client_name: 'New name', scope: 'read', redirect_uris: [REDIRECT_URI] })
    expect(await cliJson(ws, ['clients', 'show', created.client_id])).toMatchObject({ client_name: 'New name', scope: 'read' })

    expect(await cliJson(ws, ['clients', 'delete', created.client_id])).toStrictEqual({ deleted: created.client_id })
    const listed = await cliJson<CreatedClient[]>(ws, ['clients', 'list'])
    expect(listed.map((client) => client.client_id)).not.toContain(created.client_id)
    const gone = await runCli(['clients', 'show', created.client_id, ...at()])
    expect(gone.status).toBe(2)
    expect(gone.stderr).toBe(`grantline: no client "${created.client_id}"\n`)
  })

  it('a CLIENT_ID may begin with "-" (client_ids are base64url): it is read as the id, not as flags', async () => {
    const result = await runCli(['clients', 'show', '-P6qspSg1IUWSijNfuQElADs', '--json', ...at()])
    expect(result).toMatchObject({ status: 2, stderr: 'grantline: no client "-P6qspSg1IUWSijNfuQElADs"\n' })
  })
})

describe('grantline users', () => {
  it('create, list (no password hash), set-password (the new password signs in over HTTP, the old one not), delete', async () => {
    const created = await cliJson<{ sub: string; username: string }>(ws, [
      'users',
      'create',
      'carol',
      '--password',
      'first password',
      '--email',
      'carol@example.com',
    ])
    expect(created).toMatchObject({ username: 'carol' })
    expect(created).not.toHaveProperty('password')
    const listed = await runCli(['users', 'list', '--json', ...at()])
    expect(JSON.parse(listed.stdout)).toContainEqual({
      sub: created.sub,
      username: 'carol',
      claims: { email: 'carol@example.com' },
      created_at: expect.any(Number),
    })
    expect(listed.stdout).not.toContain('pbkdf2_sha256')

    expect(await cliJson(ws, ['users', 'set-password', 'carol', '--password', 'second password'])).toStrictEqual({ username: 'carol' })
    const server = await startServer(ws)
    expect((await login(server, new CookieJar(), 'carol', 'second password')).status).toBe(303)
    expect((await login(server, new CookieJar(), 'carol', 'first password')).status).toBe(200)

    expect(await cliJson(ws, ['users', 'delete', 'carol'])).toStrictEqual({ deleted: 'carol' })
    expect(await cliJson<{ username: string }[]>(ws, ['users', 'list'])).not.toContainEqual(expect.objectContaining({ username: 'carol' }))
    expect((await login(server, new CookieJar(), 'carol', 'second password')).status).toBe(200)
  })

  it('a password may begin with "-"', async () => {
    await cliJson(ws, ['users', 'create', 'erin', '--password', '-starts-with-a-dash'])
    const server = await startServer(ws)
    expect((await login(server, new CookieJar(), 'erin', '-starts-with-a-dash')).status).toBe(303)
  })

  it('create without --password generates one, prints it once, and it signs in', async () => {
    const created = await cliJson<{ username: string; password: string }>(ws, ['users', 'create', 'dave'])
    expect(created.password).toMatch(/^[A-Za-z0-9_-]{16}$/)
    const server = await startServer(ws)
    expect((await login(server, new CookieJar(), 'dave', created.password)).status).toBe(303)
  })
})

describe('grantline keys', () => {
  it('keys rotate publishes a new key in the JWKS of a running server before it signs', async () => {
    const server = await startServer(ws, { port: 0 })
    const jwks = async () => ((await (await fetch(`${server.origin}/o/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys
    const before = await jwks()
    const key = await cliJson<{ kid: string; activate_at: number }>(ws, ['keys', 'rotate', ...at()])
    expect(key.activate_at).toBeGreaterThan(Date.now() / 1000 + 600)
    expect(before.map((k) => k.kid)).not.toContain(key.kid)
    // Every instance re-reads keys at least every 60 s; a fresh process sees the new key at once.
    await server.stop()
    const restarted = await startServer(ws, { port: 0 })
    const after = ((await (await fetch(`${restarted.origin}/o/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys
    expect(after.map((k) => k.kid)).toEqual(expect.arrayContaining([...before.map((k) => k.kid), key.kid]))
  })

  it('OpenID Connect Core §10.1: keys create makes the first signing key only when there is none', async () => {
    const fresh = await createWorkspace('sqlite')
    try {
      const first = await cliJson<{ kid: string; created: boolean }>(fresh, ['keys', 'create'])
      expect(first.created).toBe(true)
      expect(await cliJson(fresh, ['keys', 'create'])).toEqual({ kid: first.kid, created: false })
      const server = await startServer(fresh, { port: 0 })
      const jwks = (await (await fetch(`${server.origin}/o/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }
      expect(jwks.keys.map((k) => k.kid)).toEqual([first.kid])
      await server.stop()
    } finally {
      await fresh.dispose()
    }
  })
})

describe('grantline serve and migrate', () => {
  it('serve --port 0 listens on a port the system chose and names it in the default issuer', async () => {
    const server = await startServer(ws, { port: 0 })
    expect(server.port).toBeGreaterThan(0)
    expect(server.issuer).toBe(`http://127.0.0.1:${server.port}/o`)
    expect((await fetch(`${server.origin}/accounts/login/`)).status).toBe(200)
    // Django's LOGIN_REDIRECT_URL: a sign-in without `next` lands on a page, not a 404.
    const home = await fetch(`${server.origin}/`)
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('href="/o/applications/"')
  })

  it('serve --issuer https://...: cookies are Secure though the request came over http (TLS ends at a proxy)', async () => {
    const server = await startServer(ws, { args: ['--issuer', 'https://auth.example/o'] })
    expect(server.issuer).toBe('https://auth.example/o')
    const response = await fetch(`${server.origin}/accounts/login/`)
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^gl_csrf=.*; Secure$/)])
  })

  it('FAPI 2.0, RFC 9449, RFC 9126: serve --config takes "profile", "dpop" and "par", so the standalone server can run the profile', async () => {
    const discovery = async (config: Record<string, unknown>) => {
      const server = await startServer(ws, { config })
      return (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    }
    expect(await discovery({ profile: 'fapi2', dpop: { algs: ['ES256'], nonce: true } })).toMatchObject({
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      require_pushed_authorization_requests: true,
      dpop_signing_alg_values_supported: ['ES256'],
    })
    expect(await discovery({ par: { required: true } })).toMatchObject({ require_pushed_authorization_requests: true })
  })

  it.each(BACKENDS)('migrate prepares a new %s database, and a second run changes nothing', async (backend) => {
    const fresh = await createWorkspace(backend)
    try {
      const args = ['migrate', '--data', fresh.data, '--db', fresh.db]
      expect(await runCli(args)).toMatchObject({ status: 0, stdout: `migrated ${backend} database\n`, stderr: '' })
      expect(await runCli(args)).toMatchObject({ status: 0, stderr: '' })
      expect(await cliJson(fresh, ['clients', 'list'])).toStrictEqual([])
    } finally {
      await fresh.dispose()
    }
  })
})

describe('mistakes on the command line: one line on stderr, exit status 2, no stack trace', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown command', () => ['bogus'], /^unknown command "bogus"/],
    ['an unknown action', () => ['tokens', 'purge', ...at()], /^unknown tokens action "purge"/],
    ['an unknown flag', () => ['clients', 'list', '--bogus', ...at()], /^unknown flag --bogus$/],
    ['a flag without its value', () => ['clients', 'create', '--name'], /^--name needs a value$/],
    ['clients create without --name', () => ['clients', 'create', ...at()], /^--name is required$/],
    ['users set-password without a USERNAME', () => ['users', 'set-password', ...at()], /^users set-password needs a USERNAME/],
    ['--type bogus', () => ['clients', 'create', '--name', 'X', '--type', 'bogus', ...at()], /^--type must be confidential or public$/],
    [
      'a javascript: redirect URI',
      () => ['clients', 'create', '--name', 'X', '--redirect-uri', 'javascript:alert(1)', ...at()],
      /^redirect URI "javascript:alert\(1\)" uses a forbidden scheme$/,
    ],
    ['--port abc', () => ['serve', '--port', 'abc', ...at()], /^--port must be a whole number, not "abc"$/],
    ['--port 70000', () => ['serve', '--port', '70000', ...at()], /^--port must be at most 65535$/],
    [
      'an unreadable --config',
      () => ['serve', '--port', '0', '--config', join(ws.dir, 'missing.json'), ...at()],
      /^cannot read the config file .*missing\.json \(ENOENT\)$/,
    ],
    [
      'a config file with an unknown option',
      () => ['serve', '--port', '0', '--config', ws.config({ grantTypes: ['authorization_code'], tokenLifetime: 60 }), ...at()],
      /^the config file .* has an unknown option "tokenLifetime"/,
    ],
    [
      'a config file with a bad value',
      () => ['serve', '--port', '0', '--config', ws.config({ ttl: { accessToken: 'soon' } }), ...at()],
      /^invalid configuration: ttl\.accessToken: /,
    ],
    [
      'a config file that is not JSON',
      () => {
        const file = join(ws.dir, 'broken.json')
        writeFileSync(file, '{ "grantTypes": [')
        return ['serve', '--port', '0', '--config', file, ...at()]
      },
      /^the config file .* is not valid JSON$/,
    ],
  ]

  it.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(args())
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.endsWith('\n')).toBe(true)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^grantline: /)
    expect(lines[0]?.slice('grantline: '.length)).toMatch(message)
  })

  it('a database that does not answer is exit status 1, on one line, without the URL password', async () => {
    const result = await runCli(['clients', 'list', '--data', ws.data, '--db', 'postgres://postgres:hunter2@127.0.0.1:1/none'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^grantline: cannot open the database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/none: .+\n$/)
    expect(result.stderr).not.toContain('hunter2')
  })

  it('--help prints the usage of every command and exits 0', async () => {
    const result = await runCli(['--help'])
    expect(result.status).toBe(0)
    for (const command of [
      'serve',
      'clients create',
      'clients list',
      'clients show',
      'clients update',
      'clients delete',
      'users create',
      'users list',
      'users delete',
      'users set-password',
      'tokens clear',
      'registration-tokens create',
      'migrate',
    ]) {
      expect(result.stdout).toContain(`grantline ${command}`)
    }
  })
})
