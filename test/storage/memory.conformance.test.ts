import { memoryStorage } from '@grantline/core'
import { runStorageConformance } from '@grantline/testing/vitest'

runStorageConformance('memory', memoryStorage)
