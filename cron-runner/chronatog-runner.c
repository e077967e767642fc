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
#include "failure_log.h"
#include "outbox_sender.h"
#include "system_job.h"
#include "log.h"
#include "run.h"
#include "timefmt.h"

/* Used in callback bodies when the configuration sets no public_url. */
#define DEFAULT_PUBLIC_URL "http://127.0.0.1:8080"

/*
 * Finished calls are recorded once this many wait, or once the oldest
 * has waited this long: short, because a finished call takes up room
 * under max_in_flight until recorded.
 */
#define RECORD_BATCH 256
#define RECORD_DELAY_MS 5

/* Seconds between summary lines in the log, and between prunings. */
#define SUMMARY_INTERVAL 60
#define PRUNE_INTERVAL 3600

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

struct runner {
	const char *config_path;
	const char *db_path;	/* --db, which wins over the file */
	struct config config;
	struct run_policy policy;
	sqlite3 *db;
	struct callbacks *callbacks;
	char owner[128];	/* lease owner: host, process id, random */
	int once;		/* one pass, then exit */
	int64_t fixed_now;	/* the clock for --once, or 0 for real time */

	/* Finished calls not yet recorded, room for max_in_flight. */
	struct run *finished;
	size_t finished_count;
	size_t finished_size;
	int64_t first_finished_ms;

	/* Counts since the last summary. */
	long fired, failed;
	int64_t summary_at;
	int64_t pruned_at;
};

static void
on_signal(int signal_number)
{
	if (signal_number == SIGHUP)
		reload_requested = 1;
	else
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
	    "calls in flight. SIGHUP reloads the configuration file.\n"
	    "\n"
	    "  --config FILE  configuration file (default: $CHRONATOG_CONFIG,\n"
	    "                 else " CONFIG_DEFAULT_PATH ")\n"
	    "  --db FILE      database file (default: the configuration's db)\n"
	    "  --once         fire every job due now, wait for the calls,\n"
	    "                 send the due Engine Yard requests, and exit\n"
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
	if (run_finish(runner->db, runner->owner, runner_now(runner),
	    &runner->policy, runner->finished, runner->finished_count,
	    &error) < 0) {
		log_message(LOG_ERR, "cannot record %zu finished calls, will "
		    "try again: %s", runner->finished_count, error.message);
		return;
	}
	for (i = 0; i < runner->finished_count; i++) {
		failure_log(&runner->finished[i], time(NULL));
		if (runner->finished[i].result != RUN_SUCCEEDED)
			runner->failed++;
		run_clear(&runner->finished[i]);
	}
	runner->finished_count = 0;
}

/* Moves finished calls from libcurl into the batch to record. */
static void
collect_finished(struct runner *runner)
{
	struct run *run;

	while (runner->finished_count < runner->finished_size) {
		run = &runner->finished[runner->finished_count];
		if (!callbacks_collect(runner->callbacks, run))
			break;
		if (runner->finished_count++ == 0)
			runner->first_finished_ms = timefmt_now_ms();
		runner->fired++;
	}
}

/* Returns how many more calls fit under max_in_flight. */
static size_t
free_room(const struct runner *runner)
{
	size_t busy = callbacks_in_flight(runner->callbacks) +
	    runner->finished_count;

	if (busy >= (size_t)runner->config.max_in_flight)
		return 0;
	return (size_t)runner->config.max_in_flight - busy;
}

/*
 * Claims at most `room` due jobs and starts their calls. Returns the
 * number claimed, which equals `room` when more may be due, or -1 on a
 * database error.
 */
static int
claim_and_start(struct runner *runner, size_t room)
{
	struct run *runs = NULL;
	struct error error;
	int count, i;

	if (run_schedule_new(runner->db, runner_now(runner), &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		return -1;
	}

	count = run_claim(runner->db, runner->owner, runner_now(runner),
	    &runner->policy, room, &runs, &error);
	if (count < 0) {
		log_message(LOG_ERR, "%s", error.message);
		return -1;
	}

	for (i = 0; i < count; i++) {
		/* Claims fit in the room left, so finished has space. */
		if (system_job_is(&runs[i])) {
			system_job_run(runner->db, &runs[i], runner_now(runner));
			runner->finished[runner->finished_count++] = runs[i];
			memset(&runs[i], 0, sizeof(runs[i]));
			continue;
		}
		if (callbacks_start(runner->callbacks, &runs[i], &error) == 0)
			continue;
		log_message(LOG_ERR, "%s", error.message);
		if (run_release(runner->db, runner->owner, &runs[i], 1,
		    &error) < 0)
			log_message(LOG_ERR, "%s", error.message);
	}
	run_free_all(runs, (size_t)count);
	return count;
}

/*
 * Returns when to claim next after a claim that found no more due jobs:
 * at the next due time, or after poll_interval_ms when that is sooner
 * (rows written by hand and expired leases have no due time to wait
 * for).
 */
static int64_t
next_claim_time(struct runner *runner, int64_t now_ms)
{
	int64_t poll = now_ms + runner->config.poll_interval_ms, due;
	struct error error;

	due = run_next_due(runner->db, runner_now(runner), &error);
	if (due < 0) {
		log_message(LOG_ERR, "%s", error.message);
		return poll;
	}
	if (due == 0 || runner->fixed_now != 0 || due * 1000 >= poll)
		return poll;
	return due * 1000;
}

/* Derives the run policy and buffer sizes from runner->config. */
static int
apply_config(struct runner *runner, struct error *error)
{
	const struct config *config = &runner->config;
	size_t size = (size_t)config->max_in_flight;
	struct run *grown;
	long lease;

	/* A lease must outlast the longest call, or others would repeat it. */
	lease = config->request_timeout_ms / 1000 + 60;
	if (lease < config->lease_seconds)
		lease = config->lease_seconds;
	runner->policy.lease_seconds = lease;
	runner->policy.grace_seconds = config->grace_seconds;
	runner->policy.max_attempts = (int)config->max_attempts;
	runner->policy.retry_base_seconds = config->retry_base_seconds;
	runner->policy.retry_max_seconds = config->retry_max_seconds;
	runner->policy.disable_after = (int)config->disable_after_failures;

	if (size <= runner->finished_size)
		return 0;
	grown = realloc(runner->finished, size * sizeof(*grown));
	if (grown == NULL)
		return error_set(error, "out of memory");
	memset(grown + runner->finished_size, 0,
	    (size - runner->finished_size) * sizeof(*grown));
	runner->finished = grown;
	runner->finished_size = size;
	return 0;
}

/*
 * Reads the configuration file again. The database and public URL stay
 * as they were, since changing them needs a restart.
 */
static void
reload_config(struct runner *runner)
{
	struct config fresh;
	struct error error;

	if (config_load(runner->config_path, &fresh, &error) < 0) {
		log_message(LOG_ERR, "cannot reload the configuration, keeping "
		    "the old one: %s", error.message);
		return;
	}
	if (runner->db_path == NULL && strcmp(fresh.db, runner->config.db))
		log_message(LOG_WARNING, "db changed to %s; restart to use it",
		    fresh.db);

	free(fresh.db);
	free(fresh.public_url);
	fresh.db = runner->config.db;
	fresh.public_url = runner->config.public_url;
	runner->config = fresh;
	if (apply_config(runner, &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		return;
	}
	log_message(LOG_INFO, "configuration reloaded");
}

/* Deletes job_runs older than keep_runs_days, once an hour. */
static void
prune_runs(struct runner *runner)
{
	int64_t now = time(NULL);
	struct error error;
	long deleted;

	if (now - runner->pruned_at < PRUNE_INTERVAL)
		return;
	runner->pruned_at = now;
	deleted = run_prune(runner->db,
	    now - runner->config.keep_runs_days * 86400, &error);
	if (deleted < 0)
		log_message(LOG_ERR, "%s", error.message);
	else if (deleted > 0)
		log_message(LOG_INFO, "deleted %ld runs older than %ld days",
		    deleted, runner->config.keep_runs_days);
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

/* Runs passes until SIGTERM or SIGINT (with --once, until done). */
static int
run_loop(struct runner *runner)
{
	int64_t next_claim_ms = 0, now_ms, wait;
	int claiming = 1, more_due = 0, claimed, timeout;
	struct error error;
	size_t room;

	for (;;) {
		now_ms = timefmt_now_ms();
		if (stop_requested)
			claiming = 0;
		if (reload_requested) {
			reload_requested = 0;
			reload_config(runner);
		}

		/* --once claims again as soon as the previous calls ended. */
		if (runner->once && callbacks_in_flight(runner->callbacks) == 0 &&
		    runner->finished_count == 0)
			next_claim_ms = now_ms;
		room = free_room(runner);
		if (claiming && room > 0 && (more_due || now_ms >= next_claim_ms)) {
			claimed = claim_and_start(runner, room);
			more_due = claimed == (int)room;
			if (!more_due)
				next_claim_ms = next_claim_time(runner, now_ms);
			if (runner->once && claimed <= 0 &&
			    callbacks_in_flight(runner->callbacks) == 0)
				claiming = 0;
		}

		if (!claiming && callbacks_in_flight(runner->callbacks) == 0) {
			collect_finished(runner);
			record_finished(runner);
			return runner->finished_count == 0 ? 0 : 1;
		}

		/* Wake for the next claim, or every 20 ms while calls run. */
		wait = more_due && free_room(runner) > 0 ? 0 :
		    next_claim_ms - now_ms;
		if (callbacks_in_flight(runner->callbacks) > 0 && wait > 20)
			wait = 20;
		timeout = wait < 0 ? 0 : (int)wait;
		if (callbacks_poll(runner->callbacks, timeout, &error) < 0) {
			log_message(LOG_ERR, "%s", error.message);
			return 1;
		}

		collect_finished(runner);
		if (runner->finished_count >= RECORD_BATCH ||
		    (runner->finished_count > 0 &&
		    (callbacks_in_flight(runner->callbacks) == 0 ||
		    timefmt_now_ms() - runner->first_finished_ms >=
		    RECORD_DELAY_MS)))
			record_finished(runner);
		log_summary(runner);
		if (!runner->once && claiming)
			prune_runs(runner);
	}
}

/*
 * Sends the outbox rows due now, or at --at when that is later, which is
 * what --once does after its callbacks.
 */
static int
send_outbox_once(struct runner *runner)
{
	int64_t now = time(NULL);
	struct error error;

	if (runner->fixed_now > now)
		now = runner->fixed_now;
	if (outbox_send_due(runner->db, now, &error) < 0) {
		log_message(LOG_ERR, "outbox: %s", error.message);
		return -1;
	}
	return 0;
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
	const char *at = NULL;
	struct error error;
	int c, use_syslog = 0;

	*status = 2;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'c': runner->config_path = optarg; break;
		case 'd': runner->db_path = optarg; break;
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
	if (config_load(runner->config_path, &runner->config, &error) < 0 ||
	    (runner->db_path != NULL &&
	    config_set(&runner->config, "db", runner->db_path, &error) < 0)) {
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
	if (apply_config(&runner, &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		goto done;
	}
	srandom((unsigned)(time(NULL) ^ getpid()));

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_signal;
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGHUP, &action, NULL);
	signal(SIGPIPE, SIG_IGN);

	runner.summary_at = time(NULL);
	if (!runner.once && outbox_thread_start(runner.config.db,
	    &stop_requested, &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		goto done;
	}
	if (!runner.once)
		log_message(LOG_INFO, "started as %s on %s, up to %ld calls "
		    "in flight%s", runner.owner, runner.config.db,
		    runner.config.max_in_flight,
		    runner.config.allow_private_callbacks ? "; callbacks to "
		    "private addresses are allowed" : "");
	status = run_loop(&runner);
	if (runner.once && send_outbox_once(&runner) < 0)
		status = 1;
	if (!runner.once) {
		stop_requested = 1;
		outbox_thread_join();
		log_message(LOG_INFO, "stopped");
	}

done:
	callbacks_free(runner.callbacks);
	free(runner.finished);
	db_close(runner.db);
	config_free(&runner.config);
	curl_global_cleanup();
	return status;
}
