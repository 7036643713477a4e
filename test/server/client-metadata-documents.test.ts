import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createWorkspace, type ServerProcess, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

describe('grantline serve: clientIdMetadataDocuments in the config file', () => {
  let ws: Workspace
  let server: ServerProcess

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    server = await startServer(ws, { config: { clientIdMetadataDocuments: { maxBytes: 4096, cacheSeconds: { min: 120 } } } })
  })
  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('draft-ietf-oauth-client-id-metadata-document §6: the served metadata says client_id_metadata_document_supported', async () => {
    const response = await fetch(`${server.origin}/.well-known/oauth-authorization-server/o`)
    expect(await response.json()).toMatchObject({ client_id_metadata_document_supported: true })
    expect(server.stderr()).toBe('')
  })
})
