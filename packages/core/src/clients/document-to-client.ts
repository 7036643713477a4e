import * as v from 'valibot'
import type { PublicJwks } from '../contracts/clients.js'
import type { MetadataDocumentClient } from '../contracts/services.js'
import type { Client } from '../contracts/storage.js'
import { ConfigError } from '../primitives/errors.js'
import { metadataDocumentError } from '../protocol/client-id-url.js'
import { publicJwksProblem, withoutEmptyMembers } from '../protocol/public-jwks.js'
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
  jwks_uri: v.optional(httpsUrl),
})

/** §4.1: a document cannot carry a shared secret, nor private key material. */
function checkCredentials(document: Record<string, unknown>): void {
  const secret = ['client_secret', 'client_secret_expires_at'].find((name) => name in document)
  if (secret)
    throw metadataDocumentError(`client metadata document must not contain ${secret} (draft-ietf-oauth-client-id-metadata-document §4.1)`)
}

/**
 * §4.1: `none`, or `private_key_jwt` (RFC 7523 §2.2) with the client's public keys in `jwks` or
 * `jwks_uri` (one of them, RFC 7591 §2), which the server verifies its assertions with.
 */
function checkAuthMethod(method: string, keys: { jwks?: unknown; jwks_uri?: string }): void {
  if (method === 'none') return
  if (method === 'private_key_jwt') {
    if (keys.jwks === undefined && keys.jwks_uri === undefined) {
      throw metadataDocumentError(
        'client metadata document: token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri (RFC 7591 §2)',
      )
    }
    return
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
  const { jwks, jwks_uri } = result.output
  if (jwks !== undefined && jwks_uri !== undefined) {
    throw metadataDocumentError('client metadata document: jwks and jwks_uri must not both be present (RFC 7591 §2)')
  }
  const problem = jwks === undefined ? undefined : publicJwksProblem(jwks)
  // §4.1: public keys only; the problem names the member at fault.
  if (problem) throw metadataDocumentError(`client metadata document: ${problem}`)
  checkAuthMethod(result.output.token_endpoint_auth_method, result.output)
  return result.output
}

/**
 * draft-ietf-oauth-client-id-metadata-document §4: validates a fetched document and maps it to a
 * Client with no secret, never skip_authorization or introspection, and no owner: public (auth
 * method none), or confidential with `private_key_jwt` and the document's `jwks` or `jwks_uri`. Its `client_id` must equal the URL it was fetched from, compared as
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
  // The keys verify the client's assertions (RFC 7523 §2.2) and request objects (RFC 9101 §6.2).
  const keys = {
    ...(m.jwks ? { jwks: withoutEmptyMembers(m.jwks as PublicJwks) } : {}),
    ...(m.jwks_uri ? { jwks_uri: m.jwks_uri } : {}),
  }
  const signed = m.token_endpoint_auth_method === 'private_key_jwt'
  const client: Client = {
    client_id: clientId,
    client_name: m.client_name ?? url.host,
    client_type: signed ? 'confidential' : 'public',
    token_endpoint_auth_method: signed ? 'private_key_jwt' : 'none',
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
    metadata: { ...links, ...keys },
    registration_token_hash: null,
  }
  return { client, display: { host: url.host, ...links } }
}
