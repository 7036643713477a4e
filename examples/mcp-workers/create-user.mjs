// Prints the SQL that adds a user to the Worker's D1 database, for `wrangler d1 execute`:
//   npx wrangler d1 execute grantline-mcp --local --command "$(node create-user.mjs alice)"
// (--remote for the deployed database). The password is generated and printed once on stderr;
// only its PBKDF2 hash (Django's format, 100,000 iterations: workerd's maximum) is stored.
import { randomBytes } from 'node:crypto'
import { hashDjangoPassword } from '@grantline/core'

const username = process.argv[2]
if (!username || !/^[\p{L}\p{N}_.@+-]{1,150}$/u.test(username)) {
  console.error('usage: node create-user.mjs USERNAME   (1-150 letters, digits and @ . + - _)')
  process.exit(2)
}
const password = randomBytes(12).toString('base64url')
const hash = await hashDjangoPassword(password, 100_000)
const sub = randomBytes(16).toString('base64url')
const quote = (value) => (typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`)
const row = [sub, username, hash, '{}', Math.floor(Date.now() / 1000)]
console.log(`INSERT INTO users (sub, username, password_hash, claims, created_at) VALUES (${row.map(quote).join(', ')});`)
console.error(`user ${username}, password ${password}`)
