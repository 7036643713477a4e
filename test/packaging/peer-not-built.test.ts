import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT } from './support.js'

const run = promisify(execFile)

// An install where better-sqlite3's install script did not run (npm install --ignore-scripts, or
// npm's allowScripts leaving it out): its JavaScript and its runtime dependencies are there, its
// build/ folder with the native addon is not. @grantline/node is copied (package.json and dist)
// beside it, outside the repository, and its siblings are linked, as in without-optional.test.ts.
const project = mkdtempSync(join(tmpdir(), 'grantline-not-built-'))
const modules = join(project, 'node_modules')
const scope = join(modules, '@grantline')
mkdirSync(scope, { recursive: true })
for (const part of ['package.json', 'dist']) cpSync(join(ROOT, 'adapters/node', part), join(scope, 'node', part), { recursive: true })
for (const dir of ['packages/core', 'packages/sql', 'packages/kv'])
  symlinkSync(join(ROOT, dir), join(scope, dir.split('/')[1] as string), 'dir')
const sqlite = join(ROOT, 'node_modules/better-sqlite3')
cpSync(sqlite, join(modules, 'better-sqlite3'), { recursive: true, filter: (source) => source !== join(sqlite, 'build') })
for (const name of ['bindings', 'file-uri-to-path']) cpSync(join(ROOT, 'node_modules', name), join(modules, name), { recursive: true })

afterAll(() => rmSync(project, { recursive: true, force: true }))

const MESSAGE =
  "sqliteDriver: better-sqlite3 is installed but its native addon was not built (its install script did not run): run `npm rebuild better-sqlite3` (and, with npm's allowScripts, allow better-sqlite3's scripts)"

describe('npm: better-sqlite3 installed without its native addon', () => {
  it('sqliteDriver throws a PeerNotBuiltError naming the command that builds it', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { sqliteDriver } = await import('@grantline/node')
         try { sqliteDriver('g.sqlite') } catch (error) { console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })) }`,
      ],
      { cwd: project },
    )
    expect(JSON.parse(stdout)).toEqual({ name: 'PeerNotBuiltError', code: 'ERR_GRANTLINE_PEER_NOT_BUILT', message: MESSAGE })
  })

  it('grantline serve prints it on one line and exits 1', async () => {
    const cli = join(scope, 'node/dist/cli/main.js')
    const data = join(project, 'data')
    const failed = await run(process.execPath, [cli, 'serve', '--data', data, '--db', join(data, 'g.sqlite'), '--port', '0'], {
      cwd: project,
      timeout: 30_000,
    }).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
    expect(failed).not.toBeNull()
    expect(failed?.code).toBe(1)
    expect(failed?.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(failed?.stderr).toContain(MESSAGE)
    expect(failed?.stderr).not.toContain('bindings file')
  })
})
