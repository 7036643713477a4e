import type { ProviderContext, RequestContext } from '../contracts/context.js'
import { sha256Hex } from '../primitives/crypto.js'
import { checkAddressRate, checkRate } from './address-rate.js'

/** Code entries one session may make in a 5-minute sliding window (RFC 8628 §5.1). */
export const SESSION_ENTRIES = { max: 10, windowSeconds: 300 }
/** Code entries one client address (an IPv6 /64) may make in a 5-minute sliding window. */
export const ADDRESS_ENTRIES = { max: 30, windowSeconds: 300 }

const DESCRIPTION = 'too many codes entered; wait a few minutes and try again'

/**
 * RFC 8628 §5.1: a user code has about 34 bits, so guessing must be slowed. Every entry counts,
 * per session (stored hashed) and per client address, before the code is looked up; past either
 * limit the entry is refused with 429 and Retry-After. Without `hit` counters there is no limit.
 */
export async function checkEntryRate(
  provider: Pick<ProviderContext, 'config'>,
  call: Pick<RequestContext, 'clientAddress'>,
  sessionId: string,
): Promise<void> {
  await checkRate(provider, `device_entry:${sha256Hex(sessionId)}`, SESSION_ENTRIES, DESCRIPTION)
  await checkAddressRate(provider, call.clientAddress, 'device_entry_address', ADDRESS_ENTRIES, DESCRIPTION)
}
