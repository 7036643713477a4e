import { type AccountStore, type LocalAccountsOptions, localAccounts, memoryAccountStore } from '@grantline/core'
import { createFakeClock } from '@grantline/testing'

export const ORIGIN = 'https://as.example'
export const SECRET = 'test-secret-0123456789-abcdefghijklmnop'
/** Lowered for speed: only test fixtures may do this (docs/architecture.md "Identity"). */
export const TEST_ITERATIONS = 1000

/** A minimal cookie jar: keeps what `Set-Cookie` sets, drops what it expires, sends the rest. */
export class CookieJar {
  readonly cookies = new Map<string, string>()

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      if (/;\s*max-age=0(;|$)/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(at + 1).trim())
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

/** The `Set-Cookie` line for `name` in a response, if any. */
export function setCookie(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))
}

/** The value of a hidden or text input in a page. */
export function field(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}"[^>]*?value="([^"]*)"`)
    .exec(html)?.[1]
    ?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
}

export async function setupAccounts(options: Partial<LocalAccountsOptions> = {}, store: AccountStore = memoryAccountStore()) {
  const clock = createFakeClock()
  const accounts = localAccounts(store, { secrets: [SECRET], iterations: TEST_ITERATIONS, now: clock.now, ...options })
  const alice = await accounts.users.create({
    username: 'alice',
    password: 'correct horse',
    claims: { name: 'Alice', email: 'alice@example.com', email_verified: true, phone_number: '+1 555 0100', groups: ['admin'] },
  })
  const jar = new CookieJar()

  /** A browser request through the account pages: sends and keeps the jar's cookies. */
  async function browse(
    path: string,
    init: { method?: string; form?: Record<string, string>; origin?: string; headers?: Record<string, string>; address?: string } = {},
  ) {
    const headers = new Headers(init.headers)
    if (jar.cookies.size > 0) headers.set('cookie', jar.header())
    let body: string | undefined
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded')
      body = new URLSearchParams(init.form).toString()
    }
    const request = new Request(new URL(path, init.origin ?? ORIGIN), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      ...(body === undefined ? {} : { body }),
    })
    // What provider.handle lends the pages: the client address it learned, when there is one.
    const response = await accounts.pages.handle(request, { emit: () => {}, ...(init.address ? { clientAddress: init.address } : {}) })
    jar.store(response)
    return response
  }

  /** Loads the login form (as `next` says), then posts it with the given credentials, from `address` when given. */
  async function logIn(username: string, password: string, next?: string, origin?: string, address?: string) {
    const form = await browse(next === undefined ? '/accounts/login/' : `/accounts/login/?next=${encodeURIComponent(next)}`, {
      ...(origin ? { origin } : {}),
    })
    const html = await form.text()
    const fields: Record<string, string> = { csrf: field(html, 'csrf') ?? '', username, password }
    const carried = field(html, 'next')
    if (carried !== undefined) fields.next = carried
    return browse('/accounts/login/', { form: fields, ...(origin ? { origin } : {}), ...(address ? { address } : {}) })
  }

  return { clock, store, accounts, alice, jar, browse, logIn }
}
