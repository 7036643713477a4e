// @node-oauth/oauth2-server 5 on plain node:http with an in-memory model: the client's secret is
// kept as its SHA-256 and compared in constant time, as Grantline does; tokens live in Maps.
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, VERIFIER } from './bench-client.mjs'

const { default: OAuth2Server, Request, Response } = await import(process.env.PEER_MODULE ?? '@node-oauth/oauth2-server')
const port = Number(process.env.PORT ?? 8080)
const sha256 = (value) => createHash('sha256').update(value).digest()
const client = {
  id: CLIENT_ID,
  secretHash: sha256(CLIENT_SECRET),
  grants: ['client_credentials', 'authorization_code', 'refresh_token'],
  redirectUris: [REDIRECT_URI],
}
const user = { id: 'bench-user' }
const codes = new Map()
const accessTokens = new Map()
const refreshTokens = new Map()

const model = {
  async getClient(clientId, clientSecret) {
    if (clientId !== CLIENT_ID) return null
    if (clientSecret !== undefined && clientSecret !== null && !timingSafeEqual(sha256(clientSecret), client.secretHash)) return null
    return client
  },
  async getUserFromClient() {
    return { id: CLIENT_ID }
  },
  async saveToken(token, tokenClient, tokenUser) {
    const saved = { ...token, client: tokenClient, user: tokenUser }
    accessTokens.set(token.accessToken, saved)
    if (token.refreshToken) refreshTokens.set(token.refreshToken, saved)
    return saved
  },
  async getAccessToken(value) {
    return accessTokens.get(value) ?? null
  },
  async getAuthorizationCode(value) {
    return codes.get(value) ?? null
  },
  async revokeAuthorizationCode(code) {
    return codes.delete(code.authorizationCode)
  },
  async getRefreshToken(value) {
    return refreshTokens.get(value) ?? null
  },
  async revokeToken(token) {
    return refreshTokens.delete(token.refreshToken)
  },
  async validateScope(_user, _client, scope) {
    return scope && scope.length > 0 ? scope : ['read', 'write']
  },
}

const oauth = new OAuth2Server({ model, accessTokenLifetime: 3600, refreshTokenLifetime: 14 * 86400, allowExtendedTokenAttributes: false })

function handle(request, response) {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', async () => {
    const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()))
    const req = new Request({ method: request.method, headers: request.headers, query: {}, body })
    const res = new Response({ headers: {} })
    try {
      await oauth.token(req, res)
    } catch {
      // The library has already put the error's status and body on `res`.
    }
    response.writeHead(res.status ?? 200, { 'content-type': 'application/json', ...res.headers }).end(JSON.stringify(res.body))
  })
}
createServer(handle).listen(port, '127.0.0.1')

const challenge = createHash('sha256').update(VERIFIER).digest('base64url')
function seed(kind, start, count) {
  const future = (seconds) => new Date(Date.now() + seconds * 1000)
  for (let n = start; n < start + count; n++) {
    if (kind === 'code') {
      codes.set(`bench${n}`, {
        authorizationCode: `bench${n}`,
        expiresAt: future(900),
        redirectUri: REDIRECT_URI,
        scope: ['read'],
        client,
        user,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
      })
    } else if (kind === 'refresh') {
      refreshTokens.set(`bench${n}`, {
        refreshToken: `bench${n}`,
        refreshTokenExpiresAt: future(14 * 86400),
        scope: ['read'],
        client,
        user,
      })
    }
  }
}

createServer((request, response) => {
  const url = new URL(request.url, 'http://control')
  seed(url.searchParams.get('kind'), Number(url.searchParams.get('start') ?? 0), Number(url.searchParams.get('count') ?? 0))
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"values":[]}')
}).listen(Number(process.env.CONTROL_PORT), '127.0.0.1', () => console.log(JSON.stringify({ ready: true, pid: process.pid })))
