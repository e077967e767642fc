/*
 * chronatog-runner: polls the jobs table and calls each job's callback
 * at its scheduled time, recording every attempt.
 *
 * One thread: each pass claims the due jobs that fit under
 * max_in_flight, starts their HTTP requests on a libcurl multi handle,
 * and records finished calls in batches, one transaction per batch.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "callback.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "run.h"
#include "timefmt.h"

/* Used in callback bodies when the configuration sets no public_url. */
#define DEFAULT_PUBLIC_URL "http://127.0.0.1:8080"

/* Finished calls are recorded once this many wait, or after this long. */
#define RECORD_BATCH 512
#define RECORD_DELAY_MS 100

/* Seconds between summary lines in the log. */
#define SUMMARY_INTERVAL 60

static volatile sig_atomic_t stop_requested;

struct runner {
	struct config config;
	sqlite3 *db;
	struct callbacks *callbacks;
	char owner[128];	/* lease owner: host, process id, random */
	int once;		/* one pass, then exit */
	int64_t fixed_now;	/* the clock for --once, or 0 for real time */

	/* Finished calls not yet recorded. */
	struct run *finished;
	size_t finished_count;
	int64_t first_finished_ms;

	/* Counts since the last summary. */
	long fired, failed;
	int64_t summary_at;
};

static void
on_signal(int signal_number)
{
	(void)signal_number;
	stop_requested = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: chronatog-runner [--config FILE] [--db FILE] [--syslog]\n"
	    "                        [--once [--at TIME]]\n"
	    "\n"
	    "Calls each job's callback at its scheduled time and records\n"
	    "every attempt. Runs until SIGTERM or SIGINT, then finishes the\n"
	    "calls in flight.\n"
	    "\n"
	    "  --config FILE  configuration file (default: $CHRONATOG_CONFIG,\n"
	    "                 else " CONFIG_DEFAULT_PATH ")\n"
	    "  --db FILE      database file (default: the configuration's db)\n"
	    "  --once         run one pass over the due jobs, wait for their\n"
	    "                 calls, and exit\n"
	    "  --at TIME      with --once, act as if the clock read TIME\n"
	    "                 (RFC 3339, such as 2026-12-04T15:00:00Z)\n"
	    "  --syslog       log to syslog instead of standard error\n"
	    "  --help         show this help\n"
	    "  --version      show the version\n");
}

static int64_t
runner_now(const struct runner *runner)
{
	return runner->fixed_now != 0 ? runner->fixed_now : time(NULL);
}

/* Records the finished calls in one transaction; keeps them on failure. */
static void
record_finished(struct runner *runner)
{
	struct error error;
	size_t i;

	if (runner->finished_count == 0)
		return;
	if (run_finish(runner->db, runner->owner, runner->finished,
	    runner->finished_count, &error) < 0) {
		log_message(LOG_ERR, "cannot record %zu finished calls, will "
		    "retry: %s", runner->finished_count, error.message);
		return;
	}
	for (i = 0; i < runner->finished_count; i++)
		run_clear(&runner->finished[i]);
	runner->finished_count = 0;
}

/* Moves finished calls from libcurl into the batch to record. */
static void
collect_finished(struct runner *runner)
{
	char scheduled[TIMEFMT_RFC3339_SIZE];
	struct run *run;

	while (runner->finished_count < (size_t)runner->config.max_in_flight) {
		run = &runner->finished[runner->finished_count];
		if (!callbacks_collect(runner->callbacks, run))
			break;
		if (runner->finished_count++ == 0)
			runner->first_finished_ms = timefmt_now_ms();

		runner->fired++;
		if (run->http_status >= 200 && run->http_status <= 299)
			continue;
		runner->failed++;
		timefmt_rfc3339(run->scheduled_at, scheduled);
		/* TODO: rate-limit these lines per job. */
		if (run->error != NULL)
			log_message(LOG_WARNING, "job %lld: call for %s failed: "
			    "%s", (long long)run->job_id, scheduled,
			    run->error);
		else
			log_message(LOG_WARNING, "job %lld: call for %s failed: "
			    "HTTP status %d", (long long)run->job_id,
			    scheduled, run->http_status);
	}
}

/*
 * Claims due jobs up to the free room and starts their calls. Returns
 * the number started, or -1 on a database error.
 */
static int
claim_and_start(struct runner *runner)
{
	size_t room = (size_t)runner->config.max_in_flight -
	    callbacks_in_flight(runner->callbacks) - runner->finished_count;
	struct run *runs = NULL;
	struct error error;
	int count, i, started = 0;
	long lease;

	if (room == 0)
		return 0;
	if (run_schedule_new(runner->db, runner_now(runner), &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		return -1;
	}

	/* A lease must outlast the longest call, or others would repeat it. */
	lease = runner->config.request_timeout_ms / 1000 + 60;
	if (lease < runner->config.lease_seconds)
		lease = runner->config.lease_seconds;
	count = run_claim(runner->db, runner->owner, runner_now(runner),
	    lease, runner->config.grace_seconds, room, &runs, &error);
	if (count < 0) {
		log_message(LOG_ERR, "%s", error.message);
		return -1;
	}

	for (i = 0; i < count; i++) {
		if (callbacks_start(runner->callbacks, &runs[i], &error) == 0) {
			started++;
			continue;
		}
		log_message(LOG_ERR, "%s", error.message);
		if (run_release(runner->db, runner->owner, &runs[i], 1,
		    &error) < 0)
			log_message(LOG_ERR, "%s", error.message);
	}
	run_free_all(runs, (size_t)count);
	return started;
}

static void
log_summary(struct runner *runner)
{
	int64_t now = time(NULL);

	if (now - runner->summary_at < SUMMARY_INTERVAL)
		return;
	if (runner->fired > 0)
		log_message(LOG_INFO, "%ld calls in the last %lld s, %ld "
		    "failed; %zu in flight", runner->fired,
		    (long long)(now - runner->summary_at), runner->failed,
		    callbacks_in_flight(runner->callbacks));
	runner->fired = runner->failed = 0;
	runner->summary_at = now;
}

/* Runs passes until told to stop (or, with --once, until done). */
static int
run_loop(struct runner *runner)
{
	int64_t next_claim_ms = 0, now_ms;
	int claiming = 1, started, timeout;
	struct error error;

	for (;;) {
		now_ms = timefmt_now_ms();
		if (stop_requested)
			claiming = 0;

		/* --once claims again as soon as the previous calls ended. */
		if (runner->once && callbacks_in_flight(runner->callbacks) == 0)
			next_claim_ms = now_ms;
		if (claiming && now_ms >= next_claim_ms) {
			started = claim_and_start(runner);
			next_claim_ms = now_ms + runner->config.poll_interval_ms;
			/* A full claim means more may be due: come back soon. */
			if (started > 0 && callbacks_in_flight(
			    runner->callbacks) + runner->finished_count >=
			    (size_t)runner->config.max_in_flight)
				next_claim_ms = now_ms + 10;
			if (runner->once && started <= 0 &&
			    callbacks_in_flight(runner->callbacks) == 0)
				claiming = 0;
		}

		if (!claiming && callbacks_in_flight(runner->callbacks) == 0) {
			collect_finished(runner);
			record_finished(runner);
			return runner->finished_count == 0 ? 0 : 1;
		}

		timeout = callbacks_in_flight(runner->callbacks) > 0 ? 20 :
		    (int)(next_claim_ms - now_ms);
		if (timeout < 0)
			timeout = 0;
		if (callbacks_poll(runner->callbacks, timeout, &error) < 0) {
			log_message(LOG_ERR, "%s", error.message);
			return 1;
		}

		collect_finished(runner);
		if (runner->finished_count >= RECORD_BATCH ||
		    callbacks_in_flight(runner->callbacks) == 0 ||
		    timefmt_now_ms() - runner->first_finished_ms >=
		    RECORD_DELAY_MS)
			record_finished(runner);
		log_summary(runner);
	}
}

/* Sets the lease owner name: host name, process id and a random tag. */
static int
set_owner(struct runner *runner, struct error *error)
{
	char host[64], tag[9];

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	if (crypto_random_hex(tag, 8, error) < 0)
		return -1;
	snprintf(runner->owner, sizeof(runner->owner), "%s:%ld:%s", host,
	    (long)getpid(), tag);
	return 0;
}

/* Parses the options into `runner`; returns -1 to exit with `*status`. */
static int
parse_options(int argc, char **argv, struct runner *runner, int *status)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "once", no_argument, NULL, 'o' },
		{ "at", required_argument, NULL, 'a' },
		{ "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = NULL, *db_path = NULL, *at = NULL;
	struct error error;
	int c, use_syslog = 0;

	*status = 2;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'd': db_path = optarg; break;
		case 'o': runner->once = 1; break;
		case 'a': at = optarg; break;
		case 's': use_syslog = 1; break;
		case 'h':
			usage(stdout);
			*status = 0;
			return -1;
		case 'v':
			printf("chronatog-runner %s\n", CHRONATOG_VERSION);
			*status = 0;
			return -1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "chronatog-runner: unexpected argument '%s'\n",
		    argv[optind]);
		return -1;
	}
	if (at != NULL && !runner->once) {
		fprintf(stderr, "chronatog-runner: --at needs --once\n");
		return -1;
	}
	if (at != NULL &&
	    timefmt_parse_rfc3339(at, &runner->fixed_now, &error) < 0) {
		fprintf(stderr, "chronatog-runner: --at: %s\n", error.message);
		return -1;
	}

	log_open("chronatog-runner", use_syslog);
	*status = 1;
	if (config_load(config_path, &runner->config, &error) < 0 ||
	    (db_path != NULL &&
	    config_set(&runner->config, "db", db_path, &error) < 0)) {
		fprintf(stderr, "chronatog-runner: %s\n", error.message);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct runner runner;
	struct sigaction action;
	struct error error;
	const char *base_url;
	int status;

	memset(&runner, 0, sizeof(runner));
	if (parse_options(argc, argv, &runner, &status) < 0)
		return status;

	status = 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_message(LOG_ERR, "cannot initialise libcurl");
		goto done;
	}
	base_url = runner.config.public_url;
	if (base_url == NULL) {
		base_url = DEFAULT_PUBLIC_URL;
		log_message(LOG_WARNING, "public_url is not set; job URLs in "
		    "callbacks start with %s", base_url);
	}
	if (crypto_init(&error) < 0 || set_owner(&runner, &error) < 0 ||
	    db_open(runner.config.db, 1, &runner.db, &error) < 0 ||
	    (runner.callbacks = callbacks_new(&runner.config, base_url,
	    &error)) == NULL) {
		log_message(LOG_ERR, "%s", error.message);
		goto done;
	}
	runner.finished = calloc((size_t)runner.config.max_in_flight,
	    sizeof(*runner.finished));
	if (runner.finished == NULL) {
		log_message(LOG_ERR, "out of memory");
		goto done;
	}

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_signal;
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	signal(SIGPIPE, SIG_IGN);

	runner.summary_at = time(NULL);
	if (!runner.once)
		log_message(LOG_INFO, "started as %s on %s, up to %ld calls "
		    "in flight%s", runner.owner, runner.config.db,
		    runner.config.max_in_flight,
		    runner.config.allow_private_callbacks ? "; callbacks to "
		    "private addresses are allowed" : "");
	status = run_loop(&runner);
	if (!runner.once)
		log_message(LOG_INFO, "stopped");

done:
	callbacks_free(runner.callbacks);
	free(runner.finished);
	db_close(runner.db);
	config_free(&runner.config);
	curl_global_cleanup();
	return status;
}
