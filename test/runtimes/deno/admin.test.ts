// Run by `deno test`: @grantline/deno/admin run as its own Deno process writes the first client
// and user into a KV file; the quick start server on that file then serves them.
import { createProvider, localAccounts } from '@grantline/core'
import { denoKvAccountStore, denoKvStorage, serve } from '../../../adapters/deno/src/mod.ts'

const ADMIN = new URL('../../../adapters/deno/src/admin.ts', import.meta.url).pathname
const CONFIG = new URL('../../../adapters/deno/deno.json', import.meta.url).pathname
const PASSWORD = 'correct horse battery staple'

async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ['run', '--no-check', '--config', CONFIG, '--allow-read', '--allow-write', '--allow-env', ADMIN, ...args],
  })
  const { code, stdout, stderr } = await command.output()
  return { code, stdout: new TextDecoder().decode(stdout), stderr: new TextDecoder().decode(stderr) }
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

Deno.test('RFC 6749 §4.4 and §2: admin writes a client and a user into a KV file; the quick start server on it issues a token and signs the user in', async () => {
  const dir = await Deno.makeTempDir({ prefix: 'grantline-deno-admin-' })
  const path = `${dir}/grantline.kv`
  const created = await admin('clients', 'create', '--name', 'API', '--grant-type', 'client_credentials', '--kv', path, '--json')
  assert(created.code === 0, created.stderr)
  const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string }
  const user = await admin('users', 'create', 'alice', '--password', PASSWORD, '--kv', path)
  assert(user.code === 0 && user.stdout.includes('username: alice'), user.stderr)

  // The quick start of docs/runtimes.md, on that file.
  const kv = await Deno.openKv(path)
  const secrets = ['deno-admin-test-secret-0123456789abcdef']
  const provider = createProvider({
    issuer: 'http://127.0.0.1:8080/o',
    secrets,
    storage: denoKvStorage(kv),
    accounts: localAccounts(denoKvAccountStore(kv), { secrets }),
  })
  const server = await serve(provider, { port: 0, handleSignals: false, onClose: () => kv.close() })
  const origin = `http://127.0.0.1:${server.address.port}`
  try {
    const token = await fetch(`${origin}/o/token/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
    const body = (await token.json()) as { token_type?: string }
    assert(token.status === 200 && body.token_type === 'Bearer', `token: ${token.status} ${JSON.stringify(body)}`)

    const form = await fetch(`${origin}/accounts/login/?next=/`)
    const cookie = form.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ')
    const csrf = /<input type="hidden" name="csrf" value="([^"]*)"/.exec(await form.text())?.[1] ?? ''
    const signedIn = await fetch(`${origin}/accounts/login/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: PASSWORD, csrf, next: '/' }),
    })
    await signedIn.body?.cancel()
    assert(signedIn.status === 303, `login: ${signedIn.status}`)
  } finally {
    await server.close()
    await Deno.remove(dir, { recursive: true })
  }
})

Deno.test('admin: a missing --kv or --name is a usage error (status 2) that writes nothing', async () => {
  const noKv = await admin('clients', 'create', '--name', 'API')
  assert(noKv.code === 2 && noKv.stderr.includes('--kv'), noKv.stderr)
  const dir = await Deno.makeTempDir({ prefix: 'grantline-deno-admin-' })
  const noName = await admin('clients', 'create', '--kv', `${dir}/grantline.kv`)
  assert(noName.code === 2 && noName.stderr.includes('--name'), noName.stderr)
  await Deno.remove(dir, { recursive: true })
})

Deno.test("OpenID Connect Core §10.1: admin keys rotate, with the server's key-encryption key, gives a server that makes no key itself one to publish", async () => {
  const dir = await Deno.makeTempDir({ prefix: 'grantline-deno-admin-' })
  const path = `${dir}/grantline.kv`
  const keyEncryptionKey = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'
  const refused = await admin('keys', 'rotate', '--kv', path)
  assert(refused.code === 2 && refused.stderr.includes('key-encryption key'), refused.stderr)
  const rotated = await admin('keys', 'rotate', '--kv', path, '--key-encryption-key', keyEncryptionKey, '--json')
  assert(rotated.code === 0, rotated.stderr)
  const { kid } = JSON.parse(rotated.stdout) as { kid: string }

  const kv = await Deno.openKv(path)
  const secrets = ['deno-admin-test-secret-0123456789abcdef']
  const provider = createProvider({
    issuer: 'http://127.0.0.1:8080/o',
    secrets,
    storage: denoKvStorage(kv),
    accounts: localAccounts(denoKvAccountStore(kv), { secrets }),
    oidc: { keyEncryptionKey, createKeysOnDemand: false },
  })
  try {
    const jwks = (await (
      await provider.handle(new Request('http://127.0.0.1:8080/o/.well-known/jwks.json'), { clientAddress: '127.0.0.1' })
    ).json()) as {
      keys: { kid: string }[]
    }
    assert(jwks.keys.length === 1 && jwks.keys[0]?.kid === kid, JSON.stringify(jwks))
  } finally {
    kv.close()
    await Deno.remove(dir, { recursive: true })
  }
})

Deno.test('RFC 6749 §2.3.1: admin clients rotate-secret keeps the old secret working for --grace; --grace 0 ends it; a bad --grace is status 2', async () => {
  const dir = await Deno.makeTempDir({ prefix: 'grantline-deno-admin-' })
  const path = `${dir}/grantline.kv`
  try {
    const created = await admin('clients', 'create', '--name', 'API', '--grant-type', 'client_credentials', '--kv', path, '--json')
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string }
    const first = await admin('clients', 'rotate-secret', client.client_id, '--grace', '1d', '--kv', path, '--json')
    assert(first.code === 0, first.stderr)
    const rotated = JSON.parse(first.stdout) as {
      client_secret: string
      client_secret_expires_at: number
      previous_secret_expires_at: number
    }
    assert(rotated.client_secret_expires_at === 0 && rotated.previous_secret_expires_at > Date.now() / 1000 + 86_000, first.stdout)
    const bad = await admin('clients', 'rotate-secret', client.client_id, '--grace', 'soon', '--kv', path)
    assert(bad.code === 2 && bad.stderr.startsWith('grantline admin: --grace must be a duration'), bad.stderr)

    const status = async (secret: string) => {
      const kv = await Deno.openKv(path)
      const secrets = ['deno-admin-test-secret-0123456789abcdef']
      const provider = createProvider({
        issuer: 'http://127.0.0.1:8080/o',
        secrets,
        storage: denoKvStorage(kv),
        accounts: localAccounts(denoKvAccountStore(kv), { secrets }),
        onWarning: () => {},
      })
      const response = await provider.handle(
        new Request('http://127.0.0.1:8080/o/token/', {
          method: 'POST',
          headers: { authorization: `Basic ${btoa(`${client.client_id}:${secret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        }),
      )
      await response.body?.cancel()
      kv.close()
      return response.status
    }
    assert((await status(rotated.client_secret)) === 200, 'the new secret')
    assert((await status(client.client_secret)) === 200, 'the old secret within its grace')
    const second = await admin('clients', 'rotate-secret', client.client_id, '--grace', '0', '--kv', path, '--json')
    const latest = JSON.parse(second.stdout) as { client_secret: string; previous_secret_expires_at: number | null }
    assert(latest.previous_secret_expires_at === null, second.stdout)
    assert((await status(rotated.client_secret)) === 401, 'the secret ended by --grace 0')
    assert((await status(client.client_secret)) === 401, 'the secret two rotations old')
    assert((await status(latest.client_secret)) === 200, 'the newest secret')
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
})
