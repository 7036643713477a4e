import { type Client, createProvider, memoryStorage, type Provider, type ProviderConfig } from '@grantline/core'
import { createFakeClock, type FakeClock, testAccounts } from '@grantline/testing'
import type * as oauth from 'oauth4webapi'
import { type BrokenMode, type FaultMode, type FaultyStorage, faultyStorage } from './faulty-storage.js'
import { expectIssuedTokensStored, issuedIn } from './invariants.js'

export const ISSUER = 'https://as.example/o'
export const REDIRECT_URI = 'https://app.example/cb'
export const SECRET = 'fault-provider-secret-0f3c2a9e8d7b6c5a4f3e2d1c'
export const KEY_ENCRYPTION_KEY = 'Jc1mYq7sV0xT4bN8kE2wR6uH9aL3pZ5dG1fO7iQ0tXs'
const PASSWORD = 'fault alice password 4e1a'

/** The server metadata a client holds (RFC 8414 §2), with the endpoints the flows use. */
export const AS: oauth.AuthorizationServer = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize/`,
  token_endpoint: `${ISSUER}/token/`,
  revocation_endpoint: `${ISSUER}/revoke_token/`,
  introspection_endpoint: `${ISSUER}/introspect/`,
  userinfo_endpoint: `${ISSUER}/userinfo/`,
  authorization_response_iss_parameter_supported: true,
}

export interface RegisteredClient {
  client: Client
  secret: string
}

/**
 * A fresh provider over a fault-injecting wrapper of memoryStorage, OpenID Connect on (so the
 * flows reach signing keys and UserInfo), a fake clock, test accounts with alice signed in, and
 * two clients. `onError` keeps what it receives. The wrapper is not armed yet: setting up is not
 * part of the flow.
 */
export async function createFaultEnv(overrides: Partial<ProviderConfig> = {}) {
  const clock: FakeClock = createFakeClock(1_700_000_000_000)
  const faults: FaultyStorage = faultyStorage(memoryStorage(), clock)
  const users = testAccounts(
    [{ sub: 'user-1', username: 'alice', password: PASSWORD, claims: { name: 'Alice', email: 'alice@example.com' } }],
    clock.now,
  )
  const reported: unknown[] = []
  const provider: Provider = createProvider({
    issuer: ISSUER,
    storage: faults.storage,
    accounts: users.accounts,
    secrets: [SECRET],
    now: clock.now,
    oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256' },
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit'],
    onError: (error) => {
      reported.push(error)
    },
    // In-process requests carry no client address; the one warning that says so is not a log line under test here.
    onWarning: () => {},
    ...overrides,
  })
  const create = async (input: Parameters<Provider['clients']['create']>[0]): Promise<RegisteredClient> => {
    const created = await provider.clients.create(input)
    return { client: created.client, secret: created.client_secret ?? '' }
  }
  const app = await create({
    client_name: 'Fault app',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token', 'implicit'],
    response_types: ['code', 'code id_token token'],
  })
  const service = await create({ client_name: 'Fault service', grant_types: ['client_credentials'], scope: 'read' })
  const cookie = users.signIn('user-1')
  /** Every response the flow got, in order, with its body read once. */
  const exchanges: Exchange[] = []

  /** Every code a response handed out, with the second it was issued at. */
  const codes = new Map<string, number>()

  async function send(request: Request, step: string): Promise<Exchange> {
    const first = faults.next
    const response = await provider.handle(request)
    const exchange: Exchange = { step, request, response, text: await response.text(), calls: [first, faults.next] }
    exchanges.push(exchange)
    // No token reaches the client unless it is stored: checked now, before a later step revokes it.
    await expectIssuedTokensStored(env, exchange)
    for (const code of issuedIn(exchange).codes) codes.set(code, env.seconds())
    return exchange
  }

  const env = {
    provider,
    clock,
    faults,
    inner: faults.inner,
    reported,
    clients: { app, service },
    cookie,
    exchanges,
    send,
    /** oauth4webapi's customFetch: the client's requests go to provider.handle, recorded as `step`. */
    fetchAs(step: string) {
      return async (url: string, init: RequestInit) => {
        const exchange = await send(new Request(url, init), step)
        // The client reads the body itself: hand it a copy of what the provider answered.
        return new Response(exchange.text === '' ? null : exchange.text, {
          status: exchange.response.status,
          headers: exchange.response.headers,
        })
      }
    },
    /** Values no response and no log line may contain. */
    secrets: [
      SECRET,
      KEY_ENCRYPTION_KEY,
      PASSWORD,
      app.secret,
      service.secret,
      app.client.secret_hash ?? '',
      service.client.secret_hash ?? '',
    ],
    seconds: () => Math.floor(clock.now() / 1000),
    codes,
  }
  return env
}

export type FaultEnv = Awaited<ReturnType<typeof createFaultEnv>>

export interface Exchange {
  step: string
  request: Request
  response: Response
  text: string
  /** The storage calls made while this request was handled: [first, end). */
  calls: [number, number]
}

/** An error whose message and stack a client must never see. */
export function injectedError(mode: FaultMode | BrokenMode, at: number): Error {
  const error = new Error(
    `db-primary.internal:5432 refused user grantline_admin password=pg-${mode}-${at} at /srv/grantline/data/db.sqlite`,
  )
  error.name = 'StorageDriverError'
  return error
}
