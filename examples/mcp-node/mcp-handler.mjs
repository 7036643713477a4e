// The MCP endpoint as one fetch handler (Request -> Response), the same on Node, Deno, Bun and
// Workers: the RFC 9728 metadata document, the Bearer check bound to this resource (RFC 8707),
// then the MCP Streamable HTTP transport in stateless mode with one tool.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'

/**
 * An MCP server with one tool, `whoami`: who the access token was issued to (the user's `sub`),
 * the client that holds it, its scopes and audience. A new one per request (stateless mode).
 */
export function createMcpServer() {
  const server = new McpServer({ name: 'grantline-example', version: '1.0.0' })
  server.registerTool(
    'whoami',
    { title: 'Who am I', description: 'The user and client behind the access token of this call', inputSchema: {} },
    async (_arguments, extra) => {
      const info = extra.authInfo
      const answer = { sub: info?.extra?.sub ?? null, client_id: info?.clientId, scopes: info?.scopes, audience: info?.extra?.audience }
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] }
    },
  )
  return server
}

/**
 * `rs` is a `ResourceServer` from `@grantline/resource-server` (either mode). Answers the
 * metadata document at `rs.metadataUrl`, 404 for other paths than the resource's, the ready
 * 400/401/403/503 of `rs.verify`, and otherwise the MCP response.
 */
export function createMcpHandler(rs, { scopes = ['read'] } = {}) {
  const path = new URL(rs.resource).pathname
  return async (request) => {
    if (rs.owns(request)) return rs.metadata(request)
    if (new URL(request.url).pathname !== path) return new Response('Not Found', { status: 404 })
    // MCP Authorization §Access Token Usage: every request carries the token, checked every time.
    const access = await rs.verify(request, { scopes })
    if (access instanceof Response) return access
    // Stateless mode keeps no session: nothing to stream on GET or to end on DELETE.
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } })
    const server = createMcpServer()
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    await server.connect(transport)
    return transport.handleRequest(request, {
      authInfo: {
        // The token stays here: a tool never passes it on (MCP Authorization §Token Passthrough).
        token: '',
        clientId: access.client_id,
        scopes: access.scopes,
        expiresAt: access.expires_at,
        resource: new URL(rs.resource),
        extra: { sub: access.sub, audience: access.audience },
      },
    })
  }
}
