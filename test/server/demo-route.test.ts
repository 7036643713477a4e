import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createWorkspace, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

let ws: Workspace
beforeAll(async () => {
  ws = await createWorkspace('sqlite')
})
afterAll(async () => {
  await stopAllServers()
  await ws?.dispose()
})

/**
 * The demo's callback page (`/demo/callback`, which prints the code it received) belongs to the
 * demo: a server started with --no-demo has no such page.
 */
describe('grantline serve: the demo callback page', () => {
  it('--no-demo: /demo/callback is an unknown path (404), with or without a code', async () => {
    const server = await startServer(ws, { demo: false })
    for (const query of ['', '?code=gl_ac_x&state=demo', '?error=access_denied']) {
      const response = await fetch(`${server.origin}/demo/callback${query}`)
      expect(response.status).toBe(404)
      expect(await response.text()).not.toContain('gl_ac_x')
    }
    await server.stop()
  })

  it('with the demo on, /demo/callback shows the code it received', async () => {
    const server = await startServer(ws, { demo: true })
    const response = await fetch(`${server.origin}/demo/callback?code=abc123&state=demo`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<code>abc123</code>')
    await server.stop()
  })
})
