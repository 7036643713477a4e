import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cliJson,
  createClient,
  createWorkspace,
  runCli,
  type ServerProcess,
  startServer,
  stopAllServers,
  type Workspace,
} from './support.js'

interface Rotation {
  client_id: string
  client_secret: string
  client_secret_expires_at: number
  previous_secret_expires_at: number | null
}

/** The status of a client_credentials request authenticated by Basic with `secret`. */
async function tokenStatus(server: ServerProcess, clientId: string, secret: string): Promise<number> {
  const response = await fetch(`${server.issuer}/token/`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${clientId}:${secret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  })
  await response.body?.cancel()
  return response.status
}

describe('grantline clients rotate-secret', () => {
  let ws: Workspace

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 6749 §2.3.1: --grace 1d prints a new secret once and the old one’s expiry; both authenticate at grantline serve', async () => {
    const created = await createClient(ws, 'Rotated', ['client_credentials'])
    const rotation = await cliJson<Rotation>(ws, ['clients', 'rotate-secret', created.client_id, '--grace', '1d'])
    expect(rotation.client_id).toBe(created.client_id)
    expect(rotation.client_secret).toMatch(/^gl_cs_/)
    expect(rotation.client_secret).not.toBe(created.client_secret)
    expect(rotation.client_secret_expires_at).toBe(0)
    expect(Math.abs((rotation.previous_secret_expires_at ?? 0) - (Date.now() / 1000 + 86_400))).toBeLessThan(60)
    const shown = await runCli(['clients', 'show', created.client_id, '--data', ws.data, '--db', ws.db])
    expect(shown.stdout).toMatch(/old secret: +valid until \d{4}-/)
    const json = await cliJson<Record<string, unknown>>(ws, ['clients', 'show', created.client_id])
    expect(json).not.toHaveProperty('previous_secret_hash')
    expect(json).not.toHaveProperty('secret_hash')
    const server = await startServer(ws)
    expect(await tokenStatus(server, created.client_id, rotation.client_secret)).toBe(200)
    expect(await tokenStatus(server, created.client_id, created.client_secret as string)).toBe(200)
    await server.stop()
  })

  it('RFC 6749 §2.3.1: --grace 0 ends the old secret at once', async () => {
    const created = await createClient(ws, 'Reset', ['client_credentials'])
    const text = await runCli(['clients', 'rotate-secret', created.client_id, '--grace', '0', '--data', ws.data, '--db', ws.db])
    expect(text.status).toBe(0)
    expect(text.stdout).toMatch(/client_secret: gl_cs_\S+\nThe secret is shown once; store it now. The old secret stopped working now.\n$/)
    const secret = /client_secret: (\S+)/.exec(text.stdout)?.[1] as string
    const server = await startServer(ws)
    expect(await tokenStatus(server, created.client_id, created.client_secret as string)).toBe(401)
    expect(await tokenStatus(server, created.client_id, secret)).toBe(200)
    await server.stop()
  })

  it('bad input exits non-zero with a one-line reason', async () => {
    const created = await createClient(ws, 'Bad input', ['client_credentials'])
    const base = ['--data', ws.data, '--db', ws.db]
    const cases: [string[], number, RegExp][] = [
      [['clients', 'rotate-secret', created.client_id], 2, /^grantline: --grace is required\n$/],
      [
        ['clients', 'rotate-secret', created.client_id, '--grace', 'soon'],
        2,
        /^grantline: --grace must be a duration such as 30d, 12h or 90m, or 0 /,
      ],
      [['clients', 'rotate-secret', created.client_id, '--grace', '400d'], 2, /^grantline: --grace must be a duration/],
      [['clients', 'rotate-secret', '--grace', '1d'], 2, /^grantline: clients rotate-secret needs a CLIENT_ID/],
      [['clients', 'rotate-secret', 'nobody', '--grace', '1d'], 2, /^grantline: no client "nobody"\n$/],
      [['clients', 'show', created.client_id, '--grace', '1d'], 2, /^grantline: --grace is for clients rotate-secret/],
    ]
    for (const [args, status, stderr] of cases) {
      const result = await runCli([...args, ...base])
      expect(result.status, args.join(' ')).toBe(status)
      expect(result.stderr, args.join(' ')).toMatch(stderr)
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
    }
  })
})
