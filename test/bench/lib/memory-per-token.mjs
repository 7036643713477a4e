// Heap bytes per live access token in memoryStorage(): N client_credentials grants stored the way
// the token endpoint stores them (a new family and its access token, built by the core's own
// newFamily and mintAccessToken, handed to issueTokens), measured as the heap used after a forced
// GC minus the heap used before, divided by N. For comparison, @node-oauth/oauth2-server 5's
// client_credentials grant saving the same number of tokens into the in-memory model of
// test/bench/servers/oauth2-server.mjs (skipped when the bench peers are not installed).
//
//   node --expose-gc test/bench/lib/memory-per-token.mjs [--tokens 1000000] [--json]
//
// The benchmark (run.mjs) runs it in a child process with --expose-gc (measureMemoryPerToken) and
// gates on it (memoryPerTokenGate); --no-memory leaves it out.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
/** The gate: bytes of heap per live access token in the memory storage. */
export const MAX_BYTES_PER_TOKEN = 400

/** Heap used after full collections (twice: the first may leave work for the second). */
function settledHeap() {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

/** Grantline: `count` client_credentials grants of one client (scopes read and write, no resource), 3600 s. */
async function grantlineBytes(count) {
  const { memoryStorage } = await import('@grantline/core')
  // Internal to the core (not exported): the functions the token endpoint builds its records with.
  const { newFamily, mintAccessToken } = await import(pathToFileURL(join(root, 'packages/core/dist/tokens/mint.js')).href)
  const storage = memoryStorage()
  // The client id is one string shared by every record, as the client read from the storage gives it.
  const clientId = 'bench-client-0123456789abcdef'
  const minter = { config: { issuer: 'http://127.0.0.1/o', resources: undefined, ttl: { accessToken: 3600 } }, keys: null }
  const configured = ['read', 'write']
  // A token is live only while its client exists.
  await storage.putClient({
    client_id: clientId,
    client_name: 'bench',
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    post_logout_redirect_uris: [],
    scope: '',
    allowed_cors_origins: [],
    skip_authorization: false,
    introspection: false,
    owner_sub: null,
    created_at: 0,
    secret_hash: null,
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    dynamic: false,
    metadata: {},
    registration_token_hash: null,
  })
  const issueOne = async (now) => {
    // resolveScopes answers a new array for each request (a filter of the configured defaults).
    const family = newFamily(clientId, { scopes: configured.filter(() => true) }, now, 3600)
    const access = await mintAccessToken(minter, family, family.scopes, now, family.resource, null)
    await storage.issueTokens({ family, access: access.record })
    return access.record.hash
  }
  const now = Math.floor(Date.now() / 1000)
  // Warm up: the first issues compile code and allocate tables that do not grow per token.
  const warm = await issueOne(now)
  await storage.revokeAccessToken(warm, now)
  await storage.cleanup(now + 1)
  const before = settledHeap()
  let last = ''
  for (let i = 0; i < count; i++) last = await issueOne(now)
  const after = settledHeap()
  // Still there and live: the measure holds live tokens, not garbage.
  if (!(await storage.findAccessToken(last, now + 1))) throw new Error('the last token is not live')
  return { bytes: (after - before) / count, storage }
}

/** @node-oauth/oauth2-server 5: its ClientCredentialsGrantType saving into the bench server's memory model. */
async function oauth2ServerBytes(count) {
  const resolveFile = join(root, 'test', 'bench', '.peers', 'resolve.mjs')
  if (!existsSync(resolveFile)) return null
  const { resolvePeer } = await import(pathToFileURL(resolveFile).href)
  let main
  try {
    main = fileURLToPath(resolvePeer('@node-oauth/oauth2-server'))
  } catch {
    return null
  }
  const require = createRequire(main)
  const ClientCredentialsGrantType = require('./lib/grant-types/client-credentials-grant-type.js')
  const client = { id: 'bench-client', grants: ['client_credentials'] }
  const user = { id: 'bench-client' }
  const accessTokens = new Map()
  // The model of test/bench/servers/oauth2-server.mjs, as far as a client_credentials grant goes.
  const model = {
    async getUserFromClient() {
      return user
    },
    async saveToken(token, tokenClient, tokenUser) {
      const saved = { ...token, client: tokenClient, user: tokenUser }
      accessTokens.set(token.accessToken, saved)
      return saved
    },
    async getAccessToken(value) {
      return accessTokens.get(value) ?? null
    },
    async validateScope(_user, _client, scope) {
      return scope && scope.length > 0 ? scope : ['read', 'write']
    },
  }
  const grant = new ClientCredentialsGrantType({ model, accessTokenLifetime: 3600 })
  await grant.saveToken(user, client, undefined)
  accessTokens.clear()
  const before = settledHeap()
  // In batches: each token's random bytes come from the libuv pool, 64 requests at a time.
  for (let i = 0; i < count; i += 64) {
    const batch = []
    for (let j = i; j < Math.min(count, i + 64); j++) batch.push(grant.saveToken(user, client, undefined))
    await Promise.all(batch)
  }
  const after = settledHeap()
  if (accessTokens.size !== count) throw new Error(`oauth2-server holds ${accessTokens.size} tokens, not ${count}`)
  return { bytes: (after - before) / count, tokens: accessTokens }
}

/** Both figures, measured in this process (needs --expose-gc). */
export async function memoryPerToken(count = 1_000_000) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
  const grantline = await grantlineBytes(count)
  const grantlineBytesPerToken = Math.round(grantline.bytes)
  grantline.storage = null
  const peer = await oauth2ServerBytes(count)
  return {
    tokens: count,
    grantline_memory_bytes_per_token: grantlineBytesPerToken,
    oauth2_server_memory_bytes_per_token: peer ? Math.round(peer.bytes) : null,
    max_bytes_per_token: MAX_BYTES_PER_TOKEN,
    pass: grantlineBytesPerToken <= MAX_BYTES_PER_TOKEN,
  }
}

/** The benchmark's gate line for a result of memoryPerToken(). */
export function memoryPerTokenGate(result) {
  const peer = result.oauth2_server_memory_bytes_per_token
  return {
    name: `memoryStorage heap per live access token <= ${MAX_BYTES_PER_TOKEN} bytes (${result.tokens} client_credentials tokens)`,
    pass: result.pass,
    detail: `${result.grantline_memory_bytes_per_token} bytes${peer === null ? '' : `; @node-oauth/oauth2-server's memory model ${peer}`}`,
  }
}

/** For run.mjs: runs this script in a child Node with --expose-gc and answers its JSON. */
export function measureMemoryPerToken({ tokens = 1_000_000 } = {}) {
  const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--tokens', String(tokens), '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  return JSON.parse(out.trim().split('\n').at(-1))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { tokens: { type: 'string', default: '1000000' }, json: { type: 'boolean', default: false } } })
  const result = await memoryPerToken(Number(values.tokens))
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`)
  else {
    const peer = result.oauth2_server_memory_bytes_per_token
    process.stdout.write(
      `memoryStorage: ${result.grantline_memory_bytes_per_token} bytes per live access token (${result.tokens} tokens; gate <= ${MAX_BYTES_PER_TOKEN}: ${result.pass ? 'PASS' : 'FAIL'})\n` +
        `@node-oauth/oauth2-server memory model: ${peer === null ? 'not measured (run node test/bench/setup.mjs first)' : `${peer} bytes per token`}\n`,
    )
  }
  process.exit(result.pass ? 0 : 1)
}
