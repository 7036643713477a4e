import type { ClientUpdate } from '../contracts/clients.js'
import type { Params } from '../contracts/params.js'
import type { Client, ClientType } from '../contracts/storage.js'
import { html, raw, type SafeHtml } from '../html/html.js'
import { csrfField } from './manage-page.js'

const GRANT_LABELS: Record<string, string> = {
  authorization_code: 'Authorization code',
  refresh_token: 'Refresh token',
  client_credentials: 'Client credentials',
  password: 'Resource owner password',
  implicit: 'Implicit',
  'urn:ietf:params:oauth:grant-type:device_code': 'Device code (RFC 8628)',
}

/** The form's fields as typed: text stays raw so a refused form comes back as the user left it. */
export interface ApplicationFormValues {
  client_name: string
  client_type: ClientType
  grant_types: string[]
  redirect_uris: string
  post_logout_redirect_uris: string
  scopes: string[]
  /** How a confidential client authenticates: a secret, or a JWT signed with its key (RFC 7523). */
  auth: 'secret' | 'private_key_jwt'
  /** RFC 7591 §2: where the client publishes its public keys. */
  jwks_uri: string
  /** RFC 7591 §2: its public keys, as JWK Set JSON. */
  jwks: string
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request must carry a DPoP proof.
   * Undefined when the form did not offer it (the server takes no DPoP proofs): the setting stays.
   */
  dpop_bound_access_tokens: boolean | undefined
}

/** What the form may offer: grant types the server enables, scopes it knows (name -> description). */
export interface FormChoices {
  grantTypes: readonly string[]
  scopes: Readonly<Record<string, string>>
  /** Whether the server offers private_key_jwt (its storage can remember an assertion's jti). */
  privateKeyJwt: boolean
  /** Whether the server takes DPoP proofs (RFC 9449: its storage can remember a proof's jti). */
  dpop: boolean
}

/** A new application's starting point: the code flow with refresh tokens, when the server has them. */
export function blankValues(choices: FormChoices): ApplicationFormValues {
  return {
    client_name: '',
    client_type: 'confidential',
    grant_types: choices.grantTypes.filter((grant) => grant === 'authorization_code' || grant === 'refresh_token'),
    redirect_uris: '',
    post_logout_redirect_uris: '',
    scopes: [],
    auth: 'secret',
    jwks_uri: '',
    jwks: '',
    dpop_bound_access_tokens: choices.dpop ? false : undefined,
  }
}

export function clientValues(client: Client): ApplicationFormValues {
  return {
    client_name: client.client_name,
    client_type: client.client_type,
    grant_types: client.grant_types,
    redirect_uris: client.redirect_uris.join('\n'),
    post_logout_redirect_uris: client.post_logout_redirect_uris.join('\n'),
    scopes: client.scope.split(' ').filter(Boolean),
    auth: client.token_endpoint_auth_method === 'private_key_jwt' ? 'private_key_jwt' : 'secret',
    jwks_uri: client.metadata.jwks_uri ?? '',
    jwks: client.metadata.jwks ? JSON.stringify(client.metadata.jwks, null, 2) : '',
    dpop_bound_access_tokens: client.metadata.dpop_bound_access_tokens === true,
  }
}

/**
 * Reads a submitted form; fields and checkboxes the form did not offer are ignored. There is no
 * `skip_authorization`: letting an application skip the consent page is the operator's decision,
 * never its owner's (RFC 6749 §10.2), so a posted value is not read.
 */
export function readValues(form: Params, choices: FormChoices, clientType?: ClientType): ApplicationFormValues {
  return {
    client_name: form.get('client_name') ?? '',
    client_type: clientType ?? (form.get('client_type') === 'public' ? 'public' : 'confidential'),
    grant_types: choices.grantTypes.filter((grant) => form.has(`grant_type:${grant}`)),
    redirect_uris: form.get('redirect_uris') ?? '',
    post_logout_redirect_uris: form.get('post_logout_redirect_uris') ?? '',
    scopes: Object.keys(choices.scopes).filter((scope) => form.has(`scope:${scope}`)),
    auth: choices.privateKeyJwt && form.get('auth') === 'private_key_jwt' ? 'private_key_jwt' : 'secret',
    jwks_uri: form.get('jwks_uri') ?? '',
    jwks: form.get('jwks') ?? '',
    // An unchecked box is absent from the form: offered, it means false.
    dpop_bound_access_tokens: choices.dpop ? form.has('dpop_bound_access_tokens') : undefined,
  }
}

/** The JWK Set typed into the form, or undefined when the field is empty; null when it is not JSON. */
function parsedJwks(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * The checks a person should hear about in words before `provider.clients` sees the metadata;
 * everything else (redirect URIs above all) is validated there and its ConfigError shown.
 */
export function formProblem(values: ApplicationFormValues, grantTypes: readonly string[]): string | undefined {
  const name = values.client_name.trim()
  if (name === '') return 'Name is required.'
  if (name.length > 255) return 'Name must be at most 255 characters.'
  if (grantTypes.length === 0) return 'Choose at least one grant type.'
  if (values.client_type === 'public' && grantTypes.includes('client_credentials')) {
    return 'Client credentials needs a confidential client (RFC 6749 §4.4).'
  }
  if (values.jwks_uri.trim() !== '' && values.jwks.trim() !== '') return 'Give the public keys as a JWKS URL or as JWKS JSON, not both.'
  if (parsedJwks(values.jwks) === null) return 'Public keys (JWKS JSON) must be JSON.'
  if (values.client_type === 'confidential' && values.auth === 'private_key_jwt' && !values.jwks_uri.trim() && !values.jwks.trim()) {
    return 'Private key JWT needs the public keys: a JWKS URL or JWKS JSON (RFC 7523).'
  }
  return undefined
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)

/**
 * The authentication method a confidential client's form asks for: private_key_jwt, or back to a
 * secret from it; otherwise the current method stays (an operator's client_secret_post, say).
 */
function authMethod(values: ApplicationFormValues, current: string | undefined): Pick<ClientUpdate, 'token_endpoint_auth_method'> {
  if (values.client_type !== 'confidential') return {}
  if (values.auth === 'private_key_jwt') return { token_endpoint_auth_method: 'private_key_jwt' }
  return current === undefined || current === 'private_key_jwt' ? { token_endpoint_auth_method: 'client_secret_basic' } : {}
}

/**
 * The metadata `provider.clients` takes. The operator's fields (owner, introspection,
 * skip_authorization) are not here: a new client gets the defaults, an updated one keeps its own.
 * `currentMethod` is the updated client's token_endpoint_auth_method, `currentDpopBound` its
 * dpop_bound_access_tokens: an unchecked box clears a set one and adds nothing to a client without it.
 */
export function toMetadata(
  values: ApplicationFormValues,
  grantTypes: string[],
  currentMethod?: string,
  currentDpopBound?: boolean,
): ClientUpdate & { client_name: string } {
  const dpopBound = values.dpop_bound_access_tokens
  const dpopChange = dpopBound === true || (dpopBound === false && currentDpopBound === true)
  const jwks = parsedJwks(values.jwks)
  return {
    client_name: values.client_name.trim(),
    grant_types: grantTypes,
    redirect_uris: lines(values.redirect_uris),
    post_logout_redirect_uris: lines(values.post_logout_redirect_uris),
    scope: values.scopes.join(' '),
    ...authMethod(values, currentMethod),
    jwks_uri: values.jwks_uri.trim() || null,
    jwks: jwks === undefined || jwks === null ? null : (jwks as ClientUpdate['jwks']),
    ...(dpopChange ? { dpop_bound_access_tokens: dpopBound } : {}),
  }
}

const FIELD_LABELS: Record<string, string> = {
  client_name: 'Name',
  grant_types: 'Grant types',
  redirect_uris: 'Redirect URIs',
  post_logout_redirect_uris: 'Post-logout redirect URIs',
  scope: 'Allowed scopes',
  jwks: 'Public keys (JWKS JSON)',
  jwks_uri: 'JWKS URL',
  token_endpoint_auth_method: 'Client authentication',
  dpop_bound_access_tokens: 'DPoP-bound access tokens',
}

/** A ConfigError message from `provider.clients`, with its field path named as the form names it. */
export function describeProblem(message: string): string {
  return message.replace(/^([a-z_]+)(?:\.\d+)?: /, (whole, field: string) => (FIELD_LABELS[field] ? `${FIELD_LABELS[field]}: ` : whole))
}

const CHECKED = raw(' checked')

const checkbox = (name: string, checked: boolean, label: string, hint: SafeHtml) =>
  html`<label class="check"><input type="checkbox" name="${name}"${checked && CHECKED}> <span>${label} <span class="muted">${hint}</span></span></label>`

const radio = (value: ClientType, checked: boolean, label: string, hint: string) =>
  html`<label class="check"><input type="radio" name="client_type" value="${value}"${checked && CHECKED}> <span>${label} <span class="muted">${hint}</span></span></label>`

const authRadio = (value: ApplicationFormValues['auth'], checked: boolean, label: string, hint: string) =>
  html`<label class="check"><input type="radio" name="auth" value="${value}"${checked && CHECKED}> <span>${label} <span class="muted">${hint}</span></span></label>`

/** The register and update form (DOT's ApplicationForm, without the secret: the server makes it). */
export function applicationForm(options: {
  action: string
  csrf: string
  values: ApplicationFormValues
  choices: FormChoices
  /** Set when updating: the type of an existing client cannot change. */
  fixedType?: ClientType
  submit: string
  cancel: string
  problem?: string
}): SafeHtml {
  const { values, choices } = options
  const problem =
    options.problem &&
    html`<div class="notice error" role="alert" id="form-problem"><strong>The application was not saved.</strong> ${options.problem}</div>`
  const type = options.fixedType
    ? html`<p><strong>Client type:</strong> ${options.fixedType === 'public' ? 'Public' : 'Confidential'} <span class="muted">(cannot change; register a new application instead)</span></p>`
    : html`<fieldset><legend>Client type</legend>${radio('confidential', values.client_type === 'confidential', 'Confidential', 'runs on a server and keeps a client secret')}${radio('public', values.client_type === 'public', 'Public', 'a browser or native app: no secret, PKCE only')}</fieldset>`
  const grants = choices.grantTypes.map((grant) =>
    checkbox(`grant_type:${grant}`, values.grant_types.includes(grant), GRANT_LABELS[grant] ?? grant, html`<code>${grant}</code>`),
  )
  const confidential = (options.fixedType ?? values.client_type) === 'confidential'
  const auth =
    choices.privateKeyJwt && confidential
      ? html`<fieldset><legend>Client authentication</legend>${authRadio('secret', values.auth === 'secret', 'Client secret', 'the server makes one and shows it once')}${authRadio('private_key_jwt', values.auth === 'private_key_jwt', 'Private key JWT', 'the application signs a JWT with its private key (RFC 7523); give its public keys below')}</fieldset>`
      : ''
  // RFC 9449 §5.2: offered only when the server takes proofs; the detail page shows it either way.
  const dpop =
    choices.dpop && values.dpop_bound_access_tokens !== undefined
      ? html`<fieldset><legend>Token binding</legend>${checkbox('dpop_bound_access_tokens', values.dpop_bound_access_tokens, 'DPoP-bound access tokens', html`every token request must carry a DPoP proof, so tokens are bound to the application's key (RFC 9449; <code>dpop_bound_access_tokens</code>)`)}</fieldset>`
      : ''
  const scopes = Object.entries(choices.scopes).map(([scope, description]) =>
    checkbox(`scope:${scope}`, values.scopes.includes(scope), description, html`<code>${scope}</code>`),
  )
  return html`${problem}<form method="post" action="${options.action}"${options.problem && raw(' aria-describedby="form-problem"')}>${csrfField(options.csrf)}
<label for="client_name">Name</label><input type="text" id="client_name" name="client_name" required maxlength="255" value="${values.client_name}">
${type}
${auth}
<fieldset><legend>Grant types</legend>${grants}</fieldset>
<label for="redirect_uris">Redirect URIs</label><p class="muted" id="redirect_uris-hint">One per line: <code>https</code>, <code>http</code> on 127.0.0.1 or [::1], or a private-use scheme such as <code>com.example.app:/cb</code>.</p>
<textarea id="redirect_uris" name="redirect_uris" rows="3" aria-describedby="redirect_uris-hint">${values.redirect_uris}</textarea>
<label for="post_logout_redirect_uris">Post-logout redirect URIs</label><p class="muted" id="post_logout-hint">One per line, where the application may send users after signing out.</p>
<textarea id="post_logout_redirect_uris" name="post_logout_redirect_uris" rows="2" aria-describedby="post_logout-hint">${values.post_logout_redirect_uris}</textarea>
<label for="jwks_uri">JWKS URL</label><p class="muted" id="jwks_uri-hint">Where the application publishes its public keys (<code>https</code>), for private key JWT and signed request objects. Or paste them below.</p>
<input type="url" id="jwks_uri" name="jwks_uri" maxlength="2000" value="${values.jwks_uri}" aria-describedby="jwks_uri-hint">
<label for="jwks">Public keys (JWKS JSON)</label><p class="muted" id="jwks-hint">A JSON Web Key Set of public keys only: never paste a private key.</p>
<textarea id="jwks" name="jwks" rows="3" spellcheck="false" aria-describedby="jwks-hint">${values.jwks}</textarea>
<fieldset><legend>Allowed scopes</legend><p class="muted">Leave all unchecked to allow every scope the server offers.</p>${scopes}</fieldset>
${dpop}
<div class="actions"><a class="button" href="${options.cancel}">Cancel</a><button type="submit" class="primary">${options.submit}</button></div>
</form>`
}
