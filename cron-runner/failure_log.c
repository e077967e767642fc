#include <stdio.h>

#include "failure_log.h"
#include "log.h"
#include "timefmt.h"

/* Seconds between two lines about the same job. */
#define FAILURE_LOG_INTERVAL 60

/* Jobs tracked at once; jobs sharing a slot may log more often. */
#define FAILURE_LOG_SLOTS 4096

struct slot {
	int64_t job_id;
	int64_t logged_at;
	long held_back;
};

static struct slot slots[FAILURE_LOG_SLOTS];

static const char *
result_text(enum run_result result)
{
	switch (result) {
	case RUN_RETRYING:
		return "will retry";
	case RUN_DISABLED:
		return "job disabled after too many failed times in a row";
	default:
		return "gave up on this time";
	}
}

void
failure_log(const struct run *run, int64_t now)
{
	struct slot *slot = &slots[run->job_id % FAILURE_LOG_SLOTS];
	char scheduled[TIMEFMT_RFC3339_SIZE], reason[64], held[64] = "";

	if (run->result == RUN_SUCCEEDED)
		return;

	/* A disabled job is always worth a line. */
	if (slot->job_id == run->job_id && run->result != RUN_DISABLED &&
	    now - slot->logged_at < FAILURE_LOG_INTERVAL) {
		slot->held_back++;
		return;
	}
	if (slot->job_id == run->job_id && slot->held_back > 0)
		snprintf(held, sizeof(held), " (%ld earlier failures not "
		    "logged)", slot->held_back);
	slot->job_id = run->job_id;
	slot->logged_at = now;
	slot->held_back = 0;

	if (run->error == NULL)
		snprintf(reason, sizeof(reason), "HTTP status %d",
		    run->http_status);
	timefmt_rfc3339(run->scheduled_at, scheduled);
	log_message(run->result == RUN_DISABLED ? LOG_ERR : LOG_WARNING,
	    "job %lld: attempt %d for %s failed: %s; %s%s",
	    (long long)run->job_id, run->attempt, scheduled,
	    run->error != NULL ? run->error : reason,
	    result_text(run->result), held);
}
