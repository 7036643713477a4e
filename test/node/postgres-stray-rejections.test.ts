import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const GUARD = fileURLToPath(new URL('../../adapters/node/dist/postgres-stray-rejections.js', import.meta.url))

/** Runs `body` in a new Node process after the guard is installed; answers its exit code and stderr. */
function runWithGuard(body: string, nodeOptions = ''): Promise<{ code: number | null; stderr: string }> {
  const script = `const { absorbLostConnectionRejections } = await import(${JSON.stringify(GUARD)})\nabsorbLostConnectionRejections()\n${body}`
  return new Promise((resolve) => {
    const env = { ...process.env, NODE_OPTIONS: nodeOptions }
    execFile(process.execPath, ['--input-type=module', '-e', script], { env }, (error, _stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stderr }),
    )
  })
}

const lost = (fields: string) =>
  `Promise.reject(Object.assign(new Error('lost'), ${fields}))\nawait new Promise((r) => setTimeout(r, 50))\nconsole.log('alive')`

describe('the postgres package’s unawaited rejections of a connection lost while it opens', () => {
  it.each([
    ['CONNECTION_CLOSED', "{ code: 'CONNECTION_CLOSED' }"],
    ['a terminated backend (FATAL 57P01)', "{ code: '57P01', severity: 'FATAL' }"],
    ['a reset socket', "{ code: 'ECONNRESET' }"],
  ])('%s: a warning, and the process goes on', async (_what, fields) => {
    const { code, stderr } = await runWithGuard(lost(fields))
    expect(code).toBe(0)
    expect(stderr).toContain('GRANTLINE_POSTGRES_CONNECTION_LOST')
  })

  it('any other unhandled rejection still ends the process, as Node does by default', async () => {
    const { code, stderr } = await runWithGuard(lost("{ code: 'SOMETHING_ELSE' }"))
    expect(code).toBe(1)
    expect(stderr).toContain('SOMETHING_ELSE')
  })

  it('a process that listens for unhandled rejections itself, or asked for another mode, keeps its choice', async () => {
    const own = await runWithGuard(
      `process.on('unhandledRejection', () => console.error('handled by the host'))\n${lost("{ code: 'SOMETHING_ELSE' }")}`,
    )
    expect(own).toMatchObject({ code: 0 })
    expect(own.stderr).toContain('handled by the host')
    expect(await runWithGuard(lost("{ code: 'SOMETHING_ELSE' }"), '--unhandled-rejections=warn')).toMatchObject({ code: 0 })
  })
})
