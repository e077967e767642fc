#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "outbox.h"
#include "run_internal.h"

int
run_disable_job(sqlite3 *db, int64_t id, const char *reason,
    struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "UPDATE jobs SET enabled = 0, last_error = ?, "
	    "lease_owner = NULL, lease_expires_at = NULL, attempts = 0, "
	    "retry_at = NULL WHERE id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(statement, 2, id);
	return db_run(db, statement, error);
}

int
run_parse_stored(sqlite3 *db, int64_t id, const char *expression,
    const char *zone, struct cron_schedule *schedule, struct error *error)
{
	struct error problem;
	char reason[ERROR_MESSAGE_MAX + 64];

	if (cron_parse(expression, schedule, &problem) == 0 &&
	    cron_zone_check(zone, &problem) == 0)
		return 1;
	snprintf(reason, sizeof(reason), "disabled: %s", problem.message);
	return run_disable_job(db, id, reason, error) < 0 ? -1 : 0;
}

/*
 * Queues an alert about disabled job `id` to its scheduler's messages_url
 * on Engine Yard. NOTE: a standalone scheduler has no such address, so
 * its operator learns of the job from the runner's log and failing_jobs.
 */
static int
tell_owner(sqlite3 *db, int64_t id, int failed, struct error *error)
{
	sqlite3_stmt *statement;
	char *url = NULL, subject[256];
	int64_t customer_id = 0;
	int rc = 0;

	if (db_prepare(db, "SELECT schedulers.messages_url, customer_id "
	    "FROM jobs JOIN schedulers ON schedulers.id = jobs.scheduler_id "
	    "WHERE jobs.id = ? AND schedulers.messages_url IS NOT NULL",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	if (sqlite3_step(statement) == SQLITE_ROW) {
		url = strdup((const char *)sqlite3_column_text(statement, 0));
		customer_id = sqlite3_column_int64(statement, 1);
	}
	sqlite3_finalize(statement);

	if (url != NULL) {
		snprintf(subject, sizeof(subject), "Chronatog disabled job %lld "
		    "because its callback failed %d scheduled times in a row",
		    (long long)id, failed);
		rc = outbox_add_message(db, url, "alert", subject, customer_id,
		    time(NULL), error);
		free(url);
	}
	return rc;
}

int
run_count_failed_time(sqlite3 *db, int64_t id, int disable_after,
    struct error *error)
{
	sqlite3_stmt *statement;
	char reason[128];
	int failed, rc;

	if (db_prepare(db, "UPDATE jobs SET failed_times = failed_times + 1 "
	    "WHERE id = ? RETURNING failed_times", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	rc = sqlite3_step(statement);
	failed = rc == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(statement);
	sqlite3_finalize(statement);
	if (rc != SQLITE_DONE)
		return db_error(db, error, "cannot count a failed time");

	if (failed < disable_after)
		return 0;
	snprintf(reason, sizeof(reason), "disabled: %d scheduled times in a "
	    "row failed; fix the callback, then enable the job", failed);
	if (run_disable_job(db, id, reason, error) < 0 ||
	    tell_owner(db, id, failed, error) < 0)
		return -1;
	return 1;
}

int
run_step_reset(sqlite3 *db, sqlite3_stmt *statement, struct error *error)
{
	int rc = sqlite3_step(statement);

	sqlite3_reset(statement);
	sqlite3_clear_bindings(statement);
	if (rc != SQLITE_DONE)
		return db_error(db, error, "cannot record a run");
	return 0;
}

int
run_release(sqlite3 *db, const char *owner, const struct run *runs,
    size_t count, struct error *error)
{
	sqlite3_stmt *statement;
	size_t i;

	if (count == 0)
		return 0;
	if (db_begin(db, error) < 0)
		return -1;
	if (db_prepare(db, "UPDATE jobs SET lease_owner = NULL, "
	    "lease_expires_at = NULL WHERE id = ? AND lease_owner = ?",
	    &statement, error) < 0)
		goto fail;
	for (i = 0; i < count; i++) {
		sqlite3_bind_int64(statement, 1, runs[i].job_id);
		sqlite3_bind_text(statement, 2, owner, -1, SQLITE_STATIC);
		if (run_step_reset(db, statement, error) < 0) {
			sqlite3_finalize(statement);
			goto fail;
		}
	}
	sqlite3_finalize(statement);
	if (db_commit(db, error) < 0)
		goto fail;
	return 0;

fail:
	db_rollback(db);
	return -1;
}

/* Rows deleted per transaction by run_prune(). */
#define PRUNE_BATCH 5000

long
run_prune(sqlite3 *db, int64_t before, struct error *error)
{
	sqlite3_stmt *statement;
	long total = 0;
	int deleted;

	do {
		if (db_begin(db, error) < 0)
			return -1;
		if (db_prepare(db, "DELETE FROM job_runs WHERE id IN (SELECT id "
		    "FROM job_runs WHERE started_at < ? LIMIT ?)", &statement,
		    error) < 0)
			goto fail;
		sqlite3_bind_int64(statement, 1, before);
		sqlite3_bind_int(statement, 2, PRUNE_BATCH);
		if (db_run(db, statement, error) < 0)
			goto fail;
		deleted = sqlite3_changes(db);
		if (db_commit(db, error) < 0)
			goto fail;
		total += deleted;
	} while (deleted == PRUNE_BATCH);
	return total;

fail:
	db_rollback(db);
	return -1;
}

void
run_clear(struct run *run)
{
	free(run->callback_url);
	free(run->schedule);
	free(run->timezone);
	free(run->webhook_secret);
	free(run->error);
	free(run->response);
	memset(run, 0, sizeof(*run));
}

void
run_free_all(struct run *runs, size_t count)
{
	size_t i;

	if (runs == NULL)
		return;
	for (i = 0; i < count; i++)
		run_clear(&runs[i]);
	free(runs);
}
