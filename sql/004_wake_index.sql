-- Chronatog schema, version 4: an index on retry_at, so that the runner
-- finds the next pending retry without scanning the jobs and can sleep
-- until exactly the next due time.
CREATE INDEX jobs_retry ON jobs (retry_at) WHERE retry_at IS NOT NULL;
