// Grantline's Node listener with no provider behind it: `serve()` of @grantline/node (node:http
// through its lean listener) with a handler that reads the form and the Authorization header and
// answers the fixed JSON of bare-fixed, built as the core builds its JSON answers. What the
// listener and the Fetch Request/Response layer cost on their own; the rest of Grantline's cost
// per token is the core's.
import { serve } from '../../../adapters/node/dist/serve.js'
import { json } from '../../../packages/core/dist/http/responses.js'

const port = Number(process.env.PORT ?? 8080)
const FIXED = { access_token: `gl_at_${'x'.repeat(43)}`, token_type: 'Bearer', expires_in: 3600, scope: 'read write' }

const handle = async (request) => {
  const form = new URLSearchParams(await request.text())
  if (form.get('grant_type') !== 'client_credentials' || !request.headers.get('authorization'))
    return json({ error: 'invalid_request' }, 400)
  return json(FIXED)
}

await serve({ handle }, { port, hostname: '127.0.0.1', log: false, handleSignals: false })
console.log(JSON.stringify({ ready: true, pid: process.pid }))
