import type { SigningKeyRecord } from '../contracts/storage.js'

export interface KeyStates {
  /** The key that signs now: the newest whose activation time has come. */
  active: SigningKeyRecord | null
  /** Published before they sign, so relying parties have fetched them by then. */
  next: SigningKeyRecord[]
  /** Superseded, still published until every token they signed has expired. */
  retired: SigningKeyRecord[]
}

/**
 * Derives each key's state from time alone (docs/architecture.md "Formats": next -> active -> retired), so
 * instances agree without writing transitions. `retainSeconds` is the longest lifetime of a token
 * a key signs.
 */
export function keyStates(keys: readonly SigningKeyRecord[], now: number, retainSeconds: number): KeyStates {
  const sorted = [...keys].sort((a, b) => a.activate_at - b.activate_at || a.created_at - b.created_at)
  const started = sorted.filter((key) => key.activate_at <= now)
  const active = started.at(-1) ?? null
  const retired = started.slice(0, -1).filter((_key, i) => {
    const successor = started[i + 1] as SigningKeyRecord
    return successor.activate_at + retainSeconds > now
  })
  return { active, next: sorted.filter((key) => key.activate_at > now), retired }
}
