import type { AccountStore } from '@grantline/core'
import { accountStoreConformance } from '@grantline/testing'
import { describe, expect, it } from 'vitest'

/** The AccountStore contract (from @grantline/testing) under vitest, for a store of `name`. */
export function describeAccountStore(name: string, makeStore: () => Promise<AccountStore>): void {
  accountStoreConformance({ describe, it, expect }, name, makeStore)
}
