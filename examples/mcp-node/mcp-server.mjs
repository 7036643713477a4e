// The MCP server as its own process: node:http (through @grantline/node's serve) in front of the
// MCP handler, with tokens checked by introspection at the Grantline server (remote mode).
//
//   MCP_RESOURCE=http://127.0.0.1:3000/mcp GRANTLINE_ISSUER=http://127.0.0.1:8080/o \
//   MCP_CLIENT_ID=... MCP_CLIENT_SECRET=... node mcp-server.mjs
//
// MCP_CLIENT_ID / MCP_CLIENT_SECRET: a client made with
// `grantline clients create --name "MCP server" --grant-type client_credentials --introspection`.
import { fileURLToPath } from 'node:url'
import { serve } from '@grantline/node'
import { createResourceServer } from '@grantline/resource-server'
import { createMcpHandler } from './mcp-handler.mjs'

/**
 * Starts the MCP server on `port` (default: the resource URL's port) and resolves once it
 * listens. `resource` is the URL MCP hosts connect to, and the audience its tokens must carry.
 */
export async function startMcpServer({ resource, issuer, clientId, clientSecret, host = '127.0.0.1', port, log }) {
  const rs = createResourceServer({
    resource,
    introspection: { endpoint: `${issuer}/introspect/`, clientId, clientSecret },
    authorizationServers: [issuer],
    scopes: ['read'],
    resourceName: 'Grantline example MCP server',
    onError: (error) => console.error('introspection failed:', error),
  })
  const handle = createMcpHandler(rs, { scopes: ['read'] })
  return serve({ handle }, { hostname: host, port: port ?? Number(new URL(resource).port || 80), ...(log === undefined ? {} : { log }) })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = (name) => {
    const value = process.env[name]
    if (!value) throw new Error(`set ${name} (see the comment at the top of mcp-server.mjs)`)
    return value
  }
  const resource = env('MCP_RESOURCE')
  const server = await startMcpServer({
    resource,
    issuer: env('GRANTLINE_ISSUER'),
    clientId: env('MCP_CLIENT_ID'),
    clientSecret: env('MCP_CLIENT_SECRET'),
    host: process.env.HOST ?? '127.0.0.1',
    ...(process.env.PORT ? { port: Number(process.env.PORT) } : {}),
  })
  console.log(`MCP server listening on ${server.address.address}:${server.address.port} (resource ${resource})`)
}
