/*
 * The outbox: calls to Engine Yard that need no response (messages,
 * invoices, changed vars). They are written in the same transaction as
 * the change they report, so none is lost or sent for a change that was
 * rolled back, and the runner sends them with retries.
 */
#ifndef CHRONATOG_OUTBOX_H
#define CHRONATOG_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "error.h"

/* Seconds a claimed call is kept from other senders. */
#define OUTBOX_LEASE_SECONDS 120

/* One call to send. */
struct outbox_item {
	int64_t id;
	char *kind;
	char *method;
	char *url;
	char *body;
	int attempts;	/* made before this one */
};

/*
 * Queues `method` (POST or PUT) of `body` to `url`. `kind` is "message",
 * "invoice" or "vars"; `customer_id` (0 for none) helps operators. Runs
 * inside the caller's transaction. Stores the new row id in `*id` when
 * `id` is not NULL.
 */
int outbox_add(sqlite3 *db, const char *kind, const char *method,
    const char *url, json_object *body, int64_t customer_id, int64_t now,
    int64_t *id, struct error *error);

/*
 * Queues {"message": {"message_type": type, "subject": subject,
 * "body": null}} to `messages_url`.
 */
int outbox_add_message(sqlite3 *db, const char *messages_url,
    const char *type, const char *subject, int64_t customer_id,
    int64_t now, struct error *error);

/*
 * Claims at most `limit` calls due at `now`, oldest first, keeping them
 * from other senders for OUTBOX_LEASE_SECONDS. Stores a malloc'ed array
 * in `*items` (free with outbox_free_all()) and returns its length, or
 * -1.
 */
int outbox_claim(sqlite3 *db, int64_t now, size_t limit,
    struct outbox_item **items, struct error *error);

/*
 * Records the outcome of sending `item`: `status` is the HTTP status, or
 * 0 when no response came, with `problem` saying why. A 2xx marks it
 * sent, and a 4xx other than 408 and 429 marks it failed for good.
 * Anything else schedules another attempt after a backoff of 30 s,
 * doubling up to an hour. Returns 0 or -1.
 */
int outbox_finish(sqlite3 *db, const struct outbox_item *item, long status,
    const char *problem, int64_t now, struct error *error);

void outbox_free_all(struct outbox_item *items, size_t count);

#endif
