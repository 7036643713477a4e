import { memoryStorage, type Storage } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { ISSUER, type Setup, setup } from '../support/provider.js'
import { app, get, post, registerApp } from './helpers.js'

const as: oauth.AuthorizationServer = { issuer: ISSUER, token_endpoint: `${ISSUER}/token/` }
const BOX = 'name="dpop_bound_access_tokens"'

const htmlText = (value: string) =>
  value.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '')

/**
 * What a browser submits for a page's form, untouched: text and hidden inputs with their values,
 * checked checkboxes and radios, and textareas.
 */
function submitted(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [input] of html.matchAll(/<input [^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(input)?.[1]
    if (!name) continue
    const type = /type="([^"]+)"/.exec(input)?.[1] ?? 'text'
    if ((type === 'checkbox' || type === 'radio') && !/ checked/.test(input)) continue
    fields[htmlText(name)] = htmlText(/value="([^"]*)"/.exec(input)?.[1] ?? 'on')
  }
  for (const [, name, text] of html.matchAll(/<textarea [^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) {
    fields[htmlText(name as string)] = htmlText(text as string)
  }
  return fields
}

/** The edit page of `clientId`, submitted as the browser shows it, with `change` applied. */
async function saveEditForm(s: Setup, cookie: string, clientId: string, change: (fields: Record<string, string>) => void) {
  const page = await (await get(s, app(clientId, 'update'), cookie)).text()
  const fields = submitted(page)
  change(fields)
  return post(s, app(clientId, 'update'), cookie, fields)
}

async function tokenWithout(s: Setup, clientId: string, secret: string) {
  const client: oauth.Client = { client_id: clientId }
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(secret), new URLSearchParams(), {
    [oauth.customFetch]: s.fetch,
  })
  return { client, response }
}

describe('management pages: DPoP-bound access tokens (RFC 9449 §5.2 dpop_bound_access_tokens)', () => {
  it('RFC 9449 §5.2: an owner registers a DPoP-bound application; the token endpoint then wants a proof and binds the token to its key', async () => {
    const s = setup()
    s.clock.set(Date.now())
    const alice = s.users.signIn('user-1')
    const form = await (await get(s, '/o/applications/register/', alice)).text()
    expect(form).toContain(`${BOX}>`)
    const { clientId, secret, html } = await registerApp(s, alice, {
      'grant_type:client_credentials': 'on',
      dpop_bound_access_tokens: 'on',
    })
    expect(html).toContain('<dt>DPoP-bound access tokens</dt><dd>Required</dd>')
    expect((await s.storage.getClient(clientId))?.metadata.dpop_bound_access_tokens).toBe(true)
    const refused = await tokenWithout(s, clientId, secret!)
    expect(refused.response.status).toBe(400)
    expect(await refused.response.json()).toMatchObject({ error: 'invalid_dpop_proof' })
    const DPoP = oauth.DPoP(refused.client, await oauth.generateKeyPair('ES256'))
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      refused.client,
      oauth.ClientSecretBasic(secret!),
      new URLSearchParams(),
      {
        [oauth.customFetch]: s.fetch,
        DPoP,
      },
    )
    expect(await oauth.processClientCredentialsResponse(as, refused.client, response)).toMatchObject({ token_type: 'dpop' })
  })

  it('RFC 9449 §5.2: the edit form shows the setting as stored, saving it untouched keeps it, and unchecking or checking it changes it', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, alice, { dpop_bound_access_tokens: 'on' })
    const page = await (await get(s, app(clientId, 'update'), alice)).text()
    expect(page).toContain(`${BOX} checked>`)
    const metadataBefore = (await s.storage.getClient(clientId))?.metadata
    expect((await saveEditForm(s, alice, clientId, () => {})).status).toBe(303)
    expect((await s.storage.getClient(clientId))?.metadata).toStrictEqual(metadataBefore)
    expect(
      (
        await saveEditForm(s, alice, clientId, (fields) => {
          delete fields.dpop_bound_access_tokens
        })
      ).status,
    ).toBe(303)
    expect((await s.storage.getClient(clientId))?.metadata.dpop_bound_access_tokens).toBe(false)
    const detail = await (await get(s, app(clientId), alice)).text()
    expect(detail).toContain('<dt>DPoP-bound access tokens</dt><dd>Optional</dd>')
    expect(await (await get(s, app(clientId, 'update'), alice)).text()).toContain(`${BOX}>`)
    await saveEditForm(s, alice, clientId, (fields) => {
      fields.dpop_bound_access_tokens = 'on'
    })
    expect((await s.storage.getClient(clientId))?.metadata.dpop_bound_access_tokens).toBe(true)
  })

  it('without DPoP on the server (no Storage.remember) the form does not offer it, and saving keeps what an operator set', async () => {
    const { remember: _, ...storage } = memoryStorage()
    const s = setup({}, storage as Storage)
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, alice, { dpop_bound_access_tokens: 'on' })
    // Not offered, so not read.
    expect((await s.storage.getClient(clientId))?.metadata.dpop_bound_access_tokens).toBeUndefined()
    await s.provider.clients.update(clientId, { dpop_bound_access_tokens: true })
    const page = await (await get(s, app(clientId, 'update'), alice)).text()
    expect(page).not.toContain(BOX)
    expect((await saveEditForm(s, alice, clientId, () => {})).status).toBe(303)
    expect((await s.storage.getClient(clientId))?.metadata.dpop_bound_access_tokens).toBe(true)
    expect(await (await get(s, app(clientId), alice)).text()).toContain('<dt>DPoP-bound access tokens</dt><dd>Required</dd>')
  })
})
