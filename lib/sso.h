/*
 * Signed URLs for single sign-on (SSO) from Engine Yard (EY). When a user
 * follows "Visit" on EY, EY sends the browser to Chronatog's
 * configuration_url with the user's details in the query string, a
 * `timestamp` and a `signature` parameter of the form
 * "AuthHMAC <auth_id>:<Base64 HMAC-SHA1>". The HMAC covers
 *
 *	scheme "://" host [":" port] path "?" query
 *
 * where query is every parameter except `signature`, sorted by name and
 * form-encoded as name=value pairs joined with "&".
 */
#ifndef CHRONATOG_SSO_H
#define CHRONATOG_SSO_H

#include <stddef.h>
#include <time.h>

#include "authhmac.h"
#include "error.h"

/* Maximum difference in seconds between `timestamp` and the clock. */
#define SSO_MAX_AGE	(5 * 60)

/* A query parameter, decoded. */
struct sso_parameter {
	char *name;
	char *value;
};

/*
 * The parameters of a verified SSO URL. Each string is malloc'd, or NULL
 * when the URL does not carry that parameter. EY sends ey_user_email only
 * for some services.
 */
struct sso_login {
	char *auth_id;		/* the key id that signed the URL */
	char *ey_user_id;
	char *ey_user_name;
	char *ey_user_email;
	char *access_level;	/* "owner" or "collaborator" */
	char *ey_return_to_url;
	time_t timestamp;	/* time of signing, Unix seconds */
};

/*
 * Form-encodes `length` bytes of `text` (application/x-www-form-urlencoded):
 * a space becomes "+" and every byte except A-Z a-z 0-9 - . _ becomes
 * "%XX" with uppercase hex. With `escape_tilde` 0, "~" is left as is,
 * as some signers do. Sets `*out` to a malloc'd string that the caller
 * frees. Returns 0, or -1 with `error` set.
 */
int sso_form_encode(const char *text, size_t length, int escape_tilde,
    char **out, struct error *error);

/*
 * Signs `url` with `auth_id` and `auth_key`: adds the `count` parameters
 * to those already in its query, sorts them by name, and appends the
 * signature. Sets `*signed_url` to a malloc'd string that the caller
 * frees. Returns 0, or -1 with `error` set when the URL is invalid, a
 * parameter is named `signature` or appears twice, or memory runs out.
 * The message never contains the key.
 */
int sso_sign(const char *url, const struct sso_parameter *parameters,
    size_t count, const char *auth_id, const char *auth_key,
    char **signed_url, struct error *error);

/*
 * Checks the `signature` parameter of `url` with the key that `lookup`
 * (called with `lookup_context`) returns for its key id. Accepts "~"
 * encoded either way by the signer. Does not look at `timestamp`, which
 * sso_verify() checks.
 *
 * The URL must be the one the signer signed. On the server side, rebuild
 * it from the public URL the signer was given and REQUEST_URI.
 *
 * Returns 0 when the signature matches. It then sets `*parameters` to a
 * malloc'd array of the other `*count` parameters, decoded and sorted by
 * name, to be freed with sso_parameters_free(). Unless `auth_id` is NULL,
 * it also sets `*auth_id` to a malloc'd copy of the key id.
 *
 * Returns 1 with a reason in `error` when the URL is invalid, has no
 * signature, has a parameter twice, names an unknown key id, or the
 * signature does not match. Returns -1 with `error` set when the lookup
 * or libgcrypt fails or memory runs out.
 */
int sso_verify_signature(const char *url, authhmac_lookup_fn *lookup,
    void *lookup_context, struct sso_parameter **parameters, size_t *count,
    char **auth_id, struct error *error);

/* Frees `count` parameters and the array itself. NULL is allowed. */
void sso_parameters_free(struct sso_parameter *parameters, size_t count);

/*
 * Verifies `url` as sso_verify_signature() does and checks that its
 * `timestamp` is within `max_age_seconds` of `now` (SSO_MAX_AGE), in
 * either direction. The timestamp must be RFC 3339, the common profile of
 * ISO 8601, such as "2026-12-04T15:00:00Z" or "2026-12-04T15:00:00+00:00".
 *
 * Returns 0 and fills `login`, to be freed with sso_login_free(). Returns
 * 1 with a reason in `error` when the URL is rejected, or -1 with `error`
 * set when verification could not be done. `login` is zeroed unless 0 is
 * returned.
 */
int sso_verify(const char *url, authhmac_lookup_fn *lookup,
    void *lookup_context, time_t now, int max_age_seconds,
    struct sso_login *login, struct error *error);

/* Frees the strings of `login` and zeroes it. */
void sso_login_free(struct sso_login *login);

#endif
