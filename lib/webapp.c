#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "log.h"
#include "webapp.h"

static void
usage(FILE *out, const char *name)
{
	fprintf(out,
	    "usage: chronatog-%s [--config FILE]\n"
	    "\n"
	    "A Chronatog FastCGI program. Run it from a web server\n"
	    "(lighttpd mod_fastcgi, Apache mod_fcgid or spawn-fcgi) or as\n"
	    "a CGI program.\n"
	    "\n"
	    "  --config FILE  configuration file (default: $CHRONATOG_CONFIG,\n"
	    "                 else " CONFIG_DEFAULT_PATH ")\n"
	    "  --help         show this help\n"
	    "  --version      show the version\n"
	    "\n"
	    "Environment: CHRONATOG_DB (database file),\n"
	    "CHRONATOG_PUBLIC_URL (base of the URLs handed out).\n", name);
}

int
webapp_main(int argc, char **argv, const char *name,
    webapp_handler *handler)
{
	const char *config_path = NULL;
	struct fcgi_request request;
	struct config config;
	struct error error;
	sqlite3 *db = NULL;
	int i, status;
	char component[64];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout, name);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("chronatog-%s %s\n", name, CHRONATOG_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config_path = argv[++i];
		} else {
			fprintf(stderr, "chronatog-%s: unknown argument '%s'\n",
			    name, argv[i]);
			usage(stderr, name);
			return 2;
		}
	}

	snprintf(component, sizeof(component), "chronatog-%s", name);
	log_open(component, 0);
	if (config_load(config_path, &config, &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		return 1;
	}

	while (fcgi_accept() == 0) {
		if (db == NULL && db_open(config.db, 0, &db, &error) < 0) {
			log_message(LOG_ERR, "%s", error.message);
			fcgi_respond_error(503, NULL, "the service is not "
			    "ready; the operator has been told");
			continue;
		}

		if (fcgi_read_request(&request, config.public_url, &status,
		    &error) < 0)
			fcgi_respond_error(status, NULL, "%s", error.message);
		else
			handler(db, &config, &request);
		fcgi_request_free(&request);
	}

	db_close(db);
	config_free(&config);
	return 0;
}

/* Returns whether `type` is application/json, with or without params. */
static int
is_json_type(const char *type)
{
	size_t length = strcspn(type, "; \t");

	return length == strlen("application/json") &&
	    strncasecmp(type, "application/json", length) == 0;
}

int
webapp_parse_json_body(struct fcgi_request *request, json_object **body)
{
	struct json_tokener *tokener;
	enum json_tokener_error rc;
	size_t end;

	*body = NULL;
	if (request->content_type != NULL && *request->content_type != '\0' &&
	    !is_json_type(request->content_type)) {
		fcgi_respond_error(415, NULL, "Content-Type must be "
		    "application/json, not '%s'", request->content_type);
		return -1;
	}
	if (request->body == NULL) {
		fcgi_respond_error(400, NULL, "request body is missing; send "
		    "a JSON object");
		return -1;
	}

	if ((tokener = json_tokener_new()) == NULL) {
		fcgi_respond_error(500, NULL, "out of memory");
		return -1;
	}
	/* Strings are stored as SQLite TEXT and sent back as JSON. */
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	/*
	 * The length includes the final NUL, which marks the end of the input
	 * for json-c, so that a bare literal such as "null" completes.
	 */
	*body = json_tokener_parse_ex(tokener, request->body,
	    (int)request->body_length + 1);
	rc = json_tokener_get_error(tokener);
	end = json_tokener_get_parse_end(tokener);
	/* Anything after the value other than whitespace is an error. */
	if (rc == json_tokener_success && end < request->body_length &&
	    strspn(request->body + end, " \t\r\n") !=
	    request->body_length - end) {
		json_object_put(*body);
		*body = NULL;
		rc = json_tokener_error_parse_unexpected;
	}
	if (rc != json_tokener_success) {
		json_object_put(*body);
		*body = NULL;
		fcgi_respond_error(400, NULL, "request body is not valid "
		    "JSON: %s", rc == json_tokener_continue ?
		    "unexpected end of input" : json_tokener_error_desc(rc));
	} else if (*body == NULL) {
		fcgi_respond_error(400, NULL, "request body must be a JSON "
		    "object, not null");
	}
	json_tokener_free(tokener);
	return *body != NULL ? 0 : -1;
}

void
webapp_internal_error(const struct error *error)
{
	log_message(LOG_ERR, "%s", error->message);
	fcgi_respond_error(500, NULL, "internal error; the operator has been "
	    "told");
}

void
webapp_method_not_allowed(const char *method, const char *allowed)
{
	char headers[256];

	snprintf(headers, sizeof(headers), "Allow: %s\r\n", allowed);
	fcgi_respond_error(405, headers, "method %s is not allowed here; use "
	    "%s", method, allowed);
}
