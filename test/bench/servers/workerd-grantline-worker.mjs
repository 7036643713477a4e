// Grantline as a Cloudflare Worker (createWorker from @grantline/cloudflare) with D1 as the Storage.
import { createWorker } from '@grantline/cloudflare'

const accounts = {
  current: async () => null,
  loginResponse: async () => new Response('login', { status: 401 }),
  logout: async () => new Response(null, { status: 204 }),
  claims: async () => ({}),
}

export default createWorker(() => ({
  issuer: 'http://127.0.0.1/o',
  accounts,
  secrets: ['bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'],
}))
