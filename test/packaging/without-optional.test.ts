import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT } from './support.js'

const run = promisify(execFile)

// An install without the optional packages: @grantline/node and @grantline/testing are copied
// (package.json and dist) into a folder outside the repository, where neither better-sqlite3,
// postgres nor vitest can be found; their siblings are linked, and resolve their own dependencies
// from the repository as they would from an install.
const project = mkdtempSync(join(tmpdir(), 'grantline-optional-'))
const scope = join(project, 'node_modules/@grantline')
mkdirSync(scope, { recursive: true })
for (const dir of ['adapters/node', 'packages/testing']) {
  const target = join(scope, dir.split('/')[1] as string)
  for (const part of ['package.json', 'dist']) cpSync(join(ROOT, dir, part), join(target, part), { recursive: true })
}
for (const dir of ['packages/core', 'packages/sql', 'packages/kv'])
  symlinkSync(join(ROOT, dir), join(scope, dir.split('/')[1] as string), 'dir')

afterAll(() => rmSync(project, { recursive: true, force: true }))

/** Runs an ES module script in the project and returns what it printed. */
async function script(source: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], { cwd: project })
  return stdout.trim()
}

describe('npm: the optional packages load only when used', () => {
  it('@grantline/node imports without better-sqlite3 and postgres', async () => {
    expect(await script(`const node = await import('@grantline/node'); console.log(typeof node.serve, typeof node.sqliteDriver)`)).toBe(
      'function function',
    )
  })

  it('sqliteDriver without better-sqlite3 throws a MissingPeerError naming the command that installs it', async () => {
    const printed = await script(`
      const { sqliteDriver } = await import('@grantline/node')
      try { sqliteDriver(':memory:') } catch (error) { console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })) }
    `)
    expect(JSON.parse(printed)).toEqual({
      name: 'MissingPeerError',
      code: 'ERR_GRANTLINE_MISSING_PEER',
      message: 'sqliteDriver needs the better-sqlite3 package, which is not installed: npm install better-sqlite3',
    })
  })

  it('postgresDriver without postgres rejects its first statement with a MissingPeerError naming the command that installs it', async () => {
    const printed = await script(`
      const { postgresDriver } = await import('@grantline/node')
      const driver = postgresDriver('postgres://127.0.0.1:1/none')
      await driver.prepare('SELECT 1').first().catch((error) => console.log(JSON.stringify({ name: error.name, message: error.message })))
      await driver.close()
    `)
    expect(JSON.parse(printed)).toEqual({
      name: 'MissingPeerError',
      message: 'postgresDriver needs the postgres package, which is not installed: npm install postgres',
    })
  })

  it('@grantline/testing imports without vitest; @grantline/testing/vitest is the entry that needs it', async () => {
    expect(
      await script(`const t = await import('@grantline/testing'); console.log(typeof t.storageConformance, typeof t.createFakeClock)`),
    ).toBe('function function')
    const printed = await script(`await import('@grantline/testing/vitest').catch((error) => console.log(error.code))`)
    expect(printed).toBe('ERR_MODULE_NOT_FOUND')
  })
})
