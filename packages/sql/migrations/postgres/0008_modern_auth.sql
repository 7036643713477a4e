-- Modern client authentication and tokens.
-- Pushed authorization requests (RFC 9126): keyed by the SHA-256 hex of the request_uri,
-- single-use; a consumed one stays until it expires, like a code.
CREATE TABLE pushed_requests (
  hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  consumed_at BIGINT
);
CREATE INDEX pushed_requests_expires ON pushed_requests (expires_at);

-- Single-use values seen once (a client assertion's or a DPoP proof's jti, by SHA-256 hex): a
-- replay is refused until expires_at. One conditional insert remembers or reports a replay.
CREATE TABLE remembered (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX remembered_expires ON remembered (expires_at);

-- The JWK thumbprint of the DPoP key a token is bound to (RFC 9449 §6); NULL for Bearer tokens.
ALTER TABLE access_tokens ADD COLUMN cnf_jkt TEXT;
ALTER TABLE refresh_tokens ADD COLUMN cnf_jkt TEXT;

-- A client secret replaced by a rotation keeps working until previous_secret_expires_at.
ALTER TABLE clients ADD COLUMN previous_secret_hash TEXT;
ALTER TABLE clients ADD COLUMN previous_secret_expires_at BIGINT;
