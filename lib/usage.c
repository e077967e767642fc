#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "outbox.h"
#include "usage.h"

int
usage_note_first_use(sqlite3 *db, int64_t scheduler_id, int64_t now,
    struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "UPDATE schedulers SET first_used_at = ?, "
	    "usage_message_pending = messages_url IS NOT NULL "
	    "WHERE id = ? AND first_used_at IS NULL", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, now);
	sqlite3_bind_int64(statement, 2, scheduler_id);
	return db_run(db, statement, error);
}

/* The plan and job count of a scheduler's customer. */
struct plan_state {
	int64_t customer_id;
	int freemium;
	int over;		/* over_free_limit as stored */
	int jobs;		/* jobs of all the customer's schedulers */
	char *messages_url;	/* NULL for a standalone customer */
};

static int
read_plan_state(sqlite3 *db, int64_t scheduler_id, struct plan_state *state,
    struct error *error)
{
	sqlite3_stmt *statement;
	const unsigned char *url;
	int rc;

	if (db_prepare(db, "SELECT customers.id, plan = 'freemium', "
	    "over_free_limit, customers.messages_url, (SELECT count(*) FROM "
	    "jobs JOIN schedulers AS s ON s.id = jobs.scheduler_id "
	    "WHERE s.customer_id = customers.id) FROM schedulers "
	    "JOIN customers ON customers.id = schedulers.customer_id "
	    "WHERE schedulers.id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		state->customer_id = sqlite3_column_int64(statement, 0);
		state->freemium = sqlite3_column_int(statement, 1);
		state->over = sqlite3_column_int(statement, 2);
		url = sqlite3_column_text(statement, 3);
		state->messages_url = url != NULL ?
		    strdup((const char *)url) : NULL;
		state->jobs = sqlite3_column_int(statement, 4);
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW)
		return db_error(db, error, "cannot read the customer's plan");
	return 0;
}

static int
set_over(sqlite3 *db, int64_t customer_id, int over, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "UPDATE customers SET over_free_limit = ? "
	    "WHERE id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_int(statement, 1, over);
	sqlite3_bind_int64(statement, 2, customer_id);
	return db_run(db, statement, error);
}

int
usage_note_job_change(sqlite3 *db, int64_t scheduler_id, int64_t now,
    struct error *error)
{
	struct plan_state state = { 0 };
	sqlite3_stmt *statement;
	char subject[256];
	int over, rc = -1;

	if (db_prepare(db, "UPDATE schedulers SET usage_message_pending = 1 "
	    "WHERE id = ? AND messages_url IS NOT NULL", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);
	if (db_run(db, statement, error) < 0)
		return -1;

	if (read_plan_state(db, scheduler_id, &state, error) < 0)
		return -1;
	over = state.freemium && state.jobs > FREE_PLAN_JOBS;
	if (over == state.over) {
		rc = 0;
		goto done;
	}
	if (set_over(db, state.customer_id, over, error) < 0)
		goto done;
	rc = 0;
	if (over && state.messages_url != NULL) {
		snprintf(subject, sizeof(subject), "You have %d jobs, more "
		    "than the %d the free plan includes; upgrade to the "
		    "awesome plan to keep them all running.", state.jobs,
		    FREE_PLAN_JOBS);
		rc = outbox_add_message(db, state.messages_url,
		    "notification", subject, state.customer_id, now, error);
	}

done:
	free(state.messages_url);
	return rc;
}

int
usage_queue_messages(sqlite3 *db, int64_t now, struct error *error)
{
	sqlite3_stmt *select = NULL, *mark = NULL;
	char subject[128];
	int rc, jobs, queued = 0;

	if (db_begin(db, error) < 0)
		return -1;
	if (db_prepare(db, "SELECT id, messages_url, customer_id, "
	    "(SELECT count(*) FROM jobs WHERE scheduler_id = schedulers.id) "
	    "FROM schedulers WHERE usage_message_pending = 1 "
	    "AND messages_url IS NOT NULL AND decommissioned_at IS NULL "
	    "AND (usage_message_sent_at IS NULL "
	    "OR usage_message_sent_at <= ?)", &select, error) < 0 ||
	    db_prepare(db, "UPDATE schedulers SET usage_message_pending = 0, "
	    "usage_message_sent_at = ? WHERE id = ?", &mark, error) < 0)
		goto fail;
	sqlite3_bind_int64(select, 1, now - USAGE_MESSAGE_INTERVAL);

	/* The updates leave the scanned rows, which are not re-read. */
	while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
		jobs = sqlite3_column_int(select, 3);
		snprintf(subject, sizeof(subject), "%d job%s scheduled in "
		    "Chronatog", jobs, jobs == 1 ? "" : "s");
		if (outbox_add_message(db,
		    (const char *)sqlite3_column_text(select, 1), "status",
		    subject, sqlite3_column_int64(select, 2), now, error) < 0)
			goto fail;
		sqlite3_bind_int64(mark, 1, now);
		sqlite3_bind_int64(mark, 2, sqlite3_column_int64(select, 0));
		if (sqlite3_step(mark) != SQLITE_DONE) {
			db_error(db, error, "cannot mark a usage message");
			goto fail;
		}
		sqlite3_reset(mark);
		queued++;
	}
	if (rc != SQLITE_DONE) {
		db_error(db, error, "cannot read usage marks");
		goto fail;
	}
	sqlite3_finalize(select);
	sqlite3_finalize(mark);
	if (db_commit(db, error) < 0) {
		db_rollback(db);
		return -1;
	}
	return queued;

fail:
	sqlite3_finalize(select);
	sqlite3_finalize(mark);
	db_rollback(db);
	return -1;
}
