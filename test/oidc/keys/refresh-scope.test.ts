import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { basic, form, ISSUER, REDIRECT_URI, setup } from '../../support/provider.js'

const keyEncryptionKey = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
const verifier = 'v'.repeat(43)
const challenge = createHash('sha256').update(verifier).digest('base64url')

async function refreshedWith(scope: string) {
  const s = setup({ oidc: { keyEncryptionKey, signingAlg: 'ES256' } })
  const { client, client_secret } = await s.provider.clients.create({
    client_name: 'RP',
    redirect_uris: [REDIRECT_URI],
    skip_authorization: true,
  })
  const auth = { authorization: basic(client.client_id, client_secret as string) }
  const query = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid read',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  const redirect = await s.fetch(`${ISSUER}/authorize/?${query}`, { headers: { cookie: s.users.signIn('user-1') } })
  const code = new URL(redirect.headers.get('location') as string).searchParams.get('code') as string
  const post = (values: Record<string, string>) => {
    const init = form(values)
    return s.fetch(`${ISSUER}/token/`, { ...init, headers: { ...init.headers, ...auth } })
  }
  const first = (await (
    await post({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier })
  ).json()) as Record<string, string>
  expect(first.id_token).toBeDefined()
  return (await (await post({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, scope })).json()) as Record<
    string,
    string
  >
}

describe('refresh narrowed by scope', () => {
  it('OIDC Core §12.2: a refresh narrowed to scopes without openid returns no ID Token', async () => {
    const body = await refreshedWith('read')
    expect(body.scope).toBe('read')
    expect(body).not.toHaveProperty('id_token')
  })

  it('OIDC Core §12.2: a refresh that keeps openid returns an ID Token', async () => {
    const body = await refreshedWith('openid')
    expect(body.scope).toBe('openid')
    expect(body.id_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
  })
})
