/* Helpers shared by the files of the run module; not a public API. */
#ifndef CHRONATOG_RUN_INTERNAL_H
#define CHRONATOG_RUN_INTERNAL_H

#include <stdint.h>

#include <sqlite3.h>

#include "cron.h"
#include "error.h"
#include "run.h"

/* Disables job `id` with last_error set to `reason`. */
int run_disable_job(sqlite3 *db, int64_t id, const char *reason,
    struct error *error);

/*
 * Parses a stored schedule and zone. Returns 1 when both are valid. On
 * failure disables the job, since only a row written by hand can hold
 * an invalid one, and returns 0; returns -1 on a database error.
 */
int run_parse_stored(sqlite3 *db, int64_t id, const char *expression,
    const char *zone, struct cron_schedule *schedule, struct error *error);

/*
 * Counts one more failed scheduled time for job `id` and disables it
 * when `disable_after` are failed in a row. Returns 1 when it disabled
 * the job, 0 when not, -1 on error.
 */
int run_count_failed_time(sqlite3 *db, int64_t id, int disable_after,
    struct error *error);

/* Steps and resets a prepared statement that returns no rows. */
int run_step_reset(sqlite3 *db, sqlite3_stmt *statement,
    struct error *error);

#endif
