/**
 * The runtime's built-in hashing and encoding, where it has them: node:crypto and node:buffer
 * (Node 20.16 and later, Bun, Deno), found through `process.getBuiltinModule` so that the core
 * imports no `node:` module, and the TC39 `Uint8Array.prototype.toBase64` (Bun, newer V8). Where
 * there is none (workerd, browsers, older Node) each is undefined and the core's portable code
 * runs; the two are held equal by the tests.
 */

export type Encoding = 'hex' | 'base64url'
type OneShotHash = (algorithm: 'sha256', data: string, encoding: Encoding) => string
type Base64url = (bytes: Uint8Array) => string

function builtin(id: string): Record<string, unknown> | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  if (typeof host?.getBuiltinModule !== 'function') return undefined
  return host.getBuiltinModule(id) as Record<string, unknown> | undefined
}

/** node:crypto's one-shot `hash()`: about three times as fast as @noble/hashes for a secret. */
export function nativeSha256(): OneShotHash | undefined {
  const hash = builtin('node:crypto')?.hash
  return typeof hash === 'function' ? (hash as OneShotHash) : undefined
}

interface NodeBuffer {
  from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64url'): string }
}

/**
 * Unpadded base64url of bytes: `toBase64` where the runtime has it, else node:buffer's encoder
 * (on a view of the same memory, nothing copied); each about twice as fast as a loop in
 * JavaScript for a token's 32 bytes.
 */
export function nativeBase64url(): Base64url | undefined {
  type ToBase64 = (this: Uint8Array, options: { alphabet: 'base64url'; omitPadding: true }) => string
  const toBase64 = (Uint8Array.prototype as { toBase64?: ToBase64 }).toBase64
  if (typeof toBase64 === 'function') return (bytes) => toBase64.call(bytes, { alphabet: 'base64url', omitPadding: true })
  const Buffer = builtin('node:buffer')?.Buffer as NodeBuffer | undefined
  if (typeof Buffer?.from !== 'function') return undefined
  return (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}
