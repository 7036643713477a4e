// The one confidential client every server of the benchmark registers (client_credentials,
// authorization_code and refresh_token; client_secret_basic).
export const CLIENT_ID = 'bench-client'
export const CLIENT_SECRET = 'gl_cs_bench0123456789abcdefghijklmnopqrstuvwxyzAB'
export const REDIRECT_URI = 'https://app.example/cb'
/** The PKCE verifier of every pre-created code (RFC 7636 §4.1: 43-128 unreserved characters). */
export const VERIFIER = 'bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz'
/** The access token the introspection and verifyAccessToken scenarios present. */
export const ACCESS_TOKEN = 'gl_at_bench0123456789abcdefghijklmnopqrstuvwxyzAB'
export const BASIC = `Basic ${btoa(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`)}`

/**
 * The private_key_jwt client (RFC 7523) of the private_key_jwt_client_credentials scenario, and its
 * ES256 key: a benchmark-only key, public here on purpose; the server registers its public half.
 */
export const PKJ_CLIENT_ID = 'bench-pkj-client'
export const PKJ_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'VxtJPFmCvFyPMNOxVbeGbuGeL25m-YCRZxKLvP6IQKU',
  y: 'DerZw3sDRpYcboYhJsYpT-6Ql2koL4KvfBk_NuUBh7g',
  d: '-6qQq9Idmy7nLW3nPJq5sB8iE9JockPv24R7BI_yOFY',
  kid: 'bench-pkj',
}
