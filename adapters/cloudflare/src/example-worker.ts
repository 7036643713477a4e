// The example Worker (wrangler.example.jsonc's `main`). In your project, import from
// '@grantline/cloudflare' instead of './index.js'. Secrets: `wrangler secret put SECRET` and
// `wrangler secret put KEY_ENCRYPTION_KEY` (base64url of 32 random bytes).
import { localAccounts } from '@grantline/core'
import { sqlAccountStore } from '@grantline/sql'
import { createWorker, d1Driver, WORKERD_PBKDF2_ITERATIONS, type WorkerEnv } from './index.js'

export interface Env extends WorkerEnv {
  ISSUER: string
  SECRET: string
  KEY_ENCRYPTION_KEY: string
}

export default createWorker<Env>((env) => ({
  issuer: env.ISSUER,
  secrets: [env.SECRET],
  // Users and sessions in the same D1 database; workerd's PBKDF2 allows 100,000 iterations at most.
  accounts: localAccounts(sqlAccountStore(d1Driver(env.DB)), { secrets: [env.SECRET], iterations: WORKERD_PBKDF2_ITERATIONS }),
  oidc: { keyEncryptionKey: env.KEY_ENCRYPTION_KEY },
  // Clients are read through KV (env.CACHE); opt in to cached bearer checks with accessTokens.
  cache: { clientTtlSeconds: 300 },
  // Each Cron Trigger: the first signing key, rotation every 30 days, cleanup in batches.
  scheduled: { rotateKeysAfterSeconds: 30 * 86_400 },
}))
