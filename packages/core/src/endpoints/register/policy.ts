import type { RegistrationConfig } from '../../config/registration.js'
import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import type { RegistrationContext, RegistrationMetadata } from '../../contracts/registration.js'
import { normaliseResponseType } from '../../protocol/response-type.js'
import { invalidMetadata, parseClientMetadata } from './client-metadata.js'

/**
 * What a registration may ask for by itself (RFC 7591 §5, RFC 9700 §2.1): the code flow with PKCE
 * and refresh tokens, authenticated by a secret or not at all. A holder of an initial access
 * token, whom the operator trusts, may also register a confidential client for
 * client_credentials. Anything else (implicit, password, extension grants) needs onRegister.
 */
const ALLOWED_GRANTS = {
  open: ['authorization_code', 'refresh_token'],
  token: ['authorization_code', 'refresh_token', 'client_credentials'],
}

/** What `metadata` asks beyond what `policy` grants by itself, described for the error and the hook. */
export function beyondPolicy(metadata: RegistrationMetadata, policy: 'open' | 'token'): string[] {
  return [
    ...metadata.grant_types.filter((grant) => !ALLOWED_GRANTS[policy].includes(grant)).map((grant) => `grant type "${grant}"`),
    ...metadata.response_types.filter((type) => normaliseResponseType(type) !== 'code').map((type) => `response type "${type}"`),
  ]
}

/**
 * RFC 7591 §3.2.2 checks that hold whatever onRegister said: the authentication method is one the
 * server offers, every grant type is one it enables, and every scope one it defines (the hook can widen the policy, never the server).
 */
function checkServerSupports(provider: ProviderContext, metadata: RegistrationMetadata): void {
  // A method the server does not offer, such as a secret under profile 'fapi2' (FAPI 2.0 §5.3.2.1).
  const method = metadata.token_endpoint_auth_method
  if (!provider.clientAuth.some((offered) => offered.name === method)) {
    throw invalidMetadata(`token_endpoint_auth_method "${method}" is not offered by this server`)
  }
  const grant = metadata.grant_types.find((name) => !provider.enabledGrants.has(name))
  if (grant !== undefined) throw invalidMetadata(`grant type "${grant}" is not enabled on this server`)
  const scope = metadata.scope.split(' ').find((name) => name !== '' && !Object.hasOwn(provider.config.scopes, name))
  if (scope !== undefined) throw invalidMetadata(`scope "${scope}" is not defined on this server`)
}

/**
 * Decides what a registration (or update) stores: the policy's limits, then `onRegister`, which
 * may refuse (by throwing), adjust, or allow more by returning metadata; then the server's own
 * limits. A request beyond the policy that the hook did not return is refused.
 */
export async function decideMetadata(
  provider: ProviderContext,
  call: RequestContext,
  registration: RegistrationConfig,
  requested: RegistrationMetadata,
  context: Omit<RegistrationContext, 'beyondPolicy' | 'clientAddress'>,
): Promise<RegistrationMetadata> {
  const beyond = beyondPolicy(requested, registration.policy)
  const hook = registration.onRegister
  const answer = hook
    ? await hook(structuredClone(requested), {
        ...context,
        beyondPolicy: beyond,
        ...(call.clientAddress ? { clientAddress: call.clientAddress } : {}),
      })
    : undefined
  if ((answer === undefined || answer === null) && beyond.length > 0) {
    throw invalidMetadata(
      `${beyond[0]} needs the operator's approval: under the ${registration.policy} registration policy a client may ask only for grant types ${ALLOWED_GRANTS[registration.policy].join(', ')} and response type code`,
    )
  }
  // The hook's answer is validated as a request would be: it cannot slip in what none may have.
  const metadata = answer === undefined || answer === null ? requested : parseClientMetadata(answer)
  checkServerSupports(provider, metadata)
  return metadata
}
