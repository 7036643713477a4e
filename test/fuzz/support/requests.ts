import { BASE, basic, CHALLENGE, type ClientName, type FuzzFixture, VERIFIER } from './fixture.js'
import { getModel, type Pair, postModel, type RequestModel } from './model.js'
import type { ValidRequest } from './run.js'

const pick = <T>(items: readonly T[], variant: number): T => items[variant % items.length] as T

/** Client authentication as its registration says: Basic, or the secret in the body, or client_id alone. */
export function authenticated(fx: FuzzFixture, name: ClientName, path: string, pairs: Pair[]): RequestModel {
  const { client, secret } = fx.clients[name]
  switch (client.token_endpoint_auth_method) {
    case 'client_secret_basic':
      return postModel(path, pairs, [['authorization', basic(client.client_id, secret ?? '')]])
    case 'client_secret_post':
      return postModel(path, [['client_id', client.client_id], ['client_secret', secret ?? ''], ...pairs])
    default:
      return postModel(path, [['client_id', client.client_id], ...pairs])
  }
}

const tokenPath = `${BASE}/token/`

/** Valid token requests (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6), one per grant and client authentication. */
export async function validTokenRequest(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const kind = pick(
    [
      'code-basic',
      'code-post',
      'code-public',
      'refresh',
      'refresh-narrow',
      'client-credentials',
      'resource-credentials',
      'password',
      'ungranted',
    ] as const,
    variant,
  )
  if (kind === 'ungranted') {
    // Well-formed, but the web client is not registered for client_credentials (unauthorized_client).
    return { model: authenticated(fx, 'web', tokenPath, [['grant_type', 'client_credentials']]) }
  }
  if (kind.startsWith('code')) {
    const name: ClientName = kind === 'code-post' ? 'post' : kind === 'code-public' ? 'native' : 'trusted'
    // OpenID Connect on one in two: the ID Token path (nonce, at_hash) is reached without signing every time.
    const code = await fx.code(name, (variant >> 3) % 2 ? 'openid profile read write' : 'read write')
    const pairs: Pair[] = [
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['redirect_uri', fx.codeRedirect[name] ?? ''],
      ['code_verifier', VERIFIER],
    ]
    return { model: authenticated(fx, name, tokenPath, pairs), pool: [code] }
  }
  if (kind.startsWith('refresh')) {
    const tokens = await fx.tokens((variant >> 3) % 2 ? 'openid read write' : 'read write')
    const pairs: Pair[] = [
      ['grant_type', 'refresh_token'],
      ['refresh_token', tokens.refresh_token],
      ...(kind === 'refresh-narrow' ? [['scope', 'read'] as Pair] : []),
    ]
    return { model: authenticated(fx, 'trusted', tokenPath, pairs), pool: [tokens.refresh_token, tokens.access_token] }
  }
  if (kind === 'password') {
    return {
      model: authenticated(fx, 'trusted', tokenPath, [
        ['grant_type', 'password'],
        ['username', 'alice'],
        ['password', fx.passwords.alice],
        ['scope', 'openid read'],
      ]),
    }
  }
  const name = kind === 'client-credentials' ? 'service' : 'resource'
  return {
    model: authenticated(fx, name, tokenPath, [
      ['grant_type', 'client_credentials'],
      ...(name === 'service' ? [['scope', 'read'] as Pair] : []),
    ]),
  }
}

/**
 * Valid revocation (RFC 7009 §2.1) or introspection (RFC 7662 §2.1) requests: the caller's own
 * access or refresh token with or without (a right or wrong) hint, another client's token, a
 * resource server asking about a token, an unknown token.
 */
export async function validTokenQuery(fx: FuzzFixture, variant: number, endpoint: 'revoke_token' | 'introspect'): Promise<ValidRequest> {
  const tokens = await fx.tokens(variant % 5 === 0 ? 'read' : 'read write')
  const token = pick(
    [tokens.access_token, tokens.refresh_token, 'gl_at_unknown0000000000000000000000000000000000', tokens.access_token],
    variant,
  )
  const hint = pick(
    [[], [['token_type_hint', 'access_token']], [['token_type_hint', 'refresh_token']], [['token_type_hint', 'x']]] as Pair[][],
    variant >> 2,
  )
  const caller = pick(['trusted', 'trusted', 'resource', 'service', 'web'] as const, variant >> 4)
  return {
    model: authenticated(fx, caller, `${BASE}/${endpoint}/`, [['token', token], ...hint]),
    pool: [tokens.access_token, tokens.refresh_token],
  }
}

/** Valid UserInfo requests (OIDC Core §5.3.1, RFC 6750 §2.1-2.2). */
export async function validUserinfoRequest(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const scope = pick(['openid profile email', 'openid', 'read'], variant)
  const tokens = await fx.tokens(scope)
  const path = `${BASE}/userinfo/`
  const pool = [tokens.access_token]
  switch ((variant >> 2) % 4) {
    case 0:
      return { model: getModel(path, [], [['authorization', `Bearer ${tokens.access_token}`]]), pool }
    case 1:
      return {
        model: getModel(
          path,
          [],
          [
            ['authorization', `Bearer ${tokens.access_token}`],
            ['accept', 'application/jwt'],
          ],
        ),
        pool,
      }
    case 2:
      return { model: postModel(path, [['access_token', tokens.access_token]]), pool }
    default:
      return {
        model: {
          ...getModel(
            path,
            [],
            [
              ['origin', 'https://app.example'],
              ['access-control-request-method', 'GET'],
            ],
          ),
          method: 'OPTIONS',
        },
        pool,
      }
  }
}

/**
 * Valid authorization requests (RFC 6749 §4.1.1, §4.2.1; OIDC Core §3.1.2.1, §3.3.2.1): every
 * response type and mode, a client that skips the consent page, one alice approved earlier, a
 * loopback redirect with any port, prompt and max_age, with and without a session.
 */
export function authorizationParams(fx: FuzzFixture, variant: number): { pairs: Pair[]; cookie: string | undefined } {
  const pkce: Pair[] = [
    ['code_challenge', CHALLENGE],
    ['code_challenge_method', 'S256'],
  ]
  const web = fx.clients.web.client.client_id
  const shapes: { pairs: Pair[]; signedIn?: boolean }[] = [
    {
      pairs: [
        ['client_id', web],
        ['response_type', 'code'],
        ['redirect_uri', 'https://app.example/cb'],
        ['scope', 'openid read'],
        ['state', 's1'],
        ...pkce,
      ],
    },
    { pairs: [['client_id', fx.clients.trusted.client.client_id], ['response_type', 'code'], ['scope', 'read'], ['state', 's2'], ...pkce] },
    {
      pairs: [
        ['client_id', web],
        ['response_type', 'code id_token token'],
        ['redirect_uri', 'https://app.example/cb2?keep=1'],
        ['scope', 'openid profile'],
        ['nonce', 'n-1'],
        ['state', 's3'],
        ...pkce,
      ],
    },
    {
      pairs: [
        ['client_id', web],
        ['response_type', 'id_token'],
        ['redirect_uri', 'https://app.example/cb'],
        ['scope', 'openid'],
        ['nonce', 'n-2'],
        ['response_mode', 'form_post'],
      ],
    },
    {
      pairs: [
        ['client_id', web],
        ['response_type', 'token'],
        ['redirect_uri', 'https://app.example/cb'],
        ['scope', 'read write'],
        ['state', 's4'],
      ],
    },
    {
      pairs: [
        ['client_id', fx.clients.native.client.client_id],
        ['response_type', 'code'],
        ['redirect_uri', 'http://127.0.0.1:49152/cb'],
        ['scope', 'openid read'],
        ...pkce,
      ],
    },
    {
      pairs: [
        ['client_id', fx.clients.native.client.client_id],
        ['response_type', 'code'],
        ['redirect_uri', 'com.example.app:/cb'],
        ['scope', 'read'],
        ['prompt', 'none'],
        ...pkce,
      ],
    },
    {
      pairs: [
        ['client_id', web],
        ['response_type', 'code'],
        ['redirect_uri', 'https://app.example/cb'],
        ['scope', 'openid email'],
        ['prompt', 'consent'],
        ['ui_locales', 'fr-CA en'],
        ['claims', '{"userinfo":{"email":null}}'],
        ...pkce,
      ],
    },
    {
      pairs: [
        ['client_id', web],
        ['response_type', 'code'],
        ['redirect_uri', 'https://app.example/cb'],
        ['scope', 'openid'],
        ['max_age', '0'],
        ['login_hint', 'alice'],
        ...pkce,
      ],
    },
    {
      pairs: [
        ['client_id', fx.clients.post.client.client_id],
        ['response_type', 'code'],
        ['redirect_uri', 'https://post.example/cb'],
        ['state', 's5'],
        ...pkce,
      ],
      signedIn: false,
    },
    {
      pairs: [
        ['client_id', fx.clients.trusted.client.client_id],
        ['response_type', 'code'],
        ['response_mode', 'form_post'],
        ['scope', 'openid'],
        ['prompt', 'login'],
        ...pkce,
      ],
    },
  ]
  const shape = pick(shapes, variant)
  const who = shape.signedIn === false ? undefined : pick(['alice', 'alice', 'alice', 'bob'] as const, variant >> 4)
  return { pairs: shape.pairs, cookie: who && fx.sessions[who] }
}

export function validAuthorizationGet(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const { pairs, cookie } = authorizationParams(fx, variant)
  return Promise.resolve({ model: getModel(`${BASE}/authorize/`, pairs, cookie ? [['cookie', cookie]] : []) })
}

export function validAuthorizationPost(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const { pairs, cookie } = authorizationParams(fx, variant)
  return Promise.resolve({ model: postModel(`${BASE}/authorize/`, pairs, cookie ? [['cookie', cookie]] : []) })
}

/** Valid consent decisions (docs/architecture.md "Consent and interactions"): allow or deny, for each response type and mode. */
export async function validConsentDecision(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const user = pick(['alice', 'alice', 'bob'] as const, variant >> 3)
  const params = pick<Record<string, string>>(
    [
      {},
      { response_type: 'code id_token', nonce: 'n', response_mode: 'form_post' },
      { response_type: 'token', scope: 'read', state: 'st' },
      { redirect_uri: 'https://app.example/cb2?keep=1', scope: 'openid profile email' },
    ],
    variant,
  )
  const { interaction, csrf } = await fx.interaction(user, params)
  const decision: Pair[] = variant % 5 === 4 ? [['deny', 'Cancel']] : [['allow', 'Authorize']]
  return {
    model: postModel(`${BASE}/authorize/`, [['interaction', interaction], ['csrf', csrf], ...decision], [['cookie', fx.sessions[user]]]),
    pool: [interaction, csrf],
  }
}
