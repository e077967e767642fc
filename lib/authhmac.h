/*
 * AuthHMAC request signing, the scheme Engine Yard (EY) and Chronatog use
 * to authenticate the HTTP requests they send each other. A signed
 * request carries
 *
 *	Authorization: AuthHMAC <auth_id>:<Base64 of HMAC-SHA1>
 *
 * where the HMAC is keyed with the secret `auth_key` that belongs to
 * `auth_id` and covers the canonical string described in authhmac.c.
 */
#ifndef CHRONATOG_AUTHHMAC_H
#define CHRONATOG_AUTHHMAC_H

#include <stddef.h>
#include <time.h>

#include "error.h"

/* Maximum difference in seconds between a Date and the server clock. */
#define AUTHHMAC_MAX_DATE_SKEW	(15 * 60)

/* Bytes of an HTTP date ("Thu, 10 Jul 2008 03:29:56 GMT"), with the NUL. */
#define AUTHHMAC_HTTP_DATE_SIZE	30

/* Start of the plain-text body of the 401 response to a rejected request. */
#define AUTHHMAC_FAILURE_PREFIX	"Authentication failure: "

/* The parts of an HTTP request that the signature covers. */
struct authhmac_request {
	const char *method;		/* "GET", "POST", "PUT", "DELETE" */
	const char *content_type;	/* NULL or "" when absent */
	const void *body;		/* may be NULL when body_length is 0 */
	size_t body_length;
	const char *date;		/* Date header, NULL when absent */
	const char *uri;		/* full URL or request URI */
};

/*
 * Callback that looks up the secret key of `auth_id`. On success it
 * returns 0 and sets `*auth_key` to a malloc'd NUL-terminated copy of the
 * key, which the caller wipes and frees, or to NULL when the id is
 * unknown. It returns -1 with `error` set when the lookup itself fails
 * (a database error, say), which is not an authentication failure.
 */
typedef int authhmac_lookup_fn(void *context, const char *auth_id,
    char **auth_key, struct error *error);

/* A single id and key pair, the context of authhmac_lookup_credentials(). */
struct authhmac_credentials {
	const char *auth_id;
	const char *auth_key;
};

/*
 * An authhmac_lookup_fn for callers that know one id and key pair, given
 * as `context`, a struct authhmac_credentials. Sets `*auth_key` to a copy
 * of its key when `auth_id` matches, else to NULL.
 */
int authhmac_lookup_credentials(void *context, const char *auth_id,
    char **auth_key, struct error *error);

/*
 * Extracts the request path from `uri`: either a request URI that starts
 * with "/" or a full URL such as "http://example.com/path/to/put?foo=bar".
 * The path keeps its percent-encoding and stops before any "?" or "#".
 * A full URL without a path gives "/". Sets `*path` to a malloc'd string
 * that the caller frees. Returns 0, or -1 with `error` set when `uri` is
 * neither form or memory runs out.
 */
int authhmac_request_path(const char *uri, char **path,
    struct error *error);

/*
 * Extracts the request path on the server side from the CGI variables.
 * It is the path of REQUEST_URI (`request_uri`, which may contain a query
 * string). Some servers leave REQUEST_URI unset, so when it is NULL or
 * empty, the path is SCRIPT_NAME followed by PATH_INFO, verbatim, with
 * NULL counting as empty. Sets `*path` to a malloc'd string that the
 * caller frees. Returns 0, or -1 with `error` set when all three are
 * empty or memory runs out.
 */
int authhmac_cgi_path(const char *request_uri, const char *script_name,
    const char *path_info, char **path, struct error *error);

/*
 * Builds the canonical string of `request` (the text the HMAC covers).
 * With `legacy_empty_body` set, an empty body contributes the MD5 of the
 * empty string instead of the empty string, as older signers did.
 * Sets `*out` to a malloc'd string that the caller frees. Returns 0, or
 * -1 with `error` set when the method or the Date is missing, a part
 * contains a line break, the URI is invalid, or memory runs out.
 */
int authhmac_canonical_string(const struct authhmac_request *request,
    int legacy_empty_body, char **out, struct error *error);

/*
 * Signs `request` with `auth_id` and `auth_key` under the current rule
 * and sets `*authorization` to a malloc'd "AuthHMAC <auth_id>:<signature>"
 * value for the Authorization header, which the caller frees. The request
 * must have a Date (see authhmac_format_date()). Returns 0, or -1 with
 * `error` set. The message never contains the key.
 */
int authhmac_sign(const char *auth_id, const char *auth_key,
    const struct authhmac_request *request, char **authorization,
    struct error *error);

/*
 * Verifies the Authorization header value `authorization` (NULL when the
 * header is absent) of `request`. The key comes from `lookup` called
 * with `lookup_context`. The signature may follow the current rule or
 * the legacy empty-body rule, and is compared in constant time. The
 * request's Date must be within `max_skew_seconds` of `now`.
 *
 * Returns 0 when the request is authentic. Returns 1 when it is not,
 * with a reason in `error` ("missing Authorization header", "unknown key
 * id ...", "Date header missing", "signature mismatch", "Date ... is N
 * seconds off ...") for the 401 body after AUTHHMAC_FAILURE_PREFIX.
 * Returns -1 with `error` set when verification could not be done
 * (lookup or libgcrypt failure), which deserves a 500. No message
 * contains a key.
 */
int authhmac_verify(const char *authorization,
    const struct authhmac_request *request, authhmac_lookup_fn *lookup,
    void *lookup_context, time_t now, int max_skew_seconds,
    struct error *error);

/*
 * Splits an "AuthHMAC <auth_id>:<signature>" value. The id must be
 * printable ASCII without spaces or ":", so it is safe to show in a
 * message. Sets `*auth_id` and `*signature` to malloc'd strings that the
 * caller frees. Returns 0, 1 when the value has another form (`error` is
 * left alone, so that the caller can name the value), or -1 with `error`
 * set when memory runs out.
 */
int authhmac_parse_header(const char *value, char **auth_id,
    char **signature, struct error *error);

/*
 * Computes the Base64 HMAC-SHA1 of `length` bytes of `data` keyed with
 * `auth_key` and sets `*authorization` to a malloc'd
 * "AuthHMAC <auth_id>:<signature>" that the caller frees. Returns 0, or
 * -1 with `error` set.
 */
int authhmac_format_signature(const char *auth_id, const char *auth_key,
    const void *data, size_t length, char **authorization,
    struct error *error);

/*
 * Checks in constant time that `signature` (Base64 text) is the
 * HMAC-SHA1 of `length` bytes of `data` keyed with `auth_key`. Returns 1
 * when it is, 0 when it is not or is not valid Base64, and -1 with
 * `error` set when libgcrypt fails.
 */
int authhmac_check_signature(const char *auth_key, const void *data,
    size_t length, const char *signature, struct error *error);

/*
 * Formats `timestamp` (Unix seconds) as an HTTP date in the IMF-fixdate
 * form, always in GMT and in English whatever the locale, such as
 * "Thu, 10 Jul 2008 03:29:56 GMT". Returns 0, or -1 with `error` set when
 * the year is outside 0-9999.
 */
int authhmac_format_date(time_t timestamp,
    char out[AUTHHMAC_HTTP_DATE_SIZE], struct error *error);

#endif
