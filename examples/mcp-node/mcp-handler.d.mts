import type { ResourceServer } from '@grantline/resource-server'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

/** An MCP server with the `whoami` tool. */
export declare function createMcpServer(): McpServer

/** The MCP endpoint behind `rs`: metadata, Bearer check, then MCP (stateless Streamable HTTP). */
export declare function createMcpHandler(rs: ResourceServer, options?: { scopes?: string[] }): (request: Request) => Promise<Response>
