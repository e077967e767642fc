#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ey_store.h"

/* Checks one credential: printable ASCII without spaces or ":". */
static int
check_credential(const char *name, const char *value, struct error *error)
{
	size_t i, length = strlen(value);

	if (length == 0 || length > EY_CREDENTIAL_MAX)
		return error_set(error, "%s must be 1 to %d characters", name,
		    EY_CREDENTIAL_MAX);
	for (i = 0; i < length; i++)
		if (value[i] <= ' ' || value[i] > '~' || value[i] == ':')
			return error_set(error, "%s must be printable ASCII "
			    "without spaces or ':'", name);
	return 0;
}

int
ey_credentials_save(sqlite3 *db, const char *auth_id, const char *auth_key,
    int64_t now, struct error *error)
{
	sqlite3_stmt *statement;

	if (check_credential("auth_id", auth_id, error) < 0 ||
	    check_credential("auth_key", auth_key, error) < 0)
		return -1;
	/* A saved id moves to the end, so that it becomes the newest. */
	if (db_prepare(db, "DELETE FROM ey_credentials WHERE auth_id = ?",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, auth_id, -1, SQLITE_STATIC);
	if (db_run(db, statement, error) < 0)
		return -1;

	if (db_prepare(db, "INSERT INTO ey_credentials (auth_id, auth_key, "
	    "created_at) VALUES (?, ?, ?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, auth_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, auth_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, now);
	return db_run(db, statement, error);
}

/* Runs a one-row query; copies column 0 and, if asked, column 1. */
static int
select_strings(sqlite3 *db, const char *sql, const char *parameter,
    char **first, char **second, struct error *error)
{
	sqlite3_stmt *statement;
	int rc, found = 0;

	*first = NULL;
	if (second != NULL)
		*second = NULL;
	if (db_prepare(db, sql, &statement, error) < 0)
		return -1;
	if (parameter != NULL)
		sqlite3_bind_text(statement, 1, parameter, -1, SQLITE_STATIC);

	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		*first = strdup((const char *)sqlite3_column_text(statement,
		    0));
		if (second != NULL)
			*second = strdup((const char *)sqlite3_column_text(
			    statement, 1));
		found = 1;
		if (*first == NULL || (second != NULL && *second == NULL))
			found = error_set(error, "out of memory");
	} else if (rc != SQLITE_DONE) {
		found = db_error(db, error, "cannot read Engine Yard settings");
	}
	sqlite3_finalize(statement);
	if (found < 0) {
		free(*first);
		*first = NULL;
		if (second != NULL) {
			free(*second);
			*second = NULL;
		}
	}
	return found;
}

int
ey_credentials_load(sqlite3 *db, char **auth_id, char **auth_key,
    struct error *error)
{
	return select_strings(db, "SELECT auth_id, auth_key FROM "
	    "ey_credentials ORDER BY id DESC LIMIT 1", NULL, auth_id,
	    auth_key, error);
}

int
ey_credentials_lookup(void *db, const char *auth_id, char **auth_key,
    struct error *error)
{
	int found;

	found = select_strings(db, "SELECT auth_key FROM ey_credentials "
	    "WHERE auth_id = ?", auth_id, auth_key, NULL, error);
	return found < 0 ? -1 : 0;
}

int
ey_service_save(sqlite3 *db, const char *registration_url, const char *url,
    int64_t now, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT OR REPLACE INTO ey_services "
	    "(registration_url, url, created_at) VALUES (?, ?, ?)",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, registration_url, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, now);
	return db_run(db, statement, error);
}

int
ey_service_load(sqlite3 *db, char **url, struct error *error)
{
	return select_strings(db, "SELECT url FROM ey_services "
	    "ORDER BY id DESC LIMIT 1", NULL, url, NULL, error);
}

int
ey_service_delete(sqlite3 *db, const char *url, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "DELETE FROM ey_services WHERE url = ?",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, url, -1, SQLITE_STATIC);
	return db_run(db, statement, error);
}
