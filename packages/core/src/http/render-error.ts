import { errorPage } from '../html/error-page.js'
import { OAuthError } from '../primitives/errors.js'
import { json } from './responses.js'

/**
 * The one error renderer. OAuthErrors become their RFC 6749 §5.2 JSON (or, for a person at the
 * authorization endpoint whose redirect cannot be trusted, a local page); anything else is a
 * generic server_error, reported to `onError` and never described to the client.
 */
export function renderError(
  error: unknown,
  as: 'json' | 'page',
  request: Request,
  onError?: (error: unknown, request: Request) => unknown,
): Response {
  const known = error instanceof OAuthError ? error : new OAuthError('server_error', 'the server could not complete the request')
  if (known !== error) {
    try {
      const reported: unknown = onError?.(error, request)
      // An async reporter that rejects must not become an unhandled rejection.
      Promise.resolve(reported).catch(() => {})
    } catch {
      // A failing reporter must not turn a generic server_error into a rejected handle().
    }
  }
  if (as === 'page') {
    const page = errorPage(known)
    for (const [name, value] of Object.entries(known.headers)) page.headers.set(name, value)
    return page
  }
  return json({ error: known.error, error_description: known.message }, known.status, known.headers)
}
