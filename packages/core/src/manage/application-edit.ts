import type { Client } from '../contracts/storage.js'
import { html } from '../html/html.js'
import { redirect } from '../http/responses.js'
import { ConfigError } from '../primitives/errors.js'
import { dpopEnabled } from '../protocol/capabilities.js'
import { applicationPage } from './application-detail.js'
import {
  type ApplicationFormValues,
  applicationForm,
  blankValues,
  clientValues,
  describeProblem,
  type FormChoices,
  formProblem,
  readValues,
  toMetadata,
} from './application-form.js'
import { type ManageContext, managePage, notFound } from './manage-page.js'
import { ownApplication } from './ownership.js'

/**
 * Grant types are limited to those the server enables, less `password`: an application that
 * receives users' passwords is the operator's decision (RFC 9700 §2.4), like skipping consent.
 * Scopes are the configured ones, plus any an operator gave this client outside them, so that
 * saving the form does not silently drop them (nor an operator's password grant: see update).
 */
function choicesFor(ctx: ManageContext, client?: Client): FormChoices {
  const { config } = ctx.provider
  const scopes: Record<string, string> = { ...config.scopes }
  for (const scope of client?.scope.split(' ').filter(Boolean) ?? []) {
    if (!Object.hasOwn(scopes, scope)) scopes[scope] = scope
  }
  return {
    grantTypes: config.grantTypes.filter((grant) => grant !== 'password'),
    scopes,
    privateKeyJwt: ctx.provider.clientAuth.some((method) => method.name === 'private_key_jwt'),
    dpop: dpopEnabled(config.storage),
  }
}

function registerPage(ctx: ManageContext, values: ApplicationFormValues, choices: FormChoices, problem?: string): Response {
  const form = applicationForm({
    action: ctx.paths.register,
    csrf: ctx.csrf,
    values,
    choices,
    submit: 'Register',
    cancel: ctx.paths.applications,
    ...(problem ? { problem } : {}),
  })
  return managePage(ctx.paths, 'applications', 'New application', html`<h1>New application</h1>${form}`, problem ? { status: 400 } : {})
}

function updatePage(ctx: ManageContext, client: Client, values: ApplicationFormValues, choices: FormChoices, problem?: string): Response {
  const form = applicationForm({
    action: ctx.paths.update(client.client_id),
    csrf: ctx.csrf,
    values,
    choices,
    fixedType: client.client_type,
    submit: 'Save',
    cancel: ctx.paths.application(client.client_id),
    ...(problem ? { problem } : {}),
  })
  const body = html`<h1>Edit ${client.client_name}</h1><p class="muted">Client ID <code>${client.client_id}</code></p>${form}`
  return managePage(ctx.paths, 'applications', `Edit ${client.client_name}`, body, problem ? { status: 400 } : {})
}

/** GET `applications/register/`: DOT's ApplicationRegistration form. */
export function showRegisterForm(ctx: ManageContext): Response {
  const choices = choicesFor(ctx)
  return registerPage(ctx, blankValues(choices), choices)
}

/**
 * POST `applications/register/`: creates a client owned by the user and answers its detail page
 * with the secret, once, directly (no redirect: the secret is stored nowhere to redirect to).
 * Bad metadata comes back as the form with the reason and status 400.
 */
export async function register(ctx: ManageContext): Promise<Response> {
  const choices = choicesFor(ctx)
  const values = readValues(ctx.form, choices)
  const problem = formProblem(values, values.grant_types)
  if (problem) return registerPage(ctx, values, choices, problem)
  try {
    const created = await ctx.clients.create({
      ...toMetadata(values, values.grant_types),
      client_type: values.client_type,
      owner_sub: ctx.user.sub,
    })
    return applicationPage(ctx, created.client, created.client_secret === undefined ? {} : { secret: created.client_secret })
  } catch (error) {
    if (error instanceof ConfigError) return registerPage(ctx, values, choices, describeProblem(error.message))
    throw error
  }
}

/** GET `applications/<client_id>/update/`: DOT's ApplicationUpdate form, for the owner only. */
export async function showUpdateForm(ctx: ManageContext, clientId: string): Promise<Response> {
  const client = await ownApplication(ctx, clientId)
  if (!client) return notFound(ctx.paths)
  return updatePage(ctx, client, clientValues(client), choicesFor(ctx, client))
}

/** POST `applications/<client_id>/update/`: saves the owner's changes, then 303 to the detail page. */
export async function update(ctx: ManageContext, clientId: string): Promise<Response> {
  const client = await ownApplication(ctx, clientId)
  if (!client) return notFound(ctx.paths)
  const choices = choicesFor(ctx, client)
  const values = readValues(ctx.form, choices, client.client_type)
  // Grant types the form does not offer (given by an operator) are kept, not silently dropped.
  const grants = [...values.grant_types, ...client.grant_types.filter((grant) => !choices.grantTypes.includes(grant))]
  const problem = formProblem(values, grants)
  if (problem) return updatePage(ctx, client, values, choices, problem)
  let updated: Client
  try {
    updated = await ctx.clients.update(
      client.client_id,
      toMetadata(values, grants, client.token_endpoint_auth_method, client.metadata.dpop_bound_access_tokens),
    )
  } catch (error) {
    if (error instanceof ConfigError) return updatePage(ctx, client, values, choices, describeProblem(error.message))
    throw error
  }
  // Back from private_key_jwt to a secret: the client had none, so it gets one, shown once.
  if (updated.client_type === 'confidential' && updated.secret_hash === null && updated.token_endpoint_auth_method !== 'private_key_jwt') {
    return applicationPage(ctx, updated, { secret: await ctx.clients.resetSecret(updated.client_id) })
  }
  return redirect(ctx.paths.application(client.client_id))
}
