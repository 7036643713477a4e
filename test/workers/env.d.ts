// The bindings of test/workers/vitest.config.ts, as `env` from cloudflare:test / cloudflare:workers.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database
    CACHE: KVNamespace
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[]
  }
}
