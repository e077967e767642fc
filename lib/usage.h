/*
 * Telling Engine Yard how a scheduler is used. A scheduler made by EY
 * gets a status message on its messages_url when its app first uses its
 * credentials and whenever its job count changes, at most one a minute.
 * Changes only mark the scheduler, and the runner turns marks into
 * messages. A freemium customer that goes above FREE_PLAN_JOBS jobs gets
 * one notification suggesting the upgrade per crossing.
 */
#ifndef CHRONATOG_USAGE_H
#define CHRONATOG_USAGE_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

/* Jobs the freemium plan includes. */
#define FREE_PLAN_JOBS 10

/* Seconds between two status messages for one scheduler. */
#define USAGE_MESSAGE_INTERVAL 60

/*
 * Records the first use of scheduler `scheduler_id`'s credentials and
 * marks it for a status message. Does nothing when it was used before.
 */
int usage_note_first_use(sqlite3 *db, int64_t scheduler_id, int64_t now,
    struct error *error);

/*
 * Marks scheduler `scheduler_id` for a status message after its jobs
 * changed, and queues the free-plan notification when its customer just
 * went above FREE_PLAN_JOBS (or clears the crossing when it went back).
 * Runs inside the caller's transaction.
 */
int usage_note_job_change(sqlite3 *db, int64_t scheduler_id, int64_t now,
    struct error *error);

/*
 * Queues a status message for every marked scheduler whose last one is
 * at least USAGE_MESSAGE_INTERVAL old, in one transaction. Returns the
 * number queued, or -1.
 */
int usage_queue_messages(sqlite3 *db, int64_t now, struct error *error);

#endif
