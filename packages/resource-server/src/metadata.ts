/** RFC 9728 §2: the protected resource metadata this package publishes. */
export interface ProtectedResourceMetadata {
  resource: string
  authorization_servers: string[]
  scopes_supported?: string[]
  bearer_methods_supported: string[]
  resource_name?: string
}

const ALLOW = 'GET, HEAD, OPTIONS'

/**
 * RFC 9728 §3.2: the metadata document as JSON with a short max-age, readable from any origin
 * (browser-based MCP clients fetch it cross-origin, and it holds nothing private). OPTIONS
 * answers the CORS preflight that a custom header such as `MCP-Protocol-Version` triggers.
 */
export function metadataResponse(request: Request, document: ProtectedResourceMetadata): Response {
  const cors = { 'access-control-allow-origin': '*' }
  if (request.method === 'OPTIONS') {
    const preflight = {
      ...cors,
      'access-control-allow-methods': ALLOW,
      'access-control-allow-headers': '*',
      'access-control-max-age': '600',
    }
    return new Response(null, { status: 204, headers: preflight })
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method Not Allowed', { status: 405, headers: { ...cors, allow: ALLOW, 'content-type': 'text/plain' } })
  }
  const headers = { ...cors, 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }
  return new Response(request.method === 'HEAD' ? null : JSON.stringify(document), { status: 200, headers })
}
