import { expect } from 'vitest'
import { clientCredentials, codeFlow, introspect, oauthClient } from '../server/http-client.js'
import type { ServerProcess } from '../server/support.js'

/**
 * What the docs' first-run commands printed, and what a real client then does with it: every
 * quick start creates "My app" (a web app, code flow) and "My API" (client_credentials) and the
 * user alice, each printing its secret or password once.
 */

export interface FirstRows {
  app: { client_id: string; client_secret: string }
  api: { client_id: string; client_secret: string }
  alice: { username: string; password: string }
}

/** `client_id: X` / `client_secret: Y` / `password: Z` as the CLI and the Deno admin print them, or `--json`'s field. */
export function printed(output: string, field: string): string {
  const value = new RegExp(`^${field}:\\s+(\\S+)$`, 'm').exec(output)?.[1] ?? new RegExp(`"${field}":\\s*"([^"]+)"`).exec(output)?.[1]
  if (value === undefined) throw new Error(`no "${field}:" line in what the command printed:\n${output}`)
  return value
}

/** The client a `clients create --name "NAME"` command printed. */
export function printedClient(output: string): { client_id: string; client_secret: string } {
  return { client_id: printed(output, 'client_id'), client_secret: printed(output, 'client_secret') }
}

/** The name a `clients create` command gives its client. */
export const clientName = (command: string) => /--name "([^"]+)"/.exec(command)?.[1]

/**
 * RFC 6749 §4.4 with "My API", and §4.1 with S256 PKCE (RFC 7636) with "My app" through the real
 * login form and consent page as alice; both tokens active at introspection (RFC 7662).
 */
export async function provesFirstRows(origin: string, rows: FirstRows): Promise<void> {
  const server = { origin, issuer: `${origin}/o` } as ServerProcess
  const api = oauthClient(server, rows.api)
  const machine = await clientCredentials(api)
  expect(machine.token_type.toLowerCase()).toBe('bearer')
  expect(await introspect(api, machine.access_token)).toMatchObject({ active: true, client_id: rows.api.client_id })

  const app = oauthClient(server, rows.app)
  const { tokens } = await codeFlow(app, server, rows.alice)
  expect(tokens.refresh_token).toEqual(expect.any(String))
  expect(await introspect(app, tokens.access_token)).toMatchObject({
    active: true,
    client_id: rows.app.client_id,
    username: rows.alice.username,
    scope: 'read write',
  })
}
