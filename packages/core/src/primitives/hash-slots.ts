/**
 * Bounds the password derivations (PBKDF2, hundreds of milliseconds of CPU each) in flight at
 * once. A caller past the bound is refused at once, never queued: a queue of derivations would
 * hold every other request that needs the same threads (on Node, Web Crypto and file I/O share
 * libuv's pool of 4), so a burst of logins would stall the whole server.
 */
export interface HashSlots {
  /** A slot, as the function that frees it (idempotent); undefined when all are taken. */
  take(): (() => void) | undefined
}

export function createHashSlots(size: number): HashSlots {
  let taken = 0
  return {
    take() {
      if (taken >= size) return undefined
      taken++
      let freed = false
      return () => {
        if (freed) return
        freed = true
        taken--
      }
    },
  }
}
