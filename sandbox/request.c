/*
 * `ey-sandbox request`: one request signed with the partner's
 * credentials, as either side of the add-on API sends them, for trying
 * endpoints by hand and for tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "output.h"

/* Returns whether `method` is an HTTP method token in capitals. */
static int
is_method(const char *method)
{
	return *method != '\0' &&
	    strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(method);
}

/*
 * Parses the JSON argument into `*body`: an object or an array. Prints
 * why and returns -1 when it is not one.
 */
static int
parse_json_argument(const char *text, json_object **body)
{
	enum json_tokener_error rc;

	*body = json_tokener_parse_verbose(text, &rc);
	if (*body == NULL && rc != json_tokener_success) {
		command_usage_error("request", "the body is not valid JSON: %s",
		    json_tokener_error_desc(rc));
		return -1;
	}
	if (!json_object_is_type(*body, json_type_object) &&
	    !json_object_is_type(*body, json_type_array)) {
		command_usage_error("request", "the body must be a JSON object "
		    "or array");
		json_object_put(*body);
		*body = NULL;
		return -1;
	}
	return 0;
}

int
run_request(const struct sandbox *sandbox, int argc, char **argv)
{
	struct store_settings settings;
	struct ey_response response;
	json_object *body = NULL;
	char *url = NULL;
	struct error error;
	sqlite3 *db;
	int status = 1;

	/* Options end at the method, so that a body may start with "-". */
	if (argc >= 2 && argv[1][0] == '-')
		return command_usage_error("request", "request takes no "
		    "options");
	if (argc != 3 && argc != 4)
		return command_usage_error("request", "request needs METHOD "
		    "URL and an optional JSON body");
	if (!is_method(argv[1]))
		return command_usage_error("request", "invalid method '%s'; "
		    "use GET, POST, PUT or DELETE", argv[1]);
	if (argc == 4 && parse_json_argument(argv[3], &body) < 0)
		return 2;

	if (command_open(sandbox, &db, &settings) < 0) {
		json_object_put(body);
		return 1;
	}
	if (argv[2][0] == '/') {
		if (asprintf(&url, "%s%s", settings.base_url, argv[2]) < 0) {
			url = NULL;
			command_error("out of memory");
			goto cleanup;
		}
	} else if ((url = strdup(argv[2])) == NULL) {
		command_error("out of memory");
		goto cleanup;
	}

	if (ey_request(settings.auth_id, settings.auth_key, argv[1], url,
	    body, &response, &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	output_pair_int("status", response.status);
	if (response.location != NULL)
		output_pair("location", response.location);
	output_pair("body", response.body);
	ey_response_free(&response);
	status = 0;

cleanup:
	free(url);
	json_object_put(body);
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}
