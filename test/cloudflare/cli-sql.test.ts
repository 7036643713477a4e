import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, hiddenField } from '../server/http-client.js'
import { CLI } from '../server/support.js'
import { startWorkerd } from './workerd-server.js'

const vars = {
  ISSUER: 'http://127.0.0.1/o',
  SECRET: 'cli-sql-test-secret-0123456789abcdefghij',
  KEY_ENCRYPTION_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
}
const PASSWORD = 'correct horse battery staple'

/** `grantline ... --sql`: the SQL on stdout, the command's result on stderr; no database is opened. */
async function sqlFor(...args: string[]): Promise<{ sql: string; result: string }> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args, '--sql'], {
    env: { ...process.env, GRANTLINE_KEY_ENCRYPTION_KEY: vars.KEY_ENCRYPTION_KEY, GRANTLINE_DB: '' },
  })
  return { sql: stdout, result: stderr }
}

// The first client, user and signing key of a Worker, written by the CLI as SQL and applied to a
// fresh D1 database (as `wrangler d1 execute --file` would), before any Cron Trigger ran.
describe('grantline --sql applied to a fresh D1 database, served by the bundled example Worker', () => {
  let server: Awaited<ReturnType<typeof startWorkerd>>
  let client: { client_id: string; client_secret: string }
  let kid: string
  let written: string
  beforeAll(async () => {
    server = await startWorkerd(vars)
    const key = await sqlFor('keys', 'create', '--json')
    kid = (JSON.parse(key.result) as { kid: string }).kid
    const created = await sqlFor('clients', 'create', '--name', "Ops' API\nv2", '--grant-type', 'client_credentials', '--json')
    client = JSON.parse(created.result) as typeof client
    const user = await sqlFor('users', 'create', 'alice', '--password', PASSWORD)
    const token = await sqlFor('registration-tokens', 'create', '--json')
    written = [key.sql, created.sql, user.sql, token.sql].join('')
    const db = server.db as unknown as { exec(sql: string): Promise<unknown> }
    // D1's exec runs one statement per line: the CLI writes each on one line.
    for (const script of [key.sql, created.sql, user.sql, token.sql]) await db.exec(script.trim())
  }, 60_000)
  afterAll(() => server?.close())

  const at = (path: string) => new URL(path, server.url)

  it('OpenID Connect Core §10.1: the JWKS publishes the key at once, with no Cron Trigger run', async () => {
    const jwks = (await (await fetch(at('/o/.well-known/jwks.json'))).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid])
  })

  it('RFC 6819 §5.1.4.1.3: the SQL holds hashes only, never the client secret, the password or the private key in clear', async () => {
    expect(written).not.toContain(client.client_secret)
    expect(written).not.toContain(PASSWORD)
    expect(written).not.toMatch(/"d":/)
    const name = await server.db.prepare('SELECT client_name FROM clients WHERE client_id = ?').bind(client.client_id).first()
    // A quote and a newline in a value stay data: the statement carried them as literals.
    expect(name).toEqual({ client_name: "Ops' API\nv2" })
    expect(await server.db.prepare('SELECT count(*) AS n FROM initial_access_tokens').first()).toEqual({ n: 1 })
  })

  it('RFC 6749 §4.4: the client written as SQL gets a client_credentials token', async () => {
    const response = await fetch(at('/o/token/'), {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { token_type: string }).token_type).toBe('Bearer')
  })

  it('OpenID Connect Core §3.1.2.3: the user written as SQL signs in on the Worker (a hash workerd can check)', async () => {
    const jar = new CookieJar()
    const form = await jar.fetch(at('/accounts/login/?next=/'))
    expect(form.status).toBe(200)
    const csrf = hiddenField(await form.text(), 'csrf')
    const signedIn = await jar.post(at('/accounts/login/'), { username: 'alice', password: PASSWORD, csrf, next: '/' })
    expect(signedIn.status).toBe(303)
  })
})

describe('grantline --sql refuses what it cannot write', () => {
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, GRANTLINE_KEY_ENCRYPTION_KEY: '' } }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    )

  it('a command that reads the database, and --db beside --sql, are usage errors', async () => {
    expect(await run('clients', 'list', '--sql')).toMatchObject({ code: 2, stderr: expect.stringContaining('--sql works with') })
    expect(await run('users', 'create', 'bob', '--sql', '--db', 'x.sqlite')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--db has no use with --sql'),
    })
  })

  it("keys create --sql without the Worker's key-encryption key fails and prints no SQL", async () => {
    const result = await run('keys', 'create', '--sql')
    expect(result).toMatchObject({ code: 2, stdout: '' })
    expect(result.stderr).toContain('key-encryption key')
  })
})
