/**
 * The error a driver throws when its database client, an optional peer dependency of
 * @grantline/node, is not installed: it names the package and the command that installs it.
 */
export class MissingPeerError extends Error {
  readonly code = 'ERR_GRANTLINE_MISSING_PEER'

  constructor(
    readonly peer: string,
    usedBy: string,
  ) {
    super(`${usedBy} needs the ${peer} package, which is not installed: npm install ${peer}`)
    this.name = 'MissingPeerError'
  }
}

/**
 * Whether `error` says that `peer` itself cannot be found (require's MODULE_NOT_FOUND or import's
 * ERR_MODULE_NOT_FOUND naming it), and not one of its own files or dependencies, whose error is
 * more useful as it is.
 */
function isMissing(error: unknown, peer: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false
  return typeof message === 'string' && (message.includes(`'${peer}'`) || message.includes(`"${peer}"`))
}

/** Rethrows a missing `peer` as a MissingPeerError; any other failure to load it as it is. */
export function rethrowMissingPeer(error: unknown, peer: string, usedBy: string): never {
  if (isMissing(error, peer)) throw new MissingPeerError(peer, usedBy)
  throw error
}

/**
 * The error a driver throws when its database client is installed but its native addon was not
 * built (npm install --ignore-scripts, or npm's allowScripts leaving its install script out): it
 * names the command that builds it.
 */
export class PeerNotBuiltError extends Error {
  readonly code = 'ERR_GRANTLINE_PEER_NOT_BUILT'

  constructor(
    readonly peer: string,
    usedBy: string,
  ) {
    super(
      `${usedBy}: ${peer} is installed but its native addon was not built (its install script did not run): run \`npm rebuild ${peer}\` (and, with npm's allowScripts, allow ${peer}'s scripts)`,
    )
    this.name = 'PeerNotBuiltError'
  }
}

/** Rethrows the `bindings` package's "Could not locate the bindings file" as a PeerNotBuiltError; anything else as it is. */
export function rethrowPeerNotBuilt(error: unknown, peer: string, usedBy: string): never {
  const message = (error as { message?: unknown } | null)?.message
  if (typeof message === 'string' && message.startsWith('Could not locate the bindings file')) throw new PeerNotBuiltError(peer, usedBy)
  throw error
}
