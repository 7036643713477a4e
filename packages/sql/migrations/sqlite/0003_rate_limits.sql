-- Rate-limit counters (failed client authentications): one row per key, holding the hits of the
-- current fixed window and of the one before it, from which the core estimates a sliding window.
-- rate_key is a hash; expires_at is when the row no longer counts, for cleanup().
CREATE TABLE rate_limits (
  rate_key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL,
  previous_hits INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX rate_limits_expires ON rate_limits (expires_at);
