#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "outbox.h"

/* Backoff between attempts: the first, and the longest. */
#define OUTBOX_RETRY_FIRST 30
#define OUTBOX_RETRY_MAX 3600

int
outbox_add(sqlite3 *db, const char *kind, const char *method,
    const char *url, json_object *body, int64_t customer_id, int64_t now,
    int64_t *id, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO outbox (kind, method, url, body, "
	    "customer_id, next_attempt_at, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, method, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), -1,
	    SQLITE_TRANSIENT);
	if (customer_id != 0)
		sqlite3_bind_int64(statement, 5, customer_id);
	sqlite3_bind_int64(statement, 6, now);
	sqlite3_bind_int64(statement, 7, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
outbox_add_message(sqlite3 *db, const char *messages_url, const char *type,
    const char *subject, int64_t customer_id, int64_t now,
    struct error *error)
{
	json_object *body = json_object_new_object();
	json_object *message = json_object_new_object();
	int rc;

	json_object_object_add(message, "message_type",
	    json_object_new_string(type));
	json_object_object_add(message, "subject",
	    json_object_new_string(subject));
	json_object_object_add(message, "body", NULL);
	json_object_object_add(body, "message", message);
	rc = outbox_add(db, "message", "POST", messages_url, body, customer_id,
	    now, NULL, error);
	json_object_put(body);
	return rc;
}

static char *
copy_column(sqlite3_stmt *statement, int column)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	return strdup(text != NULL ? (const char *)text : "");
}

/* Reads up to `limit` due rows into `items`; returns the count or -1. */
static int
read_due(sqlite3 *db, int64_t now, size_t limit, struct outbox_item *items,
    struct error *error)
{
	sqlite3_stmt *statement;
	size_t count = 0;
	int rc;

	if (db_prepare(db, "SELECT id, kind, method, url, body, attempts "
	    "FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL "
	    "AND next_attempt_at <= ? ORDER BY id LIMIT ?", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, now);
	sqlite3_bind_int64(statement, 2, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		struct outbox_item *item = &items[count++];

		item->id = sqlite3_column_int64(statement, 0);
		item->kind = copy_column(statement, 1);
		item->method = copy_column(statement, 2);
		item->url = copy_column(statement, 3);
		item->body = copy_column(statement, 4);
		item->attempts = sqlite3_column_int(statement, 5);
		if (item->kind == NULL || item->method == NULL ||
		    item->url == NULL || item->body == NULL) {
			sqlite3_finalize(statement);
			return error_set(error, "out of memory");
		}
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_DONE)
		return db_error(db, error, "cannot read the outbox");
	return (int)count;
}

int
outbox_claim(sqlite3 *db, int64_t now, size_t limit,
    struct outbox_item **out, struct error *error)
{
	struct outbox_item *items;
	sqlite3_stmt *statement = NULL;
	int count = 0, i;

	*out = NULL;
	if ((items = calloc(limit > 0 ? limit : 1, sizeof(*items))) == NULL)
		return error_set(error, "out of memory");
	if (db_begin(db, error) < 0)
		goto fail;
	if ((count = read_due(db, now, limit, items, error)) < 0) {
		count = (int)limit;
		goto fail;
	}
	if (db_prepare(db, "UPDATE outbox SET next_attempt_at = ? "
	    "WHERE id = ?", &statement, error) < 0)
		goto fail;
	for (i = 0; i < count; i++) {
		sqlite3_bind_int64(statement, 1, now + OUTBOX_LEASE_SECONDS);
		sqlite3_bind_int64(statement, 2, items[i].id);
		if (sqlite3_step(statement) != SQLITE_DONE) {
			db_error(db, error, "cannot claim outbox rows");
			goto fail;
		}
		sqlite3_reset(statement);
	}
	sqlite3_finalize(statement);
	statement = NULL;
	if (db_commit(db, error) < 0)
		goto fail;
	*out = items;
	return count;

fail:
	sqlite3_finalize(statement);
	db_rollback(db);
	outbox_free_all(items, (size_t)count);
	return -1;
}

int
outbox_finish(sqlite3 *db, const struct outbox_item *item, long status,
    const char *problem, int64_t now, struct error *error)
{
	sqlite3_stmt *statement;
	long delay = OUTBOX_RETRY_FIRST;
	int i, sent, rejected;

	sent = status >= 200 && status <= 299;
	rejected = status >= 400 && status <= 499 && status != 408 &&
	    status != 429;
	for (i = 0; i < item->attempts && delay < OUTBOX_RETRY_MAX; i++)
		delay *= 2;
	if (delay > OUTBOX_RETRY_MAX)
		delay = OUTBOX_RETRY_MAX;

	/* Vars carry a scheduler's password, kept only until done with. */
	if (db_prepare(db, "UPDATE outbox SET attempts = attempts + 1, "
	    "sent_at = CASE WHEN ?1 THEN ?3 END, "
	    "failed_at = CASE WHEN ?2 THEN ?3 END, "
	    "next_attempt_at = ?3 + ?4, last_error = ?5, "
	    "body = CASE WHEN kind = 'vars' AND (?1 OR ?2) "
	    "THEN '{\"vars\": \"removed once done\"}' ELSE body END "
	    "WHERE id = ?6", &statement, error) < 0)
		return -1;
	sqlite3_bind_int(statement, 1, sent);
	sqlite3_bind_int(statement, 2, rejected);
	sqlite3_bind_int64(statement, 3, now);
	sqlite3_bind_int64(statement, 4, delay);
	if (!sent)
		sqlite3_bind_text(statement, 5, problem, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 6, item->id);
	return db_run(db, statement, error);
}

void
outbox_free_all(struct outbox_item *items, size_t count)
{
	size_t i;

	if (items == NULL)
		return;
	for (i = 0; i < count; i++) {
		free(items[i].kind);
		free(items[i].method);
		free(items[i].url);
		free(items[i].body);
	}
	free(items);
}
