import type { ResolvedConfig } from '../contracts/config.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { GrantConfig, GrantContext, GrantServices } from '../contracts/grant-handler.js'
import { emit, tokenIssued } from '../events/emit.js'
import { signIdToken, wantsIdToken } from '../tokens/id-token.js'
import { issueGrant, mintAccessToken } from '../tokens/mint.js'

/** The settings a grant may read, copied so that a grant holds no secret and changes nothing. */
// GrantConfig is written out for the published API; this fails to compile when it and the
// resolved config drift apart.
type ResolvedGrantConfig = Readonly<Pick<ResolvedConfig, keyof GrantConfig>>
const grantConfigMatches: [GrantConfig, ResolvedGrantConfig] extends [ResolvedGrantConfig, GrantConfig] ? true : false = true
void grantConfigMatches

export function grantConfigOf(config: ResolvedConfig): GrantConfig {
  const { issuer, scopes, defaultScopes, ttl, resources, grantTypes, rotateRefreshTokens, refreshGraceSeconds } = config
  return Object.freeze({ issuer, scopes, defaultScopes, ttl, resources, grantTypes, rotateRefreshTokens, refreshGraceSeconds })
}

/**
 * What one token request's grant works with (RFC 6749 §4): the request, and services over it.
 * `issue` stores a new grant for the client and reports it as `grantType`, once; the tokens it
 * mints are bound to the request's DPoP key, when there is one (RFC 9449 §5).
 */
export function grantContext(
  provider: ProviderContext,
  call: RequestContext,
  request: Pick<GrantContext, 'request' | 'params' | 'client' | 'dpopJkt' | 'now'>,
  grantType: string,
): GrantContext {
  const { client, now, dpopJkt } = request
  const report = (event: Parameters<GrantServices['emit']>[0]) => emit(provider, call, event)
  return {
    request: request.request,
    params: request.params,
    client,
    dpopJkt,
    now,
    config: provider.grantConfig,
    storage: provider.config.storage,
    accounts: provider.config.accounts,
    ...(call.clientAddress ? { clientAddress: call.clientAddress } : {}),
    emit: report,
    async issue(fields, options) {
      const { family, response } = await issueGrant(provider, client, fields, now, options?.refresh ?? false, dpopJkt)
      // Built only when a hook listens: this runs on every token request.
      if (provider.config.onEvent) report(tokenIssued(grantType, family))
      return response
    },
    mintAccessToken: (family, scopes, audience) => mintAccessToken(provider, family, scopes, now, audience ?? family.resource, dpopJkt),
    signIdToken: async (input) => (wantsIdToken(provider, input.family) ? signIdToken(provider, input) : undefined),
  }
}
