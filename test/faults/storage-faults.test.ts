import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest'
import { createFaultEnv, type Exchange, type FaultEnv, injectedError } from './support/env.js'
import { type BrokenMode, FAULT_MODES, type FaultMode, type StorageCall } from './support/faulty-storage.js'
import { clientCredentialsFlow, codeFlow, type Flow, hybridFlow, newFlowState, runFlow } from './support/flows.js'
import {
  expectCleanServerError,
  expectCodesStored,
  expectDead,
  expectNoHalfRotation,
  expectNothingLeaked,
  expectWellFormed,
  writtenTokens,
} from './support/invariants.js'

/**
 * Issue 6, "Fault injection". Each e2e flow first runs against a recording Storage wrapper, which
 * numbers every Storage call the flow makes (its call sites). Then, for each call i and each way a
 * database fails (throw, timeout, timeout after the write: FAULT_MODES), the flow runs again on a
 * fresh provider with the failure injected at call i, stops where a client would, and retries
 * that one request once, as a client would after a 5xx.
 */
interface Baseline {
  calls: StorageCall[]
  /** For each call index, the step during which the flow made it. */
  stepOf: string[]
}

async function record(flow: Flow): Promise<Baseline> {
  const env = await createFaultEnv(flow.config)
  env.faults.arm()
  const { stoppedAt } = await runFlow(env, flow, newFlowState())
  if (stoppedAt !== flow.steps.length)
    throw new Error(`${flow.name} does not complete without faults (stopped at ${flow.steps[stoppedAt]?.name})`)
  const stepOf = env.faults.calls.map(
    (call) => env.exchanges.find((e) => e.calls[0] <= call.index && call.index < e.calls[1])?.step ?? '(outside any request)',
  )
  return { calls: env.faults.calls, stepOf }
}

/** The code flow again with a refresh grace window: a retry after a lost rotation reply then succeeds. */
const codeFlowWithGrace: Flow = { ...codeFlow, name: 'code flow with a 30 s refresh grace window', config: { refreshGraceSeconds: 30 } }
const FLOWS = [codeFlow, codeFlowWithGrace, hybridFlow, clientCredentialsFlow]
const baselines = new Map<Flow, Baseline>(await Promise.all(FLOWS.map(async (flow) => [flow, await record(flow)] as const)))

/** Console output of the whole file: errors go to onError, and no line may carry a secret. */
const printed: string[] = []
const spies: MockInstance[] = []
const secretsSeen = new Set<string>()

beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' '))))
  }
})

afterAll(() => {
  for (const spy of spies) spy.mockRestore()
})

/** The values of this run a log line must not show: the env's secrets, and every code and token handed out. */
function runSecrets(env: FaultEnv): string[] {
  const values = [...env.secrets, ...env.codes.keys()]
  for (const exchange of env.exchanges) {
    for (const match of exchange.text.matchAll(/gl_(?:at|rt|ac)_[A-Za-z0-9_-]{43}/g)) values.push(match[0])
  }
  return values.filter(Boolean)
}

async function injectAndCheck(flow: Flow, baseline: Baseline, at: number, mode: FaultMode | BrokenMode): Promise<void> {
  const env = await createFaultEnv(flow.config)
  const error = injectedError(mode, at)
  env.faults.arm({ at, mode, error })
  const state = newFlowState()
  const { stoppedAt } = await runFlow(env, flow, state)
  // The same call site as in the recording: the enumeration means what it says.
  expect(env.faults.calls[at]?.method).toBe(baseline.calls[at]?.method)

  const failing = env.exchanges.find((e) => e.calls[0] <= at && at < e.calls[1]) as Exchange
  expect(failing, `call ${at} was made during a request`).toBeDefined()
  expect(failing.step).toBe(baseline.stepOf[at])
  // The request during which storage failed: a clean 500, and the flow stops there.
  expectCleanServerError(failing)
  expect(flow.steps[stoppedAt]?.name).toBe(failing.step)
  // onError is where the error goes: the very error thrown, once, and nothing else.
  expect(env.reported).toHaveLength(1)
  expect(env.reported[0]).toBe(error)

  // The client retries the failed request once; storage works again.
  const performed = env.faults.calls.slice(failing.calls[0], failing.calls[1]).filter((call) => call.performed)
  const wrote = (method: string) => performed.some((call) => call.method === method)
  const step = flow.steps[stoppedAt] as Flow['steps'][number]
  const retry = await step.send(env, state)
  expectWellFormed(retry)
  if (retry.response.status >= 400) {
    // A correct 4xx: only when the failed attempt's single-use write went through (a consumed
    // code or consent form, a rotated refresh token), and the refusal is the one RFC 6749 names.
    expect(
      wrote('consume') || wrote('rotateRefresh'),
      `${retry.step} refused (${retry.text.slice(0, 120)}) though nothing was used up`,
    ).toBe(true)
    if (/redemption|refresh/.test(retry.step)) {
      expect(JSON.parse(retry.text)).toMatchObject({ error: 'invalid_grant' })
      // RFC 6749 §4.1.2, RFC 9700 §4.14.2: the retry is a replay of a used code or refresh token,
      // which revokes the grant: what the failed attempt stored but never delivered is dead too.
      const written = writtenTokens(env, failing.calls[0], failing.calls[1])
      await expectDead(env, written, `${retry.step}: tokens stored by the failed attempt still work`)
    } else {
      // A consent form answered twice: a local page, never a redirect (docs/architecture.md "Consent and interactions").
      expect(retry.response.headers.get('content-type')).toMatch(/^text\/html/)
      expect(retry.response.headers.get('location')).toBeNull()
    }
  } else {
    // The retry succeeded: the client carries on, and the rest of the flow works as if nothing
    // had failed (a revocation retried is then seen as revoked by the next introspection).
    expect(step.keep(state, retry, env), `${retry.step}: ${retry.response.status} ${retry.text.slice(0, 200)}`).toBe(true)
    const rest = await runFlow(env, flow, state, stoppedAt + 1)
    expect(flow.steps[rest.stoppedAt]?.name, 'the flow completes after the retry').toBeUndefined()
  }
  // RFC 7009 §2.2: a storage failure never answers 200.
  if (/^revocation/.test(failing.step)) expect(failing.response.status).not.toBe(200)

  await expectNoHalfRotation(env)
  await expectCodesStored(env, env.codes)
  expectNothingLeaked(env, error)
  for (const value of runSecrets(env)) secretsSeen.add(value)
}

for (const flow of FLOWS) {
  const baseline = baselines.get(flow) as Baseline
  describe(`${flow.name}: a Storage failure at each of its ${baseline.calls.length} call sites`, () => {
    it('the recording found the call sites of every step, each made while a request was handled', () => {
      expect(baseline.calls.length).toBeGreaterThan(flow.steps.length)
      expect(baseline.stepOf).not.toContain('(outside any request)')
      expect(new Set(baseline.stepOf)).toStrictEqual(new Set(flow.steps.map((step) => step.name)))
    })

    for (const mode of FAULT_MODES) {
      for (const { index, method } of baseline.calls) {
        it(`RFC 6749 §5.2: ${method} (call ${index}, during "${baseline.stepOf[index]}") failing by ${mode} gives a clean 500 server_error, leaves nothing half-written, and a retry is served correctly`, async () => {
          await injectAndCheck(flow, baseline, index, mode)
        })
      }
    }
  })
}

describe('the fault harness itself', () => {
  it('fails a storage that swallows a failed revocation (the provider then answers 200): the properties can fail', async () => {
    const baseline = baselines.get(codeFlow) as Baseline
    const at = baseline.calls.findIndex((call) => call.method === 'revokeFamily')
    expect(at).toBeGreaterThan(0)
    await expect(injectAndCheck(codeFlow, baseline, at, 'swallowed')).rejects.toThrow(/expected 200 to be 500/)
  })
})

describe('the log side of storage failures', () => {
  it('nothing a flow handed out or holds secret is printed to the console while storage fails (errors go to onError)', () => {
    expect(secretsSeen.size).toBeGreaterThan(10)
    for (const line of printed) {
      expect(line, 'with onError set, the injected error is not printed as well').not.toMatch(/db-primary|grantline_admin/)
      for (const secret of secretsSeen) expect(line.includes(secret), `console shows ${secret.slice(0, 12)}...`).toBe(false)
    }
  })

  it('without an onError hook, a storage failure still gives the generic 500 and prints no secret', async () => {
    const before = printed.length
    const env = await createFaultEnv({ onError: undefined })
    const error = injectedError('throw', 0)
    env.faults.arm({ at: 0, mode: 'throw', error })
    await runFlow(env, codeFlow, newFlowState())
    expectCleanServerError(env.exchanges[0] as Exchange)
    expectNothingLeaked(env, error)
    for (const line of printed.slice(before)) {
      for (const secret of env.secrets) expect(line.includes(secret)).toBe(false)
    }
  })
})
