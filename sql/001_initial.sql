-- Chronatog schema, version 1.
--
-- Times are UTC, stored as integer Unix seconds. Operators may read and
-- write these tables with the sqlite3 shell; the runner honours rows
-- written by hand (see the comments on jobs.next_run_at).

-- An account: an Engine Yard customer, or one created by an operator
-- for standalone use. AUTOINCREMENT here and below keeps ids from being
-- reused after a delete, since clients address rows by URLs with ids.
CREATE TABLE customers (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	name            TEXT NOT NULL,
	plan            TEXT NOT NULL DEFAULT 'freemium'
	                CHECK (plan IN ('freemium', 'awesome')),
	created_at      INTEGER NOT NULL,
	last_billed_at  INTEGER
);

-- A set of jobs with its own API credentials. An app authenticates to
-- the jobs API with auth_username and the password whose SHA-256 is
-- auth_password_sha256; the password itself is shown once, when created.
CREATE TABLE schedulers (
	id                    INTEGER PRIMARY KEY AUTOINCREMENT,
	customer_id           INTEGER NOT NULL
	                      REFERENCES customers (id) ON DELETE CASCADE,
	name                  TEXT NOT NULL,
	auth_username         TEXT NOT NULL UNIQUE,
	auth_password_sha256  TEXT NOT NULL,
	-- Key for the webhook-signature header of callbacks, in the
	-- Standard Webhooks form "whsec_" + Base64 of 24 random bytes.
	webhook_secret        TEXT NOT NULL,
	-- Callbacks fired since the customer was last billed.
	usage_count           INTEGER NOT NULL DEFAULT 0,
	created_at            INTEGER NOT NULL,
	-- Set when the scheduler is taken out of service: its jobs stop
	-- firing and its credentials stop working.
	decommissioned_at     INTEGER
);

CREATE INDEX schedulers_customer ON schedulers (customer_id);

-- A callback URL called on a cron schedule.
CREATE TABLE jobs (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	scheduler_id  INTEGER NOT NULL
	              REFERENCES schedulers (id) ON DELETE CASCADE,
	callback_url  TEXT NOT NULL,
	-- Five-field cron expression or @macro, read in the time zone below.
	schedule      TEXT NOT NULL,
	timezone      TEXT NOT NULL DEFAULT 'UTC',
	enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	-- Whether a 3xx answer is followed (up to 5 hops) or is a failure.
	follow_redirects  INTEGER NOT NULL DEFAULT 0
	                  CHECK (follow_redirects IN (0, 1)),
	-- The scheduled time the runner fires next. NULL makes the runner
	-- compute it from the schedule on its next poll; setting it to the
	-- current time makes the job fire at once.
	next_run_at   INTEGER,
	-- While a runner is calling the callback for next_run_at, it holds a
	-- lease until lease_expires_at. An expired lease means that runner
	-- died, and any runner may fire that time again.
	lease_owner       TEXT,
	lease_expires_at  INTEGER,
	-- Attempts made so far for next_run_at, and when the next retry
	-- may start (NULL: at next_run_at). Both reset when it moves on.
	attempts          INTEGER NOT NULL DEFAULT 0,
	retry_at          INTEGER,
	-- Scheduled times in a row whose every attempt failed; the job is
	-- disabled when this reaches the configured limit.
	failed_times      INTEGER NOT NULL DEFAULT 0,
	-- Outcome of the latest attempt: HTTP status, or NULL with
	-- last_error set when no response came.
	last_run_at   INTEGER,
	last_status   INTEGER,
	last_error    TEXT,
	created_at    INTEGER NOT NULL
);

CREATE INDEX jobs_scheduler ON jobs (scheduler_id);

-- The runner's poll: enabled jobs by the time they are due.
CREATE INDEX jobs_due ON jobs (next_run_at) WHERE enabled = 1;

-- One row per attempt to call a job's callback.
CREATE TABLE job_runs (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	job_id        INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
	-- The scheduled time this attempt is for; every attempt for the same
	-- scheduled time carries the callback id "<job_id>-<scheduled_at>".
	scheduled_at  INTEGER NOT NULL,
	attempt       INTEGER NOT NULL DEFAULT 1,
	started_at    INTEGER NOT NULL,
	duration_ms   INTEGER NOT NULL,
	-- HTTP status of the response, NULL when none came (see error).
	http_status   INTEGER,
	error         TEXT,
	-- The first bytes of the response body.
	response      TEXT
);

CREATE INDEX job_runs_job ON job_runs (job_id, id);
CREATE INDEX job_runs_started ON job_runs (started_at);

-- Jobs with their scheduler and the outcome of their latest attempt.
CREATE VIEW job_overview AS
SELECT
	jobs.id,
	schedulers.name AS scheduler,
	jobs.callback_url,
	jobs.schedule,
	jobs.timezone,
	jobs.enabled,
	datetime(jobs.next_run_at, 'unixepoch') AS next_run,
	datetime(jobs.last_run_at, 'unixepoch') AS last_run,
	jobs.last_status,
	jobs.last_error
FROM jobs
JOIN schedulers ON schedulers.id = jobs.scheduler_id;

-- Jobs whose latest attempt failed: no response or a non-2xx status.
CREATE VIEW failing_jobs AS
SELECT * FROM job_overview
WHERE last_run IS NOT NULL
  AND (last_status IS NULL OR last_status NOT BETWEEN 200 AND 299);
