-- Dynamic client registration (RFC 7591, RFC 7592). Clients registered before it are not dynamic.
-- metadata holds the RFC 7591 display fields as JSON; the registration access token is stored
-- as its SHA-256 hex, like every other secret.
ALTER TABLE clients ADD COLUMN dynamic INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN registration_token_hash TEXT;
-- cleanup() finds dynamic clients by creation time, then their families through families_client.
CREATE INDEX clients_dynamic ON clients (created_at) WHERE dynamic = 1;
-- Deleting a client revokes its consents.
CREATE INDEX consents_client ON consents (client_id);

-- Initial access tokens (RFC 7591 §3), made by the operator; each registers one client. A
-- consumed one stays until it expires, like a code.
CREATE TABLE initial_access_tokens (
  hash TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  consumed_at BIGINT
);
CREATE INDEX initial_access_tokens_expires ON initial_access_tokens (expires_at);
