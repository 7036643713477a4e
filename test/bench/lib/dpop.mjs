// DPoP proofs (RFC 9449 §4.2) for the dpop_client_credentials scenario, made by jose before a round.
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

export { generateKeyPair }

/** `count` single-use proofs for POST `htu`, each with its own jti and the current iat. */
export async function dpopProofs(keys, htu, count) {
  const jwk = await exportJWK(keys.publicKey)
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk }
  const iat = Math.floor(Date.now() / 1000)
  const proofs = []
  for (let i = 0; i < count; i++) {
    proofs.push(
      await new SignJWT({ htm: 'POST', htu, iat, jti: `${iat}-${i}-${Math.random().toString(36).slice(2)}` })
        .setProtectedHeader(header)
        .sign(keys.privateKey),
    )
  }
  return proofs
}
