-- Grantline schema 1 for SQLite and Cloudflare D1 (wrangler applies this file as it is).
-- Times are integer epoch seconds; lists and objects are JSON text; booleans are 0/1.
-- Codes, tokens and sessions are keyed by the SHA-256 hex of the secret, never the secret.

CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);

CREATE TABLE clients (
  client_id TEXT PRIMARY KEY,
  client_name TEXT NOT NULL,
  client_type TEXT NOT NULL,
  token_endpoint_auth_method TEXT NOT NULL,
  grant_types TEXT NOT NULL,
  response_types TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  post_logout_redirect_uris TEXT NOT NULL,
  scope TEXT NOT NULL,
  allowed_cors_origins TEXT NOT NULL,
  skip_authorization INTEGER NOT NULL,
  introspection INTEGER NOT NULL,
  owner_sub TEXT,
  created_at INTEGER NOT NULL,
  secret_hash TEXT
);
CREATE INDEX clients_list ON clients (created_at, client_id);
CREATE INDEX clients_owner ON clients (owner_sub, created_at);

-- seq keeps insertion order, the tie-break between consents made in the same second.
CREATE TABLE consents (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  sub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX consents_sub_client ON consents (sub, client_id, created_at);
CREATE INDEX consents_revoked ON consents (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE families (
  id TEXT PRIMARY KEY,
  consent_id TEXT,
  client_id TEXT NOT NULL,
  sub TEXT,
  scopes TEXT NOT NULL,
  auth_time INTEGER,
  acr TEXT,
  amr TEXT,
  nonce TEXT,
  claims TEXT,
  resource TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX families_client ON families (client_id);
CREATE INDEX families_expires ON families (expires_at);
CREATE INDEX families_revoked ON families (revoked_at) WHERE revoked_at IS NOT NULL;

-- A consumed code stays as a tombstone until it expires, so a replay is recognised.
CREATE TABLE codes (
  hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  redirect_uri TEXT,
  code_challenge TEXT,
  code_challenge_method TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
);
CREATE INDEX codes_expires ON codes (expires_at);

CREATE TABLE access_tokens (
  hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  sub TEXT,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX access_tokens_expires ON access_tokens (expires_at);
CREATE INDEX access_tokens_revoked ON access_tokens (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE refresh_tokens (
  hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  sub TEXT,
  scopes TEXT NOT NULL,
  access_hash TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  used_at INTEGER,
  successor_hash TEXT
);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
CREATE INDEX refresh_tokens_revoked ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE interactions (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  sub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
);
CREATE INDEX interactions_expires ON interactions (expires_at);

CREATE TABLE users (
  sub TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  claims TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX users_list ON users (created_at, username);

CREATE TABLE sessions (
  hash TEXT PRIMARY KEY,
  sub TEXT NOT NULL,
  auth_time INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_sub ON sessions (sub);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
  failure_key TEXT NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (failure_key, failed_at);
