import * as v from 'valibot'
import type { MetadataDocumentClient } from '../contracts/services.js'
import type { Client } from '../contracts/storage.js'
import { ConfigError } from '../primitives/errors.js'
import { metadataDocumentError } from '../protocol/client-id-url.js'
import { canonicalRedirectUri } from '../protocol/redirect-uri.js'

const httpsUrl = v.pipe(
  v.string('must be a string'),
  v.check((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'must be an https URL'),
)
const scopeList = v.pipe(
  v.string(),
  v.regex(/^([\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*)?$/, 'must be space-separated scope tokens (RFC 6749 §3.3)'),
)

/**
 * RFC 7591 §2 metadata as a document may hold it. Unknown members are ignored, as at
 * registration; members that would give the client a secret or a flow Grantline does not offer
 * such clients are refused by name.
 */
const documentSchema = v.looseObject({
  client_id: v.string('must be a string'),
  client_name: v.optional(
    v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(255, 'is longer than 255 characters')),
  ),
  client_uri: v.optional(httpsUrl),
  logo_uri: v.optional(httpsUrl),
  redirect_uris: v.pipe(v.array(v.string(), 'must be an array of strings'), v.minLength(1, 'must list at least one URI')),
  post_logout_redirect_uris: v.optional(v.array(v.string(), 'must be an array of strings'), []),
  grant_types: v.optional(
    v.pipe(
      v.array(v.picklist(['authorization_code', 'refresh_token'], 'may hold only authorization_code and refresh_token')),
      v.check((grants) => grants.includes('authorization_code'), 'must include authorization_code'),
    ),
    ['authorization_code'],
  ),
  response_types: v.optional(v.array(v.literal('code', 'may hold only code')), ['code']),
  token_endpoint_auth_method: v.optional(v.string('must be a string'), 'none'),
  scope: v.optional(scopeList, ''),
  jwks: v.optional(v.looseObject({ keys: v.array(v.looseObject({}), 'must be an array of keys') })),
})

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** §4.1: a document cannot carry a shared secret, nor private key material. */
function checkCredentials(document: Record<string, unknown>): void {
  const secret = ['client_secret', 'client_secret_expires_at'].find((name) => name in document)
  if (secret)
    throw metadataDocumentError(`client metadata document must not contain ${secret} (draft-ietf-oauth-client-id-metadata-document §4.1)`)
}

function checkAuthMethod(method: string): void {
  if (method === 'none') return
  if (method === 'private_key_jwt') {
    throw metadataDocumentError(
      'client metadata document: token_endpoint_auth_method private_key_jwt is not supported by this server yet; use none',
    )
  }
  const shared = method.startsWith('client_secret_')
  throw metadataDocumentError(
    shared
      ? `client metadata document: token_endpoint_auth_method ${method} needs a shared secret, which a document cannot establish (draft-ietf-oauth-client-id-metadata-document §4.1)`
      : `client metadata document: unknown token_endpoint_auth_method ${method}`,
  )
}

function canonicalUris(uris: string[], member: string): string[] {
  try {
    return [...new Set(uris.map(canonicalRedirectUri))]
  } catch (error) {
    if (error instanceof ConfigError) throw metadataDocumentError(`client metadata document: ${member}: ${error.message}`)
    throw error
  }
}

/** RFC 7591 §2 and §4.1: the members Grantline reads, each checked; the first problem is named. */
function parseDocument(record: Record<string, unknown>): v.InferOutput<typeof documentSchema> {
  checkCredentials(record)
  const result = v.safeParse(documentSchema, record)
  if (!result.success) {
    const issue = result.issues[0]
    const member = issue.path?.map((p) => String(p.key)).join('.') ?? 'document'
    // valibot calls a missing member an "Invalid key"; the document's author needs to hear it is required.
    throw metadataDocumentError(`client metadata document: ${member} ${issue.input === undefined ? 'is required' : issue.message}`)
  }
  checkAuthMethod(result.output.token_endpoint_auth_method)
  if (result.output.jwks?.keys.some((jwk) => PRIVATE_JWK_MEMBERS.some((member) => member in jwk))) {
    throw metadataDocumentError(
      'client metadata document: jwks must hold public keys only (draft-ietf-oauth-client-id-metadata-document §4.1)',
    )
  }
  return result.output
}

/**
 * draft-ietf-oauth-client-id-metadata-document §4: validates a fetched document and maps it to a
 * public Client (client_type public, auth method none, no secret, never skip_authorization or
 * introspection, no owner). Its `client_id` must equal the URL it was fetched from, compared as
 * strings (RFC 3986 §6.2.1); redirect URIs pass the registration canonicaliser (RFC 9700 §4.1.3).
 */
export function documentToClient(document: unknown, clientId: string, url: URL, now: number): MetadataDocumentClient {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw metadataDocumentError('client metadata document is not a JSON object (draft-ietf-oauth-client-id-metadata-document §4)')
  }
  const record = document as Record<string, unknown>
  if (record.client_id !== clientId) {
    throw metadataDocumentError(
      'client metadata document: its client_id does not equal the URL it was fetched from (draft-ietf-oauth-client-id-metadata-document §4)',
    )
  }
  const m = parseDocument(record)
  const links = { ...(m.client_uri ? { client_uri: m.client_uri } : {}), ...(m.logo_uri ? { logo_uri: m.logo_uri } : {}) }
  const client: Client = {
    client_id: clientId,
    client_name: m.client_name ?? url.host,
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    grant_types: [...new Set(m.grant_types)],
    response_types: ['code'],
    redirect_uris: canonicalUris(m.redirect_uris, 'redirect_uris'),
    post_logout_redirect_uris: canonicalUris(m.post_logout_redirect_uris, 'post_logout_redirect_uris'),
    scope: m.scope,
    allowed_cors_origins: [],
    skip_authorization: false,
    introspection: false,
    owner_sub: null,
    created_at: now,
    secret_hash: null,
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    // Self-asserted like a registration, so the consent page calls it unverified; it is never
    // stored (the document itself is its registration, re-read when stale), so cleanup skips it.
    dynamic: true,
    metadata: links,
    registration_token_hash: null,
  }
  return { client, display: { host: url.host, ...links } }
}
