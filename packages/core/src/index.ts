export { type LocalAccounts, localAccounts } from './accounts/local-accounts.js'
export { memoryAccountStore } from './accounts/memory-account-store.js'
export type { LocalAccountsOptions } from './accounts/options.js'
export { type LocalUsers, localUsers } from './accounts/users.js'
export { createPrivateKeyJwt, JWT_BEARER_ASSERTION, privateKeyJwt } from './client-auth/private-key-jwt.js'
export { MAX_SECRET_GRACE_SECONDS } from './clients/rotate-secret.js'
export { CLIENT_JWT_ALGS } from './clients/verify-client-jwt.js'
export type { AccountStore, SessionRecord, UserRecord } from './contracts/account-store.js'
export type {
  AccountPages,
  AccountPagesContext,
  AccountSession,
  Accounts,
  ClaimsRequest,
  HashSlots,
  LoginContext,
  VerifyPasswordContext,
} from './contracts/accounts.js'
export type { ClientAuthContext, ClientAuthMethod, ClientCredentials } from './contracts/client-auth-method.js'
export type { ClientInput, ClientsApi, ClientUpdate, CreatedClient, RotatedSecret } from './contracts/clients.js'
export type { ConsentContext } from './contracts/consent.js'
export type { AuditEvent, AuditEventInput } from './contracts/events.js'
export type { GrantConfig, GrantContext, GrantFields, GrantHandler, GrantServices, Lifetimes } from './contracts/grant-handler.js'
export type { Params } from './contracts/params.js'
export type { Provider, VerifiedToken, VerifyOptions } from './contracts/provider.js'
export type {
  ClientAuthRateLimit,
  ClientIdMetadataDocumentOptions,
  DpopOptions,
  OidcOptions,
  ParOptions,
  PkceOptions,
  ProviderConfig,
  RegistrationOptions,
  TtlOptions,
} from './contracts/provider-config.js'
export type { OnRegister, RegistrationContext, RegistrationMetadata } from './contracts/registration.js'
export type { ResourceEntry, ResourcesSetting } from './contracts/resources.js'
export type { ListenAddress, RunningServer, Serve, ServeOptions } from './contracts/serve.js'
export type { ClientKeys, RateLimiter } from './contracts/services.js'
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
} from './contracts/storage.js'
export type { IdTokenInput, Minted, TokenResponse } from './contracts/tokens.js'
export { type HtmlValue, html, raw, type SafeHtml } from './html/html.js'
export { enableRawResponses, type RawResponse, rawResponse } from './http/grantline-response.js'
export { createTurns } from './http/turns.js'
export { sha256Hex } from './primitives/crypto.js'
export {
  DEFAULT_ITERATIONS as DJANGO_DEFAULT_ITERATIONS,
  hashPassword as hashDjangoPassword,
  type VerifyPasswordOptions as VerifyDjangoPasswordOptions,
  verifyPassword as verifyDjangoPassword,
} from './primitives/django-password.js'
export { ConfigError, OAuthError, type OAuthErrorCode } from './primitives/errors.js'
export { publicJwksProblem } from './protocol/public-jwks.js'
export { canonicalRedirectUri, matchRedirectUri } from './protocol/redirect-uri.js'
export { canonicalResource } from './protocol/resources.js'
export { isPublicAddress } from './protocol/special-use-address.js'
export { createProvider } from './provider.js'
export { countHit, type HitRow, hitCountsAt } from './storage/hit-window.js'
export { applyDevicePoll } from './storage/memory-device-authorizations.js'
export { memoryStorage } from './storage/memory-storage.js'
