// The runtime matrix's Worker, run by workerd.ts in miniflare: @grantline/cloudflare's createWorker
// on a D1 binding. Bindings: DB (D1), ISSUER, SECRET. Bundled with esbuild by the harness.
import { createWorker, d1Driver, type ExecutionContextLike, type WorkerEnv } from '@grantline/cloudflare'
import { createProvider } from '@grantline/core'
import { sqlStorage } from '@grantline/sql'
import { runtimeConfig, SEED_PATH, seedClients } from './fixture.js'

interface Env extends WorkerEnv {
  ISSUER: string
  SECRET: string
}

const worker = createWorker<Env>((env) => {
  const { storage: _, ...config } = runtimeConfig({
    issuer: env.ISSUER,
    secret: env.SECRET,
    storage: sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' }),
  })
  return { ...config, cache: false }
})

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> {
    // The seeding an operator would do with the CLI or wrangler, through a provider on the same D1.
    if (new URL(request.url).pathname === SEED_PATH) {
      if (request.method !== 'POST' || request.headers.get('authorization') !== `Bearer ${env.SECRET}`)
        return new Response(null, { status: 403 })
      const admin = createProvider(
        runtimeConfig({ issuer: env.ISSUER, secret: env.SECRET, storage: sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' }) }),
      )
      return Response.json(await seedClients(admin))
    }
    return worker.fetch(request, env, ctx)
  },
}
