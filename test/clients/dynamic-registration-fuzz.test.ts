import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NATIVE, postRegistration, registrationSetup } from './dynamic-registration-support.js'

/** A value for a metadata member: well-formed ones of its kind, or anything at all. */
const member = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constantFrom('javascript:alert(1)', 'https://a@b.example/', 'http://127.0.0.1:1/cb', 'com.example.app:/cb', 'none', 'private_key_jwt'),
  fc.array(fc.constantFrom('authorization_code', 'refresh_token', 'implicit', 'password', 'client_credentials', 'urn:x', 'code', 'token')),
)

const FIELDS = Object.keys(NATIVE).concat([
  'client_uri',
  'logo_uri',
  'scope',
  'contacts',
  'jwks',
  'jwks_uri',
  'software_id',
  'client_id',
  'skip_authorization',
])

/** Metadata built from NATIVE with some members replaced, dropped or added. */
const metadata = fc
  .record(Object.fromEntries(FIELDS.map((name) => [name, member])), { requiredKeys: [] })
  .map((changes) => ({ ...NATIVE, ...changes }))

describe('RFC 7591 §3.2.2: hostile registration requests', () => {
  it('RFC 7591 §3.2.2: any JSON body answers 201 or an RFC 7591 error in JSON, never a 5xx, and a 201 never carries skip_authorization', async () => {
    const s = registrationSetup({ policy: 'open', rateLimit: false })
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          metadata,
          fc.jsonValue().map((value) => JSON.stringify(value)),
        ),
        async (body) => {
          const response = await postRegistration(s, body)
          const answer = (await response.json()) as Record<string, unknown>
          expect([201, 400]).toContain(response.status)
          if (response.status === 400) expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(answer.error)
          else expect((await s.storage.getClient(String(answer.client_id)))?.skip_authorization).toBe(false)
        },
      ),
      { numRuns: 500 },
    )
  })
})
