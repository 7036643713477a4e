import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CLI, cliJson, createClient, createWorkspace, freePort, REDIRECT_URI, runCli, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/** What a DOT 3 operator expects of `manage.py`-style commands after switching: the real CLI, on SQLite. */

let ws: Workspace
const at = () => ['--data', ws.data, '--db', ws.db]

beforeAll(async () => {
  ws = await createWorkspace('sqlite')
})

afterAll(async () => {
  await ws?.dispose()
})

interface ShownClient {
  token_endpoint_auth_method: string
  grant_types: string[]
  response_types: string[]
  post_logout_redirect_uris: string[]
  allowed_cors_origins: string[]
  skip_authorization: boolean
  introspection: boolean
  owner_sub: string | null
}

const show = (id: string) => cliJson<ShownClient>(ws, ['clients', 'show', id])

describe('grantline clients: every flag on and off (RFC 7591 §2 client metadata)', () => {
  it('RFC 7591 §2: clients create takes --response-type (one per flag, spaces inside) and --auth-method', async () => {
    const created = await createClient(
      ws,
      'Hybrid app',
      ['authorization_code', 'implicit'],
      ['--response-type', 'code', '--response-type', 'code id_token', '--auth-method', 'client_secret_post'],
    )
    expect(await show(created.client_id)).toMatchObject({
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'implicit'],
      response_types: ['code', 'code id_token'],
    })
  })

  it('RFC 7591 §2: clients update turns off what create turned on: skip consent, introspection, CORS origins, post-logout URIs, owner, grant and response types, auth method', async () => {
    const created = await createClient(
      ws,
      'Everything on',
      ['authorization_code', 'implicit', 'refresh_token'],
      [
        ...['--response-type', 'code,code id_token', '--auth-method', 'client_secret_post', '--skip-consent', '--introspection'],
        ...['--cors-origin', 'https://spa.example', '--post-logout-redirect-uri', 'https://app.example/bye', '--owner', 'user-1'],
      ],
    )
    expect(await show(created.client_id)).toMatchObject({
      response_types: ['code', 'code id_token'],
      allowed_cors_origins: ['https://spa.example'],
      post_logout_redirect_uris: ['https://app.example/bye'],
      skip_authorization: true,
      introspection: true,
      owner_sub: 'user-1',
    })

    const off = await cliJson<ShownClient>(ws, [
      ...['clients', 'update', created.client_id, '--no-skip-consent', '--no-introspection', '--cors-origin', ''],
      ...['--no-post-logout-redirect-uris', '--owner', '', '--grant-type', 'authorization_code', '--auth-method', 'client_secret_basic'],
    ])
    expect(off).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      // The response types that needed implicit went with it.
      response_types: ['code'],
      allowed_cors_origins: [],
      post_logout_redirect_uris: [],
      skip_authorization: false,
      introspection: false,
      owner_sub: null,
    })
    expect(await show(created.client_id)).toMatchObject(off)

    // And on again, then off with the other spelling.
    await cliJson(ws, ['clients', 'update', created.client_id, '--skip-consent', '--cors-origin', 'https://spa.example'])
    expect(await show(created.client_id)).toMatchObject({ skip_authorization: true, allowed_cors_origins: ['https://spa.example'] })
    await cliJson(ws, ['clients', 'update', created.client_id, '--no-cors-origins'])
    expect(await show(created.client_id)).toMatchObject({ skip_authorization: true, allowed_cors_origins: [] })
  })

  it.each([
    [['--skip-consent', '--no-skip-consent'], /^--skip-consent and --no-skip-consent contradict each other$/],
    [['--introspection', '--no-introspection'], /^--introspection and --no-introspection contradict each other$/],
    [['--cors-origin', 'https://a.example', '--no-cors-origins'], /^--cors-origin and --no-cors-origins contradict each other$/],
    [['--auth-method', 'private_key_jwt'], /private_key_jwt needs the client keys, jwks or jwks_uri/],
    [['--auth-method', 'client_secret_jwt'], /client secrets are stored hashed/],
    [['--jwks-uri', 'https://a.example/jwks', '--no-jwks'], /^--jwks-uri, --jwks-file and --no-jwks contradict each other$/],
    [['--jwks-uri', 'http://a.example/jwks'], /jwks_uri must be an https URL/],
    [['--auth-method', 'none'], /public clients use "none", confidential ones a secret/],
    [['--response-type', 'code token'], /response_types/],
    [['--cors-origin', 'not a url'], /allowed_cors_origins/],
  ])('bad input %j: exit status 2, one line on stderr, nothing changed', async (flags, message) => {
    const created = await createClient(ws, 'Unchanged', ['authorization_code'])
    const before = await show(created.client_id)
    const result = await runCli(['clients', 'update', created.client_id, ...flags, ...at()])
    expect(result).toMatchObject({ status: 2, stdout: '' })
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^grantline: /)
    expect(lines[0]?.slice('grantline: '.length)).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(await show(created.client_id)).toStrictEqual(before)
  })
})

describe('grantline clients: private_key_jwt keys (RFC 7591 §2 jwks, jwks_uri; RFC 7523)', () => {
  it('RFC 7523 §2.2: --auth-method private_key_jwt with --jwks-file, then --jwks-uri, then back to a secret, shown once', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
    const file = join(ws.data, 'client-jwks.json')
    writeFileSync(file, JSON.stringify({ ...(await exportJWK(publicKey)), kid: 'cli-key' }))
    const created = await createClient(ws, 'Signed', ['client_credentials'], ['--auth-method', 'private_key_jwt', '--jwks-file', file])
    expect(created.client_secret).toBeNull()
    const shown = await cliJson<ShownClient & { metadata: Record<string, unknown> }>(ws, ['clients', 'show', created.client_id])
    expect(shown).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', metadata: { jwks: { keys: [{ kid: 'cli-key' }] } } })
    const text = await runCli(['clients', 'show', created.client_id, ...at()])
    expect(text.stdout).toMatch(/keys: +1 in jwks \(cli-key\)/)
    const moved = await cliJson<{ metadata: Record<string, unknown> }>(ws, [
      'clients',
      'update',
      created.client_id,
      '--jwks-uri',
      'https://app.example/jwks.json',
    ])
    expect(moved.metadata).toStrictEqual({ jwks_uri: 'https://app.example/jwks.json' })
    // A private key file is refused: the server never keeps a client's private key (RFC 7517 §9.2).
    writeFileSync(file, JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'leaked' }))
    const leaked = await runCli(['clients', 'update', created.client_id, '--jwks-file', file, ...at()])
    expect(leaked).toMatchObject({ status: 2, stdout: '' })
    expect(leaked.stderr).toMatch(/private member "d"/)
    const back = await cliJson<{ token_endpoint_auth_method: string; client_secret?: string; metadata: Record<string, unknown> }>(ws, [
      'clients',
      'update',
      created.client_id,
      '--auth-method',
      'client_secret_basic',
      '--no-jwks',
    ])
    expect(back).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', metadata: {} })
    expect(back.client_secret).toMatch(/^gl_cs_/)
  })
})

describe('bad input elsewhere: exit status 2 and one line', () => {
  it.each([
    [
      'keys rotate with "oidc": false',
      () => ['keys', 'rotate', '--config', ws.config({ oidc: false }), ...at()],
      /^keys rotate needs OpenID/,
    ],
    ['tokens clear --batch 0', () => ['tokens', 'clear', '--batch', '0', ...at()], /^--batch must be at least 1$/],
    ['migrate --json=yes', () => ['migrate', '--json=yes', ...at()], /^--json does not take a value$/],
  ] as const)('%s', async (_name, args, message) => {
    const result = await runCli(args())
    expect(result).toMatchObject({ status: 2, stdout: '' })
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]?.slice('grantline: '.length)).toMatch(message)
  })
})

describe('grantline --json on every subcommand', () => {
  it('migrate, users, clients, registration-tokens, keys and tokens clear print JSON on stdout', async () => {
    const fresh = await createWorkspace('sqlite')
    try {
      expect(await cliJson(fresh, ['migrate'])).toStrictEqual({ migrated: 'sqlite' })
      expect(await cliJson(fresh, ['users', 'create', 'ada', '--password', 'correct horse'])).toMatchObject({ username: 'ada' })
      expect(await cliJson(fresh, ['users', 'list'])).toHaveLength(1)
      expect(await cliJson(fresh, ['users', 'set-password', 'ada', '--password', 'battery staple'])).toStrictEqual({ username: 'ada' })
      const client = await cliJson<{ client_id: string }>(fresh, ['clients', 'create', '--name', 'A', '--redirect-uri', REDIRECT_URI])
      expect(await cliJson(fresh, ['clients', 'list'])).toHaveLength(1)
      expect(await cliJson(fresh, ['clients', 'delete', client.client_id])).toStrictEqual({ deleted: client.client_id })
      expect(await cliJson(fresh, ['registration-tokens', 'create'])).toHaveProperty('initial_access_token')
      expect(await cliJson(fresh, ['keys', 'create'])).toMatchObject({ created: true })
      expect(await cliJson(fresh, ['keys', 'rotate'])).toHaveProperty('kid')
      expect(await cliJson(fresh, ['tokens', 'clear'])).toStrictEqual({ removed: expect.any(Number), login_failures: 0 })
      expect(await cliJson(fresh, ['users', 'delete', 'ada'])).toStrictEqual({ deleted: 'ada' })
    } finally {
      await fresh.dispose()
    }
  })

  it('serve --json: the only line on stdout is one JSON object saying where it listens', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--json', ...at()], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      await vi.waitFor(() => expect(out).toContain('\n'), { timeout: 15_000, interval: 50 })
      const origin = `http://127.0.0.1:${port}`
      expect(JSON.parse(out)).toStrictEqual({ listening: origin, issuer: `${origin}/o`, storage: 'sqlite', workers: 1 })
    } finally {
      child.kill('SIGTERM')
      await exited
    }
    // The demo banner and the stopping line went to stderr.
    expect(out.trimEnd().split('\n')).toHaveLength(1)
  })
})

describe('grantline tokens clear: failed-login records', () => {
  it('DOT cleartokens, lockout records: tokens clear removes failed-login records older than the lockout window and keeps the ones that still count', async () => {
    await runCli(['migrate', ...at()])
    const now = Math.floor(Date.now() / 1000)
    const db = new Database(ws.db)
    try {
      const insert = db.prepare('INSERT INTO login_failures (failure_key, failed_at) VALUES (?, ?)')
      // The lockout window is 900 s: a one-off failure a day ago, and one a minute ago.
      for (let i = 0; i < 5; i++) insert.run(`address:192.0.2.${i}`, now - 86_400)
      insert.run('username:ada', now - 60)
    } finally {
      db.close()
    }
    expect(await cliJson(ws, ['tokens', 'clear'], ['--batch', '2'])).toMatchObject({ login_failures: 5 })
    const after = new Database(ws.db, { readonly: true })
    try {
      expect(after.prepare('SELECT failure_key FROM login_failures').all()).toStrictEqual([{ failure_key: 'username:ada' }])
    } finally {
      after.close()
    }
  })
})
