import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { html, raw } from '../../packages/core/src/html/html.js'
import { page } from '../../packages/core/src/html/layout.js'

const CORE_SRC = new URL('../../packages/core/src/', import.meta.url).pathname

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

describe('the html template escapes by default (RFC 6749 §10.14)', () => {
  it('RFC 6749 §10.14: every interpolated value is text, with < > & " \' escaped', () => {
    expect(String(html`<p>${`<script>alert("x" & 'y')</script>`}</p>`)).toBe(
      '<p>&#60;script&#62;alert(&#34;x&#34; &#38; &#39;y&#39;)&#60;/script&#62;</p>',
    )
  })

  it('RFC 6749 §10.14: a value in a quoted attribute cannot close it', () => {
    const value = `" onmouseover="alert(1)' x='`
    expect(String(html`<input value="${value}"><a title='${value}'>`)).toBe(
      '<input value="&#34; onmouseover=&#34;alert(1)&#39; x=&#39;"><a title=\'&#34; onmouseover=&#34;alert(1)&#39; x=&#39;\'>',
    )
  })

  it('RFC 6749 §10.14: raw markup passes through unchanged, and only raw does', () => {
    expect(String(html`<main${raw(' class="wide"')}>${'<b>'}</main>`)).toBe('<main class="wide">&#60;b&#62;</main>')
  })

  it('RFC 6749 §10.14: a nested fragment is kept as it is, not escaped twice', () => {
    const inner = html`<code>${'a & b'}</code>`
    expect(String(html`<p>${inner}</p>`)).toBe('<p><code>a &#38; b</code></p>')
    expect(String(html`<div>${html`<p>${inner}</p>`}</div>`)).toBe('<div><p><code>a &#38; b</code></p></div>')
  })

  it('RFC 6749 §10.14: a list is joined, each string escaped and each fragment kept', () => {
    const items = ['<a>', 'b&c'].map((item) => html`<li>${item}</li>`)
    expect(String(html`<ul>${items}</ul>`)).toBe('<ul><li>&#60;a&#62;</li><li>b&#38;c</li></ul>')
    expect(String(html`${['<', html`<br>`, ['>', 1]]}`)).toBe('&#60;<br>&#62;1')
  })

  it('RFC 6749 §10.14: false, null and undefined render nothing; numbers render as text', () => {
    const flag = false as boolean
    expect(String(html`[${flag && html`<b>`}${null}${undefined}${''}${0}${42}]`)).toBe('[042]')
  })

  it('RFC 6749 §10.14: a page escapes its title and language, and keeps its fragment body', async () => {
    const response = page('<T>', html`<p>${'<x>'}</p>`, { lang: 'en"><script>' })
    const text = await response.text()
    expect(text).toContain('<title>&#60;T&#62;</title>')
    expect(text).toContain('lang="en&#34;&#62;&#60;script&#62;"')
    expect(text).toContain('<main><p>&#60;x&#62;</p></main>')
  })

  it('RFC 6749 §10.14: a plain string does not type-check as a page body', () => {
    // @ts-expect-error a page body is a SafeHtml fragment made by html or raw, never a string
    const unchecked = () => page('t', '<b>plain string</b>')
    // @ts-expect-error an object that looks like a fragment is not one
    const lookalike = () => page('t', { toString: () => '<b>forged</b>' })
    expect(typeof unchecked).toBe('function')
    expect(typeof lookalike).toBe('function')
  })

  it('RFC 6749 §10.14: no page in core escapes by hand; escapeHtml stays inside html/', () => {
    const offenders = sources(CORE_SRC)
      .filter((path) => !relative(CORE_SRC, path).startsWith('html/'))
      .filter((path) => readFileSync(path, 'utf8').includes('escapeHtml('))
      .map((path) => relative(CORE_SRC, path))
    expect(offenders).toEqual([])
  })
})
