import { createTurns } from '@grantline/core'
import { describe, expect, it } from 'vitest'

describe('createTurns: the adapters hand requests to the core in turns', () => {
  it('runs the tasks queued in one pass together, in order, after the code that queued them; a later task starts the next turn', async () => {
    const turns = createTurns()
    const ran: string[] = []
    turns(() => ran.push('a'))
    turns(() => ran.push('b'))
    expect(ran).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(ran).toEqual(['a', 'b'])
    turns(() => ran.push('c'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(ran).toEqual(['a', 'b', 'c'])
  })
})
