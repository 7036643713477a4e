import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/workers runs inside workerd with its own config (npm test runs both); test/runtimes/deno
    // and test/runtimes/bun run inside deno test and bun test, started by test/runtimes/in-runtime.test.ts.
    exclude: [...configDefaults.exclude, 'test/workers/**', 'test/runtimes/deno/**', 'test/runtimes/bun/**'],
  },
})
