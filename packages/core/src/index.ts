export type { AccountStore, SessionRecord, UserRecord } from './account-store.js'
export type {
  AccountPages,
  AccountPagesContext,
  AccountSession,
  Accounts,
  ClaimsRequest,
  LoginContext,
  VerifyPasswordContext,
} from './accounts.js'
export type { ClientAuthContext, ClientAuthMethod, ClientCredentials } from './client-auth/client-auth-method.js'
export { createPrivateKeyJwt, JWT_BEARER_ASSERTION, privateKeyJwt } from './client-auth/private-key-jwt.js'
export type { RateLimiter } from './client-auth/rate-limit.js'
export type { ClientKeys } from './clients/client-keys.js'
export { publicJwksProblem } from './clients/public-jwks.js'
export { MAX_SECRET_GRACE_SECONDS, type RotatedSecret } from './clients/rotate-secret.js'
export { isPublicAddress } from './clients/special-use-address.js'
export { CLIENT_JWT_ALGS } from './clients/verify-client-jwt.js'
export type { ClientInput, ClientsApi, ClientUpdate, CreatedClient } from './clients.js'
export type { ProviderConfig } from './config.js'
export { sha256Hex } from './crypto.js'
export type { OnRegister, RegistrationContext, RegistrationMetadata } from './endpoints/register/options.js'
export { ConfigError, OAuthError, type OAuthErrorCode } from './errors.js'
export type { AuditEvent, AuditEventInput } from './events.js'
export type { GrantConfig, GrantContext, GrantFields, GrantHandler, GrantServices } from './grants/grant-handler.js'
export {
  DEFAULT_ITERATIONS as DJANGO_DEFAULT_ITERATIONS,
  hashPassword as hashDjangoPassword,
  type VerifyPasswordOptions as VerifyDjangoPasswordOptions,
  verifyPassword as verifyDjangoPassword,
} from './hashing/django-password.js'
export type { HashSlots } from './hashing/hash-slots.js'
export { type HtmlValue, html, raw, type SafeHtml } from './html/html.js'
export type { Params } from './http/form.js'
export { enableRawResponses, type RawResponse, rawResponse } from './http/grantline-response.js'
export { type LocalAccounts, localAccounts } from './local-accounts/local-accounts.js'
export { memoryAccountStore } from './local-accounts/memory-account-store.js'
export type { LocalAccountsOptions } from './local-accounts/options.js'
export { type LocalUsers, localUsers } from './local-accounts/users.js'
export { applyDevicePoll } from './memory-device-authorizations.js'
export { memoryStorage } from './memory-storage.js'
export type { IdTokenInput } from './oidc/id-token.js'
export type { ConsentContext } from './pages/consent-page.js'
export { createProvider, type Provider } from './provider.js'
export { canonicalRedirectUri, matchRedirectUri } from './redirect-uri.js'
export type { ResourceEntry, ResourcesSetting } from './resources.js'
export { canonicalResource } from './resources.js'
export type { ListenAddress, RunningServer, Serve, ServeOptions } from './serve-contract.js'
export type {
  AccessTokenRecord,
  CleanupOptions,
  Client,
  ClientMetadata,
  ClientType,
  CodeRecord,
  Consent,
  Consumables,
  ConsumeResult,
  DeviceAuthorization,
  DeviceAuthorizationStatus,
  DeviceDecision,
  DevicePollResult,
  Family,
  HitCounts,
  InitialAccessToken,
  Interaction,
  IssuedTokens,
  PushedRequest,
  RefreshTokenRecord,
  RotateResult,
  SigningKeyRecord,
  Storage,
  StorageCapabilities,
  TokenEndpointAuthMethod,
  TokenWithFamily,
} from './storage.js'
export type { Minted, TokenResponse } from './tokens.js'
export type { VerifiedToken, VerifyOptions } from './verify-access-token.js'
