import type { Storage } from '../contracts/storage.js'
import { ConfigError } from '../primitives/errors.js'
import { DEVICE_CODE_GRANT } from '../protocol/user-code.js'

/** The device grant (RFC 8628) needs a Storage that keeps device authorizations. */
export function checkDeviceGrant(grantTypes: readonly string[], storage: Storage): void {
  if (!grantTypes.includes(DEVICE_CODE_GRANT)) return
  const { createDeviceAuthorization, findDeviceAuthorization, decideDeviceAuthorization, pollDeviceAuthorization } = storage
  if (!createDeviceAuthorization || !findDeviceAuthorization || !decideDeviceAuthorization || !pollDeviceAuthorization) {
    throw new ConfigError('ERR_INVALID_CONFIG', `grantTypes: ${DEVICE_CODE_GRANT} needs a storage with device authorizations`)
  }
}
