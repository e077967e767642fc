#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "ey_client.h"
#include "ey_store.h"
#include "log.h"
#include "outbox.h"
#include "outbox_sender.h"
#include "usage.h"

/* Rows claimed at a time. */
#define OUTBOX_BATCH 16

/* Sends one row and records the outcome in its own transaction. */
static int
send_one(sqlite3 *db, const char *auth_id, const char *auth_key,
    const struct outbox_item *item, int64_t now, struct error *error)
{
	struct ey_response response;
	struct error problem;
	json_object *body;
	long status = 0;
	int rc;

	body = json_tokener_parse(item->body);
	if (ey_request(auth_id, auth_key, item->method, item->url, body,
	    &response, &problem) == 0) {
		status = response.status;
		if (status < 200 || status > 299)
			ey_response_error(&response, "Engine Yard responded",
			    &problem);
		ey_response_free(&response);
	}
	json_object_put(body);

	if (status < 200 || status > 299)
		log_message(LOG_WARNING, "outbox %lld (%s to %s), attempt %d: "
		    "%s", (long long)item->id, item->kind, item->url,
		    item->attempts + 1, problem.message);
	if (db_begin(db, error) < 0)
		return -1;
	rc = outbox_finish(db, item, status, problem.message, now, error);
	if (rc < 0 || db_commit(db, error) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int
outbox_send_due(sqlite3 *db, int64_t now, struct error *error)
{
	struct outbox_item *items;
	char *auth_id = NULL, *auth_key = NULL;
	int found, count, i, handled = 0;

	if (usage_queue_messages(db, now, error) < 0)
		return -1;
	found = ey_credentials_load(db, &auth_id, &auth_key, error);
	if (found <= 0)
		return found;

	do {
		count = outbox_claim(db, now, OUTBOX_BATCH, &items, error);
		if (count < 0) {
			handled = -1;
			break;
		}
		for (i = 0; i < count && handled >= 0; i++)
			if (send_one(db, auth_id, auth_key, &items[i], now,
			    error) < 0)
				handled = -1;
			else
				handled++;
		outbox_free_all(items, (size_t)count);
	} while (count == OUTBOX_BATCH && handled >= 0);

	free(auth_id);
	free(auth_key);
	return handled;
}

static pthread_t sender_thread;
static char *sender_db_path;
static volatile sig_atomic_t *sender_stop;

static void *
send_loop(void *unused)
{
	struct error error;
	sqlite3 *db = NULL;

	(void)unused;
	while (!*sender_stop) {
		if (db == NULL && db_open(sender_db_path, 0, &db, &error) < 0)
			log_message(LOG_ERR, "outbox: %s", error.message);
		else if (outbox_send_due(db, time(NULL), &error) < 0)
			log_message(LOG_ERR, "outbox: %s", error.message);
		sleep(1);
	}
	db_close(db);
	return NULL;
}

int
outbox_thread_start(const char *db_path, volatile sig_atomic_t *stop,
    struct error *error)
{
	if ((sender_db_path = strdup(db_path)) == NULL)
		return error_set(error, "out of memory");
	sender_stop = stop;
	if (pthread_create(&sender_thread, NULL, send_loop, NULL) != 0)
		return error_set(error, "cannot start the outbox thread");
	return 0;
}

void
outbox_thread_join(void)
{
	if (sender_db_path == NULL)
		return;
	pthread_join(sender_thread, NULL);
	free(sender_db_path);
	sender_db_path = NULL;
}
