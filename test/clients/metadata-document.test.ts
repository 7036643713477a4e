import { describe, expect, it } from 'vitest'
import { fetchClientMetadataDocument } from '../../packages/core/src/clients/metadata-document.js'
import { isPublicAddress } from '../../packages/core/src/protocol/special-use-address.js'
import { CLIENT_ID, cimdSetup, documentFor, jsonResponse, refusal } from './metadata-document-support.js'

const serving = (document: unknown) => cimdSetup(() => jsonResponse(document))
/** A public P-256 key, as a document's jwks holds it. */
const EC_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'WKn-ZIGevcwGIyyrzFoZNBdaq9_TsqzGl96oc0CWuis',
  y: 'y77t-RvAHRKTsSGdIYUfweuOvwrvDD-Q3Hv5J0fSKbE',
  kid: 'k1',
}

describe('Client Identifier URL (draft-ietf-oauth-client-id-metadata-document §3)', () => {
  it.each([
    ['http://app.example.com/client.json', 'must use the https scheme'],
    ['https://app.example.com', 'must have a path'],
    ['https://app.example.com/', 'must have a path'],
    ['https:///client.json', 'must have a host'],
    ['https://user:pw@app.example.com/client.json', 'must not contain userinfo'],
    ['https://app.example.com/a/../client.json', 'must not contain dot segments'],
    ['https://app.example.com/./client.json', 'must not contain dot segments'],
    ['https://app.example.com/a/%2E%2e/client.json', 'must not contain dot segments'],
    ['https://app.example.com/client.json?v=1', 'must not contain a query'],
    ['https://app.example.com/client.json#me', 'must not contain a fragment'],
    ['https://app.example.com\\client.json', 'must not contain a backslash'],
    ['https://app.example.com/client json', 'must be visible ASCII'],
  ])('draft-ietf-oauth-client-id-metadata-document §3: %s is refused (%s), and nothing is fetched', async (clientId, why) => {
    const s = serving(documentFor({ client_id: clientId }))
    await expect(fetchClientMetadataDocument(s.config, clientId)).rejects.toMatchObject(refusal(why))
    expect(s.calls).toHaveLength(0)
  })
})

describe('server-side request forgery (draft-ietf-oauth-client-id-metadata-document §8.6)', () => {
  it.each([
    '10.0.0.1',
    '192.168.1.1',
    '172.16.0.1',
    '127.0.0.1',
    '169.254.169.254',
    '[::1]',
    '[fe80::1]',
    '[fc00::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:169.254.169.254]',
    '[64:ff9b::a00:1]',
    '[::]',
    '[ff02::1]',
    '0.0.0.0',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '2130706433',
    '0x7f.1',
  ])('draft-ietf-oauth-client-id-metadata-document §8.6: the IP literal %s is refused before any fetch', async (host) => {
    const clientId = `https://${host}/client.json`
    const s = serving(documentFor({ client_id: clientId }))
    await expect(fetchClientMetadataDocument(s.config, clientId)).rejects.toMatchObject(refusal('special-use IP address'))
    expect(s.calls).toHaveLength(0)
  })

  it.each(['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', 'printer.local', 'db.internal', 'router.home.arpa', 'metadata'])(
    'draft-ietf-oauth-client-id-metadata-document §8.6: the local-only name %s is refused before any fetch',
    async (host) => {
      const clientId = `https://${host}/client.json`
      const s = serving(documentFor({ client_id: clientId }))
      await expect(fetchClientMetadataDocument(s.config, clientId)).rejects.toMatchObject({ error: 'invalid_client', status: 400 })
      expect(s.calls).toHaveLength(0)
    },
  )

  it('RFC 6890: public IPv4 and IPv6 unicast addresses pass; special-use and malformed ones do not', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      expect(isPublicAddress(address), address).toBe(true)
    }
    for (const address of [
      '2001:db8::1',
      '2002:7f00:1::',
      '::',
      '::1',
      '::7f00:1',
      'fe80::1%eth0',
      '198.18.0.1',
      '192.0.2.1',
      'host',
      '1.2.3',
      '01.2.3.4',
    ]) {
      expect(isPublicAddress(address), address).toBe(false)
    }
  })

  it('a client_id on a public IP literal is fetched', async () => {
    const clientId = 'https://93.184.215.14/client.json'
    const s = serving(documentFor({ client_id: clientId }))
    const { client } = await fetchClientMetadataDocument(s.config, clientId)
    expect(client.client_id).toBe(clientId)
    expect(s.calls).toHaveLength(1)
  })

  it('draft-ietf-oauth-client-id-metadata-document §8.9: the operator allow policy sees the URL, and a refused one is never fetched', async () => {
    const seen: string[] = []
    const s = cimdSetup(() => jsonResponse(documentFor()), {
      allow: (url) => {
        seen.push(url.href)
        return url.hostname.endsWith('.trusted.example')
      },
    })
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('is not allowed by this server'))
    expect(seen).toEqual([CLIENT_ID])
    expect(s.calls).toHaveLength(0)
  })
})

describe('fetching the document (draft-ietf-oauth-client-id-metadata-document §5, §8.7)', () => {
  it('draft-ietf-oauth-client-id-metadata-document §5: GET with Accept: application/json, redirects not followed, a deadline', async () => {
    const s = serving(documentFor())
    await fetchClientMetadataDocument(s.config, CLIENT_ID)
    const [call] = s.calls
    expect(call?.url).toBe(CLIENT_ID)
    expect(call?.init.method).toBe('GET')
    expect(call?.init.redirect).toBe('manual')
    expect(new Headers(call?.init.headers).get('accept')).toBe('application/json')
    expect(call?.init.signal).toBeInstanceOf(AbortSignal)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5: a redirect is refused, not followed', async () => {
    const s = cimdSetup(() => new Response(null, { status: 302, headers: { location: 'https://other.example/client.json' } }))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('answered with a redirect'))
    expect(s.calls).toHaveLength(1)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5: any status but 200 is an error', async () => {
    const s = cimdSetup(() => jsonResponse(documentFor(), {}, 404))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('answered HTTP 404'))
  })

  it('draft-ietf-oauth-client-id-metadata-document §8.7: a Content-Length over maxBytes (5120) is refused unread', async () => {
    const s = cimdSetup(() => jsonResponse(documentFor({ padding: 'x'.repeat(5200) })))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('larger than 5120 bytes'))
  })

  it('draft-ietf-oauth-client-id-metadata-document §8.7: a chunked body without Content-Length stops being read past 5120 bytes', async () => {
    let pulls = 0
    // An endless body: only a reader that stops at the cap can finish.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++
        controller.enqueue(new Uint8Array(1000).fill(0x20))
      },
    })
    const s = cimdSetup(() => new Response(endless, { headers: { 'content-type': 'application/json' } }))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('larger than 5120 bytes'))
    expect(pulls).toBeLessThan(10)
  })

  it('a document of exactly maxBytes is read', async () => {
    const base = JSON.stringify(documentFor({ padding: '' }))
    const body = JSON.stringify(documentFor({ padding: 'x'.repeat(5120 - base.length) }))
    expect(body).toHaveLength(5120)
    const s = cimdSetup(() => new Response(body, { headers: { 'content-type': 'application/json' } }))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).resolves.toMatchObject({ client: { client_id: CLIENT_ID } })
  })

  it('timeoutMs: a server that never answers is given up on', async () => {
    const s = cimdSetup(
      (_, init) =>
        new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true })),
      { timeoutMs: 20 },
    )
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('did not arrive within 20 ms'))
  })

  it('timeoutMs: a body that stops sending is given up on too', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"client_id":'))
      },
    })
    const s = cimdSetup(() => new Response(stalled, { headers: { 'content-type': 'application/json' } }), { timeoutMs: 20 })
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('did not arrive within 20 ms'))
  })

  it('a network failure is invalid_client without repeating what the network said', async () => {
    const s = cimdSetup(() => Promise.reject(new TypeError('connect ECONNREFUSED 10.1.2.3:443')))
    const error = await fetchClientMetadataDocument(s.config, CLIENT_ID).catch((e: unknown) => e)
    expect(error).toMatchObject(refusal('could not be fetched'))
    expect((error as Error).message).not.toContain('10.1.2.3')
  })

  it.each([
    ['text/html', '{}', 'not served as application/json'],
    ['application/json', '{"client_id": ', 'not valid JSON'],
    ['application/json', '[]', 'not a JSON object'],
  ])('draft-ietf-oauth-client-id-metadata-document §4: a %s body %s is refused', async (type, body, why) => {
    const s = cimdSetup(() => new Response(body, { headers: { 'content-type': type } }))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal(why))
  })

  it('draft-ietf-oauth-client-id-metadata-document §4: a more specific +json media type is accepted', async () => {
    const s = cimdSetup(() => jsonResponse(documentFor(), { 'content-type': 'application/client-metadata+json; charset=utf-8' }))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).resolves.toMatchObject({ client: { client_id: CLIENT_ID } })
  })
})

describe('the document (draft-ietf-oauth-client-id-metadata-document §4)', () => {
  it('draft-ietf-oauth-client-id-metadata-document §4: it maps to a public client that can never skip consent or introspect', async () => {
    const s = serving(documentFor({ scope: 'read', unknown_member: true }))
    const { client, display, cacheSeconds } = await fetchClientMetadataDocument(s.config, CLIENT_ID)
    expect(client).toEqual({
      client_id: CLIENT_ID,
      client_name: 'Example MCP Client',
      client_type: 'public',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:3000/callback', 'https://app.example.com/cb'],
      post_logout_redirect_uris: [],
      scope: 'read',
      allowed_cors_origins: [],
      skip_authorization: false,
      introspection: false,
      owner_sub: null,
      created_at: Math.floor(s.clock.now() / 1000),
      secret_hash: null,
      previous_secret_hash: null,
      previous_secret_expires_at: null,
      dynamic: true,
      metadata: { client_uri: 'https://app.example.com', logo_uri: 'https://app.example.com/logo.png' },
      registration_token_hash: null,
    })
    expect(display).toEqual({
      host: 'app.example.com',
      client_uri: 'https://app.example.com',
      logo_uri: 'https://app.example.com/logo.png',
    })
    expect(cacheSeconds).toBe(60)
  })

  it('draft-ietf-oauth-client-id-metadata-document §8.5: without client_name the host names the client; RFC 7591 §2 defaults apply', async () => {
    const s = serving({ client_id: CLIENT_ID, redirect_uris: ['https://app.example.com/cb'] })
    const { client } = await fetchClientMetadataDocument(s.config, CLIENT_ID)
    expect(client.client_name).toBe('app.example.com')
    expect(client.grant_types).toEqual(['authorization_code'])
    expect(client.response_types).toEqual(['code'])
    expect(client.token_endpoint_auth_method).toBe('none')
  })

  it.each([
    'https://app.example.com/oauth/client.json/',
    'https://app.example.com:443/oauth/client.json',
    'https://APP.example.com/oauth/client.json',
    'https://evil.example/oauth/client.json',
  ])(
    'draft-ietf-oauth-client-id-metadata-document §4: a document whose client_id is %s is refused (simple string comparison)',
    async (other) => {
      const s = serving(documentFor({ client_id: other }))
      await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(
        refusal('does not equal the URL it was fetched from'),
      )
    },
  )

  it.each([
    [{ client_secret: 'shh' }, 'must not contain client_secret'],
    [{ client_secret_expires_at: 0 }, 'must not contain client_secret_expires_at'],
    [{ token_endpoint_auth_method: 'client_secret_basic' }, 'needs a shared secret'],
    [{ token_endpoint_auth_method: 'client_secret_post' }, 'needs a shared secret'],
    [{ token_endpoint_auth_method: 'client_secret_jwt' }, 'needs a shared secret'],
    [{ token_endpoint_auth_method: 'private_key_jwt' }, 'private_key_jwt needs jwks or jwks_uri'],
    [{ token_endpoint_auth_method: 'tls_client_auth' }, 'unknown token_endpoint_auth_method'],
    [{ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private' }] } }, "the private member 'd'"],
    [{ jwks: { keys: [{ kty: 'oct', k: 'secret' }] } }, 'kty RSA, EC or OKP'],
    [{ jwks: { keys: [EC_KEY] }, jwks_uri: 'https://app.example.com/jwks.json' }, 'jwks and jwks_uri must not both be present'],
    [{ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://app.example.com/jwks.json' }, 'jwks_uri must be an https URL'],
  ])('draft-ietf-oauth-client-id-metadata-document §4.1: %j is refused', async (overrides, why) => {
    const s = serving(documentFor(overrides))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal(why))
  })

  it('draft-ietf-oauth-client-id-metadata-document §4.1, RFC 7523 §2.2: private_key_jwt with jwks_uri or jwks maps to a confidential client holding those public keys', async () => {
    const jwksUri = 'https://app.example.com/jwks.json'
    const byUri = serving(documentFor({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri }))
    const { client } = await fetchClientMetadataDocument(byUri.config, CLIENT_ID)
    expect(client).toMatchObject({
      client_type: 'confidential',
      token_endpoint_auth_method: 'private_key_jwt',
      secret_hash: null,
      skip_authorization: false,
      introspection: false,
      metadata: { client_uri: 'https://app.example.com', logo_uri: 'https://app.example.com/logo.png', jwks_uri: jwksUri },
    })
    // RFC 7517 §9.2: a member left null is no private part, and is not kept.
    const inline = serving(documentFor({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...EC_KEY, d: null }] } }))
    const fromInline = await fetchClientMetadataDocument(inline.config, CLIENT_ID)
    expect(fromInline.client.metadata.jwks).toEqual({ keys: [EC_KEY] })
    expect(fromInline.client.token_endpoint_auth_method).toBe('private_key_jwt')
  })

  it.each([
    [['http://app.example.com/cb'], 'may use http only on a loopback host'],
    [['https://app.example.com/cb#frag'], 'must not contain a fragment'],
    [['javascript:alert(1)'], 'forbidden scheme'],
    [[' JavaScript:alert(1)'], 'forbidden scheme'],
    [['data:text/html,hi'], 'forbidden scheme'],
    [['https://user@app.example.com/cb'], 'must not contain userinfo'],
    [['cb'], 'is not an absolute URI'],
    [[], 'must list at least one URI'],
  ])('RFC 9700 §4.1.3: redirect_uris %j are checked as at registration and refused', async (uris, why) => {
    const s = serving(documentFor({ redirect_uris: uris }))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal(why))
  })

  it('RFC 9700 §4.1.3: redirect_uris are required', async () => {
    const s = serving({ client_id: CLIENT_ID })
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('redirect_uris is required'))
  })

  it('RFC 9700 §4.1.3: post_logout_redirect_uris pass the same canonicaliser', async () => {
    const s = serving(documentFor({ post_logout_redirect_uris: ['javascript:alert(1)'] }))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal('forbidden scheme'))
  })

  it.each([
    [{ grant_types: ['client_credentials'] }, 'may hold only authorization_code and refresh_token'],
    [{ grant_types: ['authorization_code', 'implicit'] }, 'may hold only authorization_code and refresh_token'],
    [{ grant_types: ['refresh_token'] }, 'must include authorization_code'],
    [{ response_types: ['token'] }, 'may hold only code'],
    [{ scope: 'read\nwrite' }, 'scope must be space-separated scope tokens'],
    [{ client_name: '   ' }, 'client_name must not be empty'],
    [{ client_name: 'x'.repeat(256) }, 'client_name is longer than 255 characters'],
    [{ logo_uri: 'javascript:alert(1)' }, 'logo_uri must be an https URL'],
    [{ client_uri: 'http://app.example.com' }, 'client_uri must be an https URL'],
  ])('RFC 7591 §2: %j is refused by name', async (overrides, why) => {
    const s = serving(documentFor(overrides))
    await expect(fetchClientMetadataDocument(s.config, CLIENT_ID)).rejects.toMatchObject(refusal(why))
  })
})
