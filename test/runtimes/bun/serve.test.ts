// Run by `bun test` (see test/runtimes/in-runtime.test.ts): @grantline/bun's serve() keeps the
// contract every adapter shares (async, `signal`, `finished`, the address).
import { describe, expect, it } from 'bun:test'
import { serve } from '@grantline/bun'

describe('@grantline/bun serve', () => {
  it('resolves once listening; aborting `signal` stops it gracefully, runs onClose and settles `finished`', async () => {
    const controller = new AbortController()
    let closed = false
    const running = await serve(
      { handle: async () => new Response('ok') },
      {
        port: 0,
        handleSignals: false,
        signal: controller.signal,
        onClose: () => {
          closed = true
        },
      },
    )
    expect(running.address.hostname).toBe('127.0.0.1')
    expect(await (await fetch(`http://127.0.0.1:${running.address.port}/`)).text()).toBe('ok')
    controller.abort()
    await running.finished
    expect(closed).toBe(true)
  })
})
