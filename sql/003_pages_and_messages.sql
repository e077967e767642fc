-- Chronatog schema, version 3: SSO pages, usage messages and the
-- monthly billing job.

-- Settings Chronatog makes for itself. session_secret signs the SSO
-- session cookies and CSRF tokens; replacing it ends every session.
CREATE TABLE settings (
	name   TEXT PRIMARY KEY,
	value  TEXT NOT NULL
);

INSERT INTO settings (name, value)
VALUES ('session_secret', lower(hex(randomblob(32))));

-- When an app first used its credentials, and whether its job count
-- changed since the last status message to EY (sent at most once a
-- minute, at usage_message_sent_at).
ALTER TABLE schedulers ADD COLUMN first_used_at INTEGER;
ALTER TABLE schedulers ADD COLUMN usage_message_pending INTEGER NOT NULL
	DEFAULT 0;
ALTER TABLE schedulers ADD COLUMN usage_message_sent_at INTEGER;

-- Set while a freemium customer has more jobs than the free plan
-- includes, so that the upgrade notice goes out once per crossing.
ALTER TABLE customers ADD COLUMN over_free_limit INTEGER NOT NULL
	DEFAULT 0;

-- Chronatog's own scheduled work runs as jobs of a system customer, so
-- that operators see and force it like any job. Their callback_url
-- names an action the runner performs itself ("chronatog:bill" bills
-- every customer). The system scheduler's password hash matches no
-- password, so its API credentials cannot be used.
INSERT INTO customers (name, created_at)
VALUES ('chronatog-system', strftime('%s', 'now'));

INSERT INTO schedulers (customer_id, name, auth_username,
	auth_password_sha256, webhook_secret, created_at)
VALUES (last_insert_rowid(), 'chronatog-system', 'chronatog-system',
	'disabled', 'whsec_', strftime('%s', 'now'));

INSERT INTO jobs (scheduler_id, callback_url, schedule, created_at)
VALUES (last_insert_rowid(), 'chronatog:bill', '@monthly',
	strftime('%s', 'now'));
