import { hmac, timingSafeEqual } from '../primitives/crypto.js'

/**
 * RFC 9449 §8: stateless server nonces. A nonce is the HMAC of a time step under the provider's
 * first secret, so every instance of the server makes and accepts the same one with nothing
 * stored; the current and the previous step are accepted (under any configured secret, so that a
 * secret rotation does not refuse proofs in flight).
 */
export interface DpopNonces {
  /** The nonce to hand out now (the `DPoP-Nonce` header). */
  current(now: number): Promise<string>
  /** Whether a proof's `nonce` is the current or the previous one. */
  accepts(nonce: string, now: number): Promise<boolean>
}

const message = (step: number) => `dpop-nonce:${step}`

export function createDpopNonces(secrets: readonly string[], stepSeconds: number): DpopNonces {
  const [first = ''] = secrets
  return {
    current: (now) => hmac(first, message(Math.floor(now / stepSeconds))),
    async accepts(nonce, now) {
      const step = Math.floor(now / stepSeconds)
      let ok = false
      for (const secret of secrets) {
        for (const candidate of [step, step - 1]) {
          // Every candidate is computed and compared: the time does not say which one matched.
          if (timingSafeEqual(nonce, await hmac(secret, message(candidate)))) ok = true
        }
      }
      return ok
    },
  }
}
