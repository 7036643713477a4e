import type { AccessTokenRecord, Family, IssuedTokens, RefreshTokenRecord, Storage, TokenWithFamily } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute, executeBatch } from '../query.js'
import { accessShape, aliasedColumns, decode, familyShape, insertRow, type Row, refreshShape, type Shape } from '../shapes.js'
import { raw, type SqlFragment, sql, statement } from '../sql-fragment.js'
import { FAMILY_JOINS, liveFamily } from './validity.js'

type TokenMethods = Pick<
  Storage,
  'getFamily' | 'createFamily' | 'revokeFamily' | 'issueTokens' | 'findAccessToken' | 'findRefreshToken' | 'revokeAccessToken'
>

const FAMILY = aliasedColumns(familyShape, 'f')

/** The inserts of `issueTokens`, in the order they must run: the family before its tokens. */
export function issueStatements({ family, access, refresh }: IssuedTokens): SqlFragment[] {
  return [
    ...(family ? [insertRow('families', familyShape, family)] : []),
    insertRow('access_tokens', accessShape, access),
    ...(refresh ? [insertRow('refresh_tokens', refreshShape, refresh)] : []),
  ]
}

/**
 * A token with its family in one query joining token, family, consent and client: the token is
 * found only while all of them are live at `now` (the one join of docs/architecture.md "Storage").
 */
async function findToken<T>(
  driver: SqlDriver,
  table: string,
  shape: Shape<T>,
  hash: string,
  now: number,
): Promise<TokenWithFamily<T> | null> {
  const row = await statement(
    driver,
    sql`SELECT ${aliasedColumns(shape, 't')}, ${FAMILY} FROM ${raw(table)} t JOIN families f ON f.id = t.family_id ${FAMILY_JOINS}
        WHERE t.hash = ${hash} AND t.revoked_at IS NULL AND t.expires_at > ${now} AND ${liveFamily(now)}`,
  ).first<Row>()
  return row ? { token: decode(shape, row, 't_'), family: decode(familyShape, row, 'f_') } : null
}

/** Families, and the access and refresh tokens issued into them. */
export function tokenMethods(driver: SqlDriver): TokenMethods {
  return {
    async getFamily(id, now) {
      const row = await statement(
        driver,
        sql`SELECT ${FAMILY} FROM families f ${FAMILY_JOINS} WHERE f.id = ${id} AND ${liveFamily(now)}`,
      ).first<Row>()
      return row ? decode<Family>(familyShape, row, 'f_') : null
    },
    async createFamily(family) {
      await execute(driver, insertRow('families', familyShape, family))
    },
    async revokeFamily(id, now) {
      await execute(driver, sql`UPDATE families SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`)
    },

    async issueTokens(tokens) {
      const statements = issueStatements(tokens)
      if (statements.length === 1 && statements[0]) await execute(driver, statements[0])
      else await executeBatch(driver, statements)
    },
    findAccessToken(hash, now) {
      return findToken<AccessTokenRecord>(driver, 'access_tokens', accessShape, hash, now)
    },
    findRefreshToken(hash, now) {
      return findToken<RefreshTokenRecord>(driver, 'refresh_tokens', refreshShape, hash, now)
    },
    async revokeAccessToken(hash, now) {
      await execute(driver, sql`UPDATE access_tokens SET revoked_at = ${now} WHERE hash = ${hash} AND revoked_at IS NULL`)
    },
  }
}
