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
	"enabled, follow_redirects, next_run_at, retry_at, last_run_at, " \
	"last_status, last_error, created_at"

/* The fields a client may set. */
static const char *const input_fields[] = {
	"callback_url", "schedule", "timezone", "enabled", "follow_redirects",
	NULL,
};

/*
 * Fields of a job object that only Chronatog sets. They are ignored in
 * a request, so that a client may send back an object it read.
 */
static const char *const read_only_fields[] = {
	"url", "id", "next_run_at", "retry_at", "last_run_at", "last_status",
	"last_error", "created_at", NULL,
};

static int
listed(const char *const *names, const char *name)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Reads the string field `name` of `body`. Returns it, or NULL after
 * adding a message when it is missing (and `required`), not a string,
 * empty, or contains a NUL byte.
 */
static const char *
read_string(json_object *body, const char *name, int required,
    json_object *messages)
{
	json_object *value;
	const char *text;

	if (!json_object_object_get_ex(body, name, &value)) {
		if (required)
			error_add(messages, "%s is required", name);
		return NULL;
	}
	if (json_object_is_type(value, json_type_null)) {
		error_add(messages, "%s must not be null; leave it out "
		    "instead", name);
		return NULL;
	}
	if (!json_object_is_type(value, json_type_string)) {
		error_add(messages, "%s must be a string", name);
		return NULL;
	}
	text = json_object_get_string(value);
	if (*text == '\0') {
		error_add(messages, "%s must not be empty", name);
		return NULL;
	}
	if (strlen(text) != (size_t)json_object_get_string_len(value)) {
		error_add(messages, "%s must not contain NUL characters",
		    name);
		return NULL;
	}
	return text;
}

/*
 * Reads the boolean field `name` of `body`: 1 or 0, or -1 when it is
 * absent or (after adding a message) not a boolean.
 */
static int
read_boolean(json_object *body, const char *name, json_object *messages)
{
	json_object *value;

	if (!json_object_object_get_ex(body, name, &value))
		return -1;
	if (!json_object_is_type(value, json_type_boolean)) {
		error_add(messages, "%s must be true or false", name);
		return -1;
	}
	return json_object_get_boolean(value) ? 1 : 0;
}

/* Adds a message for each key of `body` that is not an input field. */
static void
check_unknown_fields(json_object *body, json_object *messages)
{
	json_object_object_foreach(body, key, value) {
		(void)value;
		if (!listed(input_fields, key) &&
		    !listed(read_only_fields, key))
			error_add(messages, "unknown field '%.64s'; the "
			    "fields are callback_url, schedule, timezone, "
			    "enabled and follow_redirects", key);
	}
}

int
job_read_input(json_object *body, int allow_private, int partial,
    struct job_input *input, json_object *messages)
{
	struct cron_schedule schedule;
	struct error error;
	size_t before = json_object_array_length(messages);

	memset(input, 0, sizeof(*input));
	input->enabled = input->follow_redirects = -1;
	if (!json_object_is_type(body, json_type_object)) {
		error_add(messages, "request body must be a JSON object");
		return 1;
	}
	check_unknown_fields(body, messages);

	input->enabled = read_boolean(body, "enabled", messages);
	input->follow_redirects = read_boolean(body, "follow_redirects",
	    messages);
	input->callback_url = read_string(body, "callback_url", !partial,
	    messages);
	if (input->callback_url != NULL &&
	    callback_url_check(input->callback_url, allow_private,
	    &error) < 0)
		error_add(messages, "%s", error.message);

	input->schedule = read_string(body, "schedule", !partial, messages);
	if (input->schedule != NULL &&
	    cron_parse(input->schedule, &schedule, &error) < 0)
		error_add(messages, "schedule is invalid: %s",
		    error.message);

	input->timezone = read_string(body, "timezone", 0, messages);
	if (input->timezone != NULL &&
	    (strlen(input->timezone) > JOB_TIMEZONE_MAX ||
	    cron_zone_check(input->timezone, &error) < 0))
		error_add(messages, "timezone '%.*s' is not a known IANA "
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
	job->follow_redirects = sqlite3_column_int(statement, 6);
	job->next_run_at = sqlite3_column_int64(statement, 7);
	job->retry_at = sqlite3_column_int64(statement, 8);
	job->last_run_at = sqlite3_column_int64(statement, 9);
	job->last_status = sqlite3_column_int(statement, 10);
	job->last_error = column_text(statement, 11);
	job->created_at = sqlite3_column_int64(statement, 12);
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
	    "schedule, timezone, next_run_at, created_at, follow_redirects, "
	    "enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);
	sqlite3_bind_text(statement, 2, input->callback_url, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, input->schedule, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 5, next);
	sqlite3_bind_int64(statement, 6, now);
	sqlite3_bind_int(statement, 7, input->follow_redirects == 1);
	sqlite3_bind_int(statement, 8, input->enabled != 0);
	if (db_run(db, statement, error) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(db);

	if (job_get(db, scheduler_id, id, job, error) != 1)
		return error_set(error, "job %lld vanished after insert",
		    (long long)id);
	return 0;
}

int
job_update(sqlite3 *db, int64_t scheduler_id, int64_t id,
    const struct job_input *input, int64_t now, struct job *job,
    struct error *error)
{
	struct cron_schedule schedule;
	sqlite3_stmt *statement;
	const char *expression, *zone;
	int64_t next = 0;
	int found, reschedule;

	found = job_get(db, scheduler_id, id, job, error);
	if (found <= 0)
		return found;

	expression = input->schedule != NULL ? input->schedule : job->schedule;
	zone = input->timezone != NULL ? input->timezone : job->timezone;
	reschedule = input->schedule != NULL || input->timezone != NULL ||
	    (input->enabled == 1 && !job->enabled);
	if (reschedule) {
		if (cron_parse(expression, &schedule, error) < 0)
			goto fail;
		if ((next = cron_next_in_zone(&schedule, zone, now)) < 0) {
			error_set(error, "schedule '%s' does not fire in %s",
			    expression, zone);
			goto fail;
		}
	}

	/* NULL parameters keep the stored value through COALESCE. */
	if (db_prepare(db, "UPDATE jobs SET "
	    "callback_url = coalesce(?1, callback_url), "
	    "schedule = coalesce(?2, schedule), "
	    "timezone = coalesce(?3, timezone), "
	    "enabled = coalesce(?4, enabled), "
	    "follow_redirects = coalesce(?5, follow_redirects), "
	    "next_run_at = CASE WHEN ?6 THEN ?7 ELSE next_run_at END, "
	    "attempts = CASE WHEN ?6 THEN 0 ELSE attempts END, "
	    "retry_at = CASE WHEN ?6 THEN NULL ELSE retry_at END, "
	    "failed_times = CASE WHEN ?4 = 1 THEN 0 ELSE failed_times END "
	    "WHERE id = ?8 AND scheduler_id = ?9", &statement, error) < 0)
		goto fail;
	sqlite3_bind_text(statement, 1, input->callback_url, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, input->schedule, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, input->timezone, -1, SQLITE_STATIC);
	if (input->enabled >= 0)
		sqlite3_bind_int(statement, 4, input->enabled);
	if (input->follow_redirects >= 0)
		sqlite3_bind_int(statement, 5, input->follow_redirects);
	sqlite3_bind_int(statement, 6, reschedule);
	sqlite3_bind_int64(statement, 7, next);
	sqlite3_bind_int64(statement, 8, id);
	sqlite3_bind_int64(statement, 9, scheduler_id);
	if (db_run(db, statement, error) < 0)
		goto fail;

	job_free(job);
	return job_get(db, scheduler_id, id, job, error);

fail:
	job_free(job);
	return -1;
}

int
job_run_now(sqlite3 *db, int64_t scheduler_id, int64_t id, int64_t now,
    struct error *error)
{
	struct job job;
	sqlite3_stmt *statement;
	int found;

	found = job_get(db, scheduler_id, id, &job, error);
	if (found <= 0)
		return found;
	found = job.enabled ? 1 : 2;
	job_free(&job);
	if (found == 2)
		return 2;

	if (db_prepare(db, "UPDATE jobs SET next_run_at = ?, attempts = 0, "
	    "retry_at = NULL WHERE id = ? AND scheduler_id = ?", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, now);
	sqlite3_bind_int64(statement, 2, id);
	sqlite3_bind_int64(statement, 3, scheduler_id);
	return db_run(db, statement, error) < 0 ? -1 : 1;
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
	json_object_object_add(object, "follow_redirects",
	    json_object_new_boolean(job->follow_redirects));
	add_time(object, "next_run_at", job->next_run_at);
	add_time(object, "retry_at", job->retry_at);
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
