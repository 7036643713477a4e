import * as v from 'valibot'

/**
 * The `par` setting (RFC 9126): `required` refuses an authorization request that was not pushed
 * (RFC 9126 §5); `ttl` is the lifetime of a request_uri in seconds (the `expires_in` of RFC 9126
 * §2.2), at most 600 since the user is only being redirected.
 */
export const parSchema = v.optional(
  v.strictObject({
    required: v.optional(v.boolean(), false),
    ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600, 'par.ttl is at most 600 seconds')), 60),
  }),
  {},
)

export type ParConfig = v.InferOutput<typeof parSchema>
