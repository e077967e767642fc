/*
 * Chronatog's own scheduled work. A job whose callback_url starts with
 * "chronatog:" names an action that the runner performs itself instead
 * of an HTTP call. Its runs are recorded like any other.
 *
 *   chronatog:bill   bills every customer (see billing_bill_all())
 */
#ifndef CHRONATOG_RUNNER_SYSTEM_JOB_H
#define CHRONATOG_RUNNER_SYSTEM_JOB_H

#include <sqlite3.h>

#include "run.h"

#define SYSTEM_JOB_SCHEME "chronatog:"

/* Returns whether `run` is a system job. */
int system_job_is(const struct run *run);

/*
 * Performs the action of `run` at `now` and fills in its outcome as an
 * HTTP call would: status 200 with a summary as the response on
 * success, an error otherwise.
 */
void system_job_run(sqlite3 *db, struct run *run, int64_t now);

#endif
