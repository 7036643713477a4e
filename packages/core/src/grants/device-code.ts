import type { GrantHandler } from '../contracts/grant-handler.js'
import { required } from '../http/form.js'
import { sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { DEVICE_CODE_GRANT } from '../protocol/user-code.js'

/**
 * RFC 8628 §3.4, §3.5: the device polls with its device_code. Each answer follows the user's
 * decision; tokens are issued once, for exactly the scopes and resources resolved when the device
 * authorization was requested (never re-resolved here). A code of another client is unknown.
 */
export const deviceCode: GrantHandler = {
  grantType: DEVICE_CODE_GRANT,
  parameters: ['device_code'],
  async handle({ params, client, storage, issue, now }) {
    if (!storage.pollDeviceAuthorization) throw new OAuthError('unsupported_grant_type', 'this server does not support the device grant')
    const result = await storage.pollDeviceAuthorization(sha256Hex(required(params, 'device_code')), client.client_id, now)
    switch (result.status) {
      case 'absent':
        throw new OAuthError('invalid_grant', 'the device_code is invalid or was issued to another client')
      case 'expired':
        throw new OAuthError('expired_token', 'the device_code has expired; start a new device authorization')
      case 'reused':
        throw new OAuthError('invalid_grant', 'the device_code was already used')
      case 'pending':
        throw new OAuthError('authorization_pending', 'the user has not yet decided')
      case 'slow_down':
        throw new OAuthError('slow_down', `poll at most every ${result.record.poll_interval} seconds`)
      case 'denied':
        throw new OAuthError('access_denied', 'the user denied the request')
    }
    const { record } = result
    if (record.sub === null) throw new OAuthError('invalid_grant', 'the device authorization has no user')
    // The approval recorded a consent; the grant hangs from it so that the user can revoke it.
    const consent = await storage.findConsent(record.sub, client.client_id)
    return issue(
      {
        scopes: record.scopes,
        resource: record.resource,
        sub: record.sub,
        auth_time: record.auth_time,
        ...(consent ? { consent_id: consent.id } : {}),
      },
      { refresh: true },
    )
  },
}
