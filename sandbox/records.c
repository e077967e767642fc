/*
 * The records of ey-sandbox: services, service accounts, provisioned
 * services, messages and invoices. The schema is in store.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"

/* The flags with which JSON columns are written. */
#define STORE_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | \
    JSON_C_TO_STRING_NOSLASHESCAPE)

/* Reads column `column` of the current row as a JSON object, or NULL. */
static int
column_json(sqlite3_stmt *statement, int column, json_object **object,
    struct error *error)
{
	return store_parse_json((const char *)sqlite3_column_text(statement,
	    column), object, error);
}

/* Copies column `column` of the current row, "" when it is NULL. */
static int
column_string(sqlite3_stmt *statement, int column, char **out,
    struct error *error)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	*out = strdup(text != NULL ? (const char *)text : "");
	return *out != NULL ? 0 : error_set(error, "out of memory");
}

/* Binds `object` as JSON text, or NULL when `object` is NULL. */
static void
bind_json(sqlite3_stmt *statement, int parameter, json_object *object)
{
	if (object == NULL)
		sqlite3_bind_null(statement, parameter);
	else
		sqlite3_bind_text(statement, parameter,
		    json_object_to_json_string_ext(object, STORE_JSON_FLAGS),
		    -1, SQLITE_TRANSIENT);
}

/* Returns the "name" string of service fields, "" when there is none. */
static const char *
service_name(json_object *fields)
{
	json_object *name;

	if (!json_object_object_get_ex(fields, "name", &name) ||
	    !json_object_is_type(name, json_type_string))
		return "";
	return json_object_get_string(name);
}

/*
 * Steps `statement`, which selects at most one row, and hands its first
 * column to `*fields` as JSON. Returns 1, 0 or -1 as the getters do, and
 * finalizes `statement`.
 */
static int
step_json_row(sqlite3 *db, sqlite3_stmt *statement, json_object **fields,
    struct error *error)
{
	int rc, result = -1;

	*fields = NULL;
	rc = sqlite3_step(statement);
	if (rc == SQLITE_DONE)
		result = 0;
	else if (rc != SQLITE_ROW)
		db_error(db, error, "cannot read a service");
	else if (column_json(statement, 0, fields, error) == 0)
		result = 1;
	sqlite3_finalize(statement);
	return result;
}

int
store_service_create(sqlite3 *db, int64_t partner_id, json_object *fields,
    int64_t now, int64_t *service_id, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO services (partner_id, name, fields, "
	    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, partner_id);
	sqlite3_bind_text(statement, 2, service_name(fields), -1,
	    SQLITE_TRANSIENT);
	bind_json(statement, 3, fields);
	sqlite3_bind_int64(statement, 4, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	*service_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
store_service_get(sqlite3 *db, int64_t partner_id, int64_t service_id,
    json_object **fields, struct error *error)
{
	sqlite3_stmt *statement;

	*fields = NULL;
	if (db_prepare(db, "SELECT fields FROM services "
	    "WHERE id = ?1 AND partner_id = ?2", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, service_id);
	sqlite3_bind_int64(statement, 2, partner_id);
	return step_json_row(db, statement, fields, error);
}

int
store_service_latest(sqlite3 *db, int64_t partner_id, int64_t *service_id,
    json_object **fields, struct error *error)
{
	sqlite3_stmt *statement;
	int64_t id;

	*fields = NULL;
	if (db_prepare(db, "SELECT max(id) FROM services WHERE partner_id = ?1",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, partner_id);
	if (sqlite3_step(statement) != SQLITE_ROW) {
		sqlite3_finalize(statement);
		return db_error(db, error, "cannot read the services");
	}
	if (sqlite3_column_type(statement, 0) == SQLITE_NULL) {
		sqlite3_finalize(statement);
		return 0;
	}
	id = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);

	*service_id = id;
	return store_service_get(db, partner_id, id, fields, error);
}

int
store_service_update(sqlite3 *db, int64_t service_id, json_object *fields,
    int64_t now, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "UPDATE services SET name = ?2, fields = ?3, "
	    "updated_at = ?4 WHERE id = ?1", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, service_id);
	sqlite3_bind_text(statement, 2, service_name(fields), -1,
	    SQLITE_TRANSIENT);
	bind_json(statement, 3, fields);
	sqlite3_bind_int64(statement, 4, now);
	return db_run(db, statement, error);
}

int
store_service_delete(sqlite3 *db, int64_t partner_id, int64_t service_id,
    struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "DELETE FROM services "
	    "WHERE id = ?1 AND partner_id = ?2", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, service_id);
	sqlite3_bind_int64(statement, 2, partner_id);
	if (db_run(db, statement, error) < 0)
		return -1;
	return sqlite3_changes(db) > 0 ? 1 : 0;
}

/* The context of service_row(): the caller's callback and context. */
struct service_walk {
	store_row_fn *each;
	void *context;
	struct error *error;
	int failed;
};

/* Replaces the "fields" text of a row by the parsed object. */
static int
service_row(json_object *row, void *context)
{
	struct service_walk *walk = context;
	json_object *fields;

	if (store_parse_json(json_object_get_string(json_object_object_get(
	    row, "fields")), &fields, walk->error) < 0) {
		walk->failed = 1;
		return 1;
	}
	json_object_object_add(row, "fields", fields);
	return walk->each(row, walk->context);
}

int
store_service_list(sqlite3 *db, int64_t partner_id, store_row_fn *each,
    void *context, struct error *error)
{
	struct service_walk walk = { each, context, error, 0 };
	sqlite3_stmt *statement;

	if (db_prepare(db, "SELECT id, fields FROM services "
	    "WHERE partner_id = ?1 ORDER BY id", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, partner_id);
	if (store_each_row(db, statement, service_row, &walk, error) < 0)
		return -1;
	return walk.failed ? -1 : 0;
}

int
store_account_create(sqlite3 *db, int64_t service_id, const char *name,
    int64_t now, int64_t *account_id, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO service_accounts (service_id, name, "
	    "created_at) VALUES (?1, ?2, ?3)", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, service_id);
	sqlite3_bind_text(statement, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	*account_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
store_account_get(sqlite3 *db, int64_t account_id,
    struct store_account *account, struct error *error)
{
	sqlite3_stmt *statement;
	int rc, result = -1;

	memset(account, 0, sizeof(*account));
	if (db_prepare(db, "SELECT a.id, a.service_id, s.partner_id, a.name, "
	    "a.partner_fields, a.created_at, a.cancelled_at "
	    "FROM service_accounts a JOIN services s ON s.id = a.service_id "
	    "WHERE a.id = ?1", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, account_id);

	rc = sqlite3_step(statement);
	if (rc == SQLITE_DONE) {
		result = 0;
		goto cleanup;
	}
	if (rc != SQLITE_ROW) {
		db_error(db, error, "cannot read a service account");
		goto cleanup;
	}
	account->id = sqlite3_column_int64(statement, 0);
	account->service_id = sqlite3_column_int64(statement, 1);
	account->partner_id = sqlite3_column_int64(statement, 2);
	account->created_at = sqlite3_column_int64(statement, 5);
	account->cancelled_at = sqlite3_column_int64(statement, 6);
	if (column_string(statement, 3, &account->name, error) < 0 ||
	    column_json(statement, 4, &account->partner_fields, error) < 0)
		goto cleanup;
	result = 1;

cleanup:
	sqlite3_finalize(statement);
	if (result != 1)
		store_account_free(account);
	return result;
}

void
store_account_free(struct store_account *account)
{
	free(account->name);
	json_object_put(account->partner_fields);
	memset(account, 0, sizeof(*account));
}

/*
 * Runs `sql`, which takes an id as ?1 and, when it has a second
 * parameter, `fields` as JSON or else `value` as ?2.
 */
static int
run_on_id(sqlite3 *db, const char *sql, int64_t id, json_object *fields,
    int64_t value, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, sql, &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	if (sqlite3_bind_parameter_count(statement) >= 2 && fields != NULL)
		bind_json(statement, 2, fields);
	else if (sqlite3_bind_parameter_count(statement) >= 2)
		sqlite3_bind_int64(statement, 2, value);
	return db_run(db, statement, error);
}

int
store_account_set_partner_fields(sqlite3 *db, int64_t account_id,
    json_object *fields, struct error *error)
{
	return run_on_id(db, "UPDATE service_accounts SET partner_fields = ?2 "
	    "WHERE id = ?1", account_id, fields, 0, error);
}

int
store_account_cancel(sqlite3 *db, int64_t account_id, int64_t now,
    struct error *error)
{
	return run_on_id(db, "UPDATE service_accounts SET cancelled_at = ?2 "
	    "WHERE id = ?1", account_id, NULL, now, error);
}

int
store_account_delete(sqlite3 *db, int64_t account_id, struct error *error)
{
	return run_on_id(db, "DELETE FROM service_accounts WHERE id = ?1",
	    account_id, NULL, 0, error);
}

/*
 * Finds or creates the row named `name` of the account in `table` (apps
 * or environments) and sets `*id`.
 */
static int
find_or_create(sqlite3 *db, const char *table, int64_t account_id,
    const char *name, int64_t *id, struct error *error)
{
	sqlite3_stmt *statement;
	char sql[256];

	snprintf(sql, sizeof(sql), "INSERT INTO %s (service_account_id, name) "
	    "VALUES (?1, ?2) ON CONFLICT DO NOTHING", table);
	if (db_prepare(db, sql, &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, account_id);
	sqlite3_bind_text(statement, 2, name, -1, SQLITE_STATIC);
	if (db_run(db, statement, error) < 0)
		return -1;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s "
	    "WHERE service_account_id = ?1 AND name = ?2", table);
	if (db_prepare(db, sql, &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, account_id);
	sqlite3_bind_text(statement, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(statement) != SQLITE_ROW) {
		sqlite3_finalize(statement);
		return db_error(db, error, table);
	}
	*id = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return 0;
}

int
store_provisioned_create(sqlite3 *db, int64_t account_id,
    const char *app_name, const char *environment_name,
    const char *framework_env, const char *aws_region, int64_t now,
    struct store_provisioned *provisioned, struct error *error)
{
	sqlite3_stmt *statement;
	int64_t app_id, environment_id, id;

	memset(provisioned, 0, sizeof(*provisioned));
	if (db_begin(db, error) < 0)
		return -1;
	if (find_or_create(db, "apps", account_id, app_name, &app_id,
	    error) < 0 || find_or_create(db, "environments", account_id,
	    environment_name, &environment_id, error) < 0)
		goto fail;

	if (db_prepare(db, "INSERT INTO provisioned_services "
	    "(service_account_id, app_id, environment_id, framework_env, "
	    "aws_region, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    &statement, error) < 0)
		goto fail;
	sqlite3_bind_int64(statement, 1, account_id);
	sqlite3_bind_int64(statement, 2, app_id);
	sqlite3_bind_int64(statement, 3, environment_id);
	sqlite3_bind_text(statement, 4, framework_env, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 5, aws_region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 6, now);
	if (db_run(db, statement, error) < 0)
		goto fail;
	id = sqlite3_last_insert_rowid(db);
	if (db_commit(db, error) < 0)
		goto fail;

	if (store_provisioned_get(db, id, provisioned, error) != 1)
		return error_set(error, "provisioned service %lld vanished "
		    "after its creation", (long long)id);
	return 0;

fail:
	db_rollback(db);
	return -1;
}

int
store_provisioned_get(sqlite3 *db, int64_t provisioned_id,
    struct store_provisioned *provisioned, struct error *error)
{
	sqlite3_stmt *statement;
	int rc, result = -1;

	memset(provisioned, 0, sizeof(*provisioned));
	if (db_prepare(db, "SELECT p.id, p.service_account_id, a.id, a.name, "
	    "e.id, e.name, p.framework_env, p.aws_region, p.partner_fields, "
	    "p.created_at, p.deprovisioned_at FROM provisioned_services p "
	    "JOIN apps a ON a.id = p.app_id "
	    "JOIN environments e ON e.id = p.environment_id "
	    "WHERE p.id = ?1", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, provisioned_id);

	rc = sqlite3_step(statement);
	if (rc == SQLITE_DONE) {
		result = 0;
		goto cleanup;
	}
	if (rc != SQLITE_ROW) {
		db_error(db, error, "cannot read a provisioned service");
		goto cleanup;
	}
	provisioned->id = sqlite3_column_int64(statement, 0);
	provisioned->account_id = sqlite3_column_int64(statement, 1);
	provisioned->app_id = sqlite3_column_int64(statement, 2);
	provisioned->environment_id = sqlite3_column_int64(statement, 4);
	provisioned->created_at = sqlite3_column_int64(statement, 9);
	provisioned->deprovisioned_at = sqlite3_column_int64(statement, 10);
	if (column_string(statement, 3, &provisioned->app_name, error) < 0 ||
	    column_string(statement, 5, &provisioned->environment_name,
	    error) < 0 ||
	    column_string(statement, 6, &provisioned->framework_env,
	    error) < 0 ||
	    column_string(statement, 7, &provisioned->aws_region, error) < 0 ||
	    column_json(statement, 8, &provisioned->partner_fields,
	    error) < 0)
		goto cleanup;
	result = 1;

cleanup:
	sqlite3_finalize(statement);
	if (result != 1)
		store_provisioned_free(provisioned);
	return result;
}

void
store_provisioned_free(struct store_provisioned *provisioned)
{
	free(provisioned->app_name);
	free(provisioned->environment_name);
	free(provisioned->framework_env);
	free(provisioned->aws_region);
	json_object_put(provisioned->partner_fields);
	memset(provisioned, 0, sizeof(*provisioned));
}

int
store_provisioned_set_partner_fields(sqlite3 *db, int64_t provisioned_id,
    json_object *fields, struct error *error)
{
	return run_on_id(db, "UPDATE provisioned_services "
	    "SET partner_fields = ?2 WHERE id = ?1", provisioned_id, fields, 0,
	    error);
}

int
store_provisioned_deprovision(sqlite3 *db, int64_t provisioned_id,
    int64_t now, struct error *error)
{
	return run_on_id(db, "UPDATE provisioned_services "
	    "SET deprovisioned_at = ?2 WHERE id = ?1", provisioned_id, NULL,
	    now, error);
}

int
store_provisioned_delete(sqlite3 *db, int64_t provisioned_id,
    struct error *error)
{
	return run_on_id(db, "DELETE FROM provisioned_services "
	    "WHERE id = ?1", provisioned_id, NULL, 0, error);
}

int
store_message_add(sqlite3 *db, const struct store_message *message,
    int64_t now, int64_t *message_id, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO messages (service_account_id, "
	    "provisioned_service_id, message_type, subject, body, source, "
	    "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, message->account_id);
	if (message->provisioned_id != 0)
		sqlite3_bind_int64(statement, 2, message->provisioned_id);
	sqlite3_bind_text(statement, 3, message->message_type, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, message->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 5, message->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 6, message->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 7, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	*message_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
store_invoice_add(sqlite3 *db, const struct store_invoice *invoice,
    int64_t now, int64_t *invoice_id, int *created, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO invoices (service_account_id, "
	    "total_amount_cents, line_item_description, unique_id, "
	    "received_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, invoice->account_id);
	sqlite3_bind_int64(statement, 2, invoice->total_amount_cents);
	sqlite3_bind_text(statement, 3, invoice->line_item_description, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, invoice->unique_id, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(statement, 5, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	if (sqlite3_changes(db) > 0) {
		*invoice_id = sqlite3_last_insert_rowid(db);
		*created = 1;
		return 0;
	}

	/* Only a repeated unique_id conflicts, so one row matches. */
	*created = 0;
	if (db_prepare(db, "SELECT id FROM invoices WHERE "
	    "service_account_id = ?1 AND unique_id = ?2", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, invoice->account_id);
	sqlite3_bind_text(statement, 2, invoice->unique_id, -1,
	    SQLITE_STATIC);
	if (sqlite3_step(statement) != SQLITE_ROW) {
		sqlite3_finalize(statement);
		return db_error(db, error, "cannot find the earlier invoice");
	}
	*invoice_id = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return 0;
}

/* Keeps the first row that store_each_row() hands over. */
static int
keep_row(json_object *row, void *context)
{
	json_object **kept = context;

	*kept = json_object_get(row);
	return 1;
}

int
store_invoice_get(sqlite3 *db, int64_t invoice_id, json_object **invoice,
    struct error *error)
{
	sqlite3_stmt *statement;

	*invoice = NULL;
	if (db_prepare(db, "SELECT id, total_amount_cents, "
	    "line_item_description, unique_id, received_at FROM invoices "
	    "WHERE id = ?1", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, invoice_id);
	if (store_each_row(db, statement, keep_row, invoice, error) < 0)
		return -1;
	return *invoice != NULL ? 1 : 0;
}
