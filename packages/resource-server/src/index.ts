export type { BearerError } from './challenge.js'
export { createResourceServer } from './create-resource-server.js'
export { ConfigError } from './errors.js'
export type { ProtectedResourceMetadata } from './metadata.js'
export { canonicalResource } from './resource-uri.js'
export type {
  CommonOptions,
  ProviderAccess,
  RemoteOptions,
  ResourceServer,
  ResourceServerOptions,
  SameProcessOptions,
  SameProcessProvider,
  VerifiedAccess,
} from './types.js'
