import type { ProviderContext } from '../../contracts/context.js'
import type { Params } from '../../contracts/params.js'
import { OAuthError } from '../../primitives/errors.js'

import { LOGIN_MARKER, readLoginMarker } from './login-marker.js'

export type Prompt = 'none' | 'login' | 'consent' | 'select_account'

/** The OpenID Connect parameters of an authentication request (OIDC Core §3.1.2.1, §5.5). */
export interface OidcRequest {
  prompt: ReadonlySet<Prompt>
  /** Seconds; 0 forces re-authentication like prompt=login. */
  maxAge: number | undefined
  loginHint: string | undefined
  /** Well-formed BCP 47 tags from ui_locales, in the order of preference. */
  uiLocales: string[]
  acrValues: string[]
  /**
   * When Grantline sent the user to sign in or to choose an account for this very request (its
   * signed LOGIN_MARKER), if recent.
   */
  loginRequestedAt: number | undefined
}

const NONE: OidcRequest = {
  prompt: new Set(),
  maxAge: undefined,
  loginHint: undefined,
  uiLocales: [],
  acrValues: [],
  loginRequestedAt: undefined,
}
const PROMPTS: readonly string[] = ['none', 'login', 'consent', 'select_account']
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/

/** OIDC Core §3.1.2.1 prompt: a space-delimited set; `none` stands alone. */
function checkPrompt(value: string | undefined): Set<Prompt> {
  if (value === undefined) return new Set()
  const prompts = value.split(' ')
  const unknown = prompts.find((prompt) => !PROMPTS.includes(prompt))
  if (unknown !== undefined) throw new OAuthError('invalid_request', `the prompt value "${unknown}" is not supported`)
  const set = new Set(prompts as Prompt[])
  if (set.has('none') && set.size > 1) throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other prompt values')
  return set
}

/** OIDC Core §3.1.2.1 max_age: non-negative integer seconds. */
function checkMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,10}$/.test(value)) throw new OAuthError('invalid_request', 'max_age must be a non-negative integer number of seconds')
  return Number(value)
}

/** OIDC Core §5.5: a JSON object whose `userinfo` and `id_token` members, when present, are objects. */
function checkClaims(value: string | undefined): void {
  if (value === undefined) return
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new OAuthError('invalid_request', 'the claims parameter is not valid JSON')
  }
  const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x)
  const valid =
    isObject(parsed) &&
    ['userinfo', 'id_token'].every((member) => {
      const inner = (parsed as Record<string, unknown>)[member]
      return inner === undefined || isObject(inner)
    })
  if (!valid) throw new OAuthError('invalid_request', 'the claims parameter must be a JSON object of userinfo and id_token requests')
}

const list = (value: string | undefined) => value?.split(' ').filter(Boolean) ?? []

/**
 * Validates the OpenID Connect request parameters when OpenID Connect is on; without it they are
 * unknown parameters and ignored (RFC 6749 §3.1). `params` are the request's authorization
 * parameters only, the ones its login marker is signed over.
 */
export async function checkOidcRequest(provider: ProviderContext, params: Params): Promise<OidcRequest> {
  if (!provider.config.oidc) return NONE
  checkClaims(params.get('claims'))
  return {
    prompt: checkPrompt(params.get('prompt')),
    maxAge: checkMaxAge(params.get('max_age')),
    loginHint: params.get('login_hint'),
    uiLocales: list(params.get('ui_locales')).filter((tag) => LANGUAGE_TAG.test(tag)),
    acrValues: list(params.get('acr_values')),
    loginRequestedAt: params.has(LOGIN_MARKER) ? await readLoginMarker(provider, params) : undefined,
  }
}
