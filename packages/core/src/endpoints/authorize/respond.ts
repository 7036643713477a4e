import { storeDocumentClient } from '../../clients/load-client.js'
import type { AccountSession } from '../../contracts/accounts.js'
import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import type { AccessTokenRecord, Consent, Family } from '../../contracts/storage.js'
import type { Minted } from '../../contracts/tokens.js'
import { emit, tokenIssued } from '../../events/emit.js'
import { sha256Hex } from '../../primitives/crypto.js'
import { OAuthError } from '../../primitives/errors.js'
import { newCode } from '../../protocol/dpop-code-binding.js'
import { responseParts } from '../../protocol/response-type.js'
import { signIdToken } from '../../tokens/id-token.js'
import { mintAccessToken, newFamily } from '../../tokens/mint.js'
import type { AuthorizationRequest, RedirectTarget } from './authorization-request.js'
import { deliver } from './deliver.js'

/** Sends an authorization error back to a validated redirect URI, with state and iss (RFC 9207). */
export function redirectError(provider: ProviderContext, request: Request, target: RedirectTarget, error: OAuthError): Response {
  return deliver(provider, request, target, { error: error.error, error_description: error.message })
}

/**
 * Issues the authorization response of an approved request, as its response type asks: a code
 * (RFC 6749 §4.1.2), an access token (§4.2.2; never a refresh token, RFC 9700 §2.1.2), an ID Token
 * (OIDC Core §3.2.2.5, with c_hash and at_hash for what it comes with, §3.3.2.11), or a hybrid of
 * them. Everything issued here belongs to one family, so a replayed code revokes it all; the
 * family hangs from the user's consent, so revoking that consent ends it, whether or not the user
 * saw a consent page. The ID Token is signed before anything is stored: a signing failure leaves
 * nothing behind.
 */
export async function respond(
  provider: ProviderContext,
  request: Request,
  call: RequestContext,
  authz: AuthorizationRequest,
  user: AccountSession,
  consent: Consent,
): Promise<Response> {
  const { config } = provider
  const now = config.seconds()
  const { client } = authz
  const parts = responseParts(authz.responseType)
  const fields = {
    scopes: authz.scopes,
    sub: user.sub,
    consent_id: consent.id,
    auth_time: user.authTime,
    acr: user.acr ?? null,
    amr: user.amr ?? null,
    nonce: authz.nonce ?? null,
    claims: authz.params.get('claims') ?? null,
    resource: authz.resources,
  }
  // A code's family lives for its refresh tokens; tokens from the browser alone, only as long as they do.
  const family = newFamily(client.client_id, fields, now, parts.code ? config.ttl.family : config.ttl.accessToken)
  const code = parts.code ? newCode(authz.params.get('dpop_jkt')) : undefined
  const params: Record<string, string> = {}
  let access: Minted<AccessTokenRecord> | undefined
  try {
    // An RFC 9068 JWT access token is signed here too, before anything is stored.
    access = parts.token ? await mintAccessToken(provider, family, authz.scopes, now) : undefined
    if (parts.idToken) {
      params.id_token = await signIdToken(provider, {
        family,
        now,
        nonce: authz.nonce ?? null,
        ...(code ? { code } : {}),
        ...(access ? { accessToken: access.value } : {}),
      })
    }
  } catch (error) {
    // Client and redirect_uri are validated: the client hears of the failure (RFC 6749 §4.1.2.1).
    if (error instanceof OAuthError) return redirectError(provider, request, authz.target, error)
    throw error
  }
  if (code) params.code = code
  if (access) {
    Object.assign(params, {
      access_token: access.value,
      token_type: 'Bearer',
      expires_in: String(access.record.expires_at - now),
      // The token's own scopes: a resource's scope list may have cut the request's (RFC 6749 §4.2.2).
      scope: access.record.scopes.join(' '),
    })
  }
  await store(provider, authz, family, now, code, access?.record)
  // A code is not a token yet: its redemption reports the issue. An access token from here is implicit's.
  if (access) emit(provider, call, tokenIssued('implicit', family))
  return deliver(provider, request, authz.target, params)
}

/** Stores what was issued: the code with its family, then the access token (bringing the family when there is no code). */
async function store(
  provider: ProviderContext,
  authz: AuthorizationRequest,
  family: Family,
  now: number,
  code: string | undefined,
  access: AccessTokenRecord | undefined,
): Promise<void> {
  const { config } = provider
  // A metadata document's client is stored once something is issued to it, not when named.
  await storeDocumentClient(provider, authz.client)
  if (code) {
    await config.storage.createCode(
      {
        hash: sha256Hex(code),
        family_id: family.id,
        client_id: authz.client.client_id,
        redirect_uri: authz.requestedRedirectUri,
        ...authz.pkce,
        created_at: now,
        expires_at: now + config.ttl.code + config.ttl.accessToken, // the tombstone outlives the code: see CodeRecord
        consumed_at: null,
      },
      family,
    )
  }
  if (access) await config.storage.issueTokens(code ? { access } : { family, access })
}
