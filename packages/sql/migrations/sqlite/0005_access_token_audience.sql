-- The resources an access token is for (RFC 8707): a JSON list, some or all of its family's.
-- Tokens issued before resource indicators have none.
ALTER TABLE access_tokens ADD COLUMN audience TEXT NOT NULL DEFAULT '[]';
