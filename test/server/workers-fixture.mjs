// serveWorkers as a library user calls it, with no callbacks: two workers answering their pid.
import { serve, serveWorkers } from '@grantline/node'

await serveWorkers({
  workers: 2,
  start: async () => {
    const server = await serve(
      { handle: async () => Response.json({ pid: process.pid }) },
      { port: Number(process.env.PORT), log: false, handleSignals: false },
    )
    console.log(`worker ${process.pid} serving`)
    return { server }
  },
})
