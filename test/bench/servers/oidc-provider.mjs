// oidc-provider 9 (panva) with its in-memory adapter (room for 10M entries instead of 1000) and the clientCredentials and
// introspection features, on its own node:http listener. Pre-created codes and refresh tokens
// are saved through its models (Grant, AuthorizationCode, RefreshToken) with known values.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { BASIC, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, VERIFIER } from './bench-client.mjs'

const entry = process.env.PEER_MODULE ?? 'oidc-provider'
const { default: Provider } = await import(entry)
// Its memory adapter, with room for the pre-created codes and tokens: the stock store is an LRU
// of 1000 entries, which would evict them before they are used.
const { default: MemoryAdapter } = await import(new URL('adapters/memory_adapter.js', `file://${entry}`).href)
const { default: LRU } = await import(new URL('helpers/lru.js', `file://${entry}`).href)
const store = new LRU({ maxSize: 10_000_000 })
const port = Number(process.env.PORT ?? 8080)
const issuer = `http://127.0.0.1:${port}`
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'read write offline_access',
    },
  ],
  scopes: ['openid', 'offline_access', 'read', 'write'],
  features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, devInteractions: { enabled: false } },
  // Rotate like Grantline does (oidc-provider's default keeps a refresh token for confidential clients).
  rotateRefreshToken: true,
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  adapter: (model) => new MemoryAdapter(model, store),
})
provider.on('server_error', (_ctx, error) => console.error(error))
const callback = provider.callback()
createServer(callback).listen(port, '127.0.0.1')

const challenge = createHash('sha256').update(VERIFIER).digest('base64url')
const client = await provider.Client.find(CLIENT_ID)

async function newGrant() {
  const grant = new provider.Grant({ accountId: 'bench-user', clientId: CLIENT_ID })
  grant.addOIDCScope('offline_access')
  return grant.save()
}

/** `POST /seed?kind=code|refresh|access&start=N&count=N` on CONTROL_PORT (not the measured port). */
async function seed(kind, start, count) {
  if (kind === 'access') {
    // A token from its own token endpoint: the model needs a request context to pick its format.
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read',
    })
    return [(await response.json()).access_token]
  }
  for (let n = start; n < start + count; n++) {
    const grantId = await newGrant()
    const common = { accountId: 'bench-user', client, grantId, scope: 'offline_access', jti: `bench${n}` }
    if (kind === 'code') {
      await new provider.AuthorizationCode({
        ...common,
        redirectUri: REDIRECT_URI,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        expiresIn: 900,
      }).save()
    } else {
      await new provider.RefreshToken({ ...common, gty: 'authorization_code', rotations: 0 }).save()
    }
  }
  return []
}

createServer(async (request, response) => {
  const url = new URL(request.url, 'http://control')
  try {
    const values = await seed(
      url.searchParams.get('kind'),
      Number(url.searchParams.get('start') ?? 0),
      Number(url.searchParams.get('count') ?? 0),
    )
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, values }))
  } catch (error) {
    response.writeHead(500).end(String(error?.stack ?? error))
  }
}).listen(Number(process.env.CONTROL_PORT), '127.0.0.1', () => console.log(JSON.stringify({ ready: true, pid: process.pid })))
