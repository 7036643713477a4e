import type { Consumables, ConsumeResult, Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute, executeBatch, queryOne } from '../query.js'
import {
  codeShape,
  columnList,
  familyShape,
  initialAccessTokenShape,
  insertRow,
  interactionShape,
  pushedRequestShape,
  type Shape,
} from '../shapes.js'
import { raw, sql } from '../sql-fragment.js'

type ConsumableMethods = Pick<
  Storage,
  | 'createInteraction'
  | 'getInteraction'
  | 'createInitialAccessToken'
  | 'getInitialAccessToken'
  | 'createPushedRequest'
  | 'createCode'
  | 'consume'
>

interface Table<T> {
  name: string
  key: string
  shape: Shape<T>
}

const TABLES: { [K in keyof Consumables]: Table<Consumables[K]> } = {
  code: { name: 'codes', key: 'hash', shape: codeShape },
  interaction: { name: 'interactions', key: 'id', shape: interactionShape },
  initial_access_token: { name: 'initial_access_tokens', key: 'hash', shape: initialAccessTokenShape },
  pushed_request: { name: 'pushed_requests', key: 'hash', shape: pushedRequestShape },
}

/**
 * Single-use records: authorization codes (RFC 6749 §4.1.2), pending consent decisions and
 * initial access tokens (RFC 7591 §3) and pushed authorization requests (RFC 9126).
 */
export function consumableMethods(driver: SqlDriver): ConsumableMethods {
  return {
    async createInteraction(interaction) {
      await execute(driver, insertRow('interactions', interactionShape, interaction))
    },
    getInteraction(id, now) {
      return queryOne(
        driver,
        sql`SELECT ${columnList(interactionShape)} FROM interactions WHERE id = ${id} AND expires_at > ${now} AND consumed_at IS NULL`,
        interactionShape,
      )
    },
    async createInitialAccessToken(token) {
      await execute(driver, insertRow('initial_access_tokens', initialAccessTokenShape, token))
    },
    getInitialAccessToken(hash, now) {
      return queryOne(
        driver,
        sql`SELECT ${columnList(initialAccessTokenShape)} FROM initial_access_tokens WHERE hash = ${hash} AND expires_at > ${now} AND consumed_at IS NULL`,
        initialAccessTokenShape,
      )
    },
    async createPushedRequest(request) {
      await execute(driver, insertRow('pushed_requests', pushedRequestShape, request))
    },
    async createCode(code, family) {
      await executeBatch(driver, [insertRow('families', familyShape, family), insertRow('codes', codeShape, code)])
    },

    /**
     * One conditional UPDATE takes the record, so of concurrent callers exactly one sees it
     * returned. Only when nothing came back does a second read tell a tombstone (reused) from
     * an expired or unknown key (absent); that read decides nothing that could race.
     */
    async consume<K extends keyof Consumables>(kind: K, key: string, now: number): Promise<ConsumeResult<Consumables[K]>> {
      const table = TABLES[kind] as Table<Consumables[K]>
      const [name, column, columns] = [raw(table.name), raw(table.key), columnList(table.shape)]
      const taken = await queryOne(
        driver,
        sql`UPDATE ${name} SET consumed_at = ${now} WHERE ${column} = ${key} AND consumed_at IS NULL AND expires_at > ${now} RETURNING ${columns}`,
        table.shape,
      )
      if (taken) return { status: 'ok', record: taken }
      const tombstone = await queryOne(
        driver,
        sql`SELECT ${columns} FROM ${name} WHERE ${column} = ${key} AND expires_at > ${now} AND consumed_at IS NOT NULL`,
        table.shape,
      )
      return tombstone ? { status: 'reused', record: tombstone } : { status: 'absent' }
    },
  }
}
