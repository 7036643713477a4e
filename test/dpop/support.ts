import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import * as oauth from 'oauth4webapi'
import { ISSUER } from '../support/provider.js'

export const TOKEN_ENDPOINT = `${ISSUER}/token/`

/** A client's DPoP key pair (ES256, the algorithm most clients use). */
export async function dpopKeys(alg = 'ES256'): Promise<CryptoKeyPair> {
  return generateKeyPair(alg, { extractable: true })
}

/** RFC 7638 thumbprint of a key pair's public key, as `cnf.jkt` names it. */
export async function thumbprint(keys: CryptoKeyPair): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(keys.publicKey), 'sha256')
}

export interface ProofClaims {
  htm?: string
  htu?: string
  iat?: number
  jti?: string
  ath?: string
  nonce?: string
}

export interface ProofHeader {
  typ?: string
  alg?: string
  /** Replaces the embedded key (a private one, another's). */
  jwk?: JWK
}

/**
 * A DPoP proof made by hand (RFC 9449 §4.2), for the negative tests a real client never sends:
 * POST to the token endpoint, now, a fresh jti, unless told otherwise.
 */
export async function proof(keys: CryptoKeyPair, claims: ProofClaims = {}, header: ProofHeader = {}): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: 'POST',
    htu: TOKEN_ENDPOINT,
    iat: Math.floor(Date.now() / 1000),
    jti: crypto.randomUUID(),
    ...claims,
  }
  return new SignJWT(payload)
    .setProtectedHeader({
      typ: header.typ ?? 'dpop+jwt',
      alg: header.alg ?? 'ES256',
      jwk: header.jwk ?? (await exportJWK(keys.publicKey)),
    })
    .sign(keys.privateKey)
}

/** RFC 9449 §4.2 `ath`: base64url SHA-256 of the access token. */
export async function ath(token: string): Promise<string> {
  return oauth.calculatePKCECodeChallenge(token)
}
