import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { codeFlow, csrfFor, get, introspect, post, registerApp, TOKENS } from './helpers.js'

const revokePath = (html: string) => /href="(\/o\/authorized_tokens\/[^"]+\/delete\/)"/.exec(html)?.[1] ?? ''

async function authorized() {
  const s = setup()
  const bob = s.users.signIn('user-2')
  const alice = s.users.signIn('user-1')
  const { clientId, secret } = await registerApp(s, bob, { client_name: 'Photo Printer' })
  const tokens = await codeFlow(s, alice, clientId, secret!, 'read')
  return { s, alice, bob, clientId, secret: secret!, tokens }
}

describe('authorized tokens (DOT AuthorizedTokensList, AuthorizedTokenDelete)', () => {
  it('lists the consent given through the code flow, with the client name and scopes', async () => {
    const { s, alice } = await authorized()
    for (const path of [TOKENS, '/o/authorized_tokens']) {
      const response = await get(s, path, alice)
      expect(response.status).toBe(200)
      const html = await response.text()
      expect(html).toContain('<caption>Applications you have authorized</caption>')
      expect(html).toContain('Photo Printer')
      expect(html).toContain('Reading scope <code>read</code>')
      expect(html).not.toContain('<code>write</code>')
      expect(revokePath(html)).toMatch(/^\/o\/authorized_tokens\/.+\/delete\/$/)
    }
  })

  it('another user sees none of it', async () => {
    const { s, bob } = await authorized()
    const html = await (await get(s, TOKENS, bob)).text()
    expect(html).toContain('You have not authorized any application.')
    expect(html).not.toContain('Photo Printer')
  })

  it('RFC 7009 §2.1 spirit: revoking the grant makes the access and refresh tokens from it inactive (RFC 7662 §2.2)', async () => {
    const { s, alice, clientId, secret, tokens } = await authorized()
    expect(await introspect(s, clientId, secret, tokens.access_token)).toMatchObject({ active: true, sub: 'user-1' })
    const path = revokePath(await (await get(s, TOKENS, alice)).text())

    const confirm = await get(s, path, alice)
    expect(confirm.status).toBe(200)
    const html = await confirm.text()
    expect(html).toContain('Revoke access of Photo Printer?')
    const response = await post(s, path, alice, { csrf: await csrfFor(s, alice) })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(TOKENS)

    expect(await introspect(s, clientId, secret, tokens.access_token)).toEqual({ active: false })
    expect(await introspect(s, clientId, secret, tokens.refresh_token!)).toEqual({ active: false })
    expect(await (await get(s, TOKENS, alice)).text()).not.toContain('Photo Printer')
    expect((await get(s, path, alice)).status).toBe(404)
  })

  it("another user can neither see nor revoke the user's consent", async () => {
    const { s, bob, clientId, secret, tokens, alice } = await authorized()
    const path = revokePath(await (await get(s, TOKENS, alice)).text())
    expect((await get(s, path, bob)).status).toBe(404)
    expect((await post(s, path, bob, { csrf: await csrfFor(s, bob) })).status).toBe(404)
    expect(await introspect(s, clientId, secret, tokens.access_token)).toMatchObject({ active: true })
  })

  it('an unknown consent id is 404', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    expect((await get(s, `${TOKENS}nope/delete/`, alice)).status).toBe(404)
    expect((await post(s, `${TOKENS}nope/delete/`, alice, { csrf: await csrfFor(s, alice) })).status).toBe(404)
  })
})
