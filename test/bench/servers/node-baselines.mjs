// The bare baselines on node:http, and @hono/node-server with a handler that reads the form body
// and answers fixed JSON. MODE=fixed | irreducible | hono.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { serve } from '@hono/node-server'
import { CLIENT_ID, CLIENT_SECRET } from './bench-client.mjs'

const port = Number(process.env.PORT ?? 8080)
const mode = process.env.MODE ?? 'fixed'
const FIXED = JSON.stringify({ access_token: `gl_at_${'x'.repeat(43)}`, token_type: 'Bearer', expires_in: 3600, scope: 'read write' })
const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' }
const storedHash = createHash('sha256').update(CLIENT_SECRET).digest()

/**
 * The irreducible work of a client_credentials token request: read and parse the form, decode
 * Basic, hash the presented secret and compare it in constant time with the stored hash, make 32
 * random bytes, answer JSON. No storage, no validation beyond that.
 */
function irreducible(request, response) {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString())
    const [id, secret] = Buffer.from((request.headers.authorization ?? '').slice(6), 'base64')
      .toString()
      .split(':')
    const presented = createHash('sha256')
      .update(decodeURIComponent(secret ?? ''))
      .digest()
    if (
      params.get('grant_type') !== 'client_credentials' ||
      decodeURIComponent(id) !== CLIENT_ID ||
      !timingSafeEqual(presented, storedHash)
    ) {
      response.writeHead(401, headers).end('{"error":"invalid_client"}')
      return
    }
    const token = `gl_at_${randomBytes(32).toString('base64url')}`
    response
      .writeHead(200, headers)
      .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'read write' }))
  })
}

if (mode === 'hono') {
  serve({
    port,
    hostname: '127.0.0.1',
    fetch: async (request) => {
      new URLSearchParams(await request.text())
      return new Response(FIXED, { headers })
    },
  })
} else {
  const handler =
    mode === 'irreducible'
      ? irreducible
      : (request, response) => {
          request.resume()
          request.on('end', () => response.writeHead(200, headers).end(FIXED))
        }
  createServer(handler).listen(port, '127.0.0.1')
}
console.log(JSON.stringify({ ready: true, pid: process.pid }))
