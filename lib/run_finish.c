#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "run_internal.h"

/* The statements run_finish() uses for every run, prepared once. */
struct finish_statements {
	sqlite3_stmt *insert_run;
	sqlite3_stmt *update_last;
	sqlite3_stmt *advance;
	sqlite3_stmt *retry;
	sqlite3_stmt *count_usage;
};

static void
finalize_all(struct finish_statements *s)
{
	sqlite3_finalize(s->insert_run);
	sqlite3_finalize(s->update_last);
	sqlite3_finalize(s->advance);
	sqlite3_finalize(s->retry);
	sqlite3_finalize(s->count_usage);
}

/*
 * The updates of the job touch it only while this runner still holds
 * the lease for the same scheduled time, so a job changed or reclaimed
 * meanwhile keeps its new state.
 */
static int
prepare_finish(sqlite3 *db, struct finish_statements *s,
    struct error *error)
{
	memset(s, 0, sizeof(*s));
	if (db_prepare(db, "INSERT INTO job_runs (job_id, scheduled_at, "
	    "attempt, started_at, duration_ms, http_status, error, response) "
	    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
	    "WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?1)",
	    &s->insert_run, error) < 0 ||
	    db_prepare(db, "UPDATE jobs SET last_run_at = ?, last_status = ?, "
	    "last_error = ? WHERE id = ?", &s->update_last, error) < 0 ||
	    db_prepare(db, "UPDATE jobs SET next_run_at = ?1, "
	    "lease_owner = NULL, lease_expires_at = NULL, attempts = 0, "
	    "retry_at = NULL, failed_times = CASE WHEN ?5 THEN 0 "
	    "ELSE failed_times END "
	    "WHERE id = ?2 AND lease_owner = ?3 AND next_run_at = ?4",
	    &s->advance, error) < 0 ||
	    db_prepare(db, "UPDATE jobs SET lease_owner = NULL, "
	    "lease_expires_at = NULL, attempts = ?1, retry_at = ?2 "
	    "WHERE id = ?3 AND lease_owner = ?4 AND next_run_at = ?5",
	    &s->retry, error) < 0 ||
	    db_prepare(db, "UPDATE schedulers SET usage_count = usage_count "
	    "+ 1 WHERE id = ?", &s->count_usage, error) < 0) {
		finalize_all(s);
		return -1;
	}
	return 0;
}

/* Returns the first time after the run's scheduled time, or -1. */
static int64_t
following_time(const struct run *run)
{
	struct cron_schedule schedule;

	if (cron_parse(run->schedule, &schedule, NULL) < 0)
		return -1;
	return cron_next_in_zone(&schedule, run->timezone, run->scheduled_at);
}

static int
succeeded(const struct run *run)
{
	return run->http_status >= 200 && run->http_status <= 299;
}

/* Network errors, timeouts, 429 and 5xx may go away on their own. */
static int
retryable(const struct run *run)
{
	if (run->permanent)
		return 0;
	return run->http_status == 0 || run->http_status == 429 ||
	    run->http_status >= 500;
}

/*
 * Returns the seconds to wait before the attempt after `run`: the
 * backoff base doubled for each attempt made, capped, then scaled by a
 * random factor from 0.5 to 1 so that jobs failing together spread
 * out; a longer Retry-After wins, within the cap.
 */
static long
retry_delay(const struct run *run, const struct run_policy *policy)
{
	long delay = policy->retry_base_seconds;
	int i;

	for (i = 1; i < run->attempt && delay < policy->retry_max_seconds; i++)
		delay *= 2;
	if (delay > policy->retry_max_seconds)
		delay = policy->retry_max_seconds;
	/* Jitter needs no cryptographic strength. */
	delay = delay / 2 + random() % (delay / 2 + 1);
	if (run->retry_after > delay)
		delay = run->retry_after < policy->retry_max_seconds ?
		    run->retry_after : policy->retry_max_seconds;
	return delay > 0 ? delay : 1;
}

static int
insert_run(sqlite3 *db, struct finish_statements *s, const struct run *run,
    struct error *error)
{
	sqlite3_bind_int64(s->insert_run, 1, run->job_id);
	sqlite3_bind_int64(s->insert_run, 2, run->scheduled_at);
	sqlite3_bind_int(s->insert_run, 3, run->attempt);
	sqlite3_bind_int64(s->insert_run, 4, run->started_at);
	sqlite3_bind_int64(s->insert_run, 5, run->duration_ms);
	if (run->http_status != 0)
		sqlite3_bind_int(s->insert_run, 6, run->http_status);
	sqlite3_bind_text(s->insert_run, 7, run->error, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->insert_run, 8, run->response,
	    (int)run->response_length, SQLITE_STATIC);
	if (run_step_reset(db, s->insert_run, error) < 0)
		return -1;

	sqlite3_bind_int64(s->update_last, 1, run->started_at);
	if (run->http_status != 0)
		sqlite3_bind_int(s->update_last, 2, run->http_status);
	sqlite3_bind_text(s->update_last, 3, run->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->update_last, 4, run->job_id);
	return run_step_reset(db, s->update_last, error);
}

/* Schedules the next attempt for the same time, if one may still run. */
static int
schedule_retry(sqlite3 *db, struct finish_statements *s, const char *owner,
    int64_t now, const struct run_policy *policy, struct run *run,
    int64_t next, struct error *error)
{
	int64_t retry_at;

	if (!retryable(run) || run->attempt >= policy->max_attempts)
		return 0;
	retry_at = now + retry_delay(run, policy);
	if (next >= 0 && retry_at >= next)
		return 0;

	sqlite3_bind_int(s->retry, 1, run->attempt);
	sqlite3_bind_int64(s->retry, 2, retry_at);
	sqlite3_bind_int64(s->retry, 3, run->job_id);
	sqlite3_bind_text(s->retry, 4, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->retry, 5, run->scheduled_at);
	if (run_step_reset(db, s->retry, error) < 0)
		return -1;
	run->result = RUN_RETRYING;
	return 1;
}

/* Moves the job past the run's scheduled time. */
static int
advance(sqlite3 *db, struct finish_statements *s, const char *owner,
    const struct run *run, int64_t next, struct error *error)
{
	if (next >= 0)
		sqlite3_bind_int64(s->advance, 1, next);
	sqlite3_bind_int64(s->advance, 2, run->job_id);
	sqlite3_bind_text(s->advance, 3, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->advance, 4, run->scheduled_at);
	sqlite3_bind_int(s->advance, 5, succeeded(run));
	if (run_step_reset(db, s->advance, error) < 0)
		return -1;
	/* 1 when this runner still held the job, so it moved on. */
	return sqlite3_changes(db) > 0;
}

static int
finish_one(sqlite3 *db, struct finish_statements *s, const char *owner,
    int64_t now, const struct run_policy *policy, struct run *run,
    struct error *error)
{
	int64_t next = following_time(run);
	int rc, moved;

	if (insert_run(db, s, run, error) < 0)
		return -1;
	if (run->attempt == 1) {
		sqlite3_bind_int64(s->count_usage, 1, run->scheduler_id);
		if (run_step_reset(db, s->count_usage, error) < 0)
			return -1;
	}

	run->result = RUN_SUCCEEDED;
	if (!succeeded(run)) {
		rc = schedule_retry(db, s, owner, now, policy, run, next,
		    error);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		run->result = RUN_FAILED;
	}

	moved = advance(db, s, owner, run, next, error);
	if (moved < 0)
		return -1;
	if (moved && run->result == RUN_FAILED) {
		rc = run_count_failed_time(db, run->job_id,
		    policy->disable_after, error);
		if (rc < 0)
			return -1;
		if (rc > 0)
			run->result = RUN_DISABLED;
	}
	return 0;
}

int
run_finish(sqlite3 *db, const char *owner, int64_t now,
    const struct run_policy *policy, struct run *runs, size_t count,
    struct error *error)
{
	struct finish_statements statements;
	size_t i;

	if (count == 0)
		return 0;
	if (db_begin(db, error) < 0)
		return -1;
	if (prepare_finish(db, &statements, error) < 0)
		goto fail;
	for (i = 0; i < count; i++)
		if (finish_one(db, &statements, owner, now, policy, &runs[i],
		    error) < 0)
			goto fail_statements;
	finalize_all(&statements);
	if (db_commit(db, error) < 0)
		goto fail;
	return 0;

fail_statements:
	finalize_all(&statements);
fail:
	db_rollback(db);
	return -1;
}
