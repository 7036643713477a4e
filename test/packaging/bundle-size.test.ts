import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { ROOT, readJson, workspaces } from './support.js'

vi.setConfig({ testTimeout: 180_000 })

// Workers Free allows a Worker of 3 MB after compression, the gzip size wrangler reports.
// https://developers.cloudflare.com/workers/platform/limits/#worker-size
const FREE_PLAN_GZIP_LIMIT = 3_000_000

interface Sizes {
  entries: { entry: string; minified: number; gzip: number; own: number }[]
  workers: { name: string; raw: number; gzip: number; withinFreePlan: boolean }[]
}

/** `npm run size` as JSON: the exit status and what it measured. */
function measure(): Promise<{ status: number; sizes: Sizes; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/bundle-size.mjs'), '--json'],
      { cwd: ROOT, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        resolve({ status: typeof error?.code === 'number' ? error.code : 0, sizes: JSON.parse(stdout) as Sizes, stderr })
      },
    )
  })
}

describe('npm run size', () => {
  it('measures every exported entry point, and the MCP Workers example fits the Workers Free plan (3 MB gzip)', async () => {
    const { status, sizes, stderr } = await measure()
    const exported = workspaces().flatMap(({ pkg }) =>
      Object.keys(pkg.exports ?? {}).map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`)),
    )
    if (existsSync(join(ROOT, 'adapters/deno/deno.json'))) {
      const deno = readJson<{ exports: Record<string, string> }>('adapters/deno/deno.json')
      exported.push(...Object.keys(deno.exports).map((key) => (key === '.' ? '@grantline/deno' : `@grantline/deno/${key.slice(2)}`)))
    }
    expect(sizes.entries.map((e) => e.entry).sort()).toEqual(exported.sort())
    for (const e of sizes.entries) {
      expect(e.gzip, e.entry).toBeGreaterThan(0)
      expect(e.gzip, e.entry).toBeLessThan(e.minified)
      expect(e.own, e.entry).toBeLessThanOrEqual(e.minified)
    }

    const mcp = sizes.workers.find((w) => w.name.startsWith('examples/mcp-workers'))
    expect(mcp, JSON.stringify(sizes.workers)).toBeDefined()
    // A bundle that wrangler measured: the MCP SDK and zod alone are hundreds of KiB.
    expect(mcp?.raw).toBeGreaterThan(100 * 1024)
    expect(mcp?.gzip).toBeLessThanOrEqual(FREE_PLAN_GZIP_LIMIT)
    expect(mcp?.withinFreePlan).toBe(true)
    expect(status, stderr).toBe(0)
  })
})
