-- Families by user, for revokeSubject: deleting a user revokes every family of theirs in one
-- statement without scanning the table. client_credentials families (no sub) stay out of it.
CREATE INDEX families_sub ON families (sub) WHERE sub IS NOT NULL;
