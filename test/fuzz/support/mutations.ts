import { basic } from './fixture.js'
import { FORM, headerSafe, type Pair, paramsOf, type RequestModel } from './model.js'

/**
 * A parameter value. `pool` picks one of the run's known values (client ids, redirect URIs, the
 * run's fresh code or tokens, ...) so that a mutation can put a *valid* value in the wrong place;
 * `edit` is such a value with one character replaced, the near miss that reaches deep checks.
 */
export type Val =
  | { k: 'pool'; i: number }
  | { k: 'str'; s: string }
  | { k: 'edit'; i: number; pos: number; ch: string }
  | { k: 'huge'; size: number; ch: string }

export type HeaderVal =
  | { k: 'basic'; id: Val; secret: Val }
  | { k: 'basicRaw'; s: string }
  | { k: 'bearer'; v: Val }
  | { k: 'session'; who: 'alice' | 'bob' }
  | { k: 'cookie'; s: string }
  | { k: 'str'; s: string }

export type Junk = { k: 'bytes'; bytes: number[] } | { k: 'text'; s: string }

export type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'repeat'; at: number; value: Val | null }
  | { op: 'set'; at: number; value: Val }
  | { op: 'rename'; at: number; key: string }
  | { op: 'add'; key: string; value: Val }
  | { op: 'flip'; at: number; pos: number; ch: string }
  | { op: 'truncate'; at: number; keep: number }
  | { op: 'header'; name: string; value: HeaderVal | null }
  | { op: 'method'; method: string }
  | { op: 'move' }
  | { op: 'contentType'; value: string | null }
  | { op: 'json' }
  | { op: 'junk'; where: 'body' | 'query'; at: number; junk: Junk }
  | { op: 'path'; how: 'slash' | 'upper' | 'encode' | 'append' | 'other'; n: number }
  | { op: 'flood'; count: number }

/** What a mutation resolves against: the run's pool of known values and the fixture's sessions. */
export interface MutationContext {
  pool: readonly string[]
  sessions: Readonly<Record<'alice' | 'bob', string>>
  /** Paths of other endpoints, for the `other` path mutation. */
  paths: readonly string[]
}

const pick = <T>(items: readonly T[], i: number): T | undefined => (items.length === 0 ? undefined : items[Math.abs(i) % items.length])

export function resolveVal(value: Val, ctx: MutationContext): string {
  switch (value.k) {
    case 'pool':
      return pick(ctx.pool, value.i) ?? ''
    case 'str':
      return value.s
    case 'edit': {
      const base = pick(ctx.pool, value.i) ?? ''
      if (base === '') return value.ch
      const at = Math.abs(value.pos) % base.length
      return base.slice(0, at) + value.ch + base.slice(at + 1)
    }
    case 'huge':
      return value.ch.repeat(value.size)
  }
}

function resolveHeader(value: HeaderVal, ctx: MutationContext): string {
  switch (value.k) {
    case 'basic':
      return basic(resolveVal(value.id, ctx), resolveVal(value.secret, ctx))
    case 'basicRaw':
      return `Basic ${value.s}`
    case 'bearer':
      return `Bearer ${resolveVal(value.v, ctx)}`
    case 'session':
      return ctx.sessions[value.who]
    case 'cookie':
    case 'str':
      return value.s
  }
}

function encodeJunk(junk: Junk): Uint8Array<ArrayBuffer> {
  return junk.k === 'bytes' ? Uint8Array.from(junk.bytes) : new TextEncoder().encode(junk.s)
}

/** A URL carries bytes only as percent-escapes: raw bytes become `%XX` each (invalid UTF-8 included). */
function queryJunk(junk: Junk): string {
  return junk.k === 'bytes' ? junk.bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('') : junk.s
}

/** Inserts raw bytes into the form body, which from then on is sent as those bytes. */
function junkBody(model: RequestModel, at: number, junk: Junk): RequestModel {
  const current =
    model.body.kind === 'form'
      ? new TextEncoder().encode(new URLSearchParams(model.body.pairs).toString())
      : model.body.kind === 'raw'
        ? model.body.bytes
        : new Uint8Array()
  const cut = current.length === 0 ? 0 : Math.abs(at) % (current.length + 1)
  const inserted = encodeJunk(junk)
  const bytes = new Uint8Array(current.length + inserted.length)
  bytes.set(current.subarray(0, cut), 0)
  bytes.set(inserted, cut)
  bytes.set(current.subarray(cut), cut + inserted.length)
  return { ...model, body: { kind: 'raw', bytes } }
}

function mutatePath(model: RequestModel, how: Extract<Mutation, { op: 'path' }>['how'], n: number, ctx: MutationContext): string {
  const { path } = model
  switch (how) {
    case 'slash':
      return path.endsWith('/') ? path.slice(0, -1) : `${path}/`
    case 'upper':
      return path.toUpperCase()
    case 'encode': {
      const at = 1 + (Math.abs(n) % Math.max(1, path.length - 1))
      const ch = path[at] ?? ''
      return ch === '/' || ch === '' ? path : `${path.slice(0, at)}%${ch.charCodeAt(0).toString(16).padStart(2, '0')}${path.slice(at + 1)}`
    }
    case 'append':
      return `${path.replace(/\/$/, '')}/${['x', '..', '%2e%2e', '.', '%00', 'update', 'delete'][Math.abs(n) % 7]}/`
    case 'other':
      return pick(ctx.paths, n) ?? path
  }
}

/** Applies one mutation; mutations that do not apply (no parameter to drop) leave the model alone. */
export function applyMutation(model: RequestModel, mutation: Mutation, ctx: MutationContext): RequestModel {
  const pairs: Pair[] = paramsOf(model).map(([k, v]) => [k, v])
  const withPairs = (next: Pair[]): RequestModel =>
    model.body.kind === 'form' ? { ...model, body: { kind: 'form', pairs: next } } : { ...model, query: next }
  const index = (at: number) => (pairs.length === 0 ? -1 : Math.abs(at) % pairs.length)
  switch (mutation.op) {
    case 'drop': {
      const i = index(mutation.at)
      return i === -1 ? model : withPairs(pairs.filter((_, j) => j !== i))
    }
    case 'repeat': {
      const i = index(mutation.at)
      const pair = pairs[i]
      if (!pair) return model
      return withPairs([...pairs, [pair[0], mutation.value ? resolveVal(mutation.value, ctx) : pair[1]]])
    }
    case 'set': {
      const pair = pairs[index(mutation.at)]
      if (pair) pair[1] = resolveVal(mutation.value, ctx)
      return withPairs(pairs)
    }
    case 'rename': {
      const pair = pairs[index(mutation.at)]
      if (pair) pair[0] = mutation.key
      return withPairs(pairs)
    }
    case 'add':
      return withPairs([...pairs, [mutation.key, resolveVal(mutation.value, ctx)]])
    case 'flip': {
      const pair = pairs[index(mutation.at)]
      if (pair) {
        const at = pair[1].length === 0 ? 0 : Math.abs(mutation.pos) % pair[1].length
        pair[1] = pair[1].slice(0, at) + mutation.ch + pair[1].slice(at + 1)
      }
      return withPairs(pairs)
    }
    case 'truncate': {
      const pair = pairs[index(mutation.at)]
      if (pair) pair[1] = pair[1].slice(0, Math.abs(mutation.keep) % (pair[1].length + 1))
      return withPairs(pairs)
    }
    case 'header': {
      const name = mutation.name.toLowerCase()
      const headers = model.headers.filter(([n]) => n.toLowerCase() !== name)
      if (mutation.value) headers.push([name, headerSafe(resolveHeader(mutation.value, ctx))])
      return { ...model, headers }
    }
    case 'method':
      return { ...model, method: mutation.method }
    case 'move':
      // Parameters from the body to the query, or from the query into a form body.
      return model.body.kind === 'form'
        ? { ...model, query: [...model.query, ...pairs], body: { kind: 'none' } }
        : { ...model, query: [], body: { kind: 'form', pairs: [...model.query] }, contentType: model.contentType ?? FORM }
    case 'contentType':
      return { ...model, contentType: mutation.value }
    case 'json':
      return { ...model, body: { kind: 'json', value: Object.fromEntries(pairs) }, contentType: 'application/json' }
    case 'junk':
      if (mutation.where === 'query') return { ...model, rawQuery: model.rawQuery + queryJunk(mutation.junk) }
      return junkBody(model, mutation.at, mutation.junk)
    case 'path':
      return { ...model, path: mutatePath(model, mutation.how, mutation.n, ctx) }
    case 'flood':
      return withPairs([...pairs, ...Array.from({ length: mutation.count }, (_, i): Pair => [`p${i}`, 'x'])])
  }
}

export function applyMutations(model: RequestModel, mutations: readonly Mutation[], ctx: MutationContext): RequestModel {
  return mutations.reduce((current, mutation) => applyMutation(current, mutation, ctx), model)
}
