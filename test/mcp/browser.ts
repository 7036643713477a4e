import { CookieJar, hiddenField } from '../server/http-client.js'

/** The fetch signature the SDK and the browser take, so either can talk to a socket or in-process. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface Credentials {
  username: string
  password: string
}

function locationOf(response: Response, base: URL): URL {
  const value = response.headers.get('location')
  if (value === null) throw new Error(`expected a redirect, got ${response.status}`)
  return new URL(value, base)
}

/**
 * The user's browser in the MCP tests: a cookie jar, redirects not followed, Grantline's login
 * form and consent page. `fetch` is the real one for servers on sockets, or an in-process router.
 */
export class Browser {
  readonly jar = new CookieJar()
  /** The consent pages shown, for assertions on what the user saw. */
  readonly consentPages: string[] = []

  constructor(
    private readonly user: Credentials,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  async request(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.jar.cookies.size > 0) headers.set('cookie', this.jar.header())
    const response = await this.fetchImpl(url, { ...init, headers, redirect: 'manual' })
    this.jar.take(response)
    return response
  }

  post(url: URL, fields: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams(fields).toString()
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
  }

  /**
   * An authorization request through the login form (when signed out) and the consent page, up
   * to the redirect back to the client; answers that redirect's URL (`?code&state&iss`).
   */
  async authorize(url: URL): Promise<URL> {
    let response = await this.request(url)
    let at = url
    if (response.status === 302 && locationOf(response, at).pathname === '/accounts/login/') {
      at = locationOf(response, at)
      const form = await this.request(at)
      const page = await form.text()
      const fields = { csrf: hiddenField(page, 'csrf'), next: hiddenField(page, 'next'), ...this.user }
      const signedIn = await this.post(new URL('/accounts/login/', at), fields)
      if (signedIn.status !== 303) throw new Error(`the login answered ${signedIn.status}`)
      at = locationOf(signedIn, at)
      response = await this.request(at)
    }
    if (response.status === 200) {
      const page = await response.text()
      this.consentPages.push(page)
      const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1]
      if (action === undefined) throw new Error(`not a consent page:\n${page.slice(0, 1000)}`)
      const fields = { interaction: hiddenField(page, 'interaction'), csrf: hiddenField(page, 'csrf'), allow: 'Authorize' }
      response = await this.post(new URL(action.replaceAll('&amp;', '&'), at), fields)
    }
    if (response.status !== 302 && response.status !== 303)
      throw new Error(
        `the authorization ended with ${response.status}: ${(await response.text()).replace(/<style>.*<\/style>/s, '').slice(0, 800)}`,
      )
    return locationOf(response, at)
  }
}
