/*
 * FastCGI request and response glue over libfcgi's stdio layer, which
 * also makes every program work as plain CGI. Only this module and the
 * programs in cgi-bin/ write responses.
 */
#ifndef CHRONATOG_FCGI_H
#define CHRONATOG_FCGI_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

/* Largest request body accepted, in bytes. */
#define FCGI_BODY_MAX 65536

struct fcgi_request {
	const char *method;		/* "GET", "POST", ... */
	char *path;			/* request path without the query */
	const char *query;		/* query string, "" when none */
	const char *content_type;	/* NULL when absent */
	const char *authorization;	/* NULL when absent */
	const char *date;		/* Date header, NULL when absent */
	const char *cookie;		/* Cookie header, NULL when absent */
	char *body;			/* NUL-terminated, NULL when empty */
	size_t body_length;
	char *base_url;			/* public URL, no trailing slash */
};

/*
 * Waits for the next request. Returns 0 when one arrived and -1 when the
 * program should exit (the web server closed the socket, or one CGI
 * request was served).
 */
int fcgi_accept(void);

/*
 * Reads the current request from the CGI environment and standard input.
 * `public_url` is the configured base URL or NULL to derive it from the
 * Host header. On failure returns -1 with the HTTP status to respond with in
 * `*status` (413 for a body over FCGI_BODY_MAX, 400 for a short body)
 * and a message. Free with fcgi_request_free() either way.
 */
int fcgi_read_request(struct fcgi_request *request, const char *public_url,
    int *status, struct error *error);

void fcgi_request_free(struct fcgi_request *request);

/*
 * Reads a path segment's positive decimal id (no sign, no leading zero)
 * at `*p` into `*id` and moves `*p` past it. Returns 0, or -1 when there
 * is none or it overflows.
 */
int fcgi_path_id(const char **p, int64_t *id);

/*
 * Finds parameter `name` in the request's query string and stores its
 * percent-decoded value, which the caller frees, in `*value`. Returns 1
 * when found, 0 when absent, -1 when out of memory.
 */
int fcgi_query_parameter(const struct fcgi_request *request,
    const char *name, char **value);

/*
 * Like fcgi_query_parameter() for a form-encoded request body
 * (application/x-www-form-urlencoded, what HTML forms POST).
 */
int fcgi_form_parameter(const struct fcgi_request *request,
    const char *name, char **value);

/*
 * Writes a response. `headers` contains extra header lines, each ending in
 * "\r\n", or is NULL. `body` may be NULL for an empty body.
 */
void fcgi_respond(int status, const char *content_type, const char *headers,
    const char *body, size_t body_length);

/* Writes `value` as an application/json response; takes no ownership. */
void fcgi_respond_json(int status, json_object *value, const char *headers);

/*
 * Writes {"error_messages": [...]} with the strings of the JSON array
 * `messages`; takes no ownership.
 */
void fcgi_respond_errors(int status, json_object *messages,
    const char *headers);

/* Writes {"error_messages": ["<message>"]}. */
void fcgi_respond_error(int status, const char *headers,
    const char *format, ...) __attribute__((format(__printf__, 3, 4)));

#endif
