/*
 * Sessions of the single sign-on (SSO) pages, kept in a signed cookie;
 * the server stores only the sessions that ended (see spent_token.h).
 * The cookie value is
 *
 *	Base64(payload) "." Base64(HMAC-SHA256(secret, "session\n" +
 *	    Base64(payload)))
 *
 * where payload is a JSON object with customer_id, scheduler_id,
 * access_level, ey_user_id, ey_user_name, ey_return_to_url, expires_at
 * and a random nonce, and secret is settings.session_secret. Forms carry a
 * cross-site request forgery (CSRF) token, the hex
 * HMAC-SHA256(secret, "csrf\n" + Base64(payload)). The two prefixes keep
 * the token, which pages show, from ever equalling the cookie's MAC.
 */
#ifndef CHRONATOG_SESSION_H
#define CHRONATOG_SESSION_H

#include <stdint.h>

#include <sqlite3.h>

#include "crypto.h"
#include "error.h"

#define SESSION_COOKIE_NAME "chronatog_session"

/* The cookie is sent only to the SSO pages. */
#define SESSION_COOKIE_PATH "/eyintegration/sso/"

/* Seconds a session lasts after the sign-in. */
#define SESSION_LIFETIME 3600

/* Maximum bytes of the user name and of the return URL in a session. */
#define SESSION_USER_NAME_MAX 256
#define SESSION_RETURN_URL_MAX 1024

/* Bytes of a CSRF token, with the NUL. */
#define SESSION_CSRF_TOKEN_SIZE CRYPTO_SHA256_HEX_SIZE

/*
 * A signed-in user's grant: the customer of the sign-in link and, when
 * the link was a scheduler's page, only that scheduler.
 */
struct session {
	int64_t customer_id;
	int64_t scheduler_id;	/* 0 for the customer and all its schedulers */
	int owner;		/* 1 for access_level owner, 0 collaborator */
	char *ey_user_id;	/* "" when EY sent none */
	char *ey_user_name;	/* "" when EY sent none */
	char *ey_return_to_url;	/* NULL when EY sent no http(s) URL */
	int64_t expires_at;	/* Unix seconds */
};

/*
 * Loads settings.session_secret into a malloc'd `*secret`, which the
 * caller frees with session_secret_free(). Returns 0, or -1 with `error`
 * set when the query fails or the row is missing.
 */
int session_secret_load(sqlite3 *db, char **secret, struct error *error);

/* Wipes and frees a secret from session_secret_load(); NULL is allowed. */
void session_secret_free(char *secret);

/*
 * Signs `session` into a cookie value, which the caller frees. Returns 0,
 * or -1 with `error` set.
 */
int session_encode(const struct session *session, const char *secret,
    char **value, struct error *error);

/*
 * Checks the signature and expiry of the cookie value `value` and reads
 * it into `session`, to be freed with session_free(). Returns 0 when
 * valid, 1 with a reason in `error` when the value is malformed, signed
 * with another secret or expired at `now`, and -1 with `error` set when
 * the check could not be done. `session` is zeroed unless 0 is returned.
 */
int session_decode(const char *value, const char *secret, int64_t now,
    struct session *session, struct error *error);

/* Frees the strings of `session` and zeroes it. */
void session_free(struct session *session);

/*
 * Writes the CSRF token of the session whose cookie value is `value`
 * into `token`. Returns 0, or -1 with `error` set.
 */
int session_csrf_token(const char *value, const char *secret,
    char token[SESSION_CSRF_TOKEN_SIZE], struct error *error);

/*
 * Compares `token` from a form with the CSRF token of `value` in
 * constant time. Returns 1 when they match, 0 when not (also when
 * `token` is NULL), -1 with `error` set when the HMAC fails.
 */
int session_csrf_check(const char *value, const char *secret,
    const char *token, struct error *error);

/*
 * Finds the session cookie in the Cookie header `header` (NULL when the
 * request has none) and sets `*value` to a malloc'd copy, which the
 * caller frees. Returns 1 when found, 0 when absent, -1 when memory runs
 * out.
 */
int session_cookie_find(const char *header, char **value);

/*
 * Builds a "Set-Cookie: ...\r\n" header line into malloc'd `*header`
 * that stores `value` for `max_age` seconds, HttpOnly, SameSite=Lax,
 * with Secure when `secure`. An empty `value` and a `max_age` of 0
 * delete the cookie. Returns 0, or -1 when memory runs out.
 */
int session_cookie_header(const char *value, int max_age, int secure,
    char **header);

#endif
