/*
 * The SQLite connection: opening with the settings every program needs,
 * schema migrations, and transactions.
 *
 * All statements are prepared with bound parameters. Writes run inside
 * BEGIN IMMEDIATE, which takes the write lock up front, so that a
 * transaction never fails half-way with SQLITE_BUSY on lock upgrade; the
 * busy timeout makes the web programs and the runner wait for each other
 * instead of failing.
 */
#ifndef CHRONATOG_DB_H
#define CHRONATOG_DB_H

#include <sqlite3.h>

#include "error.h"

/* Milliseconds a statement waits for another writer before failing. */
#define DB_BUSY_TIMEOUT_MS 10000

/*
 * Opens the database at `path`, creating the file if needed, with WAL
 * journaling, the busy timeout and foreign keys on, without looking at
 * the schema. On success stores the handle in `*db` and returns 0.
 */
int db_connect(const char *path, sqlite3 **db, struct error *error);

/*
 * Opens the database at `path`, creating the file if needed, with WAL
 * journaling, the busy timeout and foreign keys on. When `migrate` is
 * non-zero, applies pending migrations; otherwise fails when the schema
 * is not the version this build expects. On success stores the handle
 * in `*db` (close it with db_close()) and returns 0.
 */
int db_open(const char *path, int migrate, sqlite3 **db, struct error *error);

/* Closes a handle from db_open(); NULL is ignored. */
void db_close(sqlite3 *db);

/*
 * Applies every migration newer than PRAGMA user_version, each in its own
 * transaction together with the version bump. Returns the number of
 * migrations applied, or -1.
 */
int db_migrate(sqlite3 *db, struct error *error);

/* Returns the schema version this build expects. */
int db_schema_version(void);

/* BEGIN IMMEDIATE, COMMIT and ROLLBACK. Rollback ignores errors. */
int db_begin(sqlite3 *db, struct error *error);
int db_commit(sqlite3 *db, struct error *error);
void db_rollback(sqlite3 *db);

/*
 * Prepares `sql` into `*statement`. Returns 0, or -1 with the SQLite
 * message in `error`.
 */
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement,
    struct error *error);

/*
 * Runs a prepared statement that returns no rows to completion, then
 * finalizes it. Returns 0, or -1 with the SQLite message.
 */
int db_run(sqlite3 *db, sqlite3_stmt *statement, struct error *error);

/* Sets `error` to `what` and the connection's last SQLite message. */
int db_error(sqlite3 *db, struct error *error, const char *what);

#endif
