import type { ResolvedConfig } from '../contracts/config.js'
import type { EndpointUrls, ProviderContext } from '../contracts/context.js'
import type { Storage } from '../contracts/storage.js'
import { DEVICE_CODE_GRANT } from './user-code.js'

/** OIDC Core §5.1 standard claims, by the scope that releases them (§5.4). */
export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
}

/** The endpoints' absolute URLs: the issuer's origin, then basePath. Built once per provider (ProviderContext.endpoints). */
export function endpointUrls(config: Pick<ResolvedConfig, 'issuer' | 'basePath'>): EndpointUrls {
  const base = `${new URL(config.issuer).origin}${config.basePath}`
  return Object.freeze({
    authorization_endpoint: `${base}/authorize/`,
    token_endpoint: `${base}/token/`,
    revocation_endpoint: `${base}/revoke_token/`,
    introspection_endpoint: `${base}/introspect/`,
    pushed_authorization_request_endpoint: `${base}/par/`,
    userinfo_endpoint: `${base}/userinfo/`,
    end_session_endpoint: `${base}/logout/`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    registration_endpoint: `${base}/register/`,
    device_authorization_endpoint: `${base}/device-authorization/`,
    verification_uri: `${base}/device/`,
  })
}

/** The response types the server can answer (RFC 8414 §2, OIDC Discovery §3). */
export function supportedResponseTypes(provider: ProviderContext): string[] {
  const implicit = provider.config.grantTypes.includes('implicit')
  const oidc = provider.config.oidc !== undefined
  return [
    'code',
    ...(implicit ? ['token'] : []),
    ...(implicit && oidc ? ['id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] : []),
  ]
}

/** Server metadata: RFC 8414 §2 (with RFC 9101 §10.5), and OIDC Discovery §3 when OpenID Connect is on. */
export function metadata(provider: ProviderContext): Record<string, unknown> {
  const { config } = provider
  const urls = provider.endpoints
  const authMethods = provider.clientAuth.map((method) => method.name)
  // RFC 8414 §2: the algorithms of the methods that take a signed assertion (private_key_jwt).
  const authAlgs = [...new Set(provider.clientAuth.flatMap((method) => method.signingAlgs ?? []))]
  const authAlgsSupported = (endpoint: string) =>
    authAlgs.length > 0 ? { [`${endpoint}_endpoint_auth_signing_alg_values_supported`]: authAlgs } : {}
  const base: Record<string, unknown> = {
    issuer: config.issuer,
    authorization_endpoint: urls.authorization_endpoint,
    token_endpoint: urls.token_endpoint,
    revocation_endpoint: urls.revocation_endpoint,
    introspection_endpoint: urls.introspection_endpoint,
    scopes_supported: Object.keys(config.scopes),
    response_types_supported: supportedResponseTypes(provider),
    response_modes_supported: ['query', 'fragment', ...(config.oidc ? ['form_post'] : [])],
    grant_types_supported: [...provider.enabledGrants],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_methods_supported: authMethods,
    ...authAlgsSupported('token'),
    ...authAlgsSupported('revocation'),
    ...authAlgsSupported('introspection'),
    code_challenge_methods_supported: config.pkce.allowPlain ? ['S256', 'plain'] : ['S256'],
    authorization_response_iss_parameter_supported: true,
    // RFC 9126 §5.
    pushed_authorization_request_endpoint: urls.pushed_authorization_request_endpoint,
    require_pushed_authorization_requests: config.par.required,
    // RFC 8414 §2 (RFC 7591 §3): said only when registration is on.
    ...(config.registration ? { registration_endpoint: urls.registration_endpoint } : {}),
    // RFC 8628 §4: said only when the device grant is on.
    ...(provider.enabledGrants.has(DEVICE_CODE_GRANT) ? { device_authorization_endpoint: urls.device_authorization_endpoint } : {}),
    // draft-ietf-oauth-client-id-metadata-document §6: said only when client_id URLs are accepted.
    ...(config.clientIdMetadataDocuments ? { client_id_metadata_document_supported: true } : {}),
    // OIDC Discovery §3: signed request objects by value (RFC 9101); request_uri is only PAR's
    // (OIDC Core §6.2), and request_uri_parameter_supported defaults to true when absent.
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: provider.clientJwtAlgs,
    request_uri_parameter_supported: false,
    // RFC 9449 §5.1: said when proofs are accepted (the storage can refuse a replayed one).
    ...(dpopEnabled(config.storage) ? { dpop_signing_alg_values_supported: config.dpop.algs } : {}),
  }
  if (!config.oidc) return base
  const alg = config.oidc.signingAlg
  return {
    ...base,
    userinfo_endpoint: urls.userinfo_endpoint,
    end_session_endpoint: urls.end_session_endpoint,
    jwks_uri: urls.jwks_uri,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [alg],
    userinfo_signing_alg_values_supported: [alg],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'acr',
      'amr',
      'at_hash',
      'c_hash',
      ...Object.values(SCOPE_CLAIMS).flat(),
    ],
    claims_parameter_supported: true,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
  }
}

/** Whether this server accepts DPoP proofs: its storage can refuse a replayed one. */
export function dpopEnabled(storage: Storage): boolean {
  return typeof storage.remember === 'function'
}
