// A node:http resource server that checks each request's Bearer token with
// provider.verifyAccessToken (memory storage) and otherwise answers the fixed JSON of the bare
// baseline. The Request it builds is the one an application would build for the call.
import { createServer } from 'node:http'
import { memoryStorage } from '@grantline/core'
import { controlHandler, controlListener, createBenchProvider, storeRecords } from './grantline-app.mjs'

const port = Number(process.env.PORT ?? 8080)
const FIXED = JSON.stringify({ access_token: `gl_at_${'x'.repeat(43)}`, token_type: 'Bearer', expires_in: 3600, scope: 'read write' })
const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' }
const storage = memoryStorage()
const provider = await createBenchProvider(storage)

createServer(async (request, response) => {
  request.resume()
  const verified = await provider.verifyAccessToken(
    new Request(`http://127.0.0.1${request.url}`, { headers: { authorization: request.headers.authorization ?? '' } }),
    {
      scopes: ['read'],
    },
  )
  if (verified instanceof Response) {
    response.writeHead(verified.status, Object.fromEntries(verified.headers)).end(await verified.text())
    return
  }
  response.writeHead(200, headers).end(FIXED)
}).listen(port, '127.0.0.1')
createServer(controlListener(controlHandler((records) => storeRecords(storage, records)))).listen(
  Number(process.env.CONTROL_PORT),
  '127.0.0.1',
  () => console.log(JSON.stringify({ ready: true, pid: process.pid })),
)
