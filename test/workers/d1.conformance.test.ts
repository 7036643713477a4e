import { runStorageConformance } from '@grantline/testing/vitest'
import { d1Storage } from './support.js'

// The Storage contract on real D1 inside workerd: single statements and batches are its atomicity.
runStorageConformance('d1 (workerd)', d1Storage)
