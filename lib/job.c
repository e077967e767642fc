#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callback_url.h"
#include "cron.h"
#include "db.h"
#include "job.h"
#include "timefmt.h"

#define JOB_COLUMNS "id, scheduler_id, callback_url, schedule, timezone, " \
	"enabled, next_run_at, last_run_at, last_status, last_error, " \
	"created_at"

static void
add_message(json_object *messages, const char *format, ...)
    __attribute__((format(__printf__, 2, 3)));

static void
add_message(json_object *messages, const char *format, ...)
{
	char text[1024];
	va_list args;

	va_start(args, format);
	vsnprintf(text, sizeof(text), format, args);
	va_end(args);
	json_object_array_add(messages, json_object_new_string(text));
}

/*
 * Reads the string field `name` of `body`. Returns it, or NULL after
 * adding a message when it is missing (and `required`), not a string,
 * empty, or holds a NUL byte.
 */
static const char *
read_string(json_object *body, const char *name, int required,
    json_object *messages)
{
	json_object *value;
	const char *text;

	if (!json_object_object_get_ex(body, name, &value) ||
	    json_object_is_type(value, json_type_null)) {
		if (required)
			add_message(messages, "%s is required", name);
		return NULL;
	}
	if (!json_object_is_type(value, json_type_string)) {
		add_message(messages, "%s must be a string", name);
		return NULL;
	}
	text = json_object_get_string(value);
	if (*text == '\0') {
		add_message(messages, "%s must not be empty", name);
		return NULL;
	}
	if (strlen(text) != (size_t)json_object_get_string_len(value)) {
		add_message(messages, "%s must not contain NUL characters",
		    name);
		return NULL;
	}
	return text;
}

int
job_read_input(json_object *body, int allow_private,
    struct job_input *input, json_object *messages)
{
	struct cron_schedule schedule;
	struct error error;
	size_t before = json_object_array_length(messages);

	memset(input, 0, sizeof(*input));
	if (!json_object_is_type(body, json_type_object)) {
		add_message(messages, "request body must be a JSON object");
		return 1;
	}

	input->callback_url = read_string(body, "callback_url", 1, messages);
	if (input->callback_url != NULL &&
	    callback_url_check(input->callback_url, allow_private,
	    &error) < 0)
		add_message(messages, "%s", error.message);

	input->schedule = read_string(body, "schedule", 1, messages);
	if (input->schedule != NULL &&
	    cron_parse(input->schedule, &schedule, &error) < 0)
		add_message(messages, "schedule is invalid: %s",
		    error.message);

	input->timezone = read_string(body, "timezone", 0, messages);
	if (input->timezone != NULL &&
	    (strlen(input->timezone) > JOB_TIMEZONE_MAX ||
	    cron_zone_check(input->timezone, &error) < 0))
		add_message(messages, "timezone '%.*s' is not a known IANA "
		    "time zone such as Europe/Berlin", JOB_TIMEZONE_MAX,
		    input->timezone);

	return (int)(json_object_array_length(messages) - before);
}

/* Copies a text column, or NULL for SQL NULL. */
static char *
column_text(sqlite3_stmt *statement, int column)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	return text != NULL ? strdup((const char *)text) : NULL;
}

/* Reads a row selected with JOB_COLUMNS into `*job`. */
static int
read_row(sqlite3_stmt *statement, struct job *job, struct error *error)
{
	memset(job, 0, sizeof(*job));
	job->id = sqlite3_column_int64(statement, 0);
	job->scheduler_id = sqlite3_column_int64(statement, 1);
	job->callback_url = column_text(statement, 2);
	job->schedule = column_text(statement, 3);
	job->timezone = column_text(statement, 4);
	job->enabled = sqlite3_column_int(statement, 5);
	job->next_run_at = sqlite3_column_int64(statement, 6);
	job->last_run_at = sqlite3_column_int64(statement, 7);
	job->last_status = sqlite3_column_int(statement, 8);
	job->last_error = column_text(statement, 9);
	job->created_at = sqlite3_column_int64(statement, 10);
	if (job->callback_url == NULL || job->schedule == NULL ||
	    job->timezone == NULL) {
		job_free(job);
		return error_set(error, "out of memory reading job");
	}
	return 0;
}

int
job_get(sqlite3 *db, int64_t scheduler_id, int64_t id, struct job *job,
    struct error *error)
{
	sqlite3_stmt *statement;
	int rc, found = 0;

	if (db_prepare(db, "SELECT " JOB_COLUMNS " FROM jobs "
	    "WHERE id = ? AND scheduler_id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	sqlite3_bind_int64(statement, 2, scheduler_id);

	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		if (read_row(statement, job, error) < 0)
			found = -1;
		else
			found = 1;
	} else if (rc != SQLITE_DONE) {
		found = db_error(db, error, "cannot read job");
	}
	sqlite3_finalize(statement);
	return found;
}

int
job_create(sqlite3 *db, int64_t scheduler_id, const struct job_input *input,
    int64_t now, struct job *job, struct error *error)
{
	const char *zone = input->timezone != NULL ? input->timezone : "UTC";
	struct cron_schedule schedule;
	sqlite3_stmt *statement;
	int64_t next, id;

	if (cron_parse(input->schedule, &schedule, error) < 0)
		return -1;
	next = cron_next_in_zone(&schedule, zone, now);
	if (next < 0)
		return error_set(error, "schedule '%s' does not fire in %s",
		    input->schedule, zone);

	if (db_prepare(db, "INSERT INTO jobs (scheduler_id, callback_url, "
	    "schedule, timezone, next_run_at, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);
	sqlite3_bind_text(statement, 2, input->callback_url, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, input->schedule, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 5, next);
	sqlite3_bind_int64(statement, 6, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(db);

	if (job_get(db, scheduler_id, id, job, error) != 1)
		return error_set(error, "job %lld vanished after insert",
		    (long long)id);
	return 0;
}

int
job_list(sqlite3 *db, int64_t scheduler_id,
    int (*each)(const struct job *job, void *context), void *context,
    struct error *error)
{
	sqlite3_stmt *statement;
	struct job job;
	int rc, result = 0;

	if (db_prepare(db, "SELECT " JOB_COLUMNS " FROM jobs "
	    "WHERE scheduler_id = ? ORDER BY id", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);

	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		if (read_row(statement, &job, error) < 0) {
			result = -1;
			break;
		}
		result = each(&job, context);
		job_free(&job);
		if (result < 0) {
			error_set(error, "listing jobs was interrupted");
			break;
		}
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = db_error(db, error, "cannot list jobs");
	sqlite3_finalize(statement);
	return result;
}

int
job_delete(sqlite3 *db, int64_t scheduler_id, int64_t id,
    struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "DELETE FROM jobs WHERE id = ? AND "
	    "scheduler_id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	sqlite3_bind_int64(statement, 2, scheduler_id);
	if (db_run(db, statement, error) < 0)
		return -1;
	return sqlite3_changes(db) > 0 ? 1 : 0;
}

/* Adds `seconds` as RFC 3339 text, or null when 0. */
static void
add_time(json_object *object, const char *name, int64_t seconds)
{
	char text[TIMEFMT_RFC3339_SIZE];

	if (seconds == 0) {
		json_object_object_add(object, name, NULL);
		return;
	}
	timefmt_rfc3339(seconds, text);
	json_object_object_add(object, name, json_object_new_string(text));
}

json_object *
job_to_json(const struct job *job, const char *base_url)
{
	json_object *object = json_object_new_object();
	char url[CALLBACK_URL_MAX + 64];

	snprintf(url, sizeof(url), "%s/chronatogapi/1/jobs/%lld", base_url,
	    (long long)job->id);
	json_object_object_add(object, "url", json_object_new_string(url));
	json_object_object_add(object, "id", json_object_new_int64(job->id));
	json_object_object_add(object, "callback_url",
	    json_object_new_string(job->callback_url));
	json_object_object_add(object, "schedule",
	    json_object_new_string(job->schedule));
	json_object_object_add(object, "timezone",
	    json_object_new_string(job->timezone));
	json_object_object_add(object, "enabled",
	    json_object_new_boolean(job->enabled));
	add_time(object, "next_run_at", job->next_run_at);
	add_time(object, "last_run_at", job->last_run_at);
	json_object_object_add(object, "last_status", job->last_status != 0 ?
	    json_object_new_int(job->last_status) : NULL);
	json_object_object_add(object, "last_error", job->last_error != NULL ?
	    json_object_new_string(job->last_error) : NULL);
	add_time(object, "created_at", job->created_at);
	return object;
}

void
job_free(struct job *job)
{
	free(job->callback_url);
	free(job->schedule);
	free(job->timezone);
	free(job->last_error);
	memset(job, 0, sizeof(*job));
}
