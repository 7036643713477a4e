import type { ProviderContext } from '../contracts/context.js'
import type { Client } from '../contracts/storage.js'
import { OAuthError } from '../primitives/errors.js'
import type { VerifiedProof } from '../protocol/dpop-proof.js'
import { checkProof } from './check-proof.js'

/**
 * RFC 9449 §5: the DPoP proof of a token request, checked against the token endpoint's URL as the
 * issuer names it (never the URL a proxy forwarded). Null when there is none and none is needed;
 * a client registered with `dpop_bound_access_tokens` (§5.2), or a server with `dpop.required`,
 * is refused without one.
 */
export async function tokenRequestProof(provider: ProviderContext, request: Request, client: Client): Promise<VerifiedProof | null> {
  const proof = await checkProof(provider.config, request, { url: provider.endpoints.token_endpoint })
  if (proof === null && (provider.config.dpop.required || client.metadata.dpop_bound_access_tokens === true)) {
    throw new OAuthError('invalid_dpop_proof', 'a DPoP proof is required for this client (RFC 9449 section 5.2)')
  }
  return proof
}

/**
 * RFC 9449 §5.2: an access token from the authorization endpoint (the implicit grant) is never
 * bound to a key, so a client registered for bound tokens only, or any client under
 * `dpop.required`, may not ask for one there.
 */
export function checkBoundResponseType(provider: ProviderContext, client: Client, tokenInResponse: boolean): void {
  if (tokenInResponse && (provider.config.dpop.required || client.metadata.dpop_bound_access_tokens === true)) {
    throw new OAuthError(
      'unauthorized_client',
      'this client receives DPoP-bound access tokens only, which the authorization endpoint cannot issue; use response_type code',
    )
  }
}
