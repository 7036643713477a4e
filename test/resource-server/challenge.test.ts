import { describe, expect, it } from 'vitest'
import { withResourceMetadata } from '../../packages/resource-server/src/challenge.js'
import {
  apiRequest,
  asResponse,
  clientCredentialsToken,
  createAgent,
  DPOP_OFFER,
  MCP,
  MCP_METADATA,
  remoteResourceServer,
  setupAs,
} from './support.js'

const METADATA = `resource_metadata="${MCP_METADATA}"`

describe('RFC 6750 §3 challenges, each naming the metadata URL (RFC 9728 §5.1)', () => {
  it('RFC 6750 §3.1: a request without a token gets 401 and a challenge with no error code', async () => {
    const s = setupAs()
    const { server, calls } = await remoteResourceServer(s)
    const response = asResponse(await server.verify(apiRequest()))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe(`Bearer ${METADATA}, ${DPOP_OFFER}`)
    expect(await response.text()).toBe('')
    expect(calls).toHaveLength(0)
  })

  it('RFC 6750 §2.1: another scheme, or a token in the query or the body, counts as no token', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s), MCP)
    const requests = [
      apiRequest(`Basic ${btoa('a:b')}`),
      new Request(`${MCP}?access_token=${token}`),
      new Request(MCP, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${token}`,
      }),
    ]
    for (const request of requests) {
      const response = asResponse(await server.verify(request))
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe(`Bearer ${METADATA}, ${DPOP_OFFER}`)
    }
  })

  it('RFC 6750 §3.1: a malformed Authorization header is 400 invalid_request', async () => {
    const s = setupAs()
    const { server, calls } = await remoteResourceServer(s)
    for (const header of ['Bearer', 'Bearer a b', 'Bearer ab"c', 'Bearer =abc']) {
      const response = asResponse(await server.verify(apiRequest(header)))
      expect(response.status).toBe(400)
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer ${METADATA}, error="invalid_request", error_description="the Authorization header is malformed"`,
      )
      expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'the Authorization header is malformed' })
    }
    expect(calls).toHaveLength(0)
  })

  it('RFC 6750 §3.1: an unknown token is 401 invalid_token, with no-store', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const response = asResponse(await server.verify(apiRequest('Bearer gl_at_unknown')))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer ${METADATA}, error="invalid_token", error_description="the access token is invalid, expired or revoked", ${DPOP_OFFER}`,
    )
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('RFC 6750 §3.1: a token without a required scope is 403 insufficient_scope naming the scopes', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s), MCP, 'read')
    const response = asResponse(await server.verify(apiRequest(`Bearer ${token}`), { scopes: ['read', 'write'] }))
    expect(response.status).toBe(403)
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer ${METADATA}, error="insufficient_scope", error_description="the access token lacks a required scope", scope="read write", ${DPOP_OFFER}`,
    )
    expect(await server.verify(apiRequest(`Bearer ${token}`), { scopes: ['read'] })).toMatchObject({ scopes: ['read'] })
  })
})

describe('same-process challenges (RFC 9728 §5.1 with RFC 9110 §11.6.1)', () => {
  it('RFC 9728 §5.1: resource_metadata goes on each Bearer and DPoP challenge, never inside a quoted value', () => {
    const header = [
      'Bearer realm="https://as.example/o", error="invalid_token", error_description="not for this resource, DPoP x=1"',
      'DPoP algs="ES256 EdDSA"',
      'Basic realm="x"',
    ].join(', ')
    const refused = new Response(null, { status: 401, headers: { 'www-authenticate': header } })
    expect(withResourceMetadata(refused, MCP_METADATA).headers.get('www-authenticate')).toBe(
      [
        `Bearer realm="https://as.example/o", error="invalid_token", error_description="not for this resource, DPoP x=1", ${METADATA}`,
        `DPoP algs="ES256 EdDSA", ${METADATA}`,
        'Basic realm="x"',
      ].join(', '),
    )
    const bare = new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer, DPoP algs="ES256"' } })
    expect(withResourceMetadata(bare, MCP_METADATA).headers.get('www-authenticate')).toBe(
      `Bearer ${METADATA}, DPoP algs="ES256", ${METADATA}`,
    )
    const none = new Response(null, { status: 401 })
    expect(withResourceMetadata(none, MCP_METADATA).headers.get('www-authenticate')).toBe(`Bearer ${METADATA}`)
  })
})
