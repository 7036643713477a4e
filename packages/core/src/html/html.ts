/**
 * HTML built from one tagged template that escapes by default: every interpolated value is text
 * unless it is already a fragment, made by `html` itself or marked by `raw`. Pages take only
 * fragments (`page(title, body: SafeHtml)`), so a string that skipped escaping does not type-check
 * as a page body. The same shape as the `sql` fragment: a value can only opt out explicitly.
 */

/** Escapes text for element content and quoted attribute values (HTML Standard §13.1.3, §13.1.2.3). */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * A fragment of HTML whose text has been escaped; only `html` and `raw` make one (the class is
 * exported as a type only). The private field makes the type nominal: no string or look-alike
 * object is one.
 */
class SafeHtml {
  readonly #markup: string
  constructor(markup: string) {
    this.#markup = markup
  }
  toString(): string {
    return this.#markup
  }
}

export type { SafeHtml }

/**
 * What a template may interpolate: text (escaped), a number, a fragment (kept), a list of these
 * (joined), or nothing (`false`, `null`, `undefined`: empty, for `cond && html\`...\``).
 */
export type HtmlValue = string | number | SafeHtml | false | null | undefined | readonly HtmlValue[]

function render(value: HtmlValue): string {
  if (value === false || value === null || value === undefined) return ''
  if (value instanceof SafeHtml) return value.toString()
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/**
 * The tagged template: the literal parts are markup, every value is escaped unless it is a
 * fragment, so input reaches a page only as text (RFC 6749 §10.14).
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] as string
  for (let i = 0; i < values.length; i++) markup += render(values[i]) + strings[i + 1]
  return new SafeHtml(markup)
}

/** Marks trusted markup (a constant, never input) as a fragment, so `html` emits it unescaped. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup)
}
