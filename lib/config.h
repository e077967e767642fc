/*
 * Configuration: a "key = value" file with "#" comments, read from the
 * path given with --config, else $CHRONATOG_CONFIG, else
 * /etc/chronatog.conf (which may be absent). $CHRONATOG_DB and
 * $CHRONATOG_PUBLIC_URL override the file, because they are what a web
 * server can pass to FastCGI programs.
 */
#ifndef CHRONATOG_CONFIG_H
#define CHRONATOG_CONFIG_H

#include "error.h"

#define CONFIG_DEFAULT_PATH "/etc/chronatog.conf"
#define CONFIG_DEFAULT_DB "/var/lib/chronatog/chronatog.db"

struct config {
	char *db;		/* database file */
	char *public_url;	/* base of every URL handed out, or NULL */

	/* Requests from Engine Yard: how far their Date may be off. */
	long ey_date_skew_seconds;

	/* Callbacks. */
	int allow_private_callbacks;	/* loopback, private, link-local */
	long connect_timeout_ms;
	long request_timeout_ms;
	long response_keep_bytes;	/* response bytes kept per run */
	long max_in_flight;		/* concurrent callbacks */

	/* The runner. */
	long poll_interval_ms;
	long lease_seconds;		/* claim lifetime before others retry */
	long grace_seconds;		/* how late a missed time still fires */
	long max_attempts;		/* attempts per scheduled time */
	long retry_base_seconds;	/* delay before the first retry */
	long retry_max_seconds;		/* longest delay between retries */
	long disable_after_failures;	/* failed times in a row */
	long keep_runs_days;		/* job_runs older than this go */
};

/*
 * Loads the configuration: defaults, then the file, then the environment.
 * `path` is the --config value or NULL. A file named by --config or
 * $CHRONATOG_CONFIG must exist; the default one may be missing. Unknown
 * keys and malformed values are errors that name the file and line.
 * Free with config_free().
 */
int config_load(const char *path, struct config *config, struct error *error);

/* Sets one key as if read from a file line; used for command options. */
int config_set(struct config *config, const char *key, const char *value,
    struct error *error);

/* Frees the strings of `config`. */
void config_free(struct config *config);

#endif
