import type { Family } from './storage.js'

export interface IdTokenInput {
  family: Family
  now: number
  /** Included for the authorization response and the code's token response, not at refresh (OIDC Core §12.2). */
  nonce?: string | null
  accessToken?: string
  code?: string
}

/** RFC 6749 §5.1. */
export interface TokenResponse {
  access_token: string
  /** RFC 9449 §5: 'DPoP' when the access token is bound to the proof's key. */
  token_type: 'Bearer' | 'DPoP'
  expires_in: number
  refresh_token?: string
  scope: string
  [extension: string]: unknown
}

export interface Minted<T> {
  value: string
  record: T
}
