/*
 * AuthHMAC-signed JSON requests over HTTP, as Engine Yard and its
 * partners make them to each other: Accept and Content-Type
 * application/json, a Date header, and Authorization signed with the
 * partner credentials. One blocking request at a time (libcurl easy).
 */
#ifndef CHRONATOG_EY_CLIENT_H
#define CHRONATOG_EY_CLIENT_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

/* Seconds a request may take in all, connecting included. */
#define EY_CLIENT_TIMEOUT 30

struct ey_response {
	long status;		/* HTTP status */
	char *body;		/* NUL-terminated, "" when empty */
	size_t body_length;
	char *location;		/* Location header, or NULL */
	json_object *json;	/* the parsed body, or NULL when not JSON */
};

/*
 * Sends `method` to `url` with `body` as JSON (NULL for no body), signed
 * with `auth_id` and `auth_key`, and fills `*response` (free it with
 * ey_response_free()) with whatever status came back. Returns 0 when an
 * response came, or -1 with a message when none did (connection refused,
 * timeout, invalid URL).
 */
int ey_request(const char *auth_id, const char *auth_key, const char *method,
    const char *url, json_object *body, struct ey_response *response,
    struct error *error);

/* Frees what ey_request() stored in `response`. */
void ey_response_free(struct ey_response *response);

/*
 * Sets `error` to a one-line description of an unsuccessful response: the
 * status and the error_messages it carried, or its first bytes.
 */
int ey_response_error(const struct ey_response *response, const char *what,
    struct error *error);

#endif
