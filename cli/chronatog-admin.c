/*
 * chronatog-admin: the operator's command line. Each command is a
 * function below; global options come before the command name.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "callback_url.h"
#include "config.h"
#include "cron.h"
#include "db.h"
#include "scheduler.h"
#include "timefmt.h"

/* 9999-12-31T23:59:59Z, the last time RFC 3339 can write. */
#define LAST_PRINTABLE_TIME 253402300799LL

/* Used when neither --public-url nor the configuration sets one. */
#define DEFAULT_PUBLIC_URL "http://127.0.0.1:8080"

struct command {
	const char *name;
	const char *synopsis;
	const char *help;
	int (*run)(struct admin *admin, int argc, char **argv);
};

static const struct command commands[];

static void
usage(FILE *out)
{
	int i;

	fprintf(out, "usage: chronatog-admin [--db FILE] [--config FILE] "
	    "COMMAND [ARGS]\n\n"
	    "  --db FILE      database file (default: the configuration's "
	    "db)\n"
	    "  --config FILE  configuration file (default: "
	    "$CHRONATOG_CONFIG,\n"
	    "                 else " CONFIG_DEFAULT_PATH ")\n"
	    "  --help         show this help\n"
	    "  --version      show the version\n\ncommands:\n");
	for (i = 0; commands[i].name != NULL; i++)
		fprintf(out, "  %s\n", commands[i].synopsis);
	fprintf(out, "\n'chronatog-admin COMMAND --help' describes one.\n");
}

/* Prints a command's help when its arguments include --help. */
static int
wants_help(const struct command *command, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: chronatog-admin %s\n\n%s",
			    command->synopsis, command->help);
			return 1;
		}
	}
	return 0;
}

int
admin_open_db(struct admin *admin, sqlite3 **db)
{
	struct error error;

	if (db_open(admin->config.db, 1, db, &error) < 0) {
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return -1;
	}
	return 0;
}

static int
run_migrate(struct admin *admin, int argc, char **argv)
{
	struct error error;
	sqlite3 *db;
	int applied;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "chronatog-admin: migrate takes no "
		    "arguments\n");
		return 2;
	}
	if (db_connect(admin->config.db, &db, &error) < 0) {
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return 1;
	}
	applied = db_migrate(db, &error);
	db_close(db);
	if (applied < 0) {
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return 1;
	}
	printf("%s: schema version %d (%d migration%s applied)\n",
	    admin->config.db, db_schema_version(), applied,
	    applied == 1 ? "" : "s");
	return 0;
}

static int
run_create_scheduler(struct admin *admin, int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "public-url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *public_url = admin->config.public_url;
	struct scheduler_credentials credentials;
	int64_t customer_id, scheduler_id, now = time(NULL);
	struct error error;
	size_t length;
	sqlite3 *db;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'n')
			name = optarg;
		else if (c == 'u')
			public_url = optarg;
		else
			return 2;
	}
	if (optind != argc || name == NULL || *name == '\0' ||
	    strlen(name) > SCHEDULER_NAME_MAX) {
		fprintf(stderr, "chronatog-admin: create-scheduler needs "
		    "--name NAME (1 to %d bytes) and no other arguments\n",
		    SCHEDULER_NAME_MAX);
		return 2;
	}
	if (public_url == NULL)
		public_url = DEFAULT_PUBLIC_URL;
	if (public_url_check(public_url, &error) < 0) {
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return 2;
	}

	if (admin_open_db(admin, &db) < 0)
		return 1;
	if (db_begin(db, &error) < 0 ||
	    customer_create(db, name, now, &customer_id, &error) < 0 ||
	    scheduler_create(db, customer_id, name, now, &scheduler_id,
	    &credentials, &error) < 0 || db_commit(db, &error) < 0) {
		db_rollback(db);
		db_close(db);
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return 1;
	}
	db_close(db);

	printf("scheduler_id=%lld\n", (long long)scheduler_id);
	length = strlen(public_url);
	while (length > 0 && public_url[length - 1] == '/')
		length--;
	printf("service_url=%.*s/chronatogapi/1/jobs\n", (int)length,
	    public_url);
	printf("auth_username=%s\n", credentials.username);
	printf("auth_password=%s\n", credentials.password);
	printf("webhook_secret=%s\n", credentials.webhook_secret);
	return 0;
}

static int
run_next_runs(struct admin *admin, int argc, char **argv)
{
	static const struct option options[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "timezone", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 },
	};
	const char *zone = "UTC";
	struct cron_schedule schedule;
	char text[TIMEFMT_RFC3339_SIZE], *end;
	int64_t at = time(NULL);
	struct error error;
	long count = 5, i;
	int c;

	(void)admin;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (timefmt_parse_rfc3339(optarg, &at, &error) < 0) {
				fprintf(stderr, "chronatog-admin: --from: %s\n",
				    error.message);
				return 2;
			}
			break;
		case 'c':
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || count < 1 ||
			    count > 100000) {
				fprintf(stderr, "chronatog-admin: --count must "
				    "be a number from 1 to 100000, not '%s'\n",
				    optarg);
				return 2;
			}
			break;
		case 'z':
			zone = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "chronatog-admin: next-runs needs exactly one "
		    "SCHEDULE argument; quote it, as in '*/5 * * * *'\n");
		return 2;
	}

	if (cron_parse(argv[optind], &schedule, &error) < 0) {
		fprintf(stderr, "chronatog-admin: invalid schedule '%s': %s\n",
		    argv[optind], error.message);
		return 1;
	}
	if (cron_zone_check(zone, &error) < 0) {
		fprintf(stderr, "chronatog-admin: --timezone: %s\n",
		    error.message);
		return 1;
	}

	for (i = 0; i < count; i++) {
		at = cron_next_in_zone(&schedule, zone, at);
		if (at > LAST_PRINTABLE_TIME) {
			fprintf(stderr, "chronatog-admin: no more times before "
			    "the year 10000\n");
			return 1;
		}
		if (at < 0) {
			fprintf(stderr, "chronatog-admin: schedule '%s' does "
			    "not fire again within 30 years\n", argv[optind]);
			return 1;
		}
		timefmt_rfc3339(at, text);
		printf("%s\n", text);
	}
	return 0;
}

/* One line of the status report: a label and the query counting it. */
struct status_line {
	const char *label;
	const char *sql;	/* ?1 is the current time */
};

static const struct status_line status_lines[] = {
	{ "schedulers", "SELECT count(*) FROM schedulers "
	    "WHERE decommissioned_at IS NULL" },
	{ "jobs", "SELECT count(*) FROM jobs" },
	{ "jobs_enabled", "SELECT count(*) FROM jobs WHERE enabled = 1" },
	{ "jobs_disabled", "SELECT count(*) FROM jobs WHERE enabled = 0" },
	{ "jobs_due", "SELECT count(*) FROM jobs WHERE enabled = 1 "
	    "AND next_run_at <= ?1" },
	{ "jobs_retrying", "SELECT count(*) FROM jobs WHERE enabled = 1 "
	    "AND attempts > 0" },
	{ "jobs_failing", "SELECT count(*) FROM failing_jobs" },
	{ "runs_last_hour", "SELECT count(*) FROM job_runs "
	    "WHERE started_at > ?1 - 3600" },
	{ "failures_last_hour", "SELECT count(*) FROM job_runs "
	    "WHERE started_at > ?1 - 3600 AND (http_status IS NULL "
	    "OR http_status NOT BETWEEN 200 AND 299)" },
	{ NULL, NULL },
};

static int
run_status(struct admin *admin, int argc, char **argv)
{
	sqlite3_stmt *statement;
	struct error error;
	sqlite3 *db;
	int i, rc = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "chronatog-admin: status takes no arguments\n");
		return 2;
	}
	if (admin_open_db(admin, &db) < 0)
		return 1;

	for (i = 0; status_lines[i].label != NULL && rc == 0; i++) {
		if (db_prepare(db, status_lines[i].sql, &statement,
		    &error) < 0) {
			rc = 1;
			break;
		}
		sqlite3_bind_int64(statement, 1, time(NULL));
		if (sqlite3_step(statement) == SQLITE_ROW) {
			printf("%s=%lld\n", status_lines[i].label,
			    (long long)sqlite3_column_int64(statement, 0));
		} else {
			db_error(db, &error, status_lines[i].label);
			rc = 1;
		}
		sqlite3_finalize(statement);
	}
	if (rc != 0)
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
	db_close(db);
	return rc;
}

static int
run_run_job(struct admin *admin, int argc, char **argv)
{
	sqlite3_stmt *statement;
	struct error error;
	long long id;
	char *end;
	sqlite3 *db;
	int changed;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) <= 0 ||
	    *end != '\0') {
		fprintf(stderr, "chronatog-admin: usage: chronatog-admin "
		    "run-job JOB_ID\n");
		return 2;
	}
	if (admin_open_db(admin, &db) < 0)
		return 1;
	if (db_prepare(db, "UPDATE jobs SET next_run_at = ?, attempts = 0, "
	    "retry_at = NULL WHERE id = ? AND enabled = 1", &statement,
	    &error) < 0) {
		db_close(db);
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return 1;
	}
	sqlite3_bind_int64(statement, 1, time(NULL));
	sqlite3_bind_int64(statement, 2, id);
	if (db_run(db, statement, &error) < 0) {
		db_close(db);
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return 1;
	}
	changed = sqlite3_changes(db);
	db_close(db);
	if (changed == 0) {
		fprintf(stderr, "chronatog-admin: no enabled job %lld\n", id);
		return 1;
	}
	printf("job %lld is due now; the runner fires it on its next "
	    "poll\n", id);
	return 0;
}

static const struct command commands[] = {
	{ "migrate", "migrate",
	    "Creates the database if needed and applies pending schema\n"
	    "migrations (the files of sql/, compiled into the programs), each\n"
	    "in its own transaction.\n",
	    run_migrate },
	{ "create-scheduler", "create-scheduler --name NAME [--public-url URL]",
	    "Creates a customer and a scheduler for standalone use and prints\n"
	    "its jobs API URL and credentials as shell-friendly lines:\n"
	    "scheduler_id=, service_url=, auth_username=, auth_password=,\n"
	    "and webhook_secret=, the key that signs its callbacks. The\n"
	    "password is shown only this once.\n\n"
	    "  --name NAME       name of the customer and scheduler\n"
	    "  --public-url URL  base URL of this Chronatog (default: the\n"
	    "                    configuration's public_url, else "
	    DEFAULT_PUBLIC_URL ")\n",
	    run_create_scheduler },
	{ "next-runs", "next-runs SCHEDULE [--from TIME] [--count N] "
	    "[--timezone ZONE]",
	    "Prints the next N times (default 5) at which the cron\n"
	    "expression SCHEDULE fires, strictly after --from (an RFC 3339\n"
	    "time, default now), one per line in RFC 3339 UTC. With\n"
	    "--timezone the schedule is read as wall-clock time in that IANA\n"
	    "zone. Exits with status 1 and the reason when the schedule is\n"
	    "invalid or never fires.\n",
	    run_next_runs },
	{ "save-creds", "save-creds AUTH_ID AUTH_KEY",
	    "Saves the partner credentials Engine Yard gave. Requests from\n"
	    "EY must be signed with them, and Chronatog signs its requests\n"
	    "to EY with the newest saved.\n",
	    admin_save_creds },
	{ "list-services", "list-services REGISTRATION_URL",
	    "Lists the services registered at REGISTRATION_URL\n"
	    "(https://.../api/1/partners/<id>/services), which also tests\n"
	    "the connection and the credentials.\n",
	    admin_list_services },
	{ "register-service",
	    "register-service REGISTRATION_URL [--public-url URL]",
	    "Registers Chronatog with Engine Yard and remembers the service\n"
	    "URL it answers with. --public-url (default: the configuration's\n"
	    "public_url) is the base of the URLs EY is given.\n",
	    admin_register_service },
	{ "update-service", "update-service [--public-url URL]",
	    "Sends the service's description again to the registered service\n"
	    "URL, for example after public_url changed.\n",
	    admin_update_service },
	{ "deregister-service", "deregister-service",
	    "Removes the registered service from Engine Yard and forgets it.\n",
	    admin_deregister_service },
	{ "reset-auth", "reset-auth SCHEDULER_ID",
	    "Gives a scheduler a new username and password and prints them\n"
	    "once; the old ones stop working at once. For a scheduler made\n"
	    "by Engine Yard, the runner also sends the new vars to EY.\n",
	    admin_reset_auth },
	{ "bill", "bill [--customer ID]",
	    "Closes the billing period of every customer (or one) now and\n"
	    "queues an invoice for each on the awesome plan with a total\n"
	    "above zero: 2 cents a day and 5 cents a callback. The runner\n"
	    "sends the invoices to Engine Yard.\n",
	    admin_bill },
	{ "run-job", "run-job JOB_ID",
	    "Makes an enabled job due now, so that the runner fires it on\n"
	    "its next poll; it then returns to its schedule. Job 1 is\n"
	    "Chronatog's monthly billing.\n",
	    run_run_job },
	{ "status", "status",
	    "Prints counts as name=value lines: schedulers in service, jobs\n"
	    "(enabled, disabled, due now, retrying, failing), and runs and\n"
	    "failed runs in the last hour.\n",
	    run_status },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct admin admin = { 0 };
	const char *db_path = NULL;
	struct error error;
	int c, i, status;

	/* "+" stops at the command name, leaving its options to it. */
	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			db_path = optarg;
			break;
		case 'c':
			admin.config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("chronatog-admin %s\n", CHRONATOG_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}

	for (i = 0; commands[i].name != NULL; i++)
		if (strcmp(commands[i].name, argv[optind]) == 0)
			break;
	if (commands[i].name == NULL) {
		fprintf(stderr, "chronatog-admin: unknown command '%s'; run "
		    "'chronatog-admin --help' for the list\n", argv[optind]);
		return 2;
	}
	if (wants_help(&commands[i], argc - optind, argv + optind))
		return 0;

	if (config_load(admin.config_path, &admin.config, &error) < 0 ||
	    (db_path != NULL &&
	    config_set(&admin.config, "db", db_path, &error) < 0)) {
		fprintf(stderr, "chronatog-admin: %s\n", error.message);
		return 1;
	}

	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: restart getopt for the command's options */
	status = commands[i].run(&admin, argc, argv);
	config_free(&admin.config);
	return status;
}
