/* The attempts recorded for a job, as the jobs API lists them. */
#ifndef CHRONATOG_JOB_RUN_H
#define CHRONATOG_JOB_RUN_H

#include <stdint.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "error.h"

/* Most runs returned by one listing. */
#define JOB_RUN_PAGE_MAX 200

/*
 * Appends to the JSON array `runs` at most `limit` attempts of job
 * `job_id`, newest first, starting below run id `before` (0 for the
 * newest). Each is an object with id, scheduled_at, attempt,
 * started_at, duration_ms, http_status, error and response. The caller
 * checks that the job belongs to the scheduler. Stores the id of the
 * last run listed in `*last_id` (0 when none) and returns the number
 * listed, or -1.
 */
int job_run_list(sqlite3 *db, int64_t job_id, int64_t before, int limit,
    json_object *runs, int64_t *last_id, struct error *error);

#endif
