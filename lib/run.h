/*
 * The runner's storage: finding due jobs, claiming them with a lease,
 * and recording the outcome of each attempt. These are the runner's only
 * queries about jobs, so another storage backend replaces this module
 * alone.
 *
 * A claim sets jobs.lease_owner and lease_expires_at for the scheduled
 * time in jobs.next_run_at. The outcome is recorded, and next_run_at
 * advanced, only after the call finished, in one transaction with the
 * job_runs row and the usage count. A runner that dies mid-call leaves
 * next_run_at unchanged, so when its lease expires any runner fires the
 * same scheduled time again: delivery is at least once.
 */
#ifndef CHRONATOG_RUN_H
#define CHRONATOG_RUN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

/* Lease, retry and grace settings from the runner's configuration. */
struct run_policy {
	long lease_seconds;	/* how long a claim lasts */
	long grace_seconds;	/* how late a missed time still fires */
	int max_attempts;	/* attempts per scheduled time, at least 1 */
	long retry_base_seconds;	/* delay before the first retry */
	long retry_max_seconds;		/* longest delay between retries */
	int disable_after;	/* failed scheduled times in a row */
};

/* The outcome of an attempt as run_finish() recorded it. */
enum run_result {
	RUN_SUCCEEDED,		/* a 2xx response */
	RUN_RETRYING,		/* failed; another attempt is scheduled */
	RUN_FAILED,		/* failed; the job moved to its next time */
	RUN_DISABLED,		/* failed once too often; job disabled */
};

/* One attempt to make, and then its outcome. */
struct run {
	/* Set by run_claim(). */
	int64_t job_id;
	int64_t scheduler_id;
	char *callback_url;
	char *schedule;
	char *timezone;
	char *webhook_secret;	/* signs the callback */
	int follow_redirects;
	int64_t scheduled_at;
	int attempt;		/* 1 for the first call of scheduled_at */

	/* Set by the caller before run_finish(). */
	int64_t started_at;	/* Unix seconds */
	int64_t duration_ms;
	int http_status;	/* 0 when no response came */
	char *error;		/* why no response came, or NULL */
	int permanent;		/* the error is one a retry cannot mend */
	long retry_after;	/* Retry-After in seconds, or -1 */
	char *response;		/* first bytes of the body, or NULL */
	size_t response_length;

	/* Set by run_finish(). */
	enum run_result result;
};

/*
 * Gives every enabled job with a NULL next_run_at (a row written by hand,
 * say) its first time after `now`. Jobs whose schedule or time zone is
 * invalid are disabled with the reason in last_error. Returns the number
 * of jobs updated, or -1.
 */
int run_schedule_new(sqlite3 *db, int64_t now, struct error *error);

/*
 * Claims at most `limit` due jobs for `owner` until `now` + the lease,
 * in one transaction, oldest first. A job is due when enabled, its
 * scheduler is in service, next_run_at <= `now` (and retry_at, if set),
 * and no unexpired lease holds it.
 *
 * When several times were missed, the claim is for the latest one
 * within the grace period of `now`; when none is, the miss is recorded
 * as a job_runs row with an error and the job moves to its next time
 * without a call. A pending retry whose job has reached its next
 * scheduled time is dropped, and that scheduled time counts as failed.
 *
 * Stores a malloc'ed array in `*runs` (free with run_free_all()) and
 * returns its length, or -1.
 */
int run_claim(sqlite3 *db, const char *owner, int64_t now,
    const struct run_policy *policy, size_t limit, struct run **runs,
    struct error *error);

/*
 * Returns the earliest time after `now` at which a job becomes due, by
 * its next_run_at or a pending retry, 0 when none will, or -1. Leases
 * that expire are not counted, so a caller still polls now and then.
 */
int64_t run_next_due(sqlite3 *db, int64_t now, struct error *error);

/*
 * Records the outcomes of `count` finished attempts in one transaction
 * and sets each run's result. Each gets a job_runs row and updates its
 * job's last_* columns. A failure from a network error, a timeout, 429
 * or 5xx is retried after an exponential backoff with jitter, or after
 * the response's Retry-After when that is longer. It is not retried
 * when the attempts are used up or the retry would not start before the
 * job's next scheduled time.
 * Otherwise the job moves past scheduled_at and drops its lease; after
 * `disable_after` failed scheduled times in a row it is disabled. The
 * first attempt of each scheduled time counts one unit of usage for the
 * scheduler.
 *
 * A job deleted meanwhile gets no job_runs row; a job whose next_run_at
 * was changed meanwhile keeps the new value. Returns 0, or -1 when
 * nothing was written.
 */
int run_finish(sqlite3 *db, const char *owner, int64_t now,
    const struct run_policy *policy, struct run *runs, size_t count,
    struct error *error);

/*
 * Drops the leases `owner` holds on `count` runs that were claimed but
 * never called, so that they fire at once elsewhere. Returns 0 or -1.
 */
int run_release(sqlite3 *db, const char *owner, const struct run *runs,
    size_t count, struct error *error);

/*
 * Deletes job_runs rows that started before `before`, in batches of a
 * few thousand, each in its own transaction so that other writers are
 * not held up. Returns the number deleted, or -1.
 */
long run_prune(sqlite3 *db, int64_t before, struct error *error);

/* Frees the strings of one run. */
void run_clear(struct run *run);

/* Frees an array from run_claim() and its strings. */
void run_free_all(struct run *runs, size_t count);

#endif
