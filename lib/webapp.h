/*
 * The request loop shared by the FastCGI programs in cgi-bin/: options,
 * configuration, the database connection, and the common responses.
 */
#ifndef CHRONATOG_WEBAPP_H
#define CHRONATOG_WEBAPP_H

#include <json-c/json.h>
#include <sqlite3.h>

#include "config.h"
#include "error.h"
#include "fcgi.h"

/* Handles one request that fcgi_read_request() read successfully. */
typedef void webapp_handler(sqlite3 *db, const struct config *config,
    struct fcgi_request *request);

/*
 * Runs a FastCGI (or CGI) program named chronatog-<name>: handles
 * --help, --version and --config FILE, loads the configuration, opens
 * the database (again on the next request if it fails, responding 503
 * meanwhile), and calls `handler` for each request. Returns the exit
 * status for main().
 */
int webapp_main(int argc, char **argv, const char *name,
    webapp_handler *handler);

/*
 * Parses the request body as JSON into `*body`. Responds to the request and
 * returns -1 when the body is missing (400), not JSON (400) or sent with
 * a Content-Type other than application/json (415).
 */
int webapp_parse_json_body(struct fcgi_request *request, json_object **body);

/* Logs `error` and responds 500 without revealing it. */
void webapp_internal_error(const struct error *error);

/* Responds 405 with an Allow header listing `allowed`. */
void webapp_method_not_allowed(const char *method, const char *allowed);

#endif
