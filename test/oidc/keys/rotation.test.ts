import { describe, expect, it } from 'vitest'
import { fetchJwks, keysSetup, kidOf, nowOf, publishedKids, signedInRp, verifyThroughJwks } from './support.js'

/** Moves the provider's clock to an epoch second. */
const at = (s: ReturnType<typeof keysSetup>, seconds: number) => s.clock.set(seconds * 1000)

describe('signing key rotation (docs/architecture.md "Formats": next -> active -> retired)', () => {
  it('OIDC Core §10.1.1: an ID Token signed by the old key still verifies through the JWKS after the new key took over', async () => {
    const s = keysSetup()
    const rp = await signedInRp(s)
    const old = rp.firstIdToken
    const { activate_at } = await s.provider.rotateSigningKey()
    at(s, activate_at)
    const fresh = await rp.freshIdToken()
    expect(kidOf(fresh)).not.toBe(kidOf(old))

    expect(await publishedKids(s)).toEqual([kidOf(old), kidOf(fresh)].sort())
    await expect(verifyThroughJwks(s, old, rp.clientId)).resolves.toMatchObject({ sub: 'user-1' })
    await expect(verifyThroughJwks(s, fresh, rp.clientId)).resolves.toMatchObject({ sub: 'user-1' })
  })

  it('OIDC Core §10.1.1: a rotated key is published at once and signs only jwksMaxAge + 60 s later', async () => {
    const s = keysSetup({ jwksMaxAge: 300 })
    const rp = await signedInRp(s)
    const oldKid = kidOf(rp.firstIdToken)
    expect(await publishedKids(s)).toEqual([oldKid])

    const rotatedAt = nowOf(s)
    const { response: before } = await fetchJwks(s)
    const rotated = await s.provider.rotateSigningKey()
    // A JWKS max-age, plus the 60 s within which every instance re-reads its keys.
    expect(rotated.activate_at).toBe(rotatedAt + 300 + 60)
    expect(await publishedKids(s)).toEqual([oldKid, rotated.kid].sort())
    expect(kidOf(await rp.freshIdToken())).toBe(oldKid)

    at(s, rotated.activate_at - 1)
    expect(kidOf(await rp.freshIdToken())).toBe(oldKid)
    at(s, rotated.activate_at)
    expect(kidOf(await rp.freshIdToken())).toBe(rotated.kid)
    expect(await publishedKids(s)).toEqual([oldKid, rotated.kid].sort())

    // A relying party that cached the key set just before the rotation has re-fetched it by then.
    const maxAge = Number(/max-age=(\d+)/.exec(before.headers.get('cache-control') ?? '')?.[1])
    expect(rotatedAt + maxAge).toBeLessThan(rotated.activate_at)
  })

  it.each([
    { idTokenTtl: 600, accessToken: 3600, retain: 3600 },
    { idTokenTtl: 7200, accessToken: 900, retain: 7200 },
  ])(
    'OIDC Core §10.1.1: a retired key stays published max(idTokenTtl, ttl.accessToken) after its successor activates, then goes ($retain s)',
    async ({ idTokenTtl, accessToken, retain }) => {
      const s = keysSetup({ idTokenTtl }, { ttl: { accessToken } })
      const rp = await signedInRp(s)
      const oldKid = kidOf(rp.firstIdToken)
      const rotated = await s.provider.rotateSigningKey()

      // The last ID Token the old key signs, one second before its successor takes over.
      at(s, rotated.activate_at - 1)
      const last = await rp.freshIdToken()
      expect(kidOf(last)).toBe(oldKid)
      at(s, rotated.activate_at)
      expect(kidOf(await rp.freshIdToken())).toBe(rotated.kid)

      const { exp } = await verifyThroughJwks(s, last, rp.clientId)
      expect(exp).toBeLessThanOrEqual(rotated.activate_at + retain)
      at(s, exp! - 1)
      await expect(verifyThroughJwks(s, last, rp.clientId)).resolves.toMatchObject({ sub: 'user-1' })

      at(s, rotated.activate_at + retain - 1)
      expect(await publishedKids(s)).toEqual([oldKid, rotated.kid].sort())
      at(s, rotated.activate_at + retain)
      expect(await publishedKids(s)).toEqual([rotated.kid])
    },
  )

  it('docs/architecture.md "Formats": another instance on the same storage publishes the rotated key within 60 s, and switches at the same second', async () => {
    const a = keysSetup()
    const b = keysSetup({}, { now: a.clock.now }, a.storage)
    const rp = await signedInRp(b)
    const oldKid = kidOf(rp.firstIdToken)
    expect(await publishedKids(a)).toEqual([oldKid])

    const rotated = await a.provider.rotateSigningKey()
    a.clock.advance(60)
    expect(await publishedKids(b)).toEqual([oldKid, rotated.kid].sort())
    at(a, rotated.activate_at - 1)
    expect(kidOf(await rp.freshIdToken())).toBe(oldKid)
    at(a, rotated.activate_at)
    expect(kidOf(await rp.freshIdToken())).toBe(rotated.kid)
  })

  it('RFC 9111 §5.2.2.1: the JWKS is cacheable for exactly jwksMaxAge (Cache-Control: public, max-age=...)', async () => {
    for (const [oidc, maxAge] of [
      [{}, 600],
      [{ jwksMaxAge: 120 }, 120],
    ] as const) {
      const { response, jwks } = await fetchJwks(keysSetup(oidc))
      expect(response.headers.get('cache-control')).toBe(`public, max-age=${maxAge}`)
      expect(response.headers.get('content-type')).toBe('application/jwk-set+json')
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
      expect(jwks.keys).toHaveLength(1)
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(jwks.keys[0]).not.toHaveProperty(member)
    }
  })
})
