#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base64.h"
#include "crypto.h"
#include "db.h"
#include "scheduler.h"
#include "usage.h"

#define SHA256_HEX_SIZE CRYPTO_SHA256_HEX_SIZE

int
customer_create(sqlite3 *db, const char *name, int64_t now,
    int64_t *customer_id, struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "INSERT INTO customers (name, created_at) "
	    "VALUES (?, ?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 2, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	*customer_id = sqlite3_last_insert_rowid(db);
	return 0;
}

/* Fills the username and password of `credentials` with new tokens. */
static int
new_tokens(struct scheduler_credentials *credentials,
    char hash[SHA256_HEX_SIZE], struct error *error)
{
	credentials->username[0] = 'U';
	credentials->password[0] = 'P';
	if (crypto_random_hex(credentials->username + 1,
	    SCHEDULER_USERNAME_SIZE - 2, error) < 0 ||
	    crypto_random_hex(credentials->password + 1,
	    SCHEDULER_PASSWORD_SIZE - 2, error) < 0 ||
	    crypto_sha256_hex(credentials->password,
	    strlen(credentials->password), hash, error) < 0)
		return -1;
	return 0;
}

int
scheduler_create(sqlite3 *db, int64_t customer_id, const char *name,
    int64_t now, int64_t *scheduler_id,
    struct scheduler_credentials *credentials, struct error *error)
{
	char hash[SHA256_HEX_SIZE];
	sqlite3_stmt *statement;

	if (new_tokens(credentials, hash, error) < 0 ||
	    webhook_secret_new(credentials->webhook_secret, error) < 0)
		return -1;

	if (db_prepare(db, "INSERT INTO schedulers (customer_id, name, "
	    "auth_username, auth_password_sha256, webhook_secret, "
	    "created_at) VALUES (?, ?, ?, ?, ?, ?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);
	sqlite3_bind_text(statement, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 3, credentials->username, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 5, credentials->webhook_secret, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(statement, 6, now);
	if (db_run(db, statement, error) < 0)
		return -1;
	*scheduler_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
scheduler_reset_credentials(sqlite3 *db, int64_t id,
    struct scheduler_credentials *credentials, struct error *error)
{
	char hash[SHA256_HEX_SIZE];
	sqlite3_stmt *statement;
	const unsigned char *secret;
	int rc;

	if (new_tokens(credentials, hash, error) < 0)
		return -1;
	if (db_prepare(db, "UPDATE schedulers SET auth_username = ?, "
	    "auth_password_sha256 = ? WHERE id = ? AND decommissioned_at IS "
	    "NULL AND auth_username != ? RETURNING webhook_secret", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, credentials->username, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, id);
	sqlite3_bind_text(statement, 4, SCHEDULER_SYSTEM_USERNAME, -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		secret = sqlite3_column_text(statement, 0);
		snprintf(credentials->webhook_secret,
		    sizeof(credentials->webhook_secret), "%s",
		    secret != NULL ? (const char *)secret : "");
		rc = sqlite3_step(statement) == SQLITE_DONE ? 1 : -1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(statement);
	if (rc < 0)
		return db_error(db, error, "cannot reset credentials");
	return rc;
}

int
scheduler_authenticate(sqlite3 *db, const char *username,
    const char *password, int64_t *scheduler_id, struct error *error)
{
	/* Compared against when the username is unknown, to keep timing. */
	static const char no_hash[SHA256_HEX_SIZE] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	char given[SHA256_HEX_SIZE], stored[SHA256_HEX_SIZE];
	sqlite3_stmt *statement;
	int64_t id = 0;
	int rc, found = 0, first_use = 0;

	memcpy(stored, no_hash, sizeof(stored));
	if (db_prepare(db, "SELECT id, auth_password_sha256, "
	    "first_used_at IS NULL FROM schedulers "
	    "WHERE auth_username = ? AND decommissioned_at IS NULL",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, username, -1, SQLITE_STATIC);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(statement, 1) ==
	    SHA256_HEX_SIZE - 1) {
		id = sqlite3_column_int64(statement, 0);
		memcpy(stored, sqlite3_column_text(statement, 1),
		    SHA256_HEX_SIZE);
		first_use = sqlite3_column_int(statement, 2);
		found = 1;
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, error, "cannot look up credentials");

	if (crypto_sha256_hex(password, strlen(password), given, error) < 0)
		return -1;
	if (!crypto_equal(given, stored, SHA256_HEX_SIZE - 1) || !found)
		return 0;
	*scheduler_id = id;
	if (first_use && usage_note_first_use(db, id, time(NULL), error) < 0)
		return -1;
	return 1;
}

int
scheduler_authenticate_basic(sqlite3 *db, const char *authorization,
    int64_t *scheduler_id, struct error *error)
{
	/* Username, ":" and password fit well within this. */
	uint8_t decoded[256];
	const char *encoded;
	char *colon;
	long length;

	if (authorization == NULL || strncasecmp(authorization, "Basic ",
	    6) != 0)
		return 0;
	encoded = authorization + 6;
	while (*encoded == ' ')
		encoded++;

	length = base64_decode(encoded, strlen(encoded), decoded,
	    sizeof(decoded) - 1);
	if (length < 0)
		return 0;
	decoded[length] = '\0';
	if (memchr(decoded, '\0', (size_t)length) != NULL ||
	    (colon = strchr((char *)decoded, ':')) == NULL)
		return 0;
	*colon = '\0';
	return scheduler_authenticate(db, (char *)decoded, colon + 1,
	    scheduler_id, error);
}
