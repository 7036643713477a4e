import type { Accounts } from './accounts.js'
import type { ClientAuthMethod } from './client-auth-method.js'
import type { ConsentContext } from './consent.js'
import type { AuditEvent } from './events.js'
import type { GrantHandler, Lifetimes } from './grant-handler.js'
import type { OnRegister } from './registration.js'
import type { ResourcesSetting } from './resources.js'
import type { RateLimiter } from './services.js'
import type { Storage } from './storage.js'

// The configuration as the endpoints read it: ProviderConfig after validation, every default filled
// in. Written out (the config folder checks at compile time that its schema's output matches).

export type DpopAlg = 'ES256' | 'RS256' | 'PS256' | 'EdDSA'

export interface ResolvedDpop {
  required: boolean
  nonce: boolean
  nonceSeconds: number
  proofMaxAge: number
  clockSkew: number
  algs: DpopAlg[]
}

export interface ResolvedRegistration {
  policy: 'open' | 'token'
  onRegister?: OnRegister | undefined
  rateLimit: false | { max: number; windowSeconds: number }
  unusedClientDays: number
}

export interface ResolvedOidc {
  keyEncryptionKey: string
  signingAlg: 'RS256' | 'ES256' | 'EdDSA'
  jwksMaxAge: number
  idTokenTtl: number
  createKeysOnDemand: boolean
  revokeOnLogout: boolean
}

export interface ResolvedConfig {
  issuer: string
  basePath: string
  storage: Storage
  accounts: Accounts
  secrets: string[]
  scopes: Record<string, string>
  defaultScopes: string[]
  ttl: Lifetimes
  rotateRefreshTokens: boolean
  refreshGraceSeconds: number
  pkce: { required: 'all' | 'public' | 'none'; allowPlain: boolean }
  grantTypes: string[]
  allowLocalhostLoopback: boolean
  approvalPrompt: 'auto' | 'force'
  oidc?: ResolvedOidc | undefined
  resources?: ResourcesSetting | undefined
  managementPages: boolean
  grants: GrantHandler[]
  clientAuthMethods: ClientAuthMethod[]
  renderConsent?: ((context: ConsentContext) => Response | Promise<Response>) | undefined
  onError?: ((error: unknown, request: Request) => unknown) | undefined
  onEvent?: ((event: AuditEvent) => unknown) | undefined
  onWarning?: ((message: string) => unknown) | undefined
  rateLimit: false | { maxFailures: number; windowSeconds: number; limiter?: RateLimiter | undefined }
  now: () => number
  fetch?: typeof fetch | undefined
  clientIdMetadataDocuments?:
    | {
        allow?: ((url: URL) => boolean | Promise<boolean>) | undefined
        cacheSeconds: { min: number; max: number }
        maxBytes: number
        timeoutMs: number
      }
    | undefined
  clientAddress?: ((request: Request) => string | undefined) | undefined
  registration?: ResolvedRegistration | undefined
  dpop: ResolvedDpop
  par: { required: boolean; ttl: number }
  profile?: 'fapi2' | undefined
  /** Epoch seconds from the injected clock. */
  seconds(): number
}
