import type { ProviderConfig } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { codeFlow, introspect, refresh, register } from './support.js'

const DAY = 86_400

async function granted(overrides: Partial<ProviderConfig> = {}, scope = 'read write') {
  const s = setup(overrides)
  const reg = await register(s)
  const tokens = await codeFlow(s, reg, s.users.signIn('user-1'), { scope })
  return { s, reg, tokens, rt: tokens.refresh_token! }
}

describe('refresh token grant (oauth4webapi)', () => {
  it('RFC 6749 §6 / RFC 9700 §4.14.2: every refresh rotates the refresh token', async () => {
    const { s, reg, rt } = await granted()
    const first = await refresh(s, reg, rt)
    const second = await refresh(s, reg, first.refresh_token!)
    expect(first).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read write' })
    expect(new Set([rt, first.refresh_token, second.refresh_token]).size).toBe(3)
    expect(second.access_token).not.toBe(first.access_token)
    expect(await introspect(s, reg, second.access_token)).toMatchObject({ active: true, sub: 'user-1' })
    expect(await introspect(s, reg, second.refresh_token!)).toMatchObject({ active: true })
    // A rotated-away refresh token no longer introspects as active (RFC 7662 §2.2).
    expect(await introspect(s, reg, first.refresh_token!)).toStrictEqual({ active: false })
  })

  it("RFC 9700 §4.14.2: reusing a rotated refresh token is invalid_grant and ends the grant's tokens", async () => {
    const { s, reg, tokens, rt } = await granted()
    const next = await refresh(s, reg, rt)
    s.clock.advance(1)
    await expect(refresh(s, reg, rt)).rejects.toMatchObject({ error: 'invalid_grant', status: 400 })
    for (const token of [tokens.access_token, next.access_token, next.refresh_token!]) {
      expect(await introspect(s, reg, token)).toStrictEqual({ active: false })
    }
    await expect(refresh(s, reg, next.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('RFC 6749 §6: a refresh may narrow the scope; the grant keeps its original scope', async () => {
    const { s, reg, rt } = await granted()
    const narrow = await refresh(s, reg, rt, { scope: 'read' })
    expect(narrow.scope).toBe('read')
    expect(await introspect(s, reg, narrow.access_token)).toMatchObject({ active: true, scope: 'read' })
    // "If omitted [the scope] is treated as equal to the scope originally granted."
    const omitted = await refresh(s, reg, narrow.refresh_token!)
    expect(omitted.scope).toBe('read write')
  })

  it('RFC 6749 §6: a refresh may not widen the scope (invalid_scope)', async () => {
    const { s, reg, rt } = await granted({}, 'read')
    await expect(refresh(s, reg, rt, { scope: 'read write' })).rejects.toMatchObject({ error: 'invalid_scope' })
    // A refused request is not a use: the token still rotates normally.
    expect((await refresh(s, reg, rt)).scope).toBe('read')
  })

  it('RFC 6749 §10.4: a refresh token is bound to the client it was issued to', async () => {
    const { s, rt } = await granted()
    const other = await register(s)
    await expect(refresh(s, other, rt)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('RFC 9700 §4.14.2 grace period: the old token again within refreshGraceSeconds moves the chain', async () => {
    const { s, reg, rt } = await granted({ refreshGraceSeconds: 30 })
    const lost = await refresh(s, reg, rt)
    s.clock.advance(20)
    const retried = await refresh(s, reg, rt)
    expect(retried.refresh_token).not.toBe(lost.refresh_token)
    expect(await introspect(s, reg, lost.refresh_token!)).toStrictEqual({ active: false })
    expect(await introspect(s, reg, lost.access_token)).toStrictEqual({ active: false })
    expect(await introspect(s, reg, retried.access_token)).toMatchObject({ active: true })
    const onward = await refresh(s, reg, retried.refresh_token!)
    expect(onward.access_token).toMatch(/^gl_at_/)
  })

  it('RFC 9700 §4.14.2 grace period: reuse after the window revokes the grant', async () => {
    const { s, reg, rt } = await granted({ refreshGraceSeconds: 30 })
    const next = await refresh(s, reg, rt)
    s.clock.advance(31)
    await expect(refresh(s, reg, rt)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, next.refresh_token!)).toStrictEqual({ active: false })
    expect(await introspect(s, reg, next.access_token)).toStrictEqual({ active: false })
  })

  it('RFC 9700 §4.14.2 grace period: the window runs from the first use; retries do not extend it', async () => {
    const { s, reg, rt } = await granted({ refreshGraceSeconds: 30 })
    await refresh(s, reg, rt)
    let latest = ''
    for (const step of [10, 10, 9]) {
      s.clock.advance(step)
      latest = (await refresh(s, reg, rt)).refresh_token!
    }
    s.clock.advance(1)
    await expect(refresh(s, reg, rt)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, latest)).toStrictEqual({ active: false })
  })

  it('RFC 9700 §4.14.2 grace period: once the successor was used, the old token is a reuse', async () => {
    const { s, reg, rt } = await granted({ refreshGraceSeconds: 30 })
    const next = await refresh(s, reg, rt)
    const after = await refresh(s, reg, next.refresh_token!)
    s.clock.advance(5)
    await expect(refresh(s, reg, rt)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, after.refresh_token!)).toStrictEqual({ active: false })
  })

  it('RFC 6749 §6: with rotateRefreshTokens false the same refresh token stays usable', async () => {
    const { s, reg, rt } = await granted({ rotateRefreshTokens: false })
    const first = await refresh(s, reg, rt)
    const second = await refresh(s, reg, rt)
    expect(first.refresh_token).toBeUndefined()
    expect(second.refresh_token).toBeUndefined()
    expect(second.access_token).not.toBe(first.access_token)
    expect(await introspect(s, reg, rt)).toMatchObject({ active: true })
    expect(await introspect(s, reg, first.access_token)).toMatchObject({ active: true })
  })

  it('DOT REFRESH_TOKEN_EXPIRE_SECONDS: a refresh token unused for 14 days expires', async () => {
    const { s, reg, rt } = await granted()
    s.clock.advance(14 * DAY)
    await expect(refresh(s, reg, rt)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, rt)).toStrictEqual({ active: false })
  })

  it('docs/architecture.md "Storage": the 14-day lifetime is idle, renewed at each rotation', async () => {
    const { s, reg, rt } = await granted()
    s.clock.advance(14 * DAY - 1)
    const next = await refresh(s, reg, rt)
    s.clock.advance(14 * DAY - 1)
    const later = await refresh(s, reg, next.refresh_token!)
    expect(later.access_token).toMatch(/^gl_at_/)
    s.clock.advance(14 * DAY)
    await expect(refresh(s, reg, later.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('docs/architecture.md "Storage": rotation never outlives the grant family (90 days), nor do its access tokens', async () => {
    const { s, reg, rt } = await granted()
    let current = rt
    for (let day = 13; day <= 78; day += 13) {
      s.clock.advance(13 * DAY)
      current = (await refresh(s, reg, current)).refresh_token!
    }
    s.clock.advance(12 * DAY - 1800)
    const final = await refresh(s, reg, current)
    expect(final.expires_in).toBe(1800)
    s.clock.advance(1800)
    await expect(refresh(s, reg, final.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
  })
})
