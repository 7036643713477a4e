// One Worker holding both Grantline (the authorization server, on D1) and an MCP server whose
// tokens it checks in the same process. Routes: Grantline's (/o/..., /accounts/...,
// /.well-known/oauth-authorization-server/o), /.well-known/oauth-protected-resource/mcp and /mcp.
import { type D1DatabaseLike, d1Driver, type ExecutionContextLike, WORKERD_PBKDF2_ITERATIONS } from '@grantline/cloudflare'
import { createProvider, localAccounts, type Provider } from '@grantline/core'
import { createResourceServer } from '@grantline/resource-server'
import { sqlAccountStore, sqlStorage } from '@grantline/sql'
import { createMcpHandler } from './mcp.js'

export interface Env {
  DB: D1DatabaseLike
  /** The issuer, e.g. `https://mcp.example.com/o` (wrangler.toml `[vars]`). */
  ISSUER: string
  /** The MCP server's URL, which is also the resource its tokens are for, e.g. `https://mcp.example.com/mcp`. */
  MCP_RESOURCE: string
  /** 32+ random characters: signs consent and login forms (`wrangler secret put SECRET`). */
  SECRET: string
}

interface Built {
  provider: Provider
  mcp: (request: Request) => Promise<Response>
}

function build(env: Env): Built {
  const db = d1Driver(env.DB)
  const provider = createProvider({
    issuer: env.ISSUER,
    storage: sqlStorage(db, { dialect: 'sqlite' }),
    // Users and sessions in the same D1 database; workerd's PBKDF2 allows 100,000 iterations at most.
    accounts: localAccounts(sqlAccountStore(db), { secrets: [env.SECRET], iterations: WORKERD_PBKDF2_ITERATIONS }),
    secrets: [env.SECRET],
    // RFC 8707: the one resource tokens are issued for; an MCP host names it as `resource`.
    resources: [{ uri: env.MCP_RESOURCE, name: 'Example MCP server' }],
    // RFC 7591: MCP hosts register themselves (rate-limited per address; listed as unverified on the consent page).
    registration: { policy: 'open' },
    // Hosts that publish a Client ID Metadata Document use its https URL as their client_id instead.
    clientIdMetadataDocuments: {},
  })
  const rs = createResourceServer({ resource: env.MCP_RESOURCE, provider, scopes: ['read'], resourceName: 'Example MCP server' })
  return { provider, mcp: createMcpHandler(rs, { scopes: ['read'] }) }
}

// Built once per isolate and env, at the first event.
const built = new WeakMap<Env, Built>()
const forEnv = (env: Env): Built => {
  let worker = built.get(env)
  if (!worker) {
    worker = build(env)
    built.set(env, worker)
  }
  return worker
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> {
    const { provider, mcp } = forEnv(env)
    // ctx gives the core waitUntil, and that CF-Connecting-IP is Cloudflare's: its rate limits count by it.
    if (provider.owns(request)) return provider.handle(request, ctx)
    return mcp(request)
  },

  // Each Cron Trigger removes expired and revoked rows, and dynamic clients long unused.
  async scheduled(_controller: unknown, env: Env): Promise<void> {
    await forEnv(env).provider.cleanup(1000)
  },
}
