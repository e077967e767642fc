/*
 * The commands of ey-sandbox and the helpers they share. Each command
 * gets "ey-sandbox <command>" as argv[0] and its arguments after it, and
 * parses its options with getopt_long(). It prints "ey-sandbox:
 * <message>" on standard error when it fails, and returns the exit
 * status: 0 on success, 1 on failure, 2 on invalid arguments.
 */
#ifndef EY_SANDBOX_COMMANDS_H
#define EY_SANDBOX_COMMANDS_H

#include <stdint.h>

#include <sqlite3.h>

#include "ey_client.h"
#include "store.h"

/* Settings from the global options. */
struct sandbox {
	const char *db_path;
};

typedef int command_fn(const struct sandbox *sandbox, int argc,
    char **argv);

command_fn run_serve;		/* server.c */
command_fn run_init;		/* init.c */
command_fn run_enable;		/* account_commands.c */
command_fn run_cancel;
command_fn run_provision;	/* provision_commands.c */
command_fn run_deprovision;
command_fn run_sso_url;		/* sso_url.c */
command_fn run_request;		/* request.c */
command_fn run_services;	/* reports.c */
command_fn run_requests;
command_fn run_messages;
command_fn run_invoices;
command_fn run_vars;

/* Prints "ey-sandbox: <message>" on standard error. */
void command_error(const char *format, ...)
    __attribute__((format(__printf__, 1, 2)));

/*
 * Prints "ey-sandbox: <message>" and a pointer to the command's help on
 * standard error, and returns 2.
 */
int command_usage_error(const char *command, const char *format, ...)
    __attribute__((format(__printf__, 2, 3)));

/*
 * Prints a pointer to the command's help on standard error, after
 * getopt_long() has reported an invalid option, and returns 2.
 */
int command_usage_hint(const char *command);

/*
 * Opens the existing database of `sandbox` and loads its settings. On
 * failure, including a database that `init` has not set up, prints why
 * and returns -1. On success the caller frees `settings` with
 * store_settings_free() and closes `*db` with sqlite3_close().
 */
int command_open(const struct sandbox *sandbox, sqlite3 **db,
    struct store_settings *settings);

/*
 * Parses the value `text` of option `option` as a positive id. Prints
 * why and returns -1 when it is not one.
 */
int command_parse_id(const char *option, const char *text, int64_t *id);

/*
 * Parses the arguments of a command whose only option is --`option` ID,
 * which is required, into `*id`. Returns 0, or prints why and returns 2.
 */
int command_parse_id_option(const char *command, const char *option,
    int argc, char **argv, int64_t *id);

/* Returns whether `status` is a 2xx HTTP status. */
int command_is_success(long status);

/*
 * Prints on standard error that `method` on `url` returned an
 * unsuccessful status, with the first bytes of the response body.
 */
void command_report_response(const char *method, const char *url,
    const struct ey_response *response);

#endif
