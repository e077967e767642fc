-- Chronatog schema, version 5: SSO links and sessions that were used up.
-- A signed link works once, and a session cookie stops working at
-- logout even if a copy of it survives. Rows hold the SHA-256 of the
-- link's signature or of the cookie, and go once expires_at has passed.
CREATE TABLE spent_tokens (
	token_sha256  TEXT PRIMARY KEY,
	kind          TEXT NOT NULL CHECK (kind IN ('link', 'session')),
	expires_at    INTEGER NOT NULL
);

CREATE INDEX spent_tokens_expiry ON spent_tokens (expires_at);
