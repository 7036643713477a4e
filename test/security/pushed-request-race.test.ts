import { sqlStorage } from '@grantline/sql'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, register, via } from '../e2e/support.js'
import { postgresSchema } from '../sql/support/postgres.js'
import { ISSUER, REDIRECT_URI, setup } from '../support/provider.js'

const N = 20
const pg = await postgresSchema()

describe('pushed authorization requests on PostgreSQL (a pool of connections)', () => {
  it(`RFC 9126 §7.3: ${N} simultaneous uses of one request_uri: one consent page, every other use invalid_request_uri`, async () => {
    const driver = pg.open(N)
    await pg.migrate(driver)
    const s = setup({}, sqlStorage(driver, { dialect: 'postgres' }))
    const reg = await register(s)
    const par: oauth.AuthorizationServer = { ...as, pushed_authorization_request_endpoint: `${ISSUER}/par/` }
    const response = await oauth.pushedAuthorizationRequest(
      par,
      reg.client,
      reg.auth,
      {
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
        code_challenge_method: 'S256',
      },
      via(s),
    )
    const { request_uri } = await oauth.processPushedAuthorizationResponse(par, reg.client, response)
    const url = `${ISSUER}/authorize/?${new URLSearchParams({ client_id: reg.client.client_id, request_uri })}`
    const cookie = s.users.signIn('user-1')
    const answers = await Promise.all(Array.from({ length: N }, () => s.provider.handle(new Request(url, { headers: { cookie } }))))
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(1)
    expect(statuses.filter((status) => status === 400)).toHaveLength(N - 1)
    for (const answer of answers.filter((a) => a.status === 400)) expect(await answer.text()).toContain('invalid_request_uri')
  })
})
