#include <string.h>

#include "crypto.h"
#include "db.h"
#include "spent_token.h"

int
spent_token_add(sqlite3 *db, const char *kind, const char *token,
    int64_t expires_at, int64_t now, struct error *error)
{
	char hash[CRYPTO_SHA256_HEX_SIZE];
	sqlite3_stmt *statement;

	if (crypto_sha256_hex(token, strlen(token), hash, error) < 0)
		return -1;
	if (db_prepare(db, "DELETE FROM spent_tokens WHERE expires_at < ?",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, now);
	if (db_run(db, statement, error) < 0)
		return -1;

	if (db_prepare(db, "INSERT OR IGNORE INTO spent_tokens "
	    "(token_sha256, kind, expires_at) VALUES (?, ?, ?)", &statement,
	    error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, expires_at);
	if (db_run(db, statement, error) < 0)
		return -1;
	return sqlite3_changes(db) > 0 ? 1 : 0;
}

int
spent_token_find(sqlite3 *db, const char *token, struct error *error)
{
	char hash[CRYPTO_SHA256_HEX_SIZE];
	sqlite3_stmt *statement;
	int rc;

	if (crypto_sha256_hex(token, strlen(token), hash, error) < 0)
		return -1;
	if (db_prepare(db, "SELECT 1 FROM spent_tokens WHERE token_sha256 = ?",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(statement);
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, error, "cannot look up a spent token");
	return rc == SQLITE_ROW;
}
