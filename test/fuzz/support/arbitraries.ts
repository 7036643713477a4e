import fc from 'fast-check'
import { CHALLENGE, VERIFIER } from './fixture.js'
import type { HeaderVal, Junk, Mutation, Val } from './mutations.js'

/** Parameter names the endpoints read, and a few they must not trip over. */
export const PARAM_NAMES = [
  'client_id',
  'client_secret',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'prompt',
  'max_age',
  'response_mode',
  'claims',
  'login_hint',
  'ui_locales',
  'acr_values',
  'approval_prompt',
  'gl_login_at',
  'interaction',
  'csrf',
  'allow',
  'deny',
  'grant_type',
  'code',
  'code_verifier',
  'refresh_token',
  'username',
  'password',
  'token',
  'token_type_hint',
  'access_token',
  'id_token_hint',
  'logout_hint',
  'post_logout_redirect_uri',
  'logout',
  'next',
  'client_name',
  'client_type',
  'redirect_uris',
  'post_logout_redirect_uris',
  'skip_authorization',
  'grant_type:authorization_code',
  'grant_type:client_credentials',
  'grant_type:implicit',
  'grant_type:password',
  'grant_type:refresh_token',
  'scope:read',
  'scope:openid',
  'resource',
  'request',
  'request_uri',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '',
]

/** Values with a meaning somewhere: edge cases of every check the endpoints run. */
const SPECIAL_VALUES = [
  '',
  ' ',
  '+',
  '%',
  '%00',
  '\u0000',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '{"userinfo":{"email":null},"id_token":{"auth_time":{"essential":true}}}',
  '{"userinfo":[]}',
  '{"__proto__":{"polluted":1}}',
  '__proto__',
  'constructor',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,x',
  'https://evil.example/cb',
  'https://app.example/cb#frag',
  'https://app.example/cb/../cb',
  'https://APP.example/cb',
  'https://app.example:443/cb',
  'https://app.example/cb?x=1',
  'https://app.example/cb2?keep=1',
  'https://user@app.example/cb',
  'https://app.example%2f@evil.example/cb',
  'https://app.example/cb;x',
  'http://127.0.0.1:8080/cb',
  'http://127.0.0.1:0/cb',
  'http://127.0.0.1:99999/cb',
  'http://127.0.0.1/cb/',
  'http://[::1]:1/cb',
  'http://localhost/cb',
  'com.example.app:/cb',
  '//evil.example',
  '/\\evil.example',
  '/\t/evil.example',
  '/local/path?x=1',
  '/o/authorize/?client_id=x',
  'S256',
  'plain',
  's256',
  'openid',
  'openid profile email address phone',
  'read write',
  'read  write',
  'offline_access',
  'none',
  'login',
  'consent',
  'none login',
  'select_account',
  'code',
  'token',
  'id_token',
  'code id_token token',
  'token code',
  'code code',
  'form_post',
  'query',
  'fragment',
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'implicit',
  'urn:ietf:params:oauth:grant-type:device_code',
  'access_token',
  'Bearer',
  'confidential',
  'public',
  '0',
  '-1',
  '1e999',
  '99999999999',
  '1700000000',
  'en',
  'en-US fr-CA !!',
  '\u00e9',
  '\ud800',
  '\ufeff',
  '\u202e',
  '<script>alert(1)</script>',
  '"\'><img src=x>',
  'a'.repeat(129),
  VERIFIER,
  CHALLENGE,
  'gl_at_',
  'gl_rt_x',
  'gl_ac_x',
  'gl_cs_x',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo',
]

const text = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_VALUES), weight: 5 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 1 },
  { arbitrary: fc.integer().map(String), weight: 1 },
)

const index = fc.nat({ max: 1000 })

export const val: fc.Arbitrary<Val> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('pool' as const), i: index }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('str' as const), s: text }), weight: 5 },
  {
    arbitrary: fc.record({ k: fc.constant('edit' as const), i: index, pos: index, ch: fc.string({ minLength: 1, maxLength: 2 }) }),
    weight: 2,
  },
  {
    // Mostly within the 64 KiB cap, sometimes just over it.
    arbitrary: fc.record({
      k: fc.constant('huge' as const),
      size: fc.oneof({ arbitrary: fc.constantFrom(300, 4096), weight: 4 }, { arbitrary: fc.constantFrom(40_000, 65_537), weight: 1 }),
      ch: fc.constantFrom('a', '%', '\u00e9', ' '),
    }),
    weight: 1,
  },
)

const key = fc.oneof({ arbitrary: fc.constantFrom(...PARAM_NAMES), weight: 4 }, { arbitrary: text, weight: 1 })

/** Header text as a client could send it (Latin-1 at most; NUL, CR and LF are stripped when built). */
const headerText = fc.oneof(
  fc.constantFrom('', 'null', 'Basic', 'Bearer', 'Basic =', 'Bearer a b', 'Digest x', '\u00e9\u00ff', 'gl_session=', 'a'.repeat(2000)),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
  fc.string({ maxLength: 60 }),
)

const cookieText = fc.oneof(
  fc.constantFrom(
    'gl_session=',
    'gl_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'gl_session=x; gl_session=y',
    'gl_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    '=; ;;==',
    'gl_session',
  ),
  headerText,
)

export const headerVal: fc.Arbitrary<HeaderVal> = fc.oneof(
  fc.record({ k: fc.constant('basic' as const), id: val, secret: val }),
  fc.record({ k: fc.constant('basicRaw' as const), s: fc.oneof(headerText, fc.base64String({ maxLength: 60 })) }),
  fc.record({ k: fc.constant('bearer' as const), v: val }),
  fc.record({ k: fc.constant('session' as const), who: fc.constantFrom('alice' as const, 'bob' as const) }),
  fc.record({ k: fc.constant('cookie' as const), s: cookieText }),
  fc.record({ k: fc.constant('str' as const), s: headerText }),
)

const HEADER_NAMES = [
  'authorization',
  'cookie',
  'origin',
  'x-forwarded-for',
  'access-control-request-method',
  'accept',
  'content-length',
  'x-forwarded-host',
  'host',
  'x-forwarded-proto',
  'referer',
]

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=ISO-8859-1',
  'APPLICATION/X-WWW-FORM-URLENCODED ; charset=utf-8',
  'application/x-www-form-urlencoded;',
  'application/x-www-form-urlencodedx',
  'multipart/form-data; boundary=x',
  'application/json',
  'text/plain',
  'text/html',
  '',
  ';',
  '*/*',
]

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'post', 'get', 'PROPFIND', 'FOO']

const junk: fc.Arbitrary<Junk> = fc.oneof(
  fc.record({ k: fc.constant('bytes' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }) }),
  fc.record({
    k: fc.constant('text' as const),
    s: fc.constantFrom(
      '%',
      '%zz',
      '%C3%28',
      '%ED%A0%80',
      '%F4%90%80%80',
      '%C0%AF',
      '%00',
      '%FF%FE',
      '&&&',
      '===',
      '+',
      '%2',
      'a=%',
      '&=&',
      '&a&a&',
    ),
  }),
)

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('drop' as const), at: index }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('repeat' as const), at: index, value: fc.option(val) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('set' as const), at: index, value: val }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('rename' as const), at: index, key }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('add' as const), key, value: val }), weight: 4 },
  {
    arbitrary: fc.record({ op: fc.constant('flip' as const), at: index, pos: index, ch: fc.string({ minLength: 1, maxLength: 1 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: index, keep: index }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('header' as const),
      name: fc.constantFrom(...HEADER_NAMES),
      value: fc.option(headerVal, { freq: 4 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant('method' as const), method: fc.constantFrom(...METHODS) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('move' as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('contentType' as const), value: fc.option(fc.constantFrom(...CONTENT_TYPES)) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('json' as const) }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant('junk' as const), where: fc.constantFrom('body' as const, 'query' as const), at: index, junk }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('path' as const),
      how: fc.constantFrom('slash' as const, 'upper' as const, 'encode' as const, 'append' as const, 'other' as const),
      n: index,
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('flood' as const), count: fc.constantFrom(5, 99, 101) }), weight: 1 },
)

/** One fuzz case: a valid request of some variant with a few mutations, or a request built from nothing. */
export interface FuzzCase {
  base: 'valid' | 'empty'
  variant: number
  mutations: Mutation[]
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  {
    arbitrary: fc.record({ base: fc.constant('valid' as const), variant: index, mutations: fc.array(mutation, { maxLength: 4 }) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      base: fc.constant('empty' as const),
      variant: index,
      mutations: fc.array(mutation, { minLength: 1, maxLength: 12 }),
    }),
    weight: 1,
  },
)
