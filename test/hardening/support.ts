import type { AuditEvent } from '@grantline/core'
import { expect } from 'vitest'

/** The events of one provider, with what a test needs to look them up. */
export function recorder() {
  const events: AuditEvent[] = []
  return {
    events,
    onEvent: (event: AuditEvent) => {
      events.push(event)
    },
    /** The events of one type, narrowed. */
    of<T extends AuditEvent['type']>(type: T): Extract<AuditEvent, { type: T }>[] {
      return events.filter((event): event is Extract<AuditEvent, { type: T }> => event.type === type)
    },
  }
}

/** Bearer-secret prefixes (docs/architecture.md "Formats"): none may appear in an event. */
const SECRET_PREFIXES = ['gl_at_', 'gl_rt_', 'gl_ac_', 'gl_cs_']

/**
 * Asserts that no event holds a secret: no prefixed bearer value at all, and none of `secrets`
 * (the exact tokens, codes, client secrets and passwords the test handled), whole or in part.
 */
export function expectNoSecret(events: readonly AuditEvent[], secrets: readonly (string | undefined)[]): void {
  const text = JSON.stringify(events)
  for (const prefix of SECRET_PREFIXES) expect(text, `an event carries a ${prefix} value`).not.toContain(prefix)
  for (const secret of secrets) {
    if (!secret) continue
    expect(text, 'an event carries a secret').not.toContain(secret)
    // A secret without its prefix is still the secret.
    expect(text, 'an event carries a secret').not.toContain(secret.replace(/^gl_[a-z]{2}_/, ''))
  }
}

/** Every event has its type and an integer epoch-seconds `at` from the provider's clock. */
export function expectStamped(events: readonly AuditEvent[], at: number): void {
  for (const event of events) {
    expect(typeof event.type).toBe('string')
    expect(event.at).toBe(at)
  }
}
