import type {
  AccessTokenRecord,
  Client,
  CodeRecord,
  Consent,
  DeviceAuthorization,
  Family,
  InitialAccessToken,
  Interaction,
  PushedRequest,
  RefreshTokenRecord,
} from '@grantline/core'

/** The epoch second fixtures are created at; TTL defaults count from here. */
export const FIXTURE_TIME = 1_700_000_000

/** A random 64-char lowercase hex string, the shape of a storage key (SHA-256 hex). */
export function randomHash(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A random identifier with a readable prefix, for client, family, consent and interaction ids. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomHash().slice(0, 24)}`
}

export function makeClient(overrides: Partial<Client> = {}): Client {
  return {
    client_id: randomId('client'),
    client_name: 'Fixture client',
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['https://rp.example/cb'],
    post_logout_redirect_uris: [],
    scope: '',
    allowed_cors_origins: [],
    skip_authorization: false,
    introspection: false,
    owner_sub: null,
    created_at: FIXTURE_TIME,
    secret_hash: randomHash(),
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    dynamic: false,
    metadata: {},
    registration_token_hash: null,
    ...overrides,
  }
}

/** A client registered at the registration endpoint (RFC 7591), with display metadata. */
export function makeDynamicClient(overrides: Partial<Client> = {}): Client {
  return makeClient({
    client_name: 'Self-registered client',
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    secret_hash: null,
    dynamic: true,
    metadata: {
      client_uri: 'https://rp.example/',
      logo_uri: 'https://rp.example/logo.png',
      contacts: ['ops@rp.example'],
      software_id: 'rp-app',
      software_version: '1.2.3',
      jwks: {
        keys: [
          { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
        ],
      },
    },
    registration_token_hash: randomHash(),
    ...overrides,
  })
}

/** An initial access token (RFC 7591 §3) living 7 days. */
export function makeInitialAccessToken(overrides: Partial<InitialAccessToken> = {}): InitialAccessToken {
  return {
    hash: randomHash(),
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 7 * 86_400,
    consumed_at: null,
    ...overrides,
  }
}

/** A pushed authorization request living 60 s (RFC 9126 §2.2). */
export function makePushedRequest(overrides: Partial<PushedRequest> = {}): PushedRequest {
  return {
    hash: randomHash(),
    client_id: randomId('client'),
    params: { response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', state: 'xyz' },
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 60,
    consumed_at: null,
    ...overrides,
  }
}

export function makeConsent(overrides: Partial<Consent> = {}): Consent {
  return {
    id: randomId('consent'),
    sub: 'user-1',
    client_id: randomId('client'),
    scopes: ['openid', 'read'],
    created_at: FIXTURE_TIME,
    revoked_at: null,
    ...overrides,
  }
}

/** A family living 90 days, the default family cap. */
export function makeFamily(overrides: Partial<Family> = {}): Family {
  return {
    id: randomId('family'),
    consent_id: null,
    client_id: randomId('client'),
    sub: 'user-1',
    scopes: ['openid', 'read'],
    auth_time: FIXTURE_TIME,
    acr: null,
    amr: ['pwd'],
    nonce: null,
    claims: null,
    resource: [],
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 90 * 86_400,
    revoked_at: null,
    ...overrides,
  }
}

/** An authorization code living 60 s, the default code lifetime. */
export function makeCode(overrides: Partial<CodeRecord> = {}): CodeRecord {
  return {
    hash: randomHash(),
    family_id: randomId('family'),
    client_id: randomId('client'),
    redirect_uri: 'https://rp.example/cb',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 60,
    consumed_at: null,
    ...overrides,
  }
}

/** An access token living 3600 s, the default access-token lifetime. */
export function makeAccessToken(overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  return {
    hash: randomHash(),
    family_id: randomId('family'),
    client_id: randomId('client'),
    sub: 'user-1',
    scopes: ['openid', 'read'],
    audience: [],
    cnf_jkt: null,
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 3600,
    revoked_at: null,
    ...overrides,
  }
}

/** A refresh token living 14 days, the default idle refresh lifetime. */
export function makeRefreshToken(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    hash: randomHash(),
    family_id: randomId('family'),
    client_id: randomId('client'),
    sub: 'user-1',
    scopes: ['openid', 'read'],
    access_hash: null,
    cnf_jkt: null,
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 14 * 86_400,
    revoked_at: null,
    used_at: null,
    successor_hash: null,
    ...overrides,
  }
}

/** A pending consent decision living 10 min, the interaction lifetime. */
export function makeInteraction(overrides: Partial<Interaction> = {}): Interaction {
  return {
    id: randomId('interaction'),
    session_id: randomHash(),
    sub: 'user-1',
    client_id: randomId('client'),
    params: {
      response_type: 'code',
      redirect_uri: 'https://rp.example/cb',
      scope: 'openid read',
      state: 'xyz',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    },
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 600,
    consumed_at: null,
    ...overrides,
  }
}

/** A pending device authorization (RFC 8628) of a random client, unexpired for 600 s. */
export function makeDeviceAuthorization(overrides: Partial<DeviceAuthorization> = {}): DeviceAuthorization {
  return {
    device_code_hash: randomId('dch'),
    user_code_hash: randomId('uch'),
    client_id: randomId('client'),
    scopes: ['openid', 'read'],
    resource: ['https://api.example.com/'],
    status: 'pending',
    sub: null,
    auth_time: null,
    poll_interval: 5,
    last_polled_at: null,
    created_at: FIXTURE_TIME,
    expires_at: FIXTURE_TIME + 600,
    consumed_at: null,
    ...overrides,
  }
}
