import { authenticateClient } from '../client-auth/authenticate-client.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { Storage } from '../contracts/storage.js'
import { readForm } from '../http/form.js'
import { json } from '../http/responses.js'
import { randomSecret, sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { requestedResources, resolveResources } from '../protocol/resources.js'
import { resolveScopes } from '../protocol/scopes.js'
import { DEVICE_CODE_GRANT, newUserCode, normaliseUserCode, userCodeHash } from '../protocol/user-code.js'
import { checkPost } from './token.js'

/** RFC 8628 §3.5: the default minimum seconds between polls. */
const INTERVAL = 5

/** A user code no pending request holds; a clash (1 in 2.5e10 per pending code) draws again. */
async function freshUserCode(storage: Storage, now: number): Promise<{ shown: string; hash: string }> {
  for (;;) {
    const shown = newUserCode()
    const hash = userCodeHash(normaliseUserCode(shown) ?? shown)
    if (!(await storage.findDeviceAuthorization?.(hash, now))) return { shown, hash }
  }
}

/**
 * The device authorization endpoint (RFC 8628 §3.1, §3.2). The client authenticates as at the
 * token endpoint and must be allowed the device grant. The scope (defaults included) and the
 * resources (RFC 8707) are resolved now and are exactly what the tokens will carry.
 */
export async function deviceAuthorization(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  checkPost(request)
  const params = await readForm(request)
  const { config } = provider
  const client = await authenticateClient(provider, call, params, { endpoint: provider.endpoints.device_authorization_endpoint })
  if (!client.grant_types.includes(DEVICE_CODE_GRANT))
    throw new OAuthError('unauthorized_client', 'this client may not use the device grant')
  const scopes = resolveScopes(params.get('scope'), client, config.scopes, config.defaultScopes)
  const resource = resolveResources(config.resources, requestedResources(params.get('resource')), client.client_id)
  const { storage } = config
  if (!storage.createDeviceAuthorization) throw new OAuthError('unsupported_grant_type', 'this server does not support the device grant')
  const now = config.seconds()
  const deviceCode = randomSecret('gl_dc_')
  const userCode = await freshUserCode(storage, now)
  const expiresIn = config.ttl.deviceCode
  await storage.createDeviceAuthorization({
    device_code_hash: sha256Hex(deviceCode),
    user_code_hash: userCode.hash,
    client_id: client.client_id,
    scopes,
    resource,
    status: 'pending',
    sub: null,
    auth_time: null,
    poll_interval: INTERVAL,
    last_polled_at: null,
    created_at: now,
    expires_at: now + expiresIn,
    consumed_at: null,
  })
  const verificationUri = provider.endpoints.verification_uri
  return json({
    device_code: deviceCode,
    user_code: userCode.shown,
    verification_uri: verificationUri,
    verification_uri_complete: `${verificationUri}?user_code=${userCode.shown}`,
    expires_in: expiresIn,
    interval: INTERVAL,
  })
}
