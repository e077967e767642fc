#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "callback_url.h"
#include "db.h"
#include "ey_account.h"

/*
 * Reads the non-empty string `name` of `object`; `label` names it in
 * messages. When `url` is set, it must be an http(s) URL.
 */
static const char *
read_string(json_object *object, const char *name, const char *label,
    int url, json_object *messages)
{
	json_object *value;
	const char *text;
	struct error error;

	if (!json_object_object_get_ex(object, name, &value) ||
	    !json_object_is_type(value, json_type_string) ||
	    *(text = json_object_get_string(value)) == '\0' ||
	    strlen(text) != (size_t)json_object_get_string_len(value)) {
		error_add(messages, "%s must be a non-empty string", label);
		return NULL;
	}
	if (url && http_url_check(text, label, 1, &error) < 0) {
		error_add(messages, "%s", error.message);
		return NULL;
	}
	return text;
}

int
ey_account_read(json_object *body, struct ey_account_input *input,
    json_object *messages)
{
	size_t before = json_object_array_length(messages);
	json_object *id;

	memset(input, 0, sizeof(*input));
	if (!json_object_is_type(body, json_type_object)) {
		error_add(messages, "request body must be a JSON object");
		return 1;
	}
	if (!json_object_object_get_ex(body, "id", &id) ||
	    !json_object_is_type(id, json_type_int) ||
	    (input->id = json_object_get_int64(id)) <= 0)
		error_add(messages, "id must be a positive integer");
	input->name = read_string(body, "name", "name", 0, messages);
	input->url = read_string(body, "url", "url", 1, messages);
	input->messages_url = read_string(body, "messages_url",
	    "messages_url", 1, messages);
	input->invoices_url = read_string(body, "invoices_url",
	    "invoices_url", 1, messages);
	return (int)(json_object_array_length(messages) - before);
}

int
ey_provision_read(json_object *body, struct ey_provision_input *input,
    json_object *messages)
{
	size_t before = json_object_array_length(messages);
	json_object *app = NULL, *environment = NULL;

	memset(input, 0, sizeof(*input));
	if (!json_object_is_type(body, json_type_object)) {
		error_add(messages, "request body must be a JSON object");
		return 1;
	}
	input->url = read_string(body, "url", "url", 1, messages);
	input->messages_url = read_string(body, "messages_url",
	    "messages_url", 1, messages);
	if (!json_object_object_get_ex(body, "app", &app) ||
	    !json_object_is_type(app, json_type_object))
		error_add(messages, "app must be an object");
	else
		input->app_name = read_string(app, "name", "app.name", 0,
		    messages);
	if (!json_object_object_get_ex(body, "environment", &environment) ||
	    !json_object_is_type(environment, json_type_object))
		error_add(messages, "environment must be an object");
	else
		input->environment_name = read_string(environment, "name",
		    "environment.name", 0, messages);
	return (int)(json_object_array_length(messages) - before);
}

/*
 * Finds the customer for the account with EY id `account_id` or URL
 * `url`: 1 found, 0 not, -1 error.
 */
static int
find_account(sqlite3 *db, int64_t account_id, const char *url,
    int64_t *customer_id, struct error *error)
{
	sqlite3_stmt *statement;
	int rc;

	if (db_prepare(db, "SELECT id FROM customers WHERE ey_url = ? "
	    "OR ey_account_id = ? ORDER BY id LIMIT 1", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 2, account_id);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW)
		*customer_id = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, error, "cannot look up the account");
	return rc == SQLITE_ROW;
}

int
ey_account_create(sqlite3 *db, const struct ey_account_input *input,
    int64_t now, int64_t *customer_id, struct error *error)
{
	sqlite3_stmt *statement;
	int found;

	found = find_account(db, input->id, input->url, customer_id, error);
	if (found != 0)
		return found < 0 ? -1 : 0;

	if (db_prepare(db, "INSERT INTO customers (name, created_at, "
	    "ey_account_id, ey_url, messages_url, invoices_url) "
	    "VALUES (?, ?, ?, ?, ?, ?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, input->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 2, now);
	sqlite3_bind_int64(statement, 3, input->id);
	sqlite3_bind_text(statement, 4, input->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 5, input->messages_url, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 6, input->invoices_url, -1,
	    SQLITE_STATIC);
	if (db_run(db, statement, error) < 0)
		return -1;
	*customer_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
ey_account_cancel(sqlite3 *db, int64_t customer_id, int64_t now,
    struct billing_result *bill, struct error *error)
{
	sqlite3_stmt *statement;
	int found;

	found = billing_bill_customer(db, customer_id, now, bill, error);
	if (found <= 0)
		return found;

	if (db_prepare(db, "DELETE FROM customers WHERE id = ?", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);
	return db_run(db, statement, error) < 0 ? -1 : 1;
}

/* Returns 1 when customer `customer_id` exists, 0 when not, -1. */
static int
customer_exists(sqlite3 *db, int64_t customer_id, struct error *error)
{
	sqlite3_stmt *statement;
	int rc;

	if (db_prepare(db, "SELECT 1 FROM customers WHERE id = ?", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);
	rc = sqlite3_step(statement);
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, error, "cannot look up the customer");
	return rc == SQLITE_ROW;
}

/*
 * Finds the scheduler in service that customer `customer_id` has for
 * the provisioned service at `url`: 1 found, 0 not, -1 error.
 */
static int
find_provisioned(sqlite3 *db, int64_t customer_id, const char *url,
    int64_t *scheduler_id, struct error *error)
{
	sqlite3_stmt *statement;
	int rc;

	if (db_prepare(db, "SELECT id FROM schedulers WHERE customer_id = ? "
	    "AND ey_url = ? AND decommissioned_at IS NULL ORDER BY id "
	    "LIMIT 1", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);
	sqlite3_bind_text(statement, 2, url, -1, SQLITE_STATIC);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW)
		*scheduler_id = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, error, "cannot look up the scheduler");
	return rc == SQLITE_ROW;
}

int
ey_provision(sqlite3 *db, int64_t customer_id,
    const struct ey_provision_input *input, int64_t now,
    int64_t *scheduler_id, struct scheduler_credentials *credentials,
    struct error *error)
{
	sqlite3_stmt *statement;
	char name[SCHEDULER_NAME_MAX + 1];
	int found;

	found = customer_exists(db, customer_id, error);
	if (found <= 0)
		return found;

	/*
	 * EY sent this activation before and may not have received the
	 * response, so the scheduler it made is kept with new credentials:
	 * the first password, shown once, cannot be shown again.
	 */
	found = find_provisioned(db, customer_id, input->url, scheduler_id,
	    error);
	if (found < 0)
		return -1;
	if (found > 0)
		return scheduler_reset_credentials(db, *scheduler_id,
		    credentials, error) < 0 ? -1 : 1;

	snprintf(name, sizeof(name), "%s/%s", input->app_name,
	    input->environment_name);
	if (scheduler_create(db, customer_id, name, now, scheduler_id,
	    credentials, error) < 0)
		return -1;

	if (db_prepare(db, "UPDATE schedulers SET ey_url = ?, "
	    "messages_url = ?, app_name = ?, environment_name = ? "
	    "WHERE id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, input->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, input->messages_url, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, input->app_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, input->environment_name, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(statement, 5, *scheduler_id);
	return db_run(db, statement, error) < 0 ? -1 : 1;
}

int
ey_deprovision(sqlite3 *db, int64_t customer_id, int64_t scheduler_id,
    int64_t now, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "UPDATE schedulers SET decommissioned_at = "
	    "coalesce(decommissioned_at, ?) WHERE id = ? AND customer_id = ?",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, now);
	sqlite3_bind_int64(statement, 2, scheduler_id);
	sqlite3_bind_int64(statement, 3, customer_id);
	if (db_run(db, statement, error) < 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;

	/* Disabled jobs leave the runner's due index, too. */
	if (db_prepare(db, "UPDATE jobs SET enabled = 0, last_error = "
	    "'disabled: the scheduler was taken out of service' "
	    "WHERE scheduler_id = ? AND enabled = 1", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);
	return db_run(db, statement, error) < 0 ? -1 : 1;
}
