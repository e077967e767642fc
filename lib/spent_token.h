/*
 * Tokens that may be used only once or were revoked: signed SSO links
 * after their first use, and session cookies after logout. Only the
 * SHA-256 of a token is stored, until the token would expire anyway.
 */
#ifndef CHRONATOG_SPENT_TOKEN_H
#define CHRONATOG_SPENT_TOKEN_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

/*
 * Records `token` of `kind` ("link" or "session") as spent until
 * `expires_at`, and deletes the records that have expired by `now`.
 * Returns 1 when it was not spent before, 0 when it was, -1 on error.
 */
int spent_token_add(sqlite3 *db, const char *kind, const char *token,
    int64_t expires_at, int64_t now, struct error *error);

/* Returns 1 when `token` is recorded as spent, 0 when not, -1 on error. */
int spent_token_find(sqlite3 *db, const char *token, struct error *error);

#endif
