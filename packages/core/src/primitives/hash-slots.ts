import type { HashSlots } from '../contracts/accounts.js'

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
