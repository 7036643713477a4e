import { applyD1Migrations, env } from 'cloudflare:test'

// What `wrangler d1 migrations apply` does before a deploy; recorded in d1_migrations, so once.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
