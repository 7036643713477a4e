import { describe, expect, it, vi } from 'vitest'
import { authorizeUrl, breakableStorage, createClient, expectLocalPage, obtainTokens, post } from '../security/support.js'
import { ISSUER, REDIRECT_URI, setup } from '../support/provider.js'

const SECRET_MESSAGE = 'connection to db-primary.internal:5432 refused for user grantline_admin'

function broken() {
  const { storage, failOn } = breakableStorage()
  const error = new Error(SECRET_MESSAGE)
  const onError = vi.fn()
  const s = setup({ onError }, storage)
  return { s, error, onError, fail: (method: Parameters<typeof failOn>[0]) => failOn(method, error) }
}

describe('server_error (RFC 6749 §4.1.2.1, §5.2; docs/architecture.md "The request pipeline")', () => {
  it('RFC 6749 §5.2: a storage failure at the token endpoint is a generic 500 server_error', async () => {
    const { s, error, onError, fail } = broken()
    const c = await createClient(s)
    fail('getClient')
    const response = await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: c.client_secret })
    expect(response.status).toBe(500)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('pragma')).toBe('no-cache')
    const text = await response.text()
    const body = JSON.parse(text) as Record<string, unknown>
    expect(body.error).toBe('server_error')
    expect(typeof body.error_description).toBe('string')
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description'])
    expect(text).not.toContain('db-primary')
    expect(text).not.toContain(SECRET_MESSAGE)
    expect(text).not.toContain(error.stack?.split('\n')[1]?.trim() ?? 'never')
    expect(text).not.toMatch(/\bat .+:\d+:\d+/)
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onError.mock.calls[0]?.[0]).toBe(error)
    expect(onError.mock.calls[0]?.[1]).toBeInstanceOf(Request)
  })

  it('RFC 6749 §4.1.2.1: a storage failure at the authorization endpoint is a generic 500 page', async () => {
    const { s, error, onError, fail } = broken()
    const c = await createClient(s)
    fail('getClient')
    const url = authorizeUrl({ client_id: c.client_id, response_type: 'code', redirect_uri: REDIRECT_URI, state: 'x' })
    const html = await expectLocalPage(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } })), 500)
    expect(html).toContain('server_error')
    expect(html).not.toContain('db-primary')
    expect(onError).toHaveBeenCalledWith(error, expect.any(Request))
  })

  it('RFC 7009 §2.2.1: a storage failure during revocation is a 500, never a 200', async () => {
    const { s, onError, fail } = broken()
    const c = await createClient(s)
    const { refresh_token } = await obtainTokens(s, c)
    fail('revokeFamily')
    const response = await post(s, 'revoke_token', { token: refresh_token }, { id: c.client_id, secret: c.client_secret })
    expect(response.status).toBe(500)
    expect(((await response.json()) as { error: string }).error).toBe('server_error')
    expect(onError).toHaveBeenCalledTimes(1)
  })

  it('RFC 6749 §5.2: a protocol error is not reported to onError', async () => {
    const { s, onError } = broken()
    const response = await s.provider.handle(new Request(`${ISSUER}/token/`))
    expect(response.status).toBe(405)
    expect(onError).not.toHaveBeenCalled()
  })

  it('RFC 6749 §5.2: an onError hook that itself throws still yields the generic 500, never a rejected handle()', async () => {
    const { storage, failOn } = breakableStorage()
    const s = setup(
      {
        onError: () => {
          throw new Error('the error reporter is down')
        },
      },
      storage,
    )
    const c = await createClient(s)
    failOn('getClient', new Error(SECRET_MESSAGE))
    const response = await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: c.client_secret })
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toMatchObject({ error: 'server_error' })
    expect(text).not.toContain('reporter')
  })

  it('RFC 6749 §5.2: a failing asynchronous onError hook is observed, never left as an unhandled rejection', async () => {
    // A rejected promise nobody handles takes a Node process down. A thenable shows whether the core
    // subscribes to what onError returns, without leaving a real rejection behind in this test run.
    let observed = false
    const rejecting = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is the point of this test
      then(_resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
        observed = true
        reject(new Error('the error reporter is down'))
      },
    }
    const { storage, failOn } = breakableStorage()
    const s = setup({ onError: () => rejecting as unknown as undefined }, storage)
    const c = await createClient(s)
    failOn('getClient', new Error(SECRET_MESSAGE))
    const response = await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: c.client_secret })
    expect(response.status).toBe(500)
    for (let i = 0; i < 5; i++) await Promise.resolve()
    expect(observed).toBe(true)
  })
})
