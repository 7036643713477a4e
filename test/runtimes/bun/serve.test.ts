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
  it('answers requests that arrive together (handed to the handler in turns) each with its own response', async () => {
    const running = await serve(
      {
        handle: (request: Request) => {
          const n = new URL(request.url).searchParams.get('n')
          return Promise.resolve(new Response(`answer ${n}`))
        },
      },
      { port: 0, handleSignals: false },
    )
    const numbers = Array.from({ length: 16 }, (_, n) => n)
    const answers = await Promise.all(
      numbers.map(async (n) => {
        const response = await fetch(`http://127.0.0.1:${running.address.port}/?n=${n}`)
        return [response.status, await response.text()]
      }),
    )
    expect(answers).toEqual(numbers.map((n) => [200, `answer ${n}`]))
    await running.close()
  })
})
