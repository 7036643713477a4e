import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'
import type { Browser, Fetch } from './browser.js'

export interface HeadlessHostOptions {
  /** The issuer the authorization response's `iss` must equal (RFC 9207 §2.4). */
  issuer: string
  /** Never visited: the browser stops at the redirect and hands its URL back. */
  redirectUri: string
  browser: Browser
  /** SEP-991 / Client ID Metadata Documents: an https URL with a path, used when the server supports it. */
  clientMetadataUrl?: string
  /** Extra registration metadata (RFC 7591 §2), e.g. other redirect URIs. */
  metadata?: Partial<OAuthClientMetadata>
  /** A client registered beforehand (the first choice of MCP Authorization §Client Registration Approaches). */
  client?: OAuthClientInformationMixed
}

/**
 * An MCP host without a screen, as the SDK's `auth()` drives it: what a desktop host keeps
 * (client information, tokens, the PKCE verifier) in memory, and the user's browser for the
 * authorization request. It checks what the SDK leaves to the host: `state` (RFC 6749 §10.12)
 * and `iss` (RFC 9207 §2.4) on the way back.
 */
export class HeadlessHost implements OAuthClientProvider {
  readonly authorizationUrls: URL[] = []
  code: string | undefined
  /** The `error` of a failed authorization response (RFC 6749 §4.1.2.1), checked like a success. */
  error: string | undefined
  client: OAuthClientInformationMixed | undefined
  saved: OAuthTokens | undefined
  readonly clientMetadataUrl?: string
  /** Overrides the resource the SDK would send (the metadata's `resource`), to test refusals. */
  validateResourceURL?: OAuthClientProvider['validateResourceURL']
  private verifier: string | undefined
  private expectedState: string | undefined

  constructor(private readonly options: HeadlessHostOptions) {
    if (options.clientMetadataUrl !== undefined) this.clientMetadataUrl = options.clientMetadataUrl
    this.client = options.client
  }

  get redirectUrl(): string {
    return this.options.redirectUri
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Headless MCP host',
      redirect_uris: [this.options.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...this.options.metadata,
    }
  }

  state(): string {
    this.expectedState = crypto.randomUUID()
    return this.expectedState
  }

  clientInformation() {
    return this.client
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.client = information
  }

  tokens() {
    return this.saved
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new Error('no PKCE verifier was saved')
    return this.verifier
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.saved = undefined
    if (scope === 'all' || scope === 'client') this.client = undefined
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrls.push(url)
    const back = await this.options.browser.authorize(url)
    if (`${back.origin}${back.pathname}` !== this.options.redirectUri) throw new Error(`redirected elsewhere: ${back.href}`)
    if (back.searchParams.get('state') !== this.expectedState) throw new Error('the state does not match (RFC 6749 §10.12)')
    if (back.searchParams.get('iss') !== this.options.issuer)
      throw new Error(`iss ${back.searchParams.get('iss')} is not the issuer (RFC 9207)`)
    this.error = back.searchParams.get('error') ?? undefined
    if (this.error !== undefined)
      throw new Error(`the authorization failed: ${this.error} ${back.searchParams.get('error_description') ?? ''}`)
    this.code = back.searchParams.get('code') ?? undefined
  }
}

const transport = (mcpUrl: string, host: HeadlessHost, fetch: Fetch | undefined) =>
  new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: host, ...(fetch ? { fetch } : {}) })

/**
 * Connects an MCP client as a host does: the first attempt meets the 401 and runs the SDK's
 * authorization (discovery, registration, the browser), then the code is exchanged
 * (`finishAuth`) and a new transport connects with the token.
 */
export async function connectMcp(mcpUrl: string, host: HeadlessHost, fetch?: Fetch): Promise<Client> {
  const first = transport(mcpUrl, host, fetch)
  const client = new Client({ name: 'headless-host', version: '1.0.0' })
  try {
    await client.connect(first)
    return client
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || host.code === undefined) throw error
  }
  await first.finishAuth(host.code)
  const authorized = new Client({ name: 'headless-host', version: '1.0.0' })
  await authorized.connect(transport(mcpUrl, host, fetch))
  return authorized
}

/** Calls the example's `whoami` tool and parses its answer. */
export async function whoami(client: Client): Promise<{ sub: string | null; client_id: string; scopes: string[]; audience: string[] }> {
  const result = await client.callTool({ name: 'whoami', arguments: {} })
  const [content] = result.content as { type: string; text: string }[]
  if (result.isError || content === undefined) throw new Error(`whoami failed: ${JSON.stringify(result)}`)
  return JSON.parse(content.text)
}

export interface Recorded {
  /** `METHOD path status` */
  line: string
  /** The form parameters of a form POST (token requests). */
  form?: URLSearchParams
}

/** A fetch that records every request the SDK makes, for asserting discovery order and parameters. */
export function recording(base: Fetch = fetch): { fetch: Fetch; requests: Recorded[]; lines(): string[] } {
  const requests: Recorded[] = []
  return {
    requests,
    lines: () => requests.map((entry) => entry.line),
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const form = request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(await request.clone().text())
        : undefined
      const response = await base(request)
      requests.push({ line: `${request.method} ${new URL(request.url).pathname} ${response.status}`, ...(form ? { form } : {}) })
      return response
    },
  }
}
