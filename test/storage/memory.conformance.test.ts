import { memoryStorage } from '@grantline/core'
import { runStorageConformance } from '@grantline/testing'

runStorageConformance('memory', memoryStorage)
