import { describe, expect, it } from 'vitest'
import { authorizeUrl, createClient, obtainCode, pkcePair, post, redeem, redirectParams } from '../security/support.js'
import { ISSUER, REDIRECT_URI, type Setup, setup } from '../support/provider.js'

/**
 * RFC 6749 §4.1.2.1 and §5.2: "Values for the error_description parameter MUST NOT include
 * characters outside the set %x20-21 / %x23-5B / %x5D-7E" (no double quote, no backslash, ASCII
 * only). Clients that validate the grammar reject anything else.
 */
const ERROR_DESCRIPTION = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/

type Case = [name: string, run: (s: Setup) => Promise<string | null | undefined>]

const fromJson = async (response: Response) => ((await response.json()) as { error_description?: string }).error_description

const cases: Case[] = [
  ['GET to the token endpoint', async (s) => fromJson(await s.provider.handle(new Request(`${ISSUER}/token/`)))],
  [
    'a JSON body',
    async (s) =>
      fromJson(
        await s.provider.handle(
          new Request(`${ISSUER}/token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
        ),
      ),
  ],
  [
    'parameters in the token endpoint URI',
    async (s) => fromJson(await s.provider.handle(new Request(`${ISSUER}/token/?client_secret=x`, { method: 'POST' }))),
  ],
  [
    'a repeated parameter',
    async (s) =>
      fromJson(
        await s.provider.handle(
          new Request(`${ISSUER}/token/`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'a=1&a=2',
          }),
        ),
      ),
  ],
  [
    'two client authentication methods',
    async (s) => {
      const c = await createClient(s)
      return fromJson(
        await post(
          s,
          'token',
          { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret },
          { id: c.client_id, secret: c.client_secret },
        ),
      )
    },
  ],
  [
    'an unsupported grant_type',
    async (s) => {
      const c = await createClient(s)
      return fromJson(await post(s, 'token', { grant_type: 'urn:example:x' }, { id: c.client_id, secret: c.client_secret }))
    },
  ],
  [
    'an unknown scope',
    async (s) => {
      const c = await createClient(s, { grant_types: ['client_credentials'], redirect_uris: [] })
      return fromJson(
        await post(s, 'token', { grant_type: 'client_credentials', scope: 'admin' }, { id: c.client_id, secret: c.client_secret }),
      )
    },
  ],
  [
    'a malformed code_verifier',
    async (s) => {
      const c = await createClient(s)
      const { code } = await obtainCode(s, c)
      return fromJson(await redeem(s, c, code, { code_verifier: 'short' }))
    },
  ],
  [
    'an unsupported response_type (redirect)',
    async (s) => {
      const c = await createClient(s)
      const url = authorizeUrl({ client_id: c.client_id, response_type: 'bogus', redirect_uri: REDIRECT_URI })
      return redirectParams(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))).get(
        'error_description',
      )
    },
  ],
  [
    'a malformed code_challenge (redirect)',
    async (s) => {
      const c = await createClient(s)
      const url = authorizeUrl({
        client_id: c.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        code_challenge: 'short',
        code_challenge_method: 'S256',
      })
      return redirectParams(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))).get(
        'error_description',
      )
    },
  ],
  [
    'an unknown scope (redirect)',
    async (s) => {
      const c = await createClient(s)
      const { challenge } = await pkcePair()
      const url = authorizeUrl({
        client_id: c.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'admin',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
      return redirectParams(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))).get(
        'error_description',
      )
    },
  ],
]

describe('error_description character set (RFC 6749 §5.2, §4.1.2.1)', () => {
  it('RFC 6749 §5.2: every error_description uses only the characters the RFC allows', async () => {
    const offenders: Record<string, string> = {}
    for (const [name, run] of cases) {
      const description = await run(setup())
      expect(description, name).toBeTruthy()
      if (!ERROR_DESCRIPTION.test(description as string)) offenders[name] = description as string
    }
    expect(offenders).toEqual({})
  })
})
