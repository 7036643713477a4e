import { describe, expect, it } from 'vitest'
import { ORIGIN, setupAccounts } from './support.js'

describe('users.setPassword', () => {
  it('Django: changing a password ends every session of the user', async () => {
    const s = await setupAccounts()
    await s.logIn('alice', 'correct horse')
    const signedIn = () => s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie: s.jar.header() } }))
    expect((await signedIn())?.sub).toBe(s.alice.sub)
    await s.accounts.users.setPassword('alice', 'a new long passphrase')
    expect(await signedIn()).toBeNull()
    expect(await s.accounts.verifyPassword?.('alice', 'a new long passphrase')).toEqual({ sub: s.alice.sub })
  })
})
