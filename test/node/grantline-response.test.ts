import { describe, expect, it } from 'vitest'
import { enableRawResponses, rawResponse } from '../../packages/core/src/http/grantline-response.js'
import { json, redirect } from '../../packages/core/src/http/responses.js'

// As the Node listener does: json() and redirect() then build GrantlineResponses.
enableRawResponses()

const BODY = { access_token: 'gl_at_x', token_type: 'Bearer', expires_in: 3600 }

/** What a consumer sees of a Response, read the platform's way. */
async function view(response: Response, read: 'text' | 'json' | 'arrayBuffer' | 'blob' | 'body') {
  const headers = [...response.headers]
  const status = [response.status, response.ok, response.statusText, response.type, response.redirected, response.url]
  let body: unknown
  if (read === 'arrayBuffer') body = new TextDecoder().decode(await response.arrayBuffer())
  else if (read === 'blob') body = await (await response.blob()).text()
  else if (read === 'body') body = response.body ? await new Response(response.body).text() : null
  else body = await response[read]()
  return { headers, status, body, used: response.bodyUsed }
}

const platformJson = () =>
  new Response(JSON.stringify(BODY), {
    status: 200,
    headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' },
  })

describe('GrantlineResponse: the core JSON and redirect responses the Node listener writes from their fields', () => {
  it('Fetch Standard §6.4: json() builds a Response whose every read (text, json, arrayBuffer, blob, body) matches the platform one', async () => {
    for (const read of ['text', 'json', 'arrayBuffer', 'blob', 'body'] as const) {
      const response = json(BODY)
      expect(response).toBeInstanceOf(Response)
      expect(await view(response, read)).toEqual(await view(platformJson(), read))
    }
  })

  it('Fetch Standard §6.4: a body reads once, as the platform one, and the listener then no longer writes it from the fields', async () => {
    const response = json(BODY)
    expect(response.bodyUsed).toBe(false)
    expect(rawResponse(response)?.body).toBe(JSON.stringify(BODY))
    await response.text()
    expect(response.bodyUsed).toBe(true)
    await expect(response.text()).rejects.toThrow(TypeError)
    expect(() => response.clone()).toThrow(TypeError)
    expect(rawResponse(response)).toBeUndefined()
    expect(rawResponse(platformJson())).toBeUndefined()
  })

  it('Fetch Standard §6.4: clone() gives two independent responses, before and after the body stream was built', async () => {
    const response = json(BODY, 400, { 'www-authenticate': 'Basic realm="x"' })
    const copy = response.clone()
    copy.headers.set('x-copy', '1')
    expect(response.headers.has('x-copy')).toBe(false)
    expect([await copy.json(), await response.json()]).toEqual([BODY, BODY])
    expect(copy.status).toBe(400)
    expect(copy.headers.get('www-authenticate')).toBe('Basic realm="x"')
    const streamed = json(BODY)
    expect(streamed.body).not.toBeNull()
    const second = streamed.clone()
    expect([await second.json(), await streamed.json()]).toEqual([BODY, BODY])
  })

  it('RFC 9700 §2.6: headers set after construction (CORS, error headers) are read, cloned and written', async () => {
    const response = json(BODY)
    response.headers.append('vary', 'Origin')
    response.headers.set('access-control-allow-origin', 'https://app.example')
    const raw = rawResponse(response)
    expect(raw?.headers).toBeInstanceOf(Headers)
    expect([...(raw!.headers as Headers)]).toContainEqual(['vary', 'Origin'])
    expect(response.clone().headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(await response.json()).toEqual(BODY)
    expect(response.headers.get('vary')).toBe('Origin')
  })

  it('RFC 6749 §4.1.2: redirect() is a 303 with a Location, no body and no-store', async () => {
    const response = redirect('https://client.example/cb?code=x')
    expect(rawResponse(response)).toEqual({
      status: 303,
      headers: { location: 'https://client.example/cb?code=x', 'cache-control': 'no-store', pragma: 'no-cache' },
      body: null,
    })
    expect(response.headers.get('location')).toBe('https://client.example/cb?code=x')
    expect(response.body).toBeNull()
    expect(await response.text()).toBe('')
    // A copy the platform way, as withoutCors makes one, keeps status and headers.
    const copy = new Response(response.body, response)
    expect([copy.status, copy.headers.get('location')]).toEqual([303, 'https://client.example/cb?code=x'])
  })
})
