/*
 * The Engine Yard API as ey-sandbox serves it to the partner: builds the
 * response to a request that `serve` has read and authenticated. The
 * caller writes the reply and records it.
 */
#ifndef EY_SANDBOX_API_H
#define EY_SANDBOX_API_H

#include <json-c/json.h>
#include <sqlite3.h>

#include "fcgi.h"
#include "store.h"

/* A response not yet written. Free it with api_reply_free(). */
struct api_reply {
	int status;
	json_object *json;	/* JSON body, or NULL */
	char *text;		/* plain-text body when json is NULL */
	char *location;		/* Location header value, or NULL */
	const char *allow;	/* Allow header value of a 405, or NULL */
};

/*
 * Builds the response to `request` in `reply`: routes it below the base
 * URL of `settings`, checks the method, parses the JSON body of a POST
 * or PUT, and runs the endpoint. Every outcome, errors included, is a
 * reply.
 */
void api_handle(sqlite3 *db, const struct store_settings *settings,
    const struct fcgi_request *request, struct api_reply *reply);

/* Sets `reply` to {"error_messages": ["<message>"]} with `status`. */
void api_reply_error(struct api_reply *reply, int status,
    const char *format, ...) __attribute__((format(__printf__, 3, 4)));

void api_reply_free(struct api_reply *reply);

#endif
