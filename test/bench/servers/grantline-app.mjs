// The Grantline provider every Grantline server of the benchmark runs (Node, Bun, Deno), the bench
// client, and the records pre-created for the code, refresh and introspection scenarios. Runs
// unchanged on the three runtimes (node:crypto only for the PKCE challenge and hashing in bulk).
import { createHash, randomBytes } from 'node:crypto'
import { createProvider } from '@grantline/core'
import { ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, PKJ_CLIENT_ID, PKJ_PRIVATE_JWK, REDIRECT_URI, VERIFIER } from './bench-client.mjs'

const sha256Hex = (value) => createHash('sha256').update(value).digest('hex')
const s256 = (value) => createHash('sha256').update(value).digest('base64url')

/** The host app's accounts: the token-endpoint scenarios never ask for a user. */
const accounts = {
  current: async () => null,
  loginResponse: async () => new Response('login', { status: 401 }),
  logout: async () => new Response(null, { status: 204 }),
  claims: async () => ({}),
}

export async function createBenchProvider(storage) {
  const provider = createProvider({
    issuer: 'http://127.0.0.1/o',
    storage,
    accounts,
    secrets: ['bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'],
  })
  // A second worker on the same database finds the clients the first one made.
  if (await storage.getClient(CLIENT_ID)) return provider
  // RFC 7523: a client that authenticates with an ES256 assertion instead of a secret.
  const { d: _, ...publicJwk } = PKJ_PRIVATE_JWK
  await provider.clients.create({
    client_id: PKJ_CLIENT_ID,
    client_name: 'bench private_key_jwt',
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['client_credentials'],
    jwks: { keys: [publicJwk] },
  })
  const { client } = await provider.clients.create({
    client_id: CLIENT_ID,
    client_name: 'bench',
    grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
    redirect_uris: [REDIRECT_URI],
  })
  // The same secret as every peer's client: stored, as always, by its SHA-256 only.
  await storage.putClient({ ...client, secret_hash: sha256Hex(CLIENT_SECRET) })
  return provider
}

/**
 * The rows behind `count` unique codes (`gl_ac_bench<n>`) or refresh tokens (`gl_rt_bench<n>`)
 * from `start`, or behind the one access token that the introspection and verify scenarios use.
 * Each code or refresh token has its own family, as after a real authorization.
 */
export function benchRecords(kind, start, count, now = Math.floor(Date.now() / 1000)) {
  const out = { families: [], codes: [], access: [], refresh: [] }
  const challenge = s256(VERIFIER)
  const family = () => {
    const f = {
      id: randomBytes(16).toString('base64url'),
      consent_id: null,
      client_id: CLIENT_ID,
      sub: 'bench-user',
      scopes: ['read'],
      auth_time: now,
      acr: null,
      amr: null,
      nonce: null,
      claims: null,
      resource: [],
      created_at: now,
      expires_at: now + 90 * 86400,
      revoked_at: null,
    }
    out.families.push(f)
    return f
  }
  const access = (value, f) => {
    const record = {
      hash: sha256Hex(value),
      family_id: f.id,
      client_id: CLIENT_ID,
      sub: f.sub,
      scopes: f.scopes,
      audience: [],
      cnf_jkt: null,
      created_at: now,
      expires_at: now + 3600,
      revoked_at: null,
    }
    out.access.push(record)
    return record
  }
  if (kind === 'access') {
    access(ACCESS_TOKEN, family())
    return out
  }
  for (let n = start; n < start + count; n++) {
    const f = family()
    if (kind === 'code') {
      out.codes.push({
        hash: sha256Hex(`gl_ac_bench${n}`),
        family_id: f.id,
        client_id: CLIENT_ID,
        redirect_uri: REDIRECT_URI,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        created_at: now,
        // Longer than the 60 s default so that codes made before a round outlive it.
        expires_at: now + 900,
        consumed_at: null,
      })
    } else {
      const at = access(`gl_at_benchr${n}`, f)
      out.refresh.push({
        hash: sha256Hex(`gl_rt_bench${n}`),
        family_id: f.id,
        client_id: CLIENT_ID,
        sub: f.sub,
        scopes: f.scopes,
        access_hash: at.hash,
        cnf_jkt: null,
        created_at: now,
        expires_at: now + 14 * 86400,
        revoked_at: null,
        used_at: null,
        successor_hash: null,
      })
    }
  }
  return out
}

/** Stores the records through the Storage interface (memory storage, or any other). */
export async function storeRecords(storage, { families, codes, access, refresh }) {
  const byFamily = new Map(families.map((f) => [f.id, f]))
  for (const code of codes) await storage.createCode(code, byFamily.get(code.family_id))
  for (const [i, at] of access.entries()) {
    const rt = refresh[i]
    await storage.issueTokens({ family: byFamily.get(at.family_id), access: at, ...(rt ? { refresh: rt } : {}) })
  }
}

/**
 * The control endpoint on a second port: `POST /seed?kind=code|refresh|access&start=N&count=N`.
 * Not on the measured port, so the measured handler is exactly what an application would serve.
 */
export function controlHandler(store) {
  return async (request) => {
    const url = new URL(request.url)
    if (url.pathname !== '/seed') return new Response('not found', { status: 404 })
    const kind = url.searchParams.get('kind') ?? 'code'
    const start = Number(url.searchParams.get('start') ?? 0)
    const count = Number(url.searchParams.get('count') ?? 0)
    const t0 = performance.now()
    await store(benchRecords(kind, start, count))
    return Response.json({ ok: true, ms: Math.round(performance.now() - t0) })
  }
}

/**
 * The control endpoint on plain node:http. Not through @hono/node-server, whose listener replaces
 * the global Request and Response and would change what the measured listener gets.
 */
export function controlListener(handler) {
  return (incoming, outgoing) => {
    incoming.resume()
    incoming.on('end', async () => {
      const response = await handler(new Request(`http://control${incoming.url}`, { method: incoming.method }))
      // No keep-alive: a reused idle connection can meet the server's close of it.
      outgoing.writeHead(response.status, { 'content-type': 'application/json', connection: 'close' }).end(await response.text())
    })
  }
}

/** provider.cleanup() in bounded batches every few seconds while the server runs, as a deployment would. */
export function runCleanup(provider, everyMs = 5000, batch = 1000) {
  // CLEANUP=0 turns it off (the `tokens clear` check measures the CLI alone).
  if (process.env.CLEANUP === '0') return undefined
  const timer = setInterval(() => {
    provider.cleanup(batch).catch((error) => console.error('cleanup failed', error))
  }, everyMs)
  timer.unref?.()
  return timer
}
