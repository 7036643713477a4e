import { describe, expect, it } from 'vitest'
import { apiRequest, asResponse, clientCredentialsToken, createAgent, MCP, remoteResourceServer, revoke, setupAs } from './support.js'

const bearer = (token: string) => apiRequest(`Bearer ${token}`)

describe('remote mode: the introspection cache (RFC 7662 §4)', () => {
  it('RFC 7662 §4: a revoked token is still accepted from the cache for up to 60 s, then refused', async () => {
    const s = setupAs()
    const { server, calls } = await remoteResourceServer(s)
    const agent = await createAgent(s)
    const token = await clientCredentialsToken(s, agent, MCP)
    expect(await server.verify(bearer(token))).toMatchObject({ client_id: agent.id })
    await revoke(s, agent, token)
    s.clock.advance(59)
    // Documented: the positive answer is reused until the cache window ends.
    expect(await server.verify(bearer(token))).toMatchObject({ client_id: agent.id })
    expect(calls).toHaveLength(1)
    s.clock.advance(1)
    expect(asResponse(await server.verify(bearer(token))).status).toBe(401)
    expect(calls).toHaveLength(2)
  })

  it("RFC 7662 §4: an answer is never reused past the token's exp, even within 60 s", async () => {
    const s = setupAs({ ttl: { accessToken: 30 } })
    const { server, calls } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s), MCP)
    expect(await server.verify(bearer(token))).toMatchObject({ audience: [MCP] })
    s.clock.advance(29)
    expect(await server.verify(bearer(token))).toMatchObject({ audience: [MCP] })
    expect(calls).toHaveLength(1)
    s.clock.advance(1)
    expect(asResponse(await server.verify(bearer(token))).status).toBe(401)
    expect(calls).toHaveLength(2)
  })

  it('RFC 7662 §4: a refusal is never cached: every request for an unknown token asks again', async () => {
    const s = setupAs()
    const { server, calls } = await remoteResourceServer(s)
    for (let i = 0; i < 3; i++) expect(asResponse(await server.verify(bearer('gl_at_unknown'))).status).toBe(401)
    expect(calls).toHaveLength(3)
  })

  it('RFC 7662 §4: an outage is never cached: the next request, once the server answers, is accepted', async () => {
    const s = setupAs()
    let down = true
    const { server, calls } = await remoteResourceServer(s, {
      wrap: (fetch) => async (input, init) => (down ? new Response('down', { status: 503 }) : fetch(input, init)),
      onError: () => {},
    })
    const token = await clientCredentialsToken(s, await createAgent(s), MCP)
    expect(asResponse(await server.verify(bearer(token))).status).toBe(503)
    down = false
    expect(await server.verify(bearer(token))).toMatchObject({ audience: [MCP] })
    expect(calls).toHaveLength(1)
  })

  it('RFC 6750 §3.1: the required scopes are checked on a cached answer too', async () => {
    const s = setupAs()
    const { server, calls } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s), MCP, 'read')
    expect(await server.verify(bearer(token), { scopes: ['read'] })).toMatchObject({ scopes: ['read'] })
    expect(asResponse(await server.verify(bearer(token), { scopes: ['write'] })).status).toBe(403)
    expect(calls).toHaveLength(1)
  })

  it('keeps at most cacheSize tokens, dropping the oldest first', async () => {
    const s = setupAs()
    const { server, calls } = await remoteResourceServer(s, { cacheSize: 2 })
    const agent = await createAgent(s)
    const [a, b, c] = [
      await clientCredentialsToken(s, agent, MCP),
      await clientCredentialsToken(s, agent, MCP),
      await clientCredentialsToken(s, agent, MCP),
    ]
    for (const token of [a, b, c]) await server.verify(bearer(token))
    expect(calls).toHaveLength(3)
    await server.verify(bearer(c))
    await server.verify(bearer(b))
    expect(calls).toHaveLength(3)
    await server.verify(bearer(a))
    expect(calls).toHaveLength(4)
  })
})
