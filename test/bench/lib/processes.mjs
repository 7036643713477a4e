// Starting the servers under test, waiting for their ready line, and reading their peak RSS.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

/** Starts `command args` and resolves with the JSON ready line it prints (`{"ready":true,"pid":N}`). */
export function startServer({ id, command, args, env, cwd }, timeoutMs = 60_000) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr = []
  child.stderr.on('data', (chunk) => {
    stderr.push(chunk)
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${id}] ${chunk}`)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id}: not ready after ${timeoutMs} ms\n${Buffer.concat(stderr)}`)), timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${id}: exited with ${code} before it was ready\n${Buffer.concat(stderr)}`))
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{"ready"')) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ child, info: JSON.parse(line) })
    })
  })
}

/** Stops a server by its own pid and waits for it to go. */
export async function stopServer(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await gone
  clearTimeout(timer)
}

function status(pid) {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return ''
  }
}

const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0)

/** The pids below `pid` (children, grandchildren, ...), from /proc. */
export function descendants(pid) {
  const children = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = (() => {
      try {
        return readFileSync(`/proc/${entry}/stat`, 'utf8')
      } catch {
        return ''
      }
    })()
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (!children.has(ppid)) children.set(ppid, [])
    children.get(ppid).push(Number(entry))
  }
  const out = []
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      out.push(c)
      walk(c)
    }
  }
  walk(pid)
  return out
}

/**
 * Peak resident memory (VmHWM, MiB) of a server: its own process, plus its workers for a
 * multi-process server (gunicorn), or only the workerd process for miniflare.
 */
export function peakRssMiB(pid, mode = 'self') {
  const command = (p) => status(p).match(/^Name:\s+(\S+)/m)?.[1] ?? ''
  let pids = [pid]
  if (mode === 'tree') pids = [pid, ...descendants(pid)]
  if (mode === 'workerd') pids = descendants(pid).filter((p) => command(p) === 'workerd')
  const kib = pids.reduce((sum, p) => sum + field(status(p), 'VmHWM'), 0)
  return Math.round(kib / 1024)
}

/** CPU time (user + system, clock ticks of 10 ms) used so far by the server's measured processes. */
export function cpuTicks(pid, mode = 'self') {
  const command = (p) => status(p).match(/^Name:\s+(\S+)/m)?.[1] ?? ''
  let pids = [pid]
  if (mode === 'tree') pids = [pid, ...descendants(pid)]
  if (mode === 'workerd') pids = descendants(pid).filter((p) => command(p) === 'workerd')
  let ticks = 0
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // A worker that exited between the listing and the read.
    }
  }
  return ticks
}
