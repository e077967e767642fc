#include <stdio.h>

#include "db.h"
#include "migrations.h"

int
db_error(sqlite3 *db, struct error *error, const char *what)
{
	return error_set(error, "%s: %s", what, sqlite3_errmsg(db));
}

int
db_schema_version(void)
{
	return migrations[migration_count - 1].version;
}

/* Reads PRAGMA user_version into `*version`. */
static int
read_version(sqlite3 *db, int *version, struct error *error)
{
	sqlite3_stmt *statement;
	int rc;

	if (db_prepare(db, "PRAGMA user_version", &statement, error) < 0)
		return -1;
	rc = sqlite3_step(statement);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(statement);
		return db_error(db, error, "cannot read the schema version");
	}
	*version = sqlite3_column_int(statement, 0);
	sqlite3_finalize(statement);
	return 0;
}

int
db_connect(const char *path, sqlite3 **out, struct error *error)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error_set(error, "cannot open database %s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}

	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON;", NULL, NULL, NULL) != SQLITE_OK) {
		error_set(error, "cannot configure database %s: %s", path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}

	*out = db;
	return 0;
}

int
db_open(const char *path, int migrate, sqlite3 **out, struct error *error)
{
	sqlite3 *db;
	int version;

	if (db_connect(path, &db, error) < 0)
		return -1;
	if (migrate && db_migrate(db, error) < 0)
		goto fail;
	if (read_version(db, &version, error) < 0)
		goto fail;
	if (version != db_schema_version()) {
		error_set(error, "database %s has schema version %d but this "
		    "build expects %d; run 'chronatog-admin migrate'", path,
		    version, db_schema_version());
		goto fail;
	}

	*out = db;
	return 0;

fail:
	sqlite3_close(db);
	return -1;
}

void
db_close(sqlite3 *db)
{
	sqlite3_close(db);
}

int
db_migrate(sqlite3 *db, struct error *error)
{
	char bump[64];
	int i, version, applied = 0;

	for (i = 0; i < migration_count; i++) {
		if (db_begin(db, error) < 0)
			return -1;

		/* Read inside the transaction so concurrent migrators agree. */
		if (read_version(db, &version, error) < 0)
			goto fail;
		if (version > db_schema_version()) {
			error_set(error, "database schema version %d is newer "
			    "than this build (%d)", version,
			    db_schema_version());
			goto fail;
		}
		if (migrations[i].version <= version) {
			db_rollback(db);
			continue;
		}

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d",
		    migrations[i].version);
		if (sqlite3_exec(db, migrations[i].sql, NULL, NULL, NULL) !=
		    SQLITE_OK || sqlite3_exec(db, bump, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			error_set(error, "migration %s failed: %s",
			    migrations[i].name, sqlite3_errmsg(db));
			goto fail;
		}
		if (db_commit(db, error) < 0)
			goto fail;
		applied++;
	}
	return applied;

fail:
	db_rollback(db);
	return -1;
}

int
db_begin(sqlite3 *db, struct error *error)
{
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, error, "cannot start a transaction");
	return 0;
}

int
db_commit(sqlite3 *db, struct error *error)
{
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, error, "cannot commit");
	return 0;
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement,
    struct error *error)
{
	if (sqlite3_prepare_v2(db, sql, -1, statement, NULL) != SQLITE_OK)
		return db_error(db, error, "cannot prepare a statement");
	return 0;
}

int
db_run(sqlite3 *db, sqlite3_stmt *statement, struct error *error)
{
	int rc;

	rc = sqlite3_step(statement);
	sqlite3_finalize(statement);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(db, error, "database write failed");
	return 0;
}
