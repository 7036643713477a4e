import * as v from 'valibot'
import type { Storage } from '../contracts/storage.js'
import { ConfigError } from '../primitives/errors.js'

/** RFC 9449 §4.2: the asymmetric JWS algorithms a DPoP proof may be signed with. */
export const DPOP_ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const
export type DpopAlg = (typeof DPOP_ALGS)[number]

const seconds = v.pipe(v.number(), v.integer(), v.minValue(1))

/** The `dpop` setting (RFC 9449): proofs are accepted whenever the storage can remember their `jti`. */
export const dpopSchema = v.optional(
  v.strictObject({
    /** Refuse a token request without a DPoP proof (every client), so that no Bearer token is issued. */
    required: v.optional(v.boolean(), false),
    /** RFC 9449 §8 and §9: require a server nonce in every proof, answered by `use_dpop_nonce`. */
    nonce: v.optional(v.boolean(), false),
    /** How long a nonce is current; the previous one is accepted for as long again. */
    nonceSeconds: v.optional(seconds, 300),
    /** RFC 9449 §11.1: how old (by `iat`) a proof may be. */
    proofMaxAge: v.optional(seconds, 60),
    /** How far in the future a proof's `iat` may be, for clocks that run ahead. */
    clockSkew: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 5),
    /** The signature algorithms accepted, a subset of ES256, RS256, PS256 and EdDSA. */
    algs: v.optional(v.pipe(v.array(v.picklist(DPOP_ALGS, 'dpop.algs may name ES256, RS256, PS256 and EdDSA')), v.minLength(1)), [
      ...DPOP_ALGS,
    ]),
  }),
  {},
)

export type ResolvedDpop = v.InferOutput<typeof dpopSchema>

/**
 * A proof's `jti` is single use (RFC 9449 §11.1), which needs the storage's atomic `remember`.
 * Without it DPoP is off; asking for it then is a start-up error.
 */
export function checkDpop(options: ResolvedDpop, storage: Storage): void {
  if ((options.required || options.nonce) && typeof storage.remember !== 'function') {
    throw new ConfigError(
      'ERR_DPOP_NEEDS_REMEMBER',
      'dpop: DPoP proofs are single use (RFC 9449 section 11.1), which needs a Storage with remember()',
    )
  }
}
