/*
 * Customers and schedulers, and the credentials apps use for the jobs
 * API. A password is shown once, when created; the database keeps only
 * its SHA-256. Because passwords are 104-bit random tokens, not chosen by
 * people, a fast hash is enough and keeps every API request cheap.
 */
#ifndef CHRONATOG_SCHEDULER_H
#define CHRONATOG_SCHEDULER_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"
#include "webhook.h"

/* "U" and 14 hex digits; "P" and 26 hex digits; each with its NUL. */
#define SCHEDULER_USERNAME_SIZE 16
#define SCHEDULER_PASSWORD_SIZE 28

/*
 * The username of the scheduler that owns Chronatog's own jobs, which
 * migration 3 creates with a password hash that matches no password.
 */
#define SCHEDULER_SYSTEM_USERNAME "chronatog-system"

/* Maximum length of a customer or scheduler name, in bytes. */
#define SCHEDULER_NAME_MAX 200

struct scheduler_credentials {
	char username[SCHEDULER_USERNAME_SIZE];
	char password[SCHEDULER_PASSWORD_SIZE];
	char webhook_secret[WEBHOOK_SECRET_SIZE];
};

/*
 * Inserts a customer named `name` created at `now`, storing its id in
 * `*customer_id`. Runs inside the caller's transaction.
 */
int customer_create(sqlite3 *db, const char *name, int64_t now,
    int64_t *customer_id, struct error *error);

/*
 * Inserts a scheduler for `customer_id` with fresh random credentials,
 * which it writes to `*credentials` (the only time the password is
 * known), and its id to `*scheduler_id`. Runs inside the caller's
 * transaction.
 */
int scheduler_create(sqlite3 *db, int64_t customer_id, const char *name,
    int64_t now, int64_t *scheduler_id,
    struct scheduler_credentials *credentials, struct error *error);

/*
 * Gives scheduler `id` a new username and password, which it writes to
 * `*credentials` with the unchanged webhook secret; the old ones stop
 * working at once. Runs inside the caller's transaction. Returns 1 when
 * done, 0 when there is no such scheduler in service (the system
 * scheduler counts as none), -1 on error.
 */
int scheduler_reset_credentials(sqlite3 *db, int64_t id,
    struct scheduler_credentials *credentials, struct error *error);

/*
 * Checks `username` and `password` against the schedulers in service.
 * Returns 1 and stores the scheduler id when they match, 0 when they do
 * not, and -1 on a database error. The comparison takes the same time
 * whether the username exists or not. The first successful check of a
 * scheduler is recorded (see usage_note_first_use()).
 */
int scheduler_authenticate(sqlite3 *db, const char *username,
    const char *password, int64_t *scheduler_id, struct error *error);

/*
 * Checks a "Basic" Authorization header value. Returns like
 * scheduler_authenticate(); a missing or malformed header returns 0.
 */
int scheduler_authenticate_basic(sqlite3 *db, const char *authorization,
    int64_t *scheduler_id, struct error *error);

#endif
