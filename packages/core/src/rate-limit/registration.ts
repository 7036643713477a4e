import type { RegistrationConfig } from '../config/registration.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import { checkAddressRate } from './address-rate.js'

/**
 * Counts every registration request of the caller's address and refuses one past
 * `rateLimit.max` in the sliding window with 429 and Retry-After (RFC 6585 §4), so that nobody
 * fills the client table (RFC 7591 §5).
 */
export async function checkRegistrationRate(
  provider: ProviderContext,
  call: RequestContext,
  registration: RegistrationConfig,
): Promise<void> {
  if (registration.rateLimit === false) return
  await checkAddressRate(
    provider,
    call.clientAddress,
    'registration',
    registration.rateLimit,
    'too many registrations from this address; retry later',
  )
}
