-- Device authorizations (RFC 8628): keyed by the SHA-256 hex of the device_code, found by the
-- SHA-256 hex of the normalised user_code. scopes and resource were resolved at the request and
-- are what the tokens carry. A consumed one stays until it expires, like a code.
CREATE TABLE device_authorizations (
  device_code_hash TEXT PRIMARY KEY,
  user_code_hash TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  resource TEXT NOT NULL,
  status TEXT NOT NULL,
  sub TEXT,
  auth_time BIGINT,
  poll_interval BIGINT NOT NULL,
  last_polled_at BIGINT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  consumed_at BIGINT
);
CREATE INDEX device_authorizations_user_code ON device_authorizations (user_code_hash);
CREATE INDEX device_authorizations_expires ON device_authorizations (expires_at);
