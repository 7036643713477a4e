-- OpenID Connect signing keys. The private JWK is a compact JWE under the key-encryption key,
-- which lives in the environment, never here. State (next, active, retired) follows from
-- activate_at and the clock, so no instance ever writes a transition.
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  private_jwe TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  activate_at INTEGER NOT NULL
);
CREATE INDEX signing_keys_activate_at ON signing_keys (activate_at);
