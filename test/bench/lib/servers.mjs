// The servers of the benchmark and the request each one gets per scenario.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACCESS_TOKEN, BASIC, PKJ_CLIENT_ID, PKJ_PRIVATE_JWK, REDIRECT_URI, VERIFIER } from '../servers/bench-client.mjs'
import { runtimeBinary } from '../setup.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const servers = join(here, '..', 'servers')
const root = join(here, '..', '..', '..')
export const SCENARIOS = [
  'client_credentials',
  'dpop_client_credentials',
  'private_key_jwt_client_credentials',
  'authorization_code',
  'refresh_token',
  'introspection',
  'verify_access_token',
]

const enc = encodeURIComponent
const CC = 'grant_type=client_credentials'
const codeBody = (code) => `grant_type=authorization_code&code=${code}&redirect_uri=${enc(REDIRECT_URI)}&code_verifier=${VERIFIER}`
const refreshBody = (token) => `grant_type=refresh_token&refresh_token=${token}`
/**
 * client_credentials with a DPoP proof (RFC 9449 §5): one fresh ES256 proof per request, made by the
 * runner for the issuer's token endpoint (the bench servers' issuer is http://127.0.0.1/o).
 */
const DPOP_CC = { path: '/o/token/', auth: BASIC, body: CC, dpop: 'http://127.0.0.1/o/token/' }
/**
 * client_credentials authenticated by private_key_jwt (RFC 7523 §2.2): one fresh single-use ES256
 * assertion per request (`{t}`), made by the runner for the issuer; no Authorization header.
 */
const PKJ_CC = {
  path: '/o/token/',
  body: `${CC}&client_assertion_type=${enc('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')}&client_assertion={t}`,
  privateKeyJwt: { clientId: PKJ_CLIENT_ID, jwk: PKJ_PRIVATE_JWK, aud: 'http://127.0.0.1/o' },
}

/** Grantline's requests (any runtime): unique `gl_ac_bench<n>` / `gl_rt_bench<n>` values. */
const grantline = (scenarios = ['client_credentials', 'authorization_code', 'refresh_token', 'introspection']) =>
  Object.fromEntries(
    scenarios.map((scenario) => [
      scenario,
      {
        client_credentials: { path: '/o/token/', auth: BASIC, body: CC },
        authorization_code: { path: '/o/token/', auth: BASIC, body: codeBody('gl_ac_bench{n}'), seed: 'code' },
        refresh_token: { path: '/o/token/', auth: BASIC, body: refreshBody('gl_rt_bench{n}'), seed: 'refresh' },
        introspection: {
          path: '/o/introspect/',
          auth: BASIC,
          body: `token=${ACCESS_TOKEN}&token_type_hint=access_token`,
          seedOnce: 'access',
        },
      }[scenario],
    ]),
  )

const node = (script, env = {}) => ({ command: process.execPath, args: [join(servers, script)], env })

/** Every server, with what it runs; `peers` is where the npm peers resolve from. */
export function serverList({ resolvePeer, sqliteDir = mkdtempSync(join(tmpdir(), 'grantline-bench-sqlite-')) }) {
  const peer = (name) => fileURLToPath(resolvePeer(name))
  return [
    {
      id: 'bare-fixed',
      label: 'bare node:http, fixed JSON',
      group: 'baseline',
      start: node('node-baselines.mjs', { MODE: 'fixed' }),
      scenarios: {
        client_credentials: { path: '/o/token/', auth: BASIC, body: CC },
        verify_access_token: { method: 'GET', path: '/api/resource', auth: `Bearer ${ACCESS_TOKEN}` },
      },
    },
    {
      id: 'bare-irreducible',
      label: 'bare node:http, irreducible work',
      group: 'baseline',
      start: node('node-baselines.mjs', { MODE: 'irreducible' }),
      scenarios: { client_credentials: { path: '/o/token/', auth: BASIC, body: CC } },
    },
    {
      id: 'bare-irreducible-sqlite',
      label: 'bare node:http, irreducible work + group-committed SQLite insert',
      group: 'baseline',
      start: node('node-baselines.mjs', { MODE: 'irreducible-sqlite', DB: join(sqliteDir, 'bare-irreducible.sqlite') }),
      scenarios: { client_credentials: { path: '/o/token/', auth: BASIC, body: CC } },
    },
    {
      id: 'listener-fixed',
      label: "Grantline's Node listener, read form + fixed JSON",
      group: 'baseline',
      start: node('listener-fixed.mjs'),
      scenarios: { client_credentials: { path: '/o/token/', auth: BASIC, body: CC } },
    },
    {
      id: 'hono-form',
      label: '@hono/node-server, read form + fixed JSON',
      group: 'baseline',
      start: node('node-baselines.mjs', { MODE: 'hono' }),
      scenarios: { client_credentials: { path: '/o/token/', auth: BASIC, body: CC } },
    },
    {
      id: 'oauth2-server',
      label: '@node-oauth/oauth2-server 5, memory model',
      group: 'peer',
      start: node('oauth2-server.mjs', { PEER_MODULE: peer('@node-oauth/oauth2-server') }),
      scenarios: {
        client_credentials: { path: '/token', auth: BASIC, body: CC },
        authorization_code: { path: '/token', auth: BASIC, body: codeBody('bench{n}'), seed: 'code' },
        refresh_token: { path: '/token', auth: BASIC, body: refreshBody('bench{n}'), seed: 'refresh' },
      },
    },
    {
      id: 'oidc-provider',
      label: 'oidc-provider 9, memory adapter',
      group: 'peer',
      start: node('oidc-provider.mjs', { PEER_MODULE: peer('oidc-provider') }),
      scenarios: {
        client_credentials: { path: '/token', auth: BASIC, body: `${CC}&scope=read` },
        authorization_code: { path: '/token', auth: BASIC, body: codeBody('bench{n}'), seed: 'code' },
        refresh_token: { path: '/token', auth: BASIC, body: refreshBody('bench{n}'), seed: 'refresh' },
        introspection: { path: '/token/introspection', auth: BASIC, body: 'token={v}&token_type_hint=access_token', seedOnce: 'access' },
      },
    },
    {
      id: 'dot',
      label: 'DOT 1.7, gunicorn 2 workers, SQLite',
      group: 'peer',
      rss: 'tree',
      start: node('dot.mjs'),
      noControl: true,
      scenarios: { client_credentials: { path: '/o/token/', auth: BASIC, body: CC } },
    },
    {
      id: 'grantline-node',
      label: 'Grantline, Node serve(), memory',
      group: 'grantline',
      start: node('grantline-node.mjs'),
      scenarios: { ...grantline(), dpop_client_credentials: DPOP_CC, private_key_jwt_client_credentials: PKJ_CC },
    },
    {
      id: 'grantline-sqlite',
      label: 'Grantline, Node serve(), SQLite (WAL, synchronous=NORMAL)',
      group: 'grantline',
      start: node('grantline-node.mjs', { STORAGE: 'sqlite', DB: join(sqliteDir, 'bench.sqlite') }),
      scenarios: { ...grantline(), dpop_client_credentials: DPOP_CC, private_key_jwt_client_credentials: PKJ_CC },
    },
    {
      id: 'grantline-sqlite-workers',
      label: 'Grantline, Node serveWorkers() x2, SQLite (WAL, synchronous=NORMAL)',
      group: 'grantline',
      rss: 'tree',
      start: node('grantline-node.mjs', { STORAGE: 'sqlite', DB: join(sqliteDir, 'bench-workers.sqlite'), WORKERS: '2' }),
      scenarios: { client_credentials: { path: '/o/token/', auth: BASIC, body: CC } },
    },
    {
      id: 'grantline-bun',
      label: 'Grantline, @grantline/bun serve(), memory',
      group: 'grantline',
      start: { command: runtimeBinary('bun'), args: [join(servers, 'grantline-bun-deno.mjs')], env: {} },
      scenarios: grantline(),
    },
    {
      id: 'grantline-deno',
      label: 'Grantline, Deno.serve, memory',
      group: 'grantline',
      start: { command: runtimeBinary('deno'), args: ['run', '-A', join(servers, 'grantline-bun-deno.mjs')], env: {}, cwd: root },
      scenarios: grantline(),
    },
    {
      id: 'verify-node',
      label: 'node:http + verifyAccessToken, memory',
      group: 'grantline',
      start: node('verify-node.mjs'),
      scenarios: { verify_access_token: { method: 'GET', path: '/api/resource', auth: `Bearer ${ACCESS_TOKEN}`, seedOnce: 'access' } },
    },
    {
      id: 'grantline-workerd',
      label: 'Grantline in workerd (miniflare), D1',
      group: 'grantline',
      rss: 'workerd',
      start: node('workerd.mjs', { VARIANT: 'grantline' }),
      scenarios: grantline(['client_credentials', 'authorization_code', 'refresh_token']),
    },
    {
      id: 'wop-workerd',
      label: '@cloudflare/workers-oauth-provider in workerd (miniflare), KV',
      group: 'peer',
      rss: 'workerd',
      start: node('workerd.mjs', { VARIANT: 'wop' }),
      fromFile: true,
      scenarios: {
        authorization_code: { path: '/token', body: codeBody('{t}'), seed: 'code', ownClient: true },
        refresh_token: { path: '/token', body: refreshBody('{t}'), seed: 'refresh', ownClient: true },
      },
    },
  ]
}
