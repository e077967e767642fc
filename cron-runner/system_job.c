#include <stdio.h>
#include <string.h>

#include "billing.h"
#include "log.h"
#include "system_job.h"
#include "timefmt.h"

int
system_job_is(const struct run *run)
{
	return strncmp(run->callback_url, SYSTEM_JOB_SCHEME,
	    strlen(SYSTEM_JOB_SCHEME)) == 0;
}

/* Bills every customer; writes the summary or the error to `out`. */
static int
bill_everyone(sqlite3 *db, int64_t now, char *out, size_t size)
{
	struct error error;
	int billed, invoices;

	billed = billing_bill_all(db, now, &invoices, &error);
	if (billed < 0) {
		snprintf(out, size, "billing failed: %s", error.message);
		return -1;
	}
	snprintf(out, size, "billed %d customers, %d invoices", billed,
	    invoices);
	return 0;
}

void
system_job_run(sqlite3 *db, struct run *run, int64_t now)
{
	const char *action = run->callback_url + strlen(SYSTEM_JOB_SCHEME);
	int64_t started_ms = timefmt_now_ms();
	char text[ERROR_MESSAGE_MAX + 64];
	int rc;

	run->started_at = started_ms / 1000;
	if (strcmp(action, "bill") == 0) {
		rc = bill_everyone(db, now, text, sizeof(text));
	} else {
		snprintf(text, sizeof(text), "unknown system action '%s'",
		    action);
		run->permanent = 1;
		rc = -1;
	}
	run->duration_ms = timefmt_now_ms() - started_ms;

	if (rc == 0) {
		run->http_status = 200;
		run->response = strdup(text);
		run->response_length = run->response != NULL ?
		    strlen(run->response) : 0;
		log_message(LOG_INFO, "job %lld: %s", (long long)run->job_id,
		    text);
	} else {
		run->error = strdup(text);
	}
}
