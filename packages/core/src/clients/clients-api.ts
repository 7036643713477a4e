import type { ClientInput, ClientsApi, ClientUpdate, CreatedClient } from '../contracts/clients.js'
import type { Client, Storage } from '../contracts/storage.js'
import { randomSecret, sha256Hex } from '../primitives/crypto.js'
import { ConfigError } from '../primitives/errors.js'
import { CLIENT_SECRET_JWT_REFUSED } from '../protocol/client-auth-methods.js'
import { derivedResponseTypes, grantTypesFor, normaliseResponseType } from '../protocol/response-type.js'
import { randomClientId, toClient } from './client-record.js'
import { rotateClientSecret } from './rotate-secret.js'

const sameMembers = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item) => b.includes(item))

/**
 * A stored client as update input. Response types that were derived stay derived (they follow a
 * change of grant types); an explicit list is kept.
 */
function clientFields(client: Client): ClientInput {
  const {
    client_id,
    created_at,
    secret_hash,
    previous_secret_hash,
    previous_secret_expires_at,
    dynamic,
    metadata,
    registration_token_hash,
    response_types,
    ...fields
  } = client
  return sameMembers(response_types, derivedResponseTypes(client.grant_types)) ? fields : { ...fields, response_types }
}

/**
 * An update that changes grant_types without naming response_types drops the explicit response
 * types the new grant types no longer allow; if none is left, they are derived again.
 */
function updateInput(current: Client, patch: ClientUpdate): ClientInput {
  const merged = { ...clientFields(current), ...patch }
  if (patch.response_types !== undefined || patch.grant_types === undefined || merged.response_types === undefined) return merged
  const grants = patch.grant_types
  const kept = merged.response_types.filter((value) => {
    const type = normaliseResponseType(value)
    return type !== undefined && grantTypesFor(type).every((grant) => grants.includes(grant))
  })
  const { response_types: _, ...rest } = merged
  return kept.length > 0 ? { ...rest, response_types: kept } : rest
}

/** The built-in methods' names: what a client may use unless the provider registered more. */
const BUILT_IN_AUTH_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post', 'none']

/** A client names a method the provider accepts (RFC 7591 §2), or it could never authenticate. */
function checkAuthMethod(method: string | undefined, accepted: readonly string[]): void {
  if (method === 'client_secret_jwt') throw new ConfigError('ERR_CLIENT_SECRET_JWT', CLIENT_SECRET_JWT_REFUSED)
  if (method !== undefined && !accepted.includes(method)) {
    throw new ConfigError('ERR_INVALID_CLIENT', `token_endpoint_auth_method: unknown method "${method}"`)
  }
}

/**
 * `provider.clients`: register, read, change and remove clients. Bad metadata throws ConfigError.
 * `authMethods` names the client authentication methods the provider accepts.
 */
export function createClientsApi(
  storage: Storage,
  seconds: () => number,
  authMethods: readonly string[] = BUILT_IN_AUTH_METHODS,
): ClientsApi {
  return {
    async create(input: ClientInput): Promise<CreatedClient> {
      checkAuthMethod(input.token_endpoint_auth_method, authMethods)
      // A public client has no secret, nor does one that authenticates with its key.
      const keyOnly = input.client_type === 'public' || input.token_endpoint_auth_method === 'private_key_jwt'
      const client_secret = keyOnly ? undefined : randomSecret('gl_cs_')
      const client_id = input.client_id ?? randomClientId()
      const client = toClient(input, {
        client_id,
        created_at: seconds(),
        secret_hash: client_secret ? sha256Hex(client_secret) : null,
        previous_secret_hash: null,
        previous_secret_expires_at: null,
        dynamic: false,
        metadata: {},
        registration_token_hash: null,
      })
      // The defaulted method too: under profile 'fapi2' only private_key_jwt is accepted.
      checkAuthMethod(client.token_endpoint_auth_method, authMethods)
      if (await storage.getClient(client_id)) throw new ConfigError('ERR_CLIENT_EXISTS', `client "${client_id}" already exists`)
      await storage.putClient(client)
      return client_secret ? { client, client_secret } : { client }
    },
    get: (clientId: string) => storage.getClient(clientId),
    list: (filter?: { owner_sub?: string }) => storage.listClients(filter),
    async update(clientId: string, patch: ClientUpdate): Promise<Client> {
      const current = await storage.getClient(clientId)
      if (!current) throw new ConfigError('ERR_UNKNOWN_CLIENT', `client "${clientId}" does not exist`)
      if (patch.client_type && patch.client_type !== current.client_type) {
        throw new ConfigError('ERR_INVALID_CLIENT', 'client_type cannot change; register a new client')
      }
      checkAuthMethod(patch.token_endpoint_auth_method, authMethods)
      const client = toClient(updateInput(current, patch), current)
      await storage.putClient(client)
      return client
    },
    /** Issues a new secret for a confidential client; the old one stops working at once. */
    async resetSecret(clientId: string): Promise<string> {
      const current = await storage.getClient(clientId)
      if (current?.client_type !== 'confidential') {
        throw new ConfigError('ERR_UNKNOWN_CLIENT', `confidential client "${clientId}" does not exist`)
      }
      const client_secret = randomSecret('gl_cs_')
      // A previous secret left by a rotation ends too: a reset is for a secret that leaked.
      await storage.putClient({
        ...current,
        secret_hash: sha256Hex(client_secret),
        previous_secret_hash: null,
        previous_secret_expires_at: null,
      })
      return client_secret
    },
    rotateSecret: (clientId, options) => rotateClientSecret(storage, clientId, options.graceSeconds, seconds()),
    delete: (clientId: string) => storage.deleteClient(clientId, seconds()),
  }
}
