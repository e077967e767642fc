#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base64.h"
#include "db.h"
#include "session.h"

/*
 * Maximum cookie value read, in bytes: twice the 4096 bytes per cookie
 * that RFC 6265 requires browsers to store at least.
 */
#define SESSION_VALUE_MAX 8192

/* Sets a rejection reason in `error` and returns 1. */
static int
reject(struct error *error, const char *reason)
{
	error_set(error, "%s", reason);
	return 1;
}

int
session_secret_load(sqlite3 *db, char **secret, struct error *error)
{
	sqlite3_stmt *statement;
	const char *text;
	int rc, found = 0;

	*secret = NULL;
	if (db_prepare(db, "SELECT value FROM settings "
	    "WHERE name = 'session_secret'", &statement, error) < 0)
		return -1;
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(statement, 0);
		found = text != NULL && *text != '\0';
		if (found)
			*secret = strdup(text);
	}
	sqlite3_finalize(statement);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, error, "cannot read the session secret");
	if (!found)
		return error_set(error, "the settings table has no "
		    "session_secret; run chronatog-admin migrate");
	if (*secret == NULL)
		return error_set(error, "out of memory");
	return 0;
}

void
session_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/*
 * Computes HMAC-SHA256(secret, purpose + "\n" + payload), where payload
 * is the Base64 text of the session.
 */
static int
keyed_mac(const char *secret, const char *purpose, const char *payload,
    size_t payload_length, uint8_t mac[CRYPTO_SHA256_SIZE],
    struct error *error)
{
	char *message;
	int length, result;

	length = asprintf(&message, "%s\n%.*s", purpose, (int)payload_length,
	    payload);
	if (length < 0)
		return error_set(error, "out of memory");
	result = crypto_hmac_sha256(secret, strlen(secret), message,
	    (size_t)length, mac, error);
	free(message);
	return result;
}

int
session_encode(const struct session *session, const char *secret,
    char **value, struct error *error)
{
	json_object *payload;
	const char *json;
	size_t json_length;
	char *encoded = NULL;
	char mac_text[BASE64_ENCODED_SIZE(CRYPTO_SHA256_SIZE)];
	uint8_t mac[CRYPTO_SHA256_SIZE];
	char nonce[17];
	int result = -1;

	*value = NULL;
	payload = json_object_new_object();
	json_object_object_add(payload, "customer_id",
	    json_object_new_int64(session->customer_id));
	json_object_object_add(payload, "scheduler_id",
	    json_object_new_int64(session->scheduler_id));
	json_object_object_add(payload, "access_level",
	    json_object_new_string(session->owner ? "owner" :
	    "collaborator"));
	json_object_object_add(payload, "ey_user_id",
	    json_object_new_string(session->ey_user_id));
	json_object_object_add(payload, "ey_user_name",
	    json_object_new_string(session->ey_user_name));
	json_object_object_add(payload, "ey_return_to_url",
	    session->ey_return_to_url == NULL ? NULL :
	    json_object_new_string(session->ey_return_to_url));
	json_object_object_add(payload, "expires_at",
	    json_object_new_int64(session->expires_at));
	/* Two sign-ins in the same second still get distinct sessions. */
	if (crypto_random_hex(nonce, sizeof(nonce) - 1, error) < 0)
		goto cleanup;
	json_object_object_add(payload, "nonce",
	    json_object_new_string(nonce));

	json = json_object_to_json_string_length(payload,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	    &json_length);
	if (json == NULL ||
	    (encoded = malloc(BASE64_ENCODED_SIZE(json_length))) == NULL) {
		error_set(error, "out of memory");
		goto cleanup;
	}
	base64_encode((const uint8_t *)json, json_length, encoded);

	if (keyed_mac(secret, "session", encoded, strlen(encoded), mac,
	    error) < 0)
		goto cleanup;
	base64_encode(mac, sizeof(mac), mac_text);
	if (asprintf(value, "%s.%s", encoded, mac_text) < 0) {
		*value = NULL;
		error_set(error, "out of memory");
		goto cleanup;
	}
	result = 0;

cleanup:
	free(encoded);
	json_object_put(payload);
	return result;
}

/*
 * Copies the string member `name` of `object`. A JSON null becomes NULL
 * when `nullable` is set and is an error otherwise.
 */
static int
copy_member(json_object *object, const char *name, int nullable,
    char **copy)
{
	json_object *member;

	*copy = NULL;
	if (!json_object_object_get_ex(object, name, &member))
		return -1;
	if (member == NULL)
		return nullable ? 0 : -1;
	if (!json_object_is_type(member, json_type_string))
		return -1;
	*copy = strdup(json_object_get_string(member));
	return *copy != NULL ? 0 : -1;
}

/* Reads the integer member `name` of `object`. */
static int
read_integer(json_object *object, const char *name, int64_t *number)
{
	json_object *member;

	if (!json_object_object_get_ex(object, name, &member) ||
	    !json_object_is_type(member, json_type_int))
		return -1;
	*number = json_object_get_int64(member);
	return 0;
}

/*
 * Reads the JSON payload into `session`. Returns 0, or -1 when a member
 * is missing or of the wrong type (or memory runs out).
 */
static int
read_payload(const char *json, struct session *session)
{
	json_object *payload, *member;
	const char *level;
	int result = -1;

	payload = json_tokener_parse(json);
	if (payload == NULL || !json_object_is_type(payload, json_type_object))
		goto cleanup;
	if (read_integer(payload, "customer_id", &session->customer_id) < 0 ||
	    read_integer(payload, "scheduler_id",
	    &session->scheduler_id) < 0 ||
	    read_integer(payload, "expires_at", &session->expires_at) < 0)
		goto cleanup;
	if (!json_object_object_get_ex(payload, "access_level", &member) ||
	    !json_object_is_type(member, json_type_string))
		goto cleanup;
	level = json_object_get_string(member);
	if (strcmp(level, "owner") != 0 && strcmp(level, "collaborator") != 0)
		goto cleanup;
	session->owner = strcmp(level, "owner") == 0;
	if (copy_member(payload, "ey_user_id", 0, &session->ey_user_id) < 0 ||
	    copy_member(payload, "ey_user_name", 0,
	    &session->ey_user_name) < 0 ||
	    copy_member(payload, "ey_return_to_url", 1,
	    &session->ey_return_to_url) < 0)
		goto cleanup;
	result = 0;

cleanup:
	json_object_put(payload);
	return result;
}

int
session_decode(const char *value, const char *secret, int64_t now,
    struct session *session, struct error *error)
{
	const char *dot;
	size_t payload_length, mac_length;
	uint8_t mac[CRYPTO_SHA256_SIZE], expected[CRYPTO_SHA256_SIZE];
	uint8_t *json = NULL;
	long decoded;
	int result;

	memset(session, 0, sizeof(*session));
	if (strlen(value) > SESSION_VALUE_MAX ||
	    (dot = strchr(value, '.')) == NULL)
		return reject(error, "the session cookie is malformed");
	payload_length = (size_t)(dot - value);
	mac_length = strlen(dot + 1);
	if (base64_decode(dot + 1, mac_length, mac, sizeof(mac)) !=
	    (long)sizeof(mac))
		return reject(error, "the session cookie is malformed");

	if (keyed_mac(secret, "session", value, payload_length, expected,
	    error) < 0)
		return -1;
	if (!crypto_equal(mac, expected, sizeof(mac)))
		return reject(error, "the session cookie has an invalid "
		    "signature");

	if ((json = malloc(payload_length + 1)) == NULL)
		return error_set(error, "out of memory");
	decoded = base64_decode(value, payload_length, json, payload_length);
	if (decoded < 0) {
		result = reject(error, "the session cookie is malformed");
		goto cleanup;
	}
	json[decoded] = '\0';
	if (read_payload((const char *)json, session) < 0) {
		result = reject(error, "the session cookie is malformed");
		goto cleanup;
	}
	if (session->expires_at <= now) {
		result = reject(error, "the session has expired");
		goto cleanup;
	}
	result = 0;

cleanup:
	free(json);
	if (result != 0)
		session_free(session);
	return result;
}

void
session_free(struct session *session)
{
	free(session->ey_user_id);
	free(session->ey_user_name);
	free(session->ey_return_to_url);
	memset(session, 0, sizeof(*session));
}

int
session_csrf_token(const char *value, const char *secret,
    char token[SESSION_CSRF_TOKEN_SIZE], struct error *error)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t mac[CRYPTO_SHA256_SIZE];
	size_t i;

	if (keyed_mac(secret, "csrf", value, strcspn(value, "."), mac,
	    error) < 0)
		return -1;
	for (i = 0; i < sizeof(mac); i++) {
		token[2 * i] = digits[mac[i] >> 4];
		token[2 * i + 1] = digits[mac[i] & 0xf];
	}
	token[2 * sizeof(mac)] = '\0';
	return 0;
}

int
session_csrf_check(const char *value, const char *secret,
    const char *token, struct error *error)
{
	char expected[SESSION_CSRF_TOKEN_SIZE];

	if (session_csrf_token(value, secret, expected, error) < 0)
		return -1;
	if (token == NULL || strlen(token) != SESSION_CSRF_TOKEN_SIZE - 1)
		return 0;
	return crypto_equal(token, expected, SESSION_CSRF_TOKEN_SIZE - 1);
}

/*
 * Cookie header grammar (RFC 6265 section 5.4):
 *
 *	cookie-header = cookie-pair *( ";" SP cookie-pair )
 *	cookie-pair   = name "=" value	; value may be in double quotes
 *
 * Spaces around pairs are skipped, since some clients add them.
 */
int
session_cookie_find(const char *header, char **value)
{
	const char *pair, *end, *equals, *start;
	size_t name_length = strlen(SESSION_COOKIE_NAME), length;

	*value = NULL;
	if (header == NULL)
		return 0;
	for (pair = header; *pair != '\0'; pair = *end == ';' ? end + 1 : end) {
		pair += strspn(pair, " \t");
		end = pair + strcspn(pair, ";");
		equals = memchr(pair, '=', (size_t)(end - pair));
		if (equals == NULL || (size_t)(equals - pair) != name_length ||
		    strncmp(pair, SESSION_COOKIE_NAME, name_length) != 0)
			continue;

		start = equals + 1;
		length = (size_t)(end - start);
		while (length > 0 && (start[length - 1] == ' ' ||
		    start[length - 1] == '\t'))
			length--;
		if (length >= 2 && start[0] == '"' &&
		    start[length - 1] == '"') {
			start++;
			length -= 2;
		}
		*value = strndup(start, length);
		return *value != NULL ? 1 : -1;
	}
	return 0;
}

int
session_cookie_header(const char *value, int max_age, int secure,
    char **header)
{
	if (asprintf(header, "Set-Cookie: " SESSION_COOKIE_NAME "=%s; "
	    "Path=" SESSION_COOKIE_PATH "; Max-Age=%d; HttpOnly; "
	    "SameSite=Lax%s\r\n", value, max_age, secure ? "; Secure" : "")
	    < 0) {
		*header = NULL;
		return -1;
	}
	return 0;
}
