/*
 * Jobs: a callback URL called on a cron schedule, owned by a scheduler.
 * Every function that takes a scheduler id reads and writes only that
 * scheduler's jobs, so one app can never read or change another's.
 */
#ifndef CHRONATOG_JOB_H
#define CHRONATOG_JOB_H

#include <stdint.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "error.h"

/* Maximum length of a time zone name, in bytes. */
#define JOB_TIMEZONE_MAX 64

/* A job as stored. Times are Unix seconds, 0 when absent. */
struct job {
	int64_t id;
	int64_t scheduler_id;
	char *callback_url;
	char *schedule;
	char *timezone;
	int enabled;
	int follow_redirects;
	int64_t next_run_at;
	int64_t retry_at;	/* when a pending retry starts, or 0 */
	int64_t last_run_at;
	int last_status;	/* 0 when no response came */
	char *last_error;	/* NULL when none */
	int64_t created_at;
};

/*
 * The fields a client sets; strings are borrowed from the request. NULL
 * strings and -1 flags mean the field was not given.
 */
struct job_input {
	const char *callback_url;
	const char *schedule;
	const char *timezone;
	int enabled;
	int follow_redirects;
};

/*
 * Reads a job from the JSON object `body` into `input`, checking every
 * field: callback_url must be a valid http(s) URL (see
 * callback_url_check()), schedule a cron expression that fires,
 * timezone a known IANA zone, enabled and follow_redirects booleans.
 * For a new job (`partial` 0) callback_url and schedule are required,
 * and for a change (`partial` 1) every field is optional. Fields that
 * only Chronatog sets (id, url, next_run_at...) are ignored, so that a
 * client may send back a job object it read. Any other field is an
 * error, and so is null for a field. Appends one message per problem to
 * the JSON array `messages` and returns the number of problems. `input`
 * borrows strings from `body`.
 */
int job_read_input(json_object *body, int allow_private, int partial,
    struct job_input *input, json_object *messages);

/*
 * Inserts a validated job for `scheduler_id` (enabled unless the input
 * sets enabled to false), due at the first time its schedule matches after
 * `now`, and reads it back into `*job`. Returns 0
 * or -1. Free `*job` with job_free().
 */
int job_create(sqlite3 *db, int64_t scheduler_id,
    const struct job_input *input, int64_t now, struct job *job,
    struct error *error);

/*
 * Reads job `id` of `scheduler_id` into `*job`. Returns 1 when found, 0
 * when no such job belongs to the scheduler, -1 on error.
 */
int job_get(sqlite3 *db, int64_t scheduler_id, int64_t id, struct job *job,
    struct error *error);

/*
 * Applies the fields given in `input` to job `id` of `scheduler_id` and
 * reads the result into `*job`. A changed schedule or time zone, or
 * enabling the job, moves it to the first matching time after `now` and
 * drops any pending retry. Returns 1 when updated, 0 when not found, -1
 * on error. Runs inside the caller's transaction.
 */
int job_update(sqlite3 *db, int64_t scheduler_id, int64_t id,
    const struct job_input *input, int64_t now, struct job *job,
    struct error *error);

/*
 * Makes job `id` of `scheduler_id` due at `now`, so that the runner
 * fires it on its next poll, after which it returns to its schedule.
 * Returns 1 when done, 0 when not found, 2 when the job is disabled,
 * -1 on error.
 */
int job_run_now(sqlite3 *db, int64_t scheduler_id, int64_t id, int64_t now,
    struct error *error);

/*
 * Calls `each` for every job of `scheduler_id` in id order; stops and
 * returns -1 when `each` does. The job passed is freed after the call.
 */
int job_list(sqlite3 *db, int64_t scheduler_id,
    int (*each)(const struct job *job, void *context), void *context,
    struct error *error);

/*
 * Deletes job `id` of `scheduler_id` with its runs. Returns 1 when
 * deleted, 0 when not found, -1 on error.
 */
int job_delete(sqlite3 *db, int64_t scheduler_id, int64_t id,
    struct error *error);

/*
 * Returns the API representation of `job`, whose url is
 * "<base_url>/chronatogapi/1/jobs/<id>". The caller owns the result.
 */
json_object *job_to_json(const struct job *job, const char *base_url);

/* Frees the strings of `job`. */
void job_free(struct job *job);

#endif
