// serveWorkers as a library user calls it, with no callbacks: WORKERS (default 2) workers
// answering their pid. A worker that starts while the file FAIL_FLAG exists fails its start.
import { existsSync } from 'node:fs'
import { serve, serveWorkers } from '@grantline/node'

await serveWorkers({
  workers: Number(process.env.WORKERS ?? 2),
  start: async () => {
    if (process.env.FAIL_FLAG && existsSync(process.env.FAIL_FLAG)) throw new Error('this worker cannot start')
    const server = await serve(
      { handle: async () => Response.json({ pid: process.pid }) },
      { port: Number(process.env.PORT), log: false, handleSignals: false },
    )
    console.log(`worker ${process.pid} serving`)
    return { server }
  },
})
