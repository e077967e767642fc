-- Chronatog schema, version 2: the Engine Yard add-on.

-- Partner credentials from Engine Yard. EY signs its requests to
-- Chronatog with one of these, and Chronatog signs its requests to EY
-- with the newest.
CREATE TABLE ey_credentials (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	auth_id     TEXT NOT NULL UNIQUE,
	auth_key    TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);

-- Chronatog's service registrations on EY: the registration URL used
-- and the service URL EY returned.
CREATE TABLE ey_services (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	registration_url  TEXT NOT NULL,
	url               TEXT NOT NULL UNIQUE,
	created_at        INTEGER NOT NULL
);

-- A customer that signed up on EY has its service account there.
ALTER TABLE customers ADD COLUMN ey_account_id INTEGER;
ALTER TABLE customers ADD COLUMN ey_url TEXT;
ALTER TABLE customers ADD COLUMN messages_url TEXT;
ALTER TABLE customers ADD COLUMN invoices_url TEXT;

CREATE UNIQUE INDEX customers_ey_url ON customers (ey_url);

-- A scheduler made for an app environment has its provisioned service
-- on EY.
ALTER TABLE schedulers ADD COLUMN ey_url TEXT;
ALTER TABLE schedulers ADD COLUMN messages_url TEXT;
ALTER TABLE schedulers ADD COLUMN app_name TEXT;
ALTER TABLE schedulers ADD COLUMN environment_name TEXT;

-- Calls to EY that need no response (messages, invoices, changed vars),
-- written in the same transaction as the change they report and sent
-- by the runner, in id order, with retries. A row is done when sent_at
-- is set, or failed_at when EY rejected it for good (a 4xx other than
-- 408 and 429); last_error says why.
CREATE TABLE outbox (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	kind             TEXT NOT NULL
	                 CHECK (kind IN ('message', 'invoice', 'vars')),
	method           TEXT NOT NULL CHECK (method IN ('POST', 'PUT')),
	url              TEXT NOT NULL,
	body             TEXT NOT NULL,
	-- No foreign key: an invoice outlives a cancelled customer.
	customer_id      INTEGER,
	attempts         INTEGER NOT NULL DEFAULT 0,
	next_attempt_at  INTEGER NOT NULL,
	last_error       TEXT,
	created_at       INTEGER NOT NULL,
	sent_at          INTEGER,
	failed_at        INTEGER
);

CREATE INDEX outbox_pending ON outbox (next_attempt_at)
	WHERE sent_at IS NULL AND failed_at IS NULL;

-- Every invoice made, with the period and usage it bills. unique_id is
-- sent with the invoice so that EY drops a repeat.
CREATE TABLE invoices (
	id                     INTEGER PRIMARY KEY AUTOINCREMENT,
	customer_id            INTEGER NOT NULL,
	unique_id              TEXT NOT NULL UNIQUE,
	total_amount_cents     INTEGER NOT NULL,
	line_item_description  TEXT NOT NULL,
	period_start           INTEGER NOT NULL,
	period_end             INTEGER NOT NULL,
	schedulers             INTEGER NOT NULL,
	jobs_run               INTEGER NOT NULL,
	outbox_id              INTEGER,
	created_at             INTEGER NOT NULL
);

-- Calls to EY still to be sent or given up on.
CREATE VIEW outbox_problems AS
SELECT id, kind, url, attempts, last_error,
	datetime(next_attempt_at, 'unixepoch') AS next_attempt,
	datetime(failed_at, 'unixepoch') AS failed
FROM outbox
WHERE sent_at IS NULL AND (attempts > 0 OR failed_at IS NOT NULL);
