import { execFile } from 'node:child_process'
import { describe, expect, it, vi } from 'vitest'
import { ROOT, workspaces } from './support.js'

vi.setConfig({ testTimeout: 120_000 })

describe('npm publish --dry-run', () => {
  it('publishes every package with nothing for npm to correct in its package.json', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      // --ignore-scripts: prepack rebuilds dist, which the build before the tests already did.
      execFile(
        'npm',
        ['publish', '--dry-run', '--ignore-scripts', '--workspaces'],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout}${stderr}`)) : resolve(`${stdout}${stderr}`)),
      )
    })
    for (const { pkg } of workspaces()) expect(output, pkg.name).toContain(`+ ${pkg.name}@${pkg.version}`)
    // A dry run without credentials says so; any other warning (a bin dropped, a field rewritten) fails.
    const warnings = output.split('\n').filter((line) => line.startsWith('npm warn') && !line.includes('requires you to be logged in'))
    expect(warnings, output).toEqual([])
  })
})
