import { describe, expect, it } from 'vitest'
import { inlineValues, sqliteLiteral } from '../../adapters/node/src/cli/sql-capture.js'

// `grantline --sql` writes bound values into the statement text: each must stay one literal.
describe('grantline --sql: values as SQLite literals', () => {
  it('SQLite lang_expr (literal values): a quote is doubled, a control character is char(n), NULL and numbers are bare', () => {
    expect(sqliteLiteral("O'Brien")).toBe("'O''Brien'")
    expect(sqliteLiteral("a\nb'; DROP TABLE clients; --")).toBe("('a' || char(10) || 'b''; DROP TABLE clients; --')")
    expect(sqliteLiteral(null)).toBe('NULL')
    expect(sqliteLiteral(1796404181)).toBe('1796404181')
    expect(() => sqliteLiteral(Number.NaN)).toThrow('SQL literal')
  })

  it('SQLite lang_expr (parameters): each ? outside quotes takes the next value; a count that does not match is refused', () => {
    expect(inlineValues("INSERT INTO t (a, b) VALUES (?, '?')\n  ON CONFLICT DO NOTHING", ['x'])).toBe(
      "INSERT INTO t (a, b) VALUES ('x', '?') ON CONFLICT DO NOTHING",
    )
    expect(inlineValues('UPDATE t\n   SET a = ?', ['two  spaces'])).toBe("UPDATE t SET a = 'two  spaces'")
    expect(() => inlineValues('SELECT ?, ?', ['x'])).toThrow('more placeholders')
    expect(() => inlineValues('SELECT ?', ['x', 'y'])).toThrow('more values')
  })
})
