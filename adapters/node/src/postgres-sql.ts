// Literals, quoted identifiers, comments and dollar-quoted bodies are copied as they are; only a
// bare `?` outside all of them is a placeholder.
const TOKENS = /[eE]'(?:[^'\\]|\\[\s\S]|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$|\?/g

const translated = new Map<string, string>()

/**
 * Rewrites the `?` placeholders of Grantline's portable SQL to PostgreSQL's `$1..$n`, leaving
 * any `?` inside a string literal, quoted identifier, comment or dollar-quoted body alone.
 */
export function toPostgresPlaceholders(sql: string): string {
  let text = translated.get(sql)
  if (text === undefined) {
    let n = 0
    text = sql.replace(TOKENS, (token) => (token === '?' ? `$${++n}` : token))
    if (translated.size > 1000) translated.clear()
    translated.set(sql, text)
  }
  return text
}
