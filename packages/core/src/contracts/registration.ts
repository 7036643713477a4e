import type { ClientMetadata } from './storage.js'

/**
 * Client metadata as a registration asks for it (RFC 7591 §2), after validation: redirect URIs
 * canonicalised, defaults filled in, unknown members dropped. What `onRegister` receives, and
 * what it may return changed.
 */
export interface RegistrationMetadata extends ClientMetadata {
  redirect_uris: string[]
  token_endpoint_auth_method: string
  grant_types: string[]
  response_types: string[]
  client_name?: string
  /** Space-separated; empty when the request named none (then every configured scope). */
  scope: string
  /** OpenID Connect RP-Initiated Logout §3.1. */
  post_logout_redirect_uris: string[]
}

/** What `onRegister` knows of the request besides the metadata. */
export interface RegistrationContext {
  request: Request
  /** 'register' at the registration endpoint (RFC 7591 §3.1), 'update' at PUT (RFC 7592 §2.2). */
  action: 'register' | 'update'
  /** The client being updated; absent at registration. */
  client_id?: string
  /** The caller's address, when known. */
  clientAddress?: string
  /**
   * What the metadata asks beyond what the policy grants by itself (for example
   * `grant type "client_credentials"`); empty when within it. Such a request is refused unless
   * the hook returns metadata: returning undefined keeps the policy's answer.
   */
  beyondPolicy: string[]
}

/**
 * Decides a registration (or an update): return the metadata to store (the same object,
 * adjusted, or one that asks for more than the policy allows), return undefined to let the
 * policy decide, or throw an OAuthError (e.g. `invalid_client_metadata`, or `access_denied` with
 * status 403) to refuse. What it returns is validated again; it can never give a client
 * skip_authorization or introspection, nor anything the server does not support.
 */
export type OnRegister = (
  metadata: RegistrationMetadata,
  context: RegistrationContext,
) => RegistrationMetadata | undefined | null | Promise<RegistrationMetadata | undefined | null>
