#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "run_internal.h"

/* Jobs given a first time per run_schedule_new() call. */
#define SCHEDULE_NEW_BATCH 1000

/* Message stored for a scheduled time that passed without a call. */
#define MISSED_MESSAGE "missed: no runner was running at the scheduled " \
	"time, and it is past the grace period"

static char *
column_text(sqlite3_stmt *statement, int column)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	return strdup(text != NULL ? (const char *)text : "");
}

/* Moves job `id` to `next`, dropping any pending retry. */
static int
set_next(sqlite3 *db, int64_t id, int64_t next, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "UPDATE jobs SET next_run_at = ?, attempts = 0, "
	    "retry_at = NULL WHERE id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, next);
	sqlite3_bind_int64(statement, 2, id);
	return db_run(db, statement, error);
}

int
run_schedule_new(sqlite3 *db, int64_t now, struct error *error)
{
	struct cron_schedule schedule;
	sqlite3_stmt *select = NULL;
	int rc, updated = 0, ok;
	int64_t id, next;

	if (db_begin(db, error) < 0)
		return -1;
	if (db_prepare(db, "SELECT id, schedule, timezone FROM jobs "
	    "WHERE enabled = 1 AND next_run_at IS NULL LIMIT ?", &select,
	    error) < 0)
		goto fail;
	sqlite3_bind_int(select, 1, SCHEDULE_NEW_BATCH);

	/*
	 * Each update takes its row out of the scanned set (next_run_at is
	 * no longer NULL, or enabled is 0), so no row is seen twice.
	 */
	while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
		const char *expression, *zone;

		id = sqlite3_column_int64(select, 0);
		expression = (const char *)sqlite3_column_text(select, 1);
		zone = (const char *)sqlite3_column_text(select, 2);
		ok = run_parse_stored(db, id, expression != NULL ?
		    expression : "", zone != NULL ? zone : "", &schedule,
		    error);
		if (ok < 0)
			goto fail;
		if (ok == 0)
			continue;
		next = cron_next_in_zone(&schedule, zone, now);
		if (next < 0 ? run_disable_job(db, id, "disabled: schedule "
		    "never fires", error) < 0 : set_next(db, id, next,
		    error) < 0)
			goto fail;
		updated++;
	}
	if (rc != SQLITE_DONE) {
		db_error(db, error, "cannot read new jobs");
		goto fail;
	}
	sqlite3_finalize(select);
	if (db_commit(db, error) < 0)
		goto fail;
	return updated;

fail:
	sqlite3_finalize(select);
	db_rollback(db);
	return -1;
}

/* Inserts a job_runs row saying that `scheduled_at` was missed. */
static int
record_miss(sqlite3 *db, int64_t job_id, int64_t scheduled_at, int64_t now,
    struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO job_runs (job_id, scheduled_at, "
	    "attempt, started_at, duration_ms, error) VALUES (?, ?, 0, ?, 0, "
	    "?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, job_id);
	sqlite3_bind_int64(statement, 2, scheduled_at);
	sqlite3_bind_int64(statement, 3, now);
	sqlite3_bind_text(statement, 4, MISSED_MESSAGE, -1, SQLITE_STATIC);
	return db_run(db, statement, error);
}

/*
 * Picks the scheduled time to fire for a job due at `due`. It is the
 * latest time the schedule matches that is at most `now` and within
 * `grace_seconds` of it. `due` itself counts as matching, because an
 * operator may set next_run_at to any time. Returns that time, or -1
 * with `*next` set to the first time after `now` when there is none.
 */
static int64_t
pick_scheduled(const struct cron_schedule *schedule, const char *zone,
    int64_t due, int64_t now, long grace_seconds, int64_t *next)
{
	int64_t latest = -1, from, candidate;

	if (due >= now - grace_seconds) {
		latest = due;
		from = due;
	} else {
		from = now - grace_seconds - 1;
	}

	/* At most grace_seconds / 60 + 1 steps, one per minute. */
	while ((candidate = cron_next_in_zone(schedule, zone, from)) >= 0 &&
	    candidate <= now) {
		latest = candidate;
		from = candidate;
	}
	*next = candidate;
	return latest;
}

/*
 * Sets the lease on a claimed job, and next_run_at to the time fired,
 * with `statement`, the UPDATE that run_claim() prepared once for all.
 */
static int
take_lease(sqlite3 *db, sqlite3_stmt *statement, const struct run *run,
    const char *owner, int64_t expires_at, struct error *error)
{
	sqlite3_bind_int64(statement, 1, run->scheduled_at);
	sqlite3_bind_text(statement, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, expires_at);
	sqlite3_bind_int(statement, 4, run->attempt - 1);
	sqlite3_bind_int64(statement, 5, run->job_id);
	return run_step_reset(db, statement, error);
}

/*
 * Reads a due row into `*run`: next_run_at goes into scheduled_at and
 * the attempts made so far into attempt.
 */
static int
read_due_row(sqlite3_stmt *row, struct run *run, struct error *error)
{
	memset(run, 0, sizeof(*run));
	run->job_id = sqlite3_column_int64(row, 0);
	run->scheduler_id = sqlite3_column_int64(row, 1);
	run->callback_url = column_text(row, 2);
	run->schedule = column_text(row, 3);
	run->timezone = column_text(row, 4);
	run->scheduled_at = sqlite3_column_int64(row, 5);
	run->attempt = sqlite3_column_int(row, 6);
	run->follow_redirects = sqlite3_column_int(row, 7);
	run->webhook_secret = column_text(row, 8);
	run->retry_after = -1;
	if (run->callback_url == NULL || run->schedule == NULL ||
	    run->timezone == NULL || run->webhook_secret == NULL)
		return error_set(error, "out of memory");
	return 0;
}

/*
 * Decides what to do with a due job read by read_due_row(). Returns 1
 * when it is to be called for run->scheduled_at, now leased; 0 when it
 * was handled here (a miss, or a row that cannot be scheduled); -1 on
 * error.
 */
static int
claim_job(sqlite3 *db, sqlite3_stmt *lease, struct run *run,
    const char *owner, int64_t now, const struct run_policy *policy,
    struct error *error)
{
	struct cron_schedule schedule;
	int64_t due = run->scheduled_at, next;
	int made = run->attempt, ok;

	ok = run_parse_stored(db, run->job_id, run->schedule, run->timezone,
	    &schedule, error);
	if (ok <= 0)
		return ok;

	/* A pending retry goes ahead until the next scheduled time. */
	if (made > 0) {
		next = cron_next_in_zone(&schedule, run->timezone, due);
		if (next > now) {
			run->attempt = made + 1;
			return take_lease(db, lease, run, owner,
			    now + policy->lease_seconds, error) < 0 ? -1 : 1;
		}
		ok = run_count_failed_time(db, run->job_id,
		    policy->disable_after, error);
		if (ok != 0)
			return ok < 0 ? -1 : 0;
		due = next;
	}

	run->attempt = 1;
	run->scheduled_at = pick_scheduled(&schedule, run->timezone, due,
	    now, policy->grace_seconds, &next);
	if (due < now - policy->grace_seconds &&
	    record_miss(db, run->job_id, due, now, error) < 0)
		return -1;
	if (run->scheduled_at < 0) {
		if (next < 0)
			return run_disable_job(db, run->job_id, "disabled: "
			    "schedule never fires", error) < 0 ? -1 : 0;
		return set_next(db, run->job_id, next, error) < 0 ? -1 : 0;
	}

	return take_lease(db, lease, run, owner, now + policy->lease_seconds,
	    error) < 0 ? -1 : 1;
}

/*
 * Reads at most `limit` due jobs into `runs`. All rows are read before
 * any is updated, because a SELECT whose table changes while it runs may
 * return a row twice.
 */
static int
read_due(sqlite3 *db, int64_t now, size_t limit, struct run *runs,
    size_t *count, struct error *error)
{
	sqlite3_stmt *select;
	int rc = SQLITE_DONE;

	*count = 0;
	/* "enabled = 1" lets SQLite use the partial index jobs_due. */
	if (db_prepare(db, "SELECT jobs.id, scheduler_id, callback_url, "
	    "schedule, timezone, next_run_at, attempts, follow_redirects, "
	    "webhook_secret FROM jobs "
	    "JOIN schedulers ON schedulers.id = jobs.scheduler_id "
	    "WHERE enabled = 1 AND next_run_at <= ?1 "
	    "AND (retry_at IS NULL OR retry_at <= ?1) "
	    "AND (lease_expires_at IS NULL OR lease_expires_at <= ?1) "
	    "AND decommissioned_at IS NULL "
	    "ORDER BY next_run_at LIMIT ?2", &select, error) < 0)
		return -1;
	sqlite3_bind_int64(select, 1, now);
	sqlite3_bind_int64(select, 2, (sqlite3_int64)limit);

	while (*count < limit && (rc = sqlite3_step(select)) == SQLITE_ROW) {
		if (read_due_row(select, &runs[*count], error) < 0) {
			(*count)++;
			sqlite3_finalize(select);
			return -1;
		}
		(*count)++;
	}
	sqlite3_finalize(select);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(db, error, "cannot read due jobs");
	return 0;
}

int
run_claim(sqlite3 *db, const char *owner, int64_t now,
    const struct run_policy *policy, size_t limit, struct run **out,
    struct error *error)
{
	sqlite3_stmt *lease = NULL;
	struct run *runs;
	size_t count = 0, kept = 0, i;
	int claimed;

	*out = NULL;
	if ((runs = calloc(limit > 0 ? limit : 1, sizeof(*runs))) == NULL)
		return error_set(error, "out of memory");
	if (db_begin(db, error) < 0)
		goto fail;
	if (read_due(db, now, limit, runs, &count, error) < 0)
		goto fail;
	if (db_prepare(db, "UPDATE jobs SET next_run_at = ?, lease_owner = ?, "
	    "lease_expires_at = ?, attempts = ? WHERE id = ?", &lease,
	    error) < 0)
		goto fail;

	/* Claimed runs move to the front; the others are freed. */
	for (i = 0; i < count; i++) {
		claimed = claim_job(db, lease, &runs[i], owner, now, policy,
		    error);
		if (claimed < 0)
			goto fail;
		if (claimed == 0) {
			run_clear(&runs[i]);
			continue;
		}
		if (kept != i) {
			runs[kept] = runs[i];
			memset(&runs[i], 0, sizeof(runs[i]));
		}
		kept++;
	}
	sqlite3_finalize(lease);
	lease = NULL;
	if (db_commit(db, error) < 0)
		goto fail;

	*out = runs;
	return (int)kept;

fail:
	sqlite3_finalize(lease);
	db_rollback(db);
	run_free_all(runs, count);
	return -1;
}

/* Reads the integer result of `sql` with `now` bound, 0 for NULL. */
static int
select_time(sqlite3 *db, const char *sql, int64_t now, int64_t *value,
    struct error *error)
{
	sqlite3_stmt *statement;
	int rc;

	if (db_prepare(db, sql, &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, now);
	rc = sqlite3_step(statement);
	*value = rc == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : 0;
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW)
		return db_error(db, error, "cannot find the next due time");
	return 0;
}

int64_t
run_next_due(sqlite3 *db, int64_t now, struct error *error)
{
	int64_t next, retry;

	/* Both queries take the first entry of an index (jobs_due, jobs_retry). */
	if (select_time(db, "SELECT min(next_run_at) FROM jobs "
	    "WHERE enabled = 1 AND next_run_at > ?", now, &next, error) < 0 ||
	    select_time(db, "SELECT min(retry_at) FROM jobs "
	    "WHERE retry_at > ?", now, &retry, error) < 0)
		return -1;
	if (retry != 0 && (next == 0 || retry < next))
		next = retry;
	return next;
}
