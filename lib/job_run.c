#include "db.h"
#include "job_run.h"
#include "timefmt.h"

/* Adds column `column` as an integer, or null when it is NULL. */
static void
add_integer(json_object *object, const char *name, sqlite3_stmt *row,
    int column)
{
	json_object_object_add(object, name,
	    sqlite3_column_type(row, column) == SQLITE_NULL ? NULL :
	    json_object_new_int64(sqlite3_column_int64(row, column)));
}

/* Adds column `column` as a string, or null when it is NULL. */
static void
add_text(json_object *object, const char *name, sqlite3_stmt *row,
    int column)
{
	const char *text = (const char *)sqlite3_column_text(row, column);

	json_object_object_add(object, name, text == NULL ? NULL :
	    json_object_new_string_len(text, sqlite3_column_bytes(row,
	    column)));
}

/* Adds Unix seconds in column `column` as RFC 3339 text. */
static void
add_time(json_object *object, const char *name, sqlite3_stmt *row,
    int column)
{
	char text[TIMEFMT_RFC3339_SIZE];

	timefmt_rfc3339(sqlite3_column_int64(row, column), text);
	json_object_object_add(object, name, json_object_new_string(text));
}

int
job_run_list(sqlite3 *db, int64_t job_id, int64_t before, int limit,
    json_object *runs, int64_t *last_id, struct error *error)
{
	sqlite3_stmt *statement;
	json_object *run;
	int rc, count = 0;

	*last_id = 0;
	if (db_prepare(db, "SELECT id, scheduled_at, attempt, started_at, "
	    "duration_ms, http_status, error, response FROM job_runs "
	    "WHERE job_id = ?1 AND (?2 = 0 OR id < ?2) "
	    "ORDER BY id DESC LIMIT ?3", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, job_id);
	sqlite3_bind_int64(statement, 2, before);
	sqlite3_bind_int(statement, 3, limit);

	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		run = json_object_new_object();
		add_integer(run, "id", statement, 0);
		add_time(run, "scheduled_at", statement, 1);
		add_integer(run, "attempt", statement, 2);
		add_time(run, "started_at", statement, 3);
		add_integer(run, "duration_ms", statement, 4);
		add_integer(run, "http_status", statement, 5);
		add_text(run, "error", statement, 6);
		add_text(run, "response", statement, 7);
		json_object_array_add(runs, run);
		*last_id = sqlite3_column_int64(statement, 0);
		count++;
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_DONE)
		return db_error(db, error, "cannot list runs");
	return count;
}
