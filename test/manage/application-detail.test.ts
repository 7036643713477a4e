import { describe, expect, it } from 'vitest'
import { REDIRECT_URI, setup } from '../support/provider.js'
import { APPS, app, appForm, csrfFor, get, post, registerApp } from './helpers.js'

describe('application detail, update and delete (DOT ApplicationDetail, ApplicationUpdate, ApplicationDelete)', () => {
  it("shows the owner's application, with and without the trailing slash", async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, alice, { client_name: 'Photo <Printer>' })
    for (const path of [app(clientId), app(clientId).replace(/\/$/, '')]) {
      const response = await get(s, path, alice)
      expect(response.status).toBe(200)
      const html = await response.text()
      expect(html).toContain('<h1>Photo &#60;Printer&#62;</h1>')
      expect(html).toContain(`<code>${clientId}</code>`)
      expect(html).toContain(`<code>${REDIRECT_URI}</code>`)
      expect(html).toContain(`href="${app(clientId, 'update')}"`)
      expect(html).toContain(`href="${app(clientId, 'delete')}"`)
      expect(html).not.toContain('not be shown again')
    }
  })

  it('reaches a client_id that needs percent-encoding in a path segment', async () => {
    const s = setup()
    await s.provider.clients.create({ client_id: 'team/app?#1%', client_name: 'Odd', redirect_uris: [REDIRECT_URI], owner_sub: 'user-1' })
    const response = await get(s, app('team/app?#1%'), s.users.signIn('user-1'))
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('/o/applications/team%2Fapp%3F%231%25/update/')
  })

  it("updates the owner's application and answers 303 to its detail page", async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, alice)
    const form = await get(s, app(clientId, 'update'), alice)
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(html).toContain('value="Photo Printer"')
    expect(html).toContain('Client type:</strong> Confidential')

    const response = await post(s, app(clientId, 'update'), alice, {
      ...appForm({
        client_name: 'Renamed',
        redirect_uris: 'https://app.example/cb\nhttps://APP.example:443/other',
        'grant_type:refresh_token': '',
      }),
      client_type: 'public',
      csrf: await csrfFor(s, alice),
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(app(clientId))
    expect(await s.storage.getClient(clientId)).toMatchObject({
      client_name: 'Renamed',
      client_type: 'confidential',
      grant_types: ['authorization_code'],
      redirect_uris: ['https://app.example/cb', 'https://app.example/other'],
      owner_sub: 'user-1',
    })
  })

  it('keeps grant types and scopes an operator set outside what the form offers', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    await s.provider.clients.create({
      client_id: 'legacy',
      client_name: 'Legacy',
      grant_types: ['authorization_code', 'password'],
      redirect_uris: [REDIRECT_URI],
      scope: 'read legacy',
      introspection: true,
      owner_sub: 'user-1',
    })
    const html = await (await get(s, app('legacy', 'update'), alice)).text()
    expect(html).toContain('name="scope:legacy" checked')
    const response = await post(s, app('legacy', 'update'), alice, {
      client_name: 'Legacy 2',
      'grant_type:authorization_code': 'on',
      redirect_uris: REDIRECT_URI,
      'scope:read': 'on',
      'scope:legacy': 'on',
      csrf: await csrfFor(s, alice),
    })
    expect(response.status).toBe(303)
    expect(await s.storage.getClient('legacy')).toMatchObject({
      grant_types: ['authorization_code', 'password'],
      scope: 'read legacy',
      introspection: true,
    })
  })

  it("RFC 6749 §10.2: the edit form neither shows nor changes skip_authorization: a posted value is ignored, the operator's kept", async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    for (const [clientId, operatorValue] of [
      ['trusted', true],
      ['ordinary', false],
    ] as const) {
      await s.provider.clients.create({
        client_id: clientId,
        client_name: 'Photo Printer',
        redirect_uris: [REDIRECT_URI],
        skip_authorization: operatorValue,
        owner_sub: 'user-1',
      })
      const html = await (await get(s, app(clientId, 'update'), alice)).text()
      expect(html).not.toContain('skip_authorization')
      const posted: Record<string, string> = operatorValue ? {} : { skip_authorization: 'on' }
      const response = await post(s, app(clientId, 'update'), alice, {
        ...appForm({ client_name: 'Renamed' }),
        ...posted,
        csrf: await csrfFor(s, alice),
      })
      expect(response.status).toBe(303)
      expect(await s.storage.getClient(clientId)).toMatchObject({ client_name: 'Renamed', skip_authorization: operatorValue })
    }
  })

  it("deletes the owner's application after a confirmation and answers 303 to the list", async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, alice)
    const confirm = await get(s, app(clientId, 'delete'), alice)
    expect(confirm.status).toBe(200)
    expect(await confirm.text()).toContain('Delete Photo Printer?')
    const response = await post(s, app(clientId, 'delete'), alice, { csrf: await csrfFor(s, alice) })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(APPS)
    expect(await s.storage.getClient(clientId)).toBeNull()
    expect((await get(s, app(clientId), alice)).status).toBe(404)
  })
})

describe("another user's application is answered 404, exactly like a missing one", () => {
  async function bobsApp() {
    const s = setup()
    const bob = s.users.signIn('user-2')
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, bob, { client_name: 'Bob App' })
    await s.provider.clients.create({ client_id: 'operator', client_name: 'Operator App', redirect_uris: [REDIRECT_URI] })
    return { s, alice, clientId, before: await s.storage.getClient(clientId), csrf: await csrfFor(s, alice) }
  }

  it('detail, update form and delete confirmation', async () => {
    const { s, alice, clientId } = await bobsApp()
    for (const id of [clientId, 'operator', 'missing']) {
      for (const action of ['', 'update', 'delete']) {
        const response = await get(s, app(id, action), alice)
        expect(response.status, `${id} ${action}`).toBe(404)
        const html = await response.text()
        expect(html).not.toContain('Bob App')
        expect(html).not.toContain('Operator App')
      }
    }
  })

  it('update and delete POSTs change nothing', async () => {
    const { s, alice, clientId, before, csrf } = await bobsApp()
    expect((await post(s, app(clientId, 'update'), alice, { ...appForm({ client_name: 'Stolen' }), csrf })).status).toBe(404)
    expect((await post(s, app(clientId, 'delete'), alice, { csrf })).status).toBe(404)
    expect((await post(s, app('operator', 'delete'), alice, { csrf })).status).toBe(404)
    expect(await s.storage.getClient(clientId)).toEqual(before)
    expect(await s.storage.getClient('operator')).not.toBeNull()
  })
})
