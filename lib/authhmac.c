#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "authhmac.h"
#include "base64.h"
#include "crypto.h"

#define SCHEME_PREFIX	"AuthHMAC "

/* Sets a rejection reason in `error` and returns 1, for authhmac_verify(). */
static int __attribute__((format(__printf__, 2, 3)))
reject(struct error *error, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	error_setv(error, format, args);
	va_end(args);
	return 1;
}

static void
free_secret(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/* Returns whether `c` may appear in a key id: printable, no space or ':'. */
static int
is_id_char(char c)
{
	return c > ' ' && c < 0x7f && c != ':';
}

static int
is_valid_id(const char *auth_id)
{
	const char *p;

	for (p = auth_id; is_id_char(*p); p++)
		continue;
	return p != auth_id && *p == '\0';
}

/* Returns whether `c` may appear in a Base64 signature as sent. */
static int
is_signature_char(char c)
{
	return c > ' ' && c < 0x7f;
}

int
authhmac_lookup_credentials(void *context, const char *auth_id,
    char **auth_key, struct error *error)
{
	const struct authhmac_credentials *credentials = context;

	*auth_key = NULL;
	if (credentials->auth_id == NULL || credentials->auth_key == NULL ||
	    strcmp(credentials->auth_id, auth_id) != 0)
		return 0;

	*auth_key = strdup(credentials->auth_key);
	if (*auth_key == NULL)
		return error_set(error, "out of memory");
	return 0;
}

int
authhmac_request_path(const char *uri, char **path, struct error *error)
{
	CURLU *url = NULL;
	CURLUcode rc;
	char *curl_path = NULL;
	int result = -1;

	*path = NULL;
	if (uri == NULL || uri[0] == '\0')
		return error_set(error, "request URI missing");

	/* A request URI: the path ends where the query or fragment starts. */
	if (uri[0] == '/') {
		*path = strndup(uri, strcspn(uri, "?#"));
		if (*path == NULL)
			return error_set(error, "out of memory");
		return 0;
	}

	url = curl_url();
	if (url == NULL)
		return error_set(error, "out of memory");

	/* CURLU_PATH_AS_IS keeps "/../" segments, which the signer saw. */
	rc = curl_url_set(url, CURLUPART_URL, uri, CURLU_PATH_AS_IS);
	if (rc != CURLUE_OK) {
		error_set(error, "request URI is neither a path nor a valid "
		    "URL: %s", curl_url_strerror(rc));
		goto cleanup;
	}

	rc = curl_url_get(url, CURLUPART_PATH, &curl_path, 0);
	if (rc != CURLUE_OK) {
		error_set(error, "cannot read the path of the request URI: %s",
		    curl_url_strerror(rc));
		goto cleanup;
	}

	*path = strdup(curl_path);
	if (*path == NULL) {
		error_set(error, "out of memory");
		goto cleanup;
	}
	result = 0;

cleanup:
	curl_free(curl_path);
	curl_url_cleanup(url);
	return result;
}

int
authhmac_cgi_path(const char *request_uri, const char *script_name,
    const char *path_info, char **path, struct error *error)
{
	*path = NULL;
	if (request_uri != NULL && request_uri[0] != '\0')
		return authhmac_request_path(request_uri, path, error);

	if (script_name == NULL)
		script_name = "";
	if (path_info == NULL)
		path_info = "";
	if (script_name[0] == '\0' && path_info[0] == '\0')
		return error_set(error, "request path missing: REQUEST_URI, "
		    "SCRIPT_NAME and PATH_INFO are all empty");

	if (asprintf(path, "%s%s", script_name, path_info) == -1) {
		*path = NULL;
		return error_set(error, "out of memory");
	}
	return 0;
}

/*
 * The canonical string is five parts joined with "\n", with no newline
 * at the end:
 *
 *	method "\n" content-type "\n" body-md5 "\n" date "\n" path
 *
 * content-type is the Content-Type header, or "" when absent. body-md5 is
 * the lowercase hex MD5 of the body, or "" when the body is empty. The
 * legacy rule puts the MD5 of the empty string there instead
 * (d41d8cd98f00b204e9800998ecf8427e). date is the Date header verbatim.
 * path is the path of the request URI without the query string. For
 * example:
 *
 *	PUT
 *	text/plain
 *	78b9d09661da64f0bc6c146c524bae4a
 *	Thu, 10 Jul 2008 03:29:56 GMT
 *	/path/to/put
 *
 * A line break inside a part would let one part pass for another, so
 * such a request is rejected.
 */
int
authhmac_canonical_string(const struct authhmac_request *request,
    int legacy_empty_body, char **out, struct error *error)
{
	const char *content_type;
	const void *body;
	char body_md5[CRYPTO_MD5_HEX_SIZE] = "";
	char *path = NULL;
	int result = -1;

	*out = NULL;
	content_type = request->content_type != NULL ?
	    request->content_type : "";
	body = request->body != NULL ? request->body : "";

	if (request->method == NULL || request->method[0] == '\0')
		return error_set(error, "request method missing");
	if (request->date == NULL || request->date[0] == '\0')
		return error_set(error, "Date header missing");
	if (strchr(request->method, '\n') != NULL)
		return error_set(error, "request method contains a line break");
	if (strchr(content_type, '\n') != NULL)
		return error_set(error, "Content-Type contains a line break");
	if (strchr(request->date, '\n') != NULL)
		return error_set(error, "Date header contains a line break");

	if (request->body_length > 0 || legacy_empty_body) {
		if (crypto_md5_hex(body, request->body_length, body_md5,
		    error) == -1)
			return -1;
	}

	if (authhmac_request_path(request->uri, &path, error) == -1)
		return -1;
	if (strchr(path, '\n') != NULL) {
		error_set(error, "request path contains a line break");
		goto cleanup;
	}

	if (asprintf(out, "%s\n%s\n%s\n%s\n%s", request->method, content_type,
	    body_md5, request->date, path) == -1) {
		*out = NULL;
		error_set(error, "out of memory");
		goto cleanup;
	}
	result = 0;

cleanup:
	free(path);
	return result;
}

int
authhmac_format_signature(const char *auth_id, const char *auth_key,
    const void *data, size_t length, char **authorization,
    struct error *error)
{
	uint8_t digest[CRYPTO_SHA1_SIZE];
	char signature[BASE64_ENCODED_SIZE(CRYPTO_SHA1_SIZE)];

	*authorization = NULL;
	if (!is_valid_id(auth_id))
		return error_set(error, "key id must be printable ASCII "
		    "without spaces or ':'");
	if (crypto_hmac_sha1(auth_key, strlen(auth_key), data, length, digest,
	    error) == -1)
		return -1;
	base64_encode(digest, sizeof(digest), signature);

	if (asprintf(authorization, SCHEME_PREFIX "%s:%s", auth_id,
	    signature) == -1) {
		*authorization = NULL;
		return error_set(error, "out of memory");
	}
	return 0;
}

int
authhmac_check_signature(const char *auth_key, const void *data,
    size_t length, const char *signature, struct error *error)
{
	uint8_t expected[CRYPTO_SHA1_SIZE];
	uint8_t received[CRYPTO_SHA1_SIZE];
	long received_length;

	received_length = base64_decode(signature, strlen(signature),
	    received, sizeof(received));
	if (received_length != CRYPTO_SHA1_SIZE)
		return 0;

	if (crypto_hmac_sha1(auth_key, strlen(auth_key), data, length,
	    expected, error) == -1)
		return -1;
	return crypto_equal(expected, received, sizeof(expected));
}

int
authhmac_sign(const char *auth_id, const char *auth_key,
    const struct authhmac_request *request, char **authorization,
    struct error *error)
{
	char *canonical = NULL;
	int result;

	*authorization = NULL;
	if (authhmac_canonical_string(request, 0, &canonical, error) == -1)
		return -1;

	result = authhmac_format_signature(auth_id, auth_key, canonical,
	    strlen(canonical), authorization, error);
	free(canonical);
	return result;
}

int
authhmac_parse_header(const char *value, char **auth_id, char **signature,
    struct error *error)
{
	const char *id_start, *id_end, *p;

	*auth_id = NULL;
	*signature = NULL;
	if (strncmp(value, SCHEME_PREFIX, strlen(SCHEME_PREFIX)) != 0)
		return 1;

	id_start = value + strlen(SCHEME_PREFIX);
	for (id_end = id_start; is_id_char(*id_end); id_end++)
		continue;
	if (id_end == id_start || *id_end != ':')
		return 1;

	for (p = id_end + 1; is_signature_char(*p); p++)
		continue;
	if (p == id_end + 1 || *p != '\0')
		return 1;

	*auth_id = strndup(id_start, (size_t)(id_end - id_start));
	*signature = strdup(id_end + 1);
	if (*auth_id == NULL || *signature == NULL) {
		free(*auth_id);
		free(*signature);
		*auth_id = NULL;
		*signature = NULL;
		return error_set(error, "out of memory");
	}
	return 0;
}

/*
 * Checks the signature of `request` under the current rule and, for an
 * empty body, under the legacy rule. Returns 0 when either matches, 1
 * with a reason in `error` when neither does or the request is invalid,
 * or -1 with `error` set when libgcrypt fails.
 */
static int
check_request_signature(const char *auth_key,
    const struct authhmac_request *request, const char *signature,
    struct error *error)
{
	char *canonical = NULL;
	int match;

	/*
	 * Building the canonical string fails for an invalid request (a
	 * line break, an invalid URI) and otherwise only when memory runs
	 * out, so a failure here is a rejection.
	 */
	if (authhmac_canonical_string(request, 0, &canonical, error) == -1)
		return 1;
	match = authhmac_check_signature(auth_key, canonical,
	    strlen(canonical), signature, error);
	free(canonical);

	if (match == 0 && request->body_length == 0) {
		if (authhmac_canonical_string(request, 1, &canonical,
		    error) == -1)
			return -1;
		match = authhmac_check_signature(auth_key, canonical,
		    strlen(canonical), signature, error);
		free(canonical);
	}

	if (match == -1)
		return -1;
	if (match == 0)
		return reject(error, "signature mismatch");
	return 0;
}

/* Rejects a Date more than `max_skew_seconds` away from `now`. */
static int
check_date(time_t date, time_t now, int max_skew_seconds,
    struct error *error)
{
	char text[AUTHHMAC_HTTP_DATE_SIZE];
	long long skew;

	skew = (long long)now - (long long)date;
	if (skew < 0)
		skew = -skew;
	if (skew <= max_skew_seconds)
		return 0;

	/* Shows the parsed date, not the header, which may contain anything. */
	if (authhmac_format_date(date, text, NULL) == -1)
		snprintf(text, sizeof(text), "header");
	return reject(error, "Date %s is %lld seconds off the server clock "
	    "(maximum %d)", text, skew, max_skew_seconds);
}

int
authhmac_verify(const char *authorization,
    const struct authhmac_request *request, authhmac_lookup_fn *lookup,
    void *lookup_context, time_t now, int max_skew_seconds,
    struct error *error)
{
	char *auth_id = NULL, *signature = NULL, *auth_key = NULL;
	time_t date;
	int result;

	if (authorization == NULL || authorization[0] == '\0')
		return reject(error, "missing Authorization header");

	result = authhmac_parse_header(authorization, &auth_id, &signature,
	    error);
	if (result == 1)
		result = reject(error, "Authorization header is not of the "
		    "form 'AuthHMAC <key id>:<signature>'");
	if (result != 0)
		goto cleanup;

	result = lookup(lookup_context, auth_id, &auth_key, error);
	if (result != 0)
		goto cleanup;
	if (auth_key == NULL) {
		result = reject(error, "unknown key id %s", auth_id);
		goto cleanup;
	}

	if (request->date == NULL || request->date[0] == '\0') {
		result = reject(error, "Date header missing");
		goto cleanup;
	}
	date = curl_getdate(request->date, NULL);
	if (date == -1) {
		result = reject(error, "Date header is not a valid HTTP date");
		goto cleanup;
	}

	result = check_request_signature(auth_key, request, signature, error);
	if (result != 0)
		goto cleanup;

	/* Checked last, so that only a genuine client learns the skew. */
	result = check_date(date, now, max_skew_seconds, error);

cleanup:
	free(auth_id);
	free(signature);
	free_secret(auth_key);
	return result;
}

int
authhmac_format_date(time_t timestamp, char out[AUTHHMAC_HTTP_DATE_SIZE],
    struct error *error)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	char text[80];

	if (gmtime_r(&timestamp, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return error_set(error, "time %lld is outside years 0-9999",
		    (long long)timestamp);

	/* A buffer of the widest output of the format keeps -Wformat quiet. */
	snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, text, AUTHHMAC_HTTP_DATE_SIZE);
	out[AUTHHMAC_HTTP_DATE_SIZE - 1] = '\0';
	return 0;
}
