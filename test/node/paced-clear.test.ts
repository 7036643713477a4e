import { describe, expect, it } from 'vitest'
import { pacedClear } from '../../adapters/node/src/cli/paced-clear.js'

describe('grantline tokens clear: paced batches', () => {
  it('clears in batches of the given size until one comes back short, with a checkpoint between batches', async () => {
    const steps: string[] = []
    let left = 250
    const removed = await pacedClear({
      batch: 100,
      cleanup: async (limit) => {
        const count = Math.min(limit, left)
        left -= count
        steps.push(`cleanup ${limit} -> ${count}`)
        return count
      },
      between: async () => {
        steps.push('checkpoint')
      },
    })
    expect(removed).toBe(250)
    expect(steps).toEqual(['cleanup 100 -> 100', 'checkpoint', 'cleanup 100 -> 100', 'checkpoint', 'cleanup 100 -> 50'])
  })

  it('an exact multiple ends with one empty batch, and nothing to clear is one call', async () => {
    let left = 200
    const calls: number[] = []
    const cleanup = async (limit: number) => {
      const count = Math.min(limit, left)
      left -= count
      calls.push(count)
      return count
    }
    expect(await pacedClear({ batch: 100, cleanup })).toBe(200)
    expect(calls).toEqual([100, 100, 0])
    expect(await pacedClear({ batch: 100, cleanup })).toBe(0)
  })
})
