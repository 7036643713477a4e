import fc from 'fast-check'
import { type FuzzCase, fuzzCase } from './arbitraries.js'
import { checkExchange } from './checks.js'
import { BASE, CHALLENGE, type FuzzFixture, ISSUER, OTHER_VERIFIER, VERIFIER } from './fixture.js'
import { describe as describeModel, echoable, getModel, type RequestModel, toRequest } from './model.js'
import { applyMutations, type MutationContext } from './mutations.js'
import { PropertyViolation } from './oauth-errors.js'

/**
 * Cases per endpoint: 10,000 in CI, with a fixed seed so a failure reproduces.
 * GRANTLINE_FUZZ_RUNS overrides it for a local run (longer to search, shorter to debug).
 */
export const FUZZ_RUNS = Number(process.env.GRANTLINE_FUZZ_RUNS ?? 0) || 10_000
export const FUZZ_SEED = 42

/** Every endpoint path, for the mutation that sends a request to the wrong endpoint. */
export const ENDPOINT_PATHS = [
  `${BASE}/authorize/`,
  `${BASE}/token/`,
  `${BASE}/revoke_token/`,
  `${BASE}/introspect/`,
  `${BASE}/userinfo/`,
  `${BASE}/logout/`,
  `${BASE}/.well-known/jwks.json`,
  `${BASE}/.well-known/openid-configuration`,
  `/.well-known/oauth-authorization-server${BASE}`,
  `${BASE}/applications/`,
  `${BASE}/applications/register/`,
  `${BASE}/authorized_tokens/`,
  '/accounts/login/',
  '/accounts/logout/',
  `${BASE}/unknown/`,
  '/',
]

export interface ValidRequest {
  model: RequestModel
  /** Values of this run (a fresh code, tokens, form fields) that mutations may move around. */
  pool?: string[]
}

export interface EndpointFuzz {
  /** Where requests built from nothing go. */
  path: string
  /** A valid request of the given variant, built fresh for each case (codes are single-use). */
  valid(fx: FuzzFixture, variant: number): Promise<ValidRequest>
}

/** What the cases reached: statuses and error codes, so a suite can show it went past the first check. */
export interface FuzzStats {
  cases: number
  unsendable: number
  outcomes: Map<string, number>
}

function staticPool(fx: FuzzFixture): string[] {
  const clients = Object.values(fx.clients)
  return [
    ...clients.map(({ client }) => client.client_id),
    ...clients.flatMap(({ secret }) => (secret ? [secret] : [])),
    ...fx.redirectUris,
    ...fx.postLogoutUris,
    VERIFIER,
    CHALLENGE,
    OTHER_VERIFIER,
    'alice',
    'bob',
    fx.users.alice.sub,
    ISSUER,
    'openid profile read write',
  ]
}

/**
 * Runs FUZZ_RUNS cases against one endpoint in-process: each case builds a fresh valid request
 * (or nothing), applies its mutations, sends it and checks the response (`checkExchange`). The
 * fake clock moves a second per case so time-based state (lockouts, expiries) keeps changing.
 */
export async function fuzzEndpoint(fx: FuzzFixture, spec: EndpointFuzz): Promise<FuzzStats> {
  const stats: FuzzStats = { cases: 0, unsendable: 0, outcomes: new Map() }
  const pool = staticPool(fx)
  const property = fc.asyncProperty(fuzzCase, async (c: FuzzCase) => {
    fx.clock.advance(1)
    stats.cases++
    const base: ValidRequest =
      c.base === 'valid' ? await spec.valid(fx, c.variant) : { model: { ...getModel(spec.path), method: c.variant % 2 ? 'POST' : 'GET' } }
    const ctx: MutationContext = { pool: [...(base.pool ?? []), ...pool], sessions: fx.sessions, paths: ENDPOINT_PATHS }
    const model = applyMutations(base.model, c.mutations, ctx)
    const request = toRequest(model)
    if (!request) {
      stats.unsendable++
      return
    }
    const response = await fx.handle(request)
    let echo: string | undefined
    try {
      // The parameters as the server reads them, unless raw bytes or junk make that uncertain.
      const known = model.rawQuery === '' && model.body.kind !== 'raw' && model.body.kind !== 'json'
      const params = known ? [...model.query, ...(model.body.kind === 'form' ? model.body.pairs : [])] : undefined
      const label = await checkExchange(fx, { request, response, echo: () => (echo ??= echoable(model)), ...(params ? { params } : {}) })
      stats.outcomes.set(label, (stats.outcomes.get(label) ?? 0) + 1)
    } catch (error) {
      if (error instanceof PropertyViolation) throw new PropertyViolation(`${error.message}\n  request: ${describeModel(model)}`)
      throw error
    }
  })
  await fc.assert(property, { seed: FUZZ_SEED, numRuns: FUZZ_RUNS })
  return stats
}

/** The labels of a run, most frequent first, for a failure message. */
export function summary(stats: FuzzStats): string {
  return [...stats.outcomes]
    .sort((a, b) => b[1] - a[1])
    .map(([label, count]) => `${label}: ${count}`)
    .join(', ')
}

/** Every outcome label seen. */
export function labels(stats: FuzzStats): string[] {
  return [...stats.outcomes.keys()]
}
