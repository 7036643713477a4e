import {
  applyDevicePoll,
  type CodeRecord,
  type Consumables,
  type ConsumeResult,
  type DeviceAuthorization,
  type InitialAccessToken,
  type Interaction,
  memoryStorage,
  type PushedRequest,
  type RotateResult,
  type Storage,
} from '@grantline/core'

/** Yields to the event loop, as a database round trip would, so concurrent callers interleave. */
const roundTrip = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/**
 * A deliberately broken Storage: consume, remember and rotateRefresh read, wait for a round trip,
 * then write, the read-modify-write in JS that the design forbids. Everything else is memoryStorage.
 * Sequentially it behaves; under concurrency several callers win. It exists so the conformance
 * races can be seen to fail; it is never a Storage to run a server on.
 */
export function nonAtomicStorage(): Storage {
  const inner = memoryStorage()
  // Consumables live here because the Storage contract has no non-consuming read of a code.
  const codes = new Map<string, CodeRecord>()
  const interactions = new Map<string, Interaction>()
  const initialAccessTokens = new Map<string, InitialAccessToken>()
  const pushedRequests = new Map<string, PushedRequest>()
  const tables: { [K in keyof Consumables]: Map<string, Consumables[K]> } = {
    code: codes,
    interaction: interactions,
    initial_access_token: initialAccessTokens,
    pushed_request: pushedRequests,
  }
  const copy = <T>(value: T): T => structuredClone(value)
  const devices = new Map<string, DeviceAuthorization>()
  const remembered = new Map<string, { expires_at: number }>()
  const findDevice = (userCodeHash: string, now: number) =>
    [...devices.values()].find((d) => d.user_code_hash === userCodeHash && d.status === 'pending' && d.expires_at > now)

  const sweep = (table: Map<string, { expires_at: number }>, now: number, budget: number) => {
    let removed = 0
    for (const [key, row] of table) {
      if (removed >= budget) break
      if (row.expires_at <= now) {
        table.delete(key)
        removed++
      }
    }
    return removed
  }

  return {
    ...inner,
    capabilities: { atomicConsume: false },

    async createInteraction(interaction) {
      interactions.set(interaction.id, copy(interaction))
    },
    async getInteraction(id, now) {
      const interaction = interactions.get(id)
      if (!interaction || interaction.expires_at <= now || interaction.consumed_at !== null) {
        return null
      }
      return copy(interaction)
    },
    async createPushedRequest(request) {
      pushedRequests.set(request.hash, copy(request))
    },
    async createInitialAccessToken(token) {
      initialAccessTokens.set(token.hash, copy(token))
    },
    async getInitialAccessToken(hash, now) {
      const token = initialAccessTokens.get(hash)
      return token && token.expires_at > now && token.consumed_at === null ? copy(token) : null
    },
    async createCode(code, family) {
      await inner.createFamily(family)
      codes.set(code.hash, copy(code))
    },

    async consume<K extends keyof Consumables>(kind: K, key: string, now: number): Promise<ConsumeResult<Consumables[K]>> {
      const table = tables[kind] as Map<string, Consumables[K]>
      const read = table.get(key)
      if (!read || read.expires_at <= now) return { status: 'absent' }
      if (read.consumed_at !== null) return { status: 'reused', record: copy(read) }
      await roundTrip()
      const written = { ...read, consumed_at: now }
      table.set(key, written)
      return { status: 'ok', record: copy(written) }
    },

    async remember(kind, key, expiresAt, now) {
      const id = JSON.stringify([kind, key])
      const read = remembered.get(id)
      if (read && read.expires_at > now) return false
      await roundTrip()
      remembered.set(id, { expires_at: expiresAt })
      return true
    },

    async createDeviceAuthorization(record) {
      devices.set(record.device_code_hash, copy(record))
    },
    async findDeviceAuthorization(userCodeHash, now) {
      const found = findDevice(userCodeHash, now)
      return found ? copy(found) : null
    },
    async decideDeviceAuthorization(userCodeHash, decision, now) {
      const read = findDevice(userCodeHash, now)
      if (!read) return false
      await roundTrip()
      devices.set(read.device_code_hash, { ...read, ...decision })
      return true
    },
    async pollDeviceAuthorization(deviceCodeHash, clientId, now) {
      const stored = devices.get(deviceCodeHash)
      const read = stored?.client_id === clientId ? copy(stored) : undefined
      const result = applyDevicePoll(read, now)
      if (!read || result.status === 'absent' || result.status === 'expired' || result.status === 'reused') return result
      await roundTrip()
      devices.set(deviceCodeHash, read)
      return result
    },

    async rotateRefresh(oldHash, next, now, graceSeconds): Promise<RotateResult> {
      const old = (await inner.findRefreshToken(oldHash, now))?.token
      if (!old) return { status: 'absent' }
      if (old.used_at !== null) {
        const successor = old.successor_hash ? (await inner.findRefreshToken(old.successor_hash, now))?.token : undefined
        const inGrace = now - old.used_at < graceSeconds && successor?.used_at === null
        if (!successor || !inGrace) return { status: 'reused', family_id: old.family_id }
        await roundTrip()
        // memoryStorage's issueTokens overwrites by hash: the stale copy is written back whole.
        await inner.issueTokens({ access: next.access, refresh: { ...successor, revoked_at: now } })
        if (successor.access_hash) await inner.revokeAccessToken(successor.access_hash, now)
      } else {
        await roundTrip()
      }
      const marked = { ...old, used_at: now, successor_hash: next.refresh.hash }
      await inner.issueTokens({ access: next.access, refresh: marked })
      await inner.issueTokens(next)
      return { status: 'ok' }
    },

    async cleanup(now, limit = 10_000, options) {
      let removed = sweep(codes, now, limit)
      removed += sweep(interactions, now, limit - removed)
      removed += sweep(initialAccessTokens, now, limit - removed)
      removed += sweep(pushedRequests, now, limit - removed)
      removed += sweep(remembered, now, limit - removed)
      return removed + (await inner.cleanup(now, limit - removed, options))
    },
  }
}
