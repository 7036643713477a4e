import type { AccountSession } from '../../contracts/accounts.js'
import type { ProviderContext } from '../../contracts/context.js'
import { OAuthError } from '../../primitives/errors.js'
import { verifyIdTokenHint } from '../../tokens/id-token-hint.js'
import { type AuthorizationRequest, RedirectableError } from './authorization-request.js'

/**
 * OIDC Core §3.1.2.1 `id_token_hint` with prompt=none: a silent request answers for the user the
 * hint names or not at all. True when the signed-in user is someone else, so the request needs a
 * sign-in it may not show (the caller answers login_required, §3.1.2.6). A hint this server did
 * not issue is invalid_request, sent back to the client. Without prompt=none the hint is only
 * checked this way by the relying party, which compares the ID Token's `sub`.
 */
export async function otherUserHinted(provider: ProviderContext, authz: AuthorizationRequest, user: AccountSession): Promise<boolean> {
  const hint = authz.params.get('id_token_hint')
  if (hint === undefined || !authz.oidc.prompt.has('none')) return false
  try {
    return (await verifyIdTokenHint(provider, hint)).sub !== user.sub
  } catch (error) {
    if (error instanceof OAuthError) throw new RedirectableError(error, authz.target)
    throw error
  }
}
