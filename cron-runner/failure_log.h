/*
 * Log lines for failed attempts, at most one per job per minute, so that
 * a job failing every minute, or many retries at once, cannot flood the
 * log. Lines held back are counted in the next line for the same job.
 */
#ifndef CHRONATOG_RUNNER_FAILURE_LOG_H
#define CHRONATOG_RUNNER_FAILURE_LOG_H

#include <stdint.h>

#include "run.h"

/* Logs the outcome of `run` (after run_finish()) if it failed. */
void failure_log(const struct run *run, int64_t now);

#endif
