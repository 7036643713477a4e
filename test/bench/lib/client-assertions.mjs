// private_key_jwt client assertions (RFC 7523 §3) for the private_key_jwt_client_credentials scenario, made by jose before a round.
import { importJWK, SignJWT } from 'jose'

/** `count` single-use ES256 assertions of `clientId` for `aud`, each with its own jti and a 60 s life, as oauth4webapi signs them. */
export async function clientAssertions(privateJwk, clientId, aud, count) {
  const key = await importJWK(privateJwk, 'ES256')
  const iat = Math.floor(Date.now() / 1000)
  const assertions = []
  for (let i = 0; i < count; i++) {
    assertions.push(
      await new SignJWT({ jti: `${iat}-${i}-${Math.random().toString(36).slice(2)}` })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(aud)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 60)
        .sign(key),
    )
  }
  return assertions
}
