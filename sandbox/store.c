/*
 * The connection, the schema, the settings, the request log, and the
 * helpers that turn rows into JSON. The records of services, accounts
 * and what the partner sent are in records.c.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "timefmt.h"

/*
 * Deleting a service deletes everything below it, so every reference
 * cascades. The requests log refers to nothing, so it keeps every
 * request even after the records it touched are gone.
 */
static const char schema[] =
    /* One row: where the sandbox is served, set by `init`. */
    "CREATE TABLE IF NOT EXISTS settings ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " base_url TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"

    /* The add-on vendor and the credentials that sign both ways. */
    "CREATE TABLE IF NOT EXISTS partners ("
    " id INTEGER PRIMARY KEY,"
    " auth_id TEXT NOT NULL UNIQUE,"
    " auth_key TEXT NOT NULL,"
    " created_at INTEGER NOT NULL);"

    /* fields: the JSON object the partner registered, without url. */
    "CREATE TABLE IF NOT EXISTS services ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " partner_id INTEGER NOT NULL REFERENCES partners (id)"
    "  ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " fields TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"

    /*
     * partner_fields: the service_account object the partner returned,
     * merged with its later PUTs, or NULL until the partner responds.
     */
    "CREATE TABLE IF NOT EXISTS service_accounts ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " service_id INTEGER NOT NULL REFERENCES services (id)"
    "  ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " partner_fields TEXT,"
    " created_at INTEGER NOT NULL,"
    " cancelled_at INTEGER);"

    "CREATE TABLE IF NOT EXISTS apps ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " service_account_id INTEGER NOT NULL"
    "  REFERENCES service_accounts (id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " UNIQUE (service_account_id, name));"

    "CREATE TABLE IF NOT EXISTS environments ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " service_account_id INTEGER NOT NULL"
    "  REFERENCES service_accounts (id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " UNIQUE (service_account_id, name));"

    /* partner_fields: the provisioned_service object, vars included. */
    "CREATE TABLE IF NOT EXISTS provisioned_services ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " service_account_id INTEGER NOT NULL"
    "  REFERENCES service_accounts (id) ON DELETE CASCADE,"
    " app_id INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,"
    " environment_id INTEGER NOT NULL REFERENCES environments (id)"
    "  ON DELETE CASCADE,"
    " framework_env TEXT NOT NULL,"
    " aws_region TEXT NOT NULL,"
    " partner_fields TEXT,"
    " created_at INTEGER NOT NULL,"
    " deprovisioned_at INTEGER);"

    "CREATE TABLE IF NOT EXISTS messages ("
    " id INTEGER PRIMARY KEY,"
    " service_account_id INTEGER NOT NULL"
    "  REFERENCES service_accounts (id) ON DELETE CASCADE,"
    " provisioned_service_id INTEGER"
    "  REFERENCES provisioned_services (id) ON DELETE CASCADE,"
    " message_type TEXT NOT NULL"
    "  CHECK (message_type IN ('status', 'notification', 'alert')),"
    " subject TEXT NOT NULL,"
    " body TEXT,"
    " source TEXT NOT NULL CHECK (source IN ('request', 'response')),"
    " received_at INTEGER NOT NULL);"

    /* SQLite counts NULLs as distinct, so only given unique_ids clash. */
    "CREATE TABLE IF NOT EXISTS invoices ("
    " id INTEGER PRIMARY KEY,"
    " service_account_id INTEGER NOT NULL"
    "  REFERENCES service_accounts (id) ON DELETE CASCADE,"
    " total_amount_cents INTEGER NOT NULL"
    "  CHECK (total_amount_cents >= 0),"
    " line_item_description TEXT NOT NULL,"
    " unique_id TEXT,"
    " received_at INTEGER NOT NULL,"
    " UNIQUE (service_account_id, unique_id));"

    "CREATE TABLE IF NOT EXISTS requests ("
    " id INTEGER PRIMARY KEY,"
    " received_at INTEGER NOT NULL,"
    " method TEXT NOT NULL,"
    " path TEXT NOT NULL,"
    " query TEXT NOT NULL,"
    " content_type TEXT,"
    " body TEXT,"
    " status INTEGER NOT NULL,"
    " authentication_error TEXT);";

int
store_open(const char *path, sqlite3 **db, struct error *error)
{
	char *message = NULL;

	if (db_connect(path, db, error) < 0)
		return -1;

	if (sqlite3_exec(*db, schema, NULL, NULL, &message) != SQLITE_OK) {
		error_set(error, "cannot create the tables of %s: %s", path,
		    message != NULL ? message : sqlite3_errmsg(*db));
		sqlite3_free(message);
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

/* Copies column `column` of the current row, or NULL when it is NULL. */
static int
copy_text(sqlite3_stmt *statement, int column, char **out,
    struct error *error)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	*out = NULL;
	if (text == NULL)
		return 0;
	if ((*out = strdup((const char *)text)) == NULL)
		return error_set(error, "out of memory");
	return 0;
}

int
store_load_settings(sqlite3 *db, struct store_settings *settings,
    struct error *error)
{
	sqlite3_stmt *statement;
	int rc, result = -1;

	memset(settings, 0, sizeof(*settings));
	if (db_prepare(db, "SELECT s.base_url, p.id, p.auth_id, p.auth_key "
	    "FROM settings s, partners p WHERE s.id = 1 AND p.id = ?1",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, STORE_PARTNER_ID);

	rc = sqlite3_step(statement);
	if (rc == SQLITE_DONE) {
		result = 0;
		goto cleanup;
	}
	if (rc != SQLITE_ROW) {
		db_error(db, error, "cannot read the settings");
		goto cleanup;
	}
	settings->partner_id = sqlite3_column_int64(statement, 1);
	if (copy_text(statement, 0, &settings->base_url, error) < 0 ||
	    copy_text(statement, 2, &settings->auth_id, error) < 0 ||
	    copy_text(statement, 3, &settings->auth_key, error) < 0)
		goto cleanup;
	result = 1;

cleanup:
	sqlite3_finalize(statement);
	if (result != 1)
		store_settings_free(settings);
	return result;
}

void
store_settings_free(struct store_settings *settings)
{
	if (settings->auth_key != NULL)
		explicit_bzero(settings->auth_key, strlen(settings->auth_key));
	free(settings->base_url);
	free(settings->auth_id);
	free(settings->auth_key);
	memset(settings, 0, sizeof(*settings));
}

int
store_save_settings(sqlite3 *db, const char *base_url, const char *auth_id,
    const char *auth_key, int64_t now, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_begin(db, error) < 0)
		return -1;

	if (db_prepare(db, "INSERT INTO settings (id, base_url, created_at, "
	    "updated_at) VALUES (1, ?1, ?2, ?2) ON CONFLICT (id) DO UPDATE "
	    "SET base_url = excluded.base_url, "
	    "updated_at = excluded.updated_at",
	    &statement, error) < 0)
		goto fail;
	sqlite3_bind_text(statement, 1, base_url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 2, now);
	if (db_run(db, statement, error) < 0)
		goto fail;

	/* An update keeps the partner's row, and so everything below it. */
	if (db_prepare(db, "INSERT INTO partners (id, auth_id, auth_key, "
	    "created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE "
	    "SET auth_id = excluded.auth_id, auth_key = excluded.auth_key",
	    &statement, error) < 0)
		goto fail;
	sqlite3_bind_int64(statement, 1, STORE_PARTNER_ID);
	sqlite3_bind_text(statement, 2, auth_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, auth_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 4, now);
	if (db_run(db, statement, error) < 0)
		goto fail;

	return db_commit(db, error);

fail:
	db_rollback(db);
	return -1;
}

int
store_request_add(sqlite3 *db, const struct store_request *request,
    int64_t now, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO requests (received_at, method, path, "
	    "query, content_type, body, status, authentication_error) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, now);
	sqlite3_bind_text(statement, 2, request->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, request->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, request->query, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 5, request->content_type, -1,
	    SQLITE_STATIC);
	if (request->body != NULL)
		sqlite3_bind_text(statement, 6, request->body,
		    (int)request->body_length, SQLITE_STATIC);
	sqlite3_bind_int(statement, 7, request->status);
	sqlite3_bind_text(statement, 8, request->authentication_error, -1,
	    SQLITE_STATIC);
	return db_run(db, statement, error);
}

/* Returns whether `name` ends in "_at", which marks a Unix time. */
static int
is_time_column(const char *name)
{
	size_t length = strlen(name);

	return length > 3 && strcmp(name + length - 3, "_at") == 0;
}

/* Builds the JSON value of one column of the current row. */
static json_object *
column_to_json(sqlite3_stmt *statement, int column)
{
	char text[TIMEFMT_RFC3339_SIZE];

	switch (sqlite3_column_type(statement, column)) {
	case SQLITE_NULL:
		return NULL;
	case SQLITE_INTEGER:
		if (is_time_column(sqlite3_column_name(statement, column))) {
			timefmt_rfc3339(sqlite3_column_int64(statement, column),
			    text);
			return json_object_new_string(text);
		}
		return json_object_new_int64(sqlite3_column_int64(statement,
		    column));
	case SQLITE_FLOAT:
		return json_object_new_double(sqlite3_column_double(statement,
		    column));
	default:
		return json_object_new_string_len((const char *)
		    sqlite3_column_text(statement, column),
		    sqlite3_column_bytes(statement, column));
	}
}

int
store_each_row(sqlite3 *db, sqlite3_stmt *statement, store_row_fn *each,
    void *context, struct error *error)
{
	json_object *row;
	int column, rc, result = -1;

	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		if ((row = json_object_new_object()) == NULL) {
			error_set(error, "out of memory");
			goto cleanup;
		}
		for (column = 0; column < sqlite3_column_count(statement);
		    column++)
			json_object_object_add(row,
			    sqlite3_column_name(statement, column),
			    column_to_json(statement, column));
		rc = each(row, context);
		json_object_put(row);
		if (rc != 0) {
			result = 0;
			goto cleanup;
		}
	}
	if (rc != SQLITE_DONE) {
		db_error(db, error, "cannot read rows");
		goto cleanup;
	}
	result = 0;

cleanup:
	sqlite3_finalize(statement);
	return result;
}

int
store_parse_json(const char *text, json_object **object, struct error *error)
{
	*object = NULL;
	if (text == NULL)
		return 0;
	*object = json_tokener_parse(text);
	if (*object == NULL ||
	    !json_object_is_type(*object, json_type_object)) {
		json_object_put(*object);
		*object = NULL;
		return error_set(error, "stored JSON is not an object: %.80s",
		    text);
	}
	return 0;
}
