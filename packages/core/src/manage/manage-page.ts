import type { AccountSession } from '../contracts/accounts.js'
import type { ClientsApi } from '../contracts/clients.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { Params } from '../contracts/params.js'
import { html, raw, type SafeHtml } from '../html/html.js'

import { page } from '../html/layout.js'
import type { ManagePaths } from './paths.js'

/** What every management page handler receives, once the user is known. */
export interface ManageContext {
  provider: ProviderContext
  request: Request
  call: RequestContext
  user: AccountSession
  clients: ClientsApi
  paths: ManagePaths
  /** The CSRF value every form on the page carries. */
  csrf: string
  /** On a POST: the submitted form, its CSRF value already checked. Empty on a GET. */
  form: Params
}

export type Section = 'applications' | 'authorized_tokens'

/** The shared header: the two sections and a way out. */
function header(paths: ManagePaths, section: Section | undefined): SafeHtml {
  const link = (href: string, label: string, current: boolean) =>
    html`<li><a href="${href}"${current && raw(' aria-current="page"')}>${label}</a></li>`
  return html`<header><nav aria-label="Account"><ul class="nav">${link(paths.applications, 'Applications', section === 'applications')}${link(paths.authorizedTokens, 'Authorized tokens', section === 'authorized_tokens')}<li class="push"><a href="${paths.logout}">Sign out</a></li></ul></nav></header>`
}

/** A management page: the shared header, then `body` in a card, with the headers of `page()`. */
export function managePage(
  paths: ManagePaths,
  section: Section | undefined,
  title: string,
  body: SafeHtml,
  options: { status?: number } = {},
): Response {
  return page(title, html`${header(paths, section)}<div class="card">${body}</div>`, { ...options, wide: true })
}

/** A page explaining why the request was refused; `headers` adds e.g. `Allow` to a 405. */
export function problemPage(
  paths: ManagePaths,
  status: number,
  heading: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const response = managePage(paths, undefined, heading, html`<h1>${heading}</h1><p>${message}</p>`, { status })
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value)
  return response
}

/** 404 for anything that does not exist or belongs to someone else: the two look the same. */
export function notFound(paths: ManagePaths): Response {
  return problemPage(paths, 404, 'Not found', 'There is nothing here, or it is not yours to see.')
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}">`
}

/** Epoch seconds as a UTC date and time a person reads, with the machine-readable value. */
export function formatTime(seconds: number): SafeHtml {
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`
}
