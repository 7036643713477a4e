import { sha256 } from '@noble/hashes/sha2.js'
import { base64 } from '../primitives/crypto.js'
import { html, raw, type SafeHtml } from './html.js'

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#59636e;--bg:#f6f8fa;--card:#fff;--line:#d1d9e0;--accent:#0b57d0;--accent-fg:#fff;--danger:#b3261e}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;--accent:#4c8dff;--accent-fg:#0d1117;--danger:#ff7b72}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:34rem;margin:4rem auto;padding:0 1rem}main.wide{max-width:56rem}.secret{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}td.nowrap{white-space:nowrap}.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem}
h1{font-size:1.4rem;margin:0 0 1rem}p{margin:.5rem 0}.muted{color:var(--muted);font-size:.9rem}
ul.scopes{padding:0;list-style:none;margin:1rem 0}ul.scopes li{padding:.6rem 0;border-top:1px solid var(--line)}ul.scopes li:last-child{border-bottom:1px solid var(--line)}
code{font-size:.9em}.actions{display:flex;gap:.75rem;justify-content:flex-end;margin-top:1.5rem}
button,.button{display:inline-block;font:inherit;padding:.55rem 1.2rem;border-radius:8px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer;text-decoration:none}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error{color:var(--danger)}label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input[type=text],input[type=password],input[type=url],textarea,select{width:100%;font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line)}
.nav{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0 0 1rem;padding:0}.nav .push{margin-left:auto}a{color:var(--accent)}.nav a[aria-current=page]{color:var(--fg);font-weight:600;text-decoration:none}
.button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}.danger{color:var(--danger);border-color:var(--danger)}
fieldset{border:1px solid var(--line);border-radius:8px;margin:.75rem 0;padding:.25rem .75rem .5rem}legend{font-weight:600;padding:0 .25rem}label.check{display:flex;gap:.5rem;align-items:baseline;font-weight:400;margin:.35rem 0}
.notice{border:1px solid var(--accent);border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem}.notice.error{border-color:var(--danger)}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem;margin:1rem 0}dl.fields dt{font-weight:600}dl.fields dd{margin:0;overflow-wrap:anywhere}
ul.plain{list-style:none;margin:0;padding:0}caption{text-align:left;font-weight:600;padding:.5rem 0}td code{overflow-wrap:anywhere}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`.trim()

const STYLE_HASH = `'sha256-${base64(sha256(new TextEncoder().encode(STYLE)))}'`

/**
 * A page with the headers of docs/security.md "Pages": a CSP allowing only the inline style
 * (by hash), no framing (RFC 6749 §10.13), no caching; `formAction` adds an origin the page's
 * form may end up at (Chrome applies form-action to the redirect after a form POST). `body` is
 * a fragment built with `html`, so text reaches the page escaped.
 */
export function page(
  title: string,
  body: SafeHtml,
  options: { status?: number; formAction?: string[]; lang?: string; wide?: boolean } = {},
): Response {
  const formAction = ["'self'", ...(options.formAction ?? [])].join(' ')
  const document = html`<!doctype html><html lang="${options.lang ?? 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title}</title><style>${raw(STYLE)}</style></head><body><main${options.wide ? raw(' class="wide"') : ''}>${body}</main></body></html>`
  return new Response(document.toString(), {
    status: options.status ?? 200,
    headers: {
      'content-type': 'text/html;charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; frame-ancestors 'none'; base-uri 'none'; form-action ${formAction}`,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    },
  })
}
