import {
  type Client,
  type ClientInput,
  createProvider,
  type LocalAccounts,
  localAccounts,
  memoryAccountStore,
  memoryStorage,
  type Provider,
  type Storage,
  sha256Hex,
} from '@grantline/core'
import { createFakeClock, type FakeClock } from '@grantline/testing'
import { ISSUER, KEY_ENCRYPTION_KEY, ORIGIN, PASSWORDS, SECRET } from './constants.js'
import { createMaterial } from './material.js'

export * from './constants.js'

export type ClientName = 'web' | 'post' | 'native' | 'service' | 'resource' | 'trusted' | 'alices' | 'bobs'

const ALL_RESPONSE_TYPES = ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']

/** The clients every fuzz fixture registers, one per shape the endpoints treat differently. */
const CLIENTS: Record<ClientName, ClientInput> = {
  web: {
    client_name: 'Web <app> "quoted"',
    grant_types: ['authorization_code', 'refresh_token', 'implicit'],
    response_types: ALL_RESPONSE_TYPES,
    redirect_uris: ['https://app.example/cb', 'https://app.example/cb2?keep=1'],
    post_logout_redirect_uris: ['https://app.example/bye'],
    allowed_cors_origins: ['https://app.example'],
  },
  post: {
    client_name: 'Post app',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: ['https://post.example/cb'],
    post_logout_redirect_uris: ['https://post.example/bye?from=op'],
  },
  native: {
    client_name: 'Native app',
    client_type: 'public',
    redirect_uris: ['http://127.0.0.1/cb', 'http://[::1]/cb', 'com.example.app:/cb'],
  },
  service: { client_name: 'Service', grant_types: ['client_credentials'], scope: 'read' },
  resource: { client_name: 'Resource server', grant_types: ['client_credentials'], introspection: true },
  trusted: {
    client_name: 'Trusted app',
    grant_types: ['authorization_code', 'refresh_token', 'password'],
    redirect_uris: ['https://trusted.example/cb'],
    skip_authorization: true,
  },
  alices: { client_name: "Alice's app", redirect_uris: ['https://alice.example/cb'] },
  bobs: { client_name: "Bob's app", redirect_uris: ['https://bob.example/cb'] },
}

export interface RegisteredClient {
  client: Client
  secret: string | undefined
}

/**
 * One provider for a fuzz suite: OpenID Connect (ES256), every grant type, the management pages
 * and `localAccounts` (PBKDF2 lowered to 1 iteration: only test fixtures may do this), on
 * memoryStorage with a fake clock. `onError` records what reaches it: nothing should.
 */
export async function createFuzzFixture() {
  const clock: FakeClock = createFakeClock(1_700_000_000_000)
  // The provider's storage records which single-use keys were consumed, so that a case can
  // reuse the previous case's code or consent form when that case did not use it up.
  const storage = memoryStorage()
  const consumed = new Set<string>()
  const tracked: Storage = {
    ...storage,
    consume(kind, key, now) {
      consumed.add(key)
      return storage.consume(kind, key, now)
    },
  }
  const accountStore = memoryAccountStore()
  const accounts: LocalAccounts = localAccounts(accountStore, {
    secrets: [SECRET],
    iterations: 1,
    now: clock.now,
    // The clock moves one second per case: failures age out, so both lockout and login are reached.
    maxFailures: 20,
    lockoutSeconds: 60,
  })
  const errors: unknown[] = []
  let unnamed = 0
  const provider: Provider = createProvider({
    issuer: ISSUER,
    storage: tracked,
    accounts,
    secrets: [SECRET],
    now: clock.now,
    oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256' },
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'password'],
    // Failed client authentications are rate limited per client_id and address; the fuzzer sends
    // an address only sometimes, so the limit is reached without shutting the deep paths: a
    // request without one gets an address of its own (unknown, it would count per client_id).
    clientAddress: (request) => request.headers.get('x-forwarded-for') || `fuzz-${++unnamed}`,
    onError: (error) => {
      errors.push(error)
    },
  })
  const alice = await accounts.users.create({
    username: 'alice',
    password: PASSWORDS.alice,
    claims: { name: 'Alice', email: 'a@x.example' },
  })
  const bob = await accounts.users.create({ username: 'bob', password: PASSWORDS.bob })
  const clients = {} as Record<ClientName, RegisteredClient>
  for (const [name, input] of Object.entries(CLIENTS) as [ClientName, ClientInput][]) {
    const owner = name === 'alices' ? alice.sub : name === 'bobs' ? bob.sub : null
    const created = await provider.clients.create({ ...input, owner_sub: owner })
    clients[name] = { client: created.client, secret: created.client_secret }
  }
  const handle = (request: Request) => provider.handle(request)
  const material = await createMaterial({ handle, clock, clients, storage, consumed, accountStore })
  const { sessions } = material

  /** Values the test knows to be secret: none may show up in a response unless the request itself echoes it. */
  const secrets: string[] = [SECRET, KEY_ENCRYPTION_KEY, PASSWORDS.alice, PASSWORDS.bob]
  for (const { secret } of Object.values(clients)) {
    if (secret) secrets.push(secret, sha256Hex(secret))
  }
  for (const user of [alice, bob]) secrets.push(user.password_hash, user.password_hash.split('$')[3] ?? user.password_hash)
  for (const cookie of Object.values(sessions)) {
    const id = /gl_session=([^;]+)/.exec(cookie)?.[1]
    // The session id's hash names the session inside the server; it must not leak either.
    if (id) secrets.push(sha256Hex(id))
  }

  /** Every redirect URI of every client, and every post-logout one: the only absolute places a Location may name. */
  const redirectUris = Object.values(clients).flatMap(({ client }) => client.redirect_uris)
  const postLogoutUris = Object.values(clients).flatMap(({ client }) => client.post_logout_redirect_uris)

  return {
    provider,
    handle,
    storage,
    accountStore,
    accounts,
    clock,
    clients,
    users: { alice, bob },
    passwords: PASSWORDS,
    origin: ORIGIN,
    errors,
    secrets,
    redirectUris,
    postLogoutUris,
    ...material,
  }
}

export type FuzzFixture = Awaited<ReturnType<typeof createFuzzFixture>>
