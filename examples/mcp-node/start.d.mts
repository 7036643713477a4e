export interface StartOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** The authorization server's port; 0 picks a free one. Default 8080. */
  port?: number
  /** The MCP server's port; 0 picks a free one. Default 3000. */
  mcpPort?: number
  /** Print both processes' output, prefixed. Default false. */
  echo?: boolean
}

export interface RunningExample {
  /** `http://HOST:PORT/o` */
  issuer: string
  /** `http://HOST:MCP_PORT/mcp`: the MCP server, and the resource its tokens are for. */
  mcpUrl: string
  user: { username: string; password: string; sub: string }
  output(): { grantline: string; mcp: string }
  stop(): Promise<void>
}

/** Starts `grantline serve` and the MCP server, each in its own process. */
export declare function start(options?: StartOptions): Promise<RunningExample>
