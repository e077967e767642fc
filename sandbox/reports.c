/*
 * The commands that print what the sandbox stored, one JSON object per
 * line, oldest first: `services`, `requests`, `messages`, `invoices` and
 * `vars`. Times are RFC 3339 strings in UTC.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "db.h"
#include "output.h"
#include "routes.h"

/* Largest number of options of a report. */
#define REPORT_OPTIONS_MAX 2

/* Prints one row; the store_row_fn of most reports. */
static int
print_row(json_object *row, void *context)
{
	(void)context;
	output_json_line(row);
	return 0;
}

/*
 * Runs `sql` and prints every row. Its parameters ?1, ?2, ... get the
 * `count` values of `ids`, NULL for those that are 0, then `text` when
 * it is not NULL. Returns the exit status.
 */
static int
print_query(const struct sandbox *sandbox, const char *sql,
    const int64_t *ids, int count, const char *text)
{
	struct store_settings settings;
	sqlite3_stmt *statement;
	struct error error;
	sqlite3 *db;
	int i, status = 1;

	if (command_open(sandbox, &db, &settings) < 0)
		return 1;
	if (db_prepare(db, sql, &statement, &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	for (i = 0; i < count; i++)
		if (ids[i] != 0)
			sqlite3_bind_int64(statement, i + 1, ids[i]);
	if (text != NULL)
		sqlite3_bind_text(statement, count + 1, text, -1,
		    SQLITE_STATIC);

	if (store_each_row(db, statement, print_row, NULL, &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	status = 0;

cleanup:
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}

/*
 * Parses options that each take an id, named by the `count` long names
 * in `names`, into `ids` (0 for those not given). Returns 0, or the exit
 * status of a usage error.
 */
static int
parse_id_options(const char *command, const char *const *names, int count,
    int argc, char **argv, int64_t *ids)
{
	struct option options[REPORT_OPTIONS_MAX + 1];
	char label[64];
	int c, i;

	for (i = 0; i < count; i++) {
		options[i].name = names[i];
		options[i].has_arg = required_argument;
		options[i].flag = NULL;
		options[i].val = 'a' + i;
		ids[i] = 0;
	}
	options[count] = (struct option){ NULL, 0, NULL, 0 };

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		i = c - 'a';
		if (i < 0 || i >= count)
			return command_usage_hint(command);
		snprintf(label, sizeof(label), "--%s", names[i]);
		if (command_parse_id(label, optarg, &ids[i]) < 0)
			return 2;
	}
	if (optind != argc)
		return command_usage_error(command, "%s takes no arguments "
		    "besides its options", command);
	return 0;
}

/* Prints a service as {"id", ...fields, "url"}; context: the settings. */
static int
print_service(json_object *row, void *context)
{
	const struct store_settings *settings = context;
	struct route route = { .kind = ROUTE_SERVICE };
	json_object *line, *fields;
	char *url;

	route.partner_id = settings->partner_id;
	route.service_id = json_object_get_int64(json_object_object_get(row,
	    "id"));
	if ((url = route_url(settings->base_url, &route)) == NULL ||
	    (line = json_object_new_object()) == NULL) {
		free(url);
		command_error("out of memory");
		return 1;
	}

	json_object_object_add(line, "id", json_object_new_int64(
	    route.service_id));
	fields = json_object_object_get(row, "fields");
	json_object_object_foreach(fields, key, value)
		json_object_object_add(line, key, json_object_get(value));
	json_object_object_add(line, "url", json_object_new_string(url));
	output_json_line(line);
	json_object_put(line);
	free(url);
	return 0;
}

int
run_services(const struct sandbox *sandbox, int argc, char **argv)
{
	struct store_settings settings;
	struct error error;
	sqlite3 *db;
	int status = 0;

	(void)argv;
	if (argc != 1)
		return command_usage_error("services", "services takes no "
		    "arguments");
	if (command_open(sandbox, &db, &settings) < 0)
		return 1;
	if (store_service_list(db, settings.partner_id, print_service,
	    &settings, &error) < 0) {
		command_error("%s", error.message);
		status = 1;
	}
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}

int
run_requests(const struct sandbox *sandbox, int argc, char **argv)
{
	static const struct option options[] = {
		{ "path-contains", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *text = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c != 'p')
			return command_usage_hint("requests");
		text = optarg;
	}
	if (optind != argc)
		return command_usage_error("requests", "requests takes no "
		    "arguments besides its options");

	return print_query(sandbox, "SELECT id, received_at, method, path, "
	    "query, content_type, body, status, authentication_error "
	    "FROM requests WHERE ?1 IS NULL OR instr(path, ?1) > 0 "
	    "ORDER BY id", NULL, 0, text);
}

int
run_messages(const struct sandbox *sandbox, int argc, char **argv)
{
	static const char *const names[] = { "account", "provisioned" };
	int64_t ids[2];
	int status;

	if ((status = parse_id_options("messages", names, 2, argc, argv,
	    ids)) != 0)
		return status;
	return print_query(sandbox, "SELECT id, service_account_id, "
	    "provisioned_service_id, message_type, subject, body, source, "
	    "received_at FROM messages "
	    "WHERE (?1 IS NULL OR service_account_id = ?1) "
	    "AND (?2 IS NULL OR provisioned_service_id = ?2) ORDER BY id",
	    ids, 2, NULL);
}

int
run_invoices(const struct sandbox *sandbox, int argc, char **argv)
{
	static const char *const names[] = { "account" };
	int64_t ids[1];
	int status;

	if ((status = parse_id_options("invoices", names, 1, argc, argv,
	    ids)) != 0)
		return status;
	return print_query(sandbox, "SELECT id, service_account_id, "
	    "total_amount_cents, line_item_description, unique_id, "
	    "received_at FROM invoices "
	    "WHERE ?1 IS NULL OR service_account_id = ?1 ORDER BY id",
	    ids, 1, NULL);
}

int
run_vars(const struct sandbox *sandbox, int argc, char **argv)
{
	static const char *const names[] = { "provisioned" };
	struct store_provisioned provisioned;
	struct store_settings settings;
	json_object *vars;
	struct error error;
	int64_t ids[1];
	sqlite3 *db;
	int found, status;

	if ((status = parse_id_options("vars", names, 1, argc, argv,
	    ids)) != 0)
		return status;
	if (ids[0] == 0)
		return command_usage_error("vars", "vars needs --provisioned "
		    "ID");
	if (command_open(sandbox, &db, &settings) < 0)
		return 1;

	status = 1;
	found = store_provisioned_get(db, ids[0], &provisioned, &error);
	if (found < 0) {
		command_error("%s", error.message);
	} else if (found == 0) {
		command_error("provisioned service %lld not found",
		    (long long)ids[0]);
	} else {
		if (json_object_object_get_ex(provisioned.partner_fields,
		    "vars", &vars) && vars != NULL)
			output_json_line(vars);
		else
			printf("{}\n");
		store_provisioned_free(&provisioned);
		status = 0;
	}
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}
