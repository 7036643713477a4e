import { describe, type ExpectStatic, it } from 'vitest'
import { BASE, createFuzzFixture } from './support/fixture.js'
import {
  validAccountLogoutRequest,
  validLoginRequest,
  validLogoutRequest,
  validManageRequest,
  validMetadataRequest,
} from './support/page-requests.js'
import {
  validAuthorizationGet,
  validAuthorizationPost,
  validConsentDecision,
  validTokenQuery,
  validTokenRequest,
  validUserinfoRequest,
} from './support/requests.js'
import { type EndpointFuzz, FUZZ_RUNS, type FuzzStats, fuzzEndpoint, labels, summary } from './support/run.js'

/**
 * Issue 6, "Fuzzing": FUZZ_RUNS (10,000) random and mutated requests per endpoint, in-process with
 * seed 42, each checked by `checkExchange`: never a 5xx; RFC 6749 §5.2 errors (no-store, the
 * endpoint's error codes, error_description within %x20-21 / %x23-5B / %x5D-7E) from the JSON
 * endpoints; HTML with the page headers from the pages; redirects only to a registered URI or a
 * local path; no stack trace and no secret known to the test in any body or header. Each test
 * then checks the cases got past the first checks (the outcomes it must have seen).
 *
 * Concurrent: the cases wait on Web Crypto (HMAC, ECDSA, PBKDF2) in the thread pool, and the
 * suites fill each other's waits. Each has its own fixture, so none sees another's state.
 */
async function fuzz(expect: ExpectStatic, spec: EndpointFuzz, expected: string[]): Promise<FuzzStats> {
  const stats = await fuzzEndpoint(await createFuzzFixture(), spec)
  if (process.env.GRANTLINE_FUZZ_REPORT) console.info(`${spec.path}: ${summary(stats)}`)
  for (const label of expected) expect(labels(stats), summary(stats)).toContain(label)
  expect(stats.unsendable, 'cases the Request constructor refused').toBeLessThan(stats.cases / 20)
  return stats
}

const TIMEOUT = { timeout: 600_000 }

describe.concurrent(`fuzzing every endpoint with ${FUZZ_RUNS} cases each`, () => {
  it(
    'RFC 6749 §4.1.2.1: GET authorization requests never answer 5xx, redirect only to a registered redirect_uri or a local path, and show errors on a page otherwise',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/authorize/`, valid: validAuthorizationGet }, [
        '200',
        '302 granted',
        '302 /accounts/login/',
        '302 invalid_request',
        '302 invalid_scope',
        '302 consent_required',
        '400',
      ])
    },
  )

  it(
    'OIDC Core §3.1.2.1: POST authorization requests hold the same properties, and a redirect answering a POST is a 303',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/authorize/`, valid: validAuthorizationPost }, [
        '200',
        '303 granted',
        '303 invalid_request',
        '400',
      ])
    },
  )

  it(
    'docs/architecture.md "Consent and interactions": consent decisions never answer 5xx, and only an intact form of the same session redirects',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/authorize/`, valid: validConsentDecision }, ['303 granted', '303 access_denied', '200', '400'])
    },
  )

  it(
    'RFC 6749 §5.2: token requests never answer 5xx; refusals are §5.2 errors with no-store, and every token returned is stored',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/token/`, valid: validTokenRequest }, [
        '200',
        '400 invalid_request',
        '401 invalid_client',
        '400 invalid_client',
        '400 invalid_grant',
        '400 invalid_scope',
        '400 unauthorized_client',
        '400 unsupported_grant_type',
        '405 invalid_request',
        '413 invalid_request',
      ])
    },
  )

  it('RFC 7009 §2.2: revocation requests never answer 5xx; refusals are §5.2 errors with no-store', TIMEOUT, async ({ expect }) => {
    await fuzz(expect, { path: `${BASE}/revoke_token/`, valid: (fx, v) => validTokenQuery(fx, v, 'revoke_token') }, [
      '200',
      '400 invalid_request',
      '401 invalid_client',
      '405 invalid_request',
    ])
  })

  it(
    'RFC 7662 §2.2: introspection requests never answer 5xx, and an inactive answer is exactly {"active":false}',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/introspect/`, valid: (fx, v) => validTokenQuery(fx, v, 'introspect') }, [
        '200',
        '400 invalid_request',
        '401 invalid_client',
      ])
    },
  )

  it(
    'OIDC Core §5.3 / RFC 6750 §3: UserInfo requests never answer 5xx, and refusals carry a Bearer challenge naming an RFC 6750 error',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/userinfo/`, valid: validUserinfoRequest }, [
        '200',
        '204',
        '401',
        '401 invalid_token',
        '403 insufficient_scope',
        '400 invalid_request',
        '405 invalid_request',
      ])
    },
  )

  it(
    'RP-Initiated Logout 1.0 §3: logout requests never answer 5xx and redirect only to a registered post_logout_redirect_uri or a local path',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/logout/`, valid: validLogoutRequest }, ['200', '400', '303 /bye', '303 /o/logout/'])
    },
  )

  for (const path of [
    `${BASE}/.well-known/jwks.json`,
    `${BASE}/.well-known/openid-configuration`,
    `/.well-known/oauth-authorization-server${BASE}`,
  ]) {
    it(`RFC 8414 §3 / RFC 7517: requests to ${path} never answer 5xx, and the document is JSON`, TIMEOUT, async ({ expect }) => {
      await fuzz(expect, { path, valid: validMetadataRequest(path) }, ['200'])
    })
  }

  it(
    'DOT management views: the application and authorized-token pages never answer 5xx, answer HTML with the page headers, and redirect only to local paths',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: `${BASE}/applications/`, valid: validManageRequest }, [
        '200',
        '201',
        '303 /o/applications/',
        '303 /o/authorized_tokens/',
        '400',
        '403',
        '404',
        '405',
      ])
    },
  )

  it(
    'docs/architecture.md "Identity": the login page never answers 5xx, and a sign-in redirects only to a local path',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: '/accounts/login/', valid: validLoginRequest }, ['200', '303 /', '303 /o/applications/', '403', '400'])
    },
  )

  it(
    'docs/architecture.md "Identity": the logout page never answers 5xx, and a sign-out redirects only to a local path',
    TIMEOUT,
    async ({ expect }) => {
      await fuzz(expect, { path: '/accounts/logout/', valid: validAccountLogoutRequest }, [
        '200',
        '303 /after',
        '303 /accounts/login/',
        '403',
      ])
    },
  )
})
