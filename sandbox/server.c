/*
 * `ey-sandbox serve`: the FastCGI program that serves Engine Yard's API
 * to the partner. Every request must be signed with AuthHMAC under the
 * partner's credentials; every request, rejected or not, is recorded in
 * the requests table with the status it got.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "authhmac.h"
#include "commands.h"
#include "fcgi.h"
#include "log.h"

/*
 * Verifies the AuthHMAC signature of `request` under the partner's
 * credentials, with a Date at most AUTHHMAC_MAX_DATE_SKEW seconds off.
 * Returns 0 when it is authentic. Otherwise sets a 401 reply with the
 * reason, also copied to `reason`, or a 500 reply when verification
 * could not be done, and returns -1.
 */
static int
authenticate(const struct fcgi_request *request,
    const struct store_settings *settings, struct api_reply *reply,
    struct error *reason)
{
	struct authhmac_credentials credentials;
	struct authhmac_request signed_request;
	struct error error;
	int rc;

	credentials.auth_id = settings->auth_id;
	credentials.auth_key = settings->auth_key;
	signed_request.method = request->method;
	signed_request.content_type = request->content_type;
	signed_request.body = request->body;
	signed_request.body_length = request->body_length;
	signed_request.date = getenv("HTTP_DATE");
	signed_request.uri = request->path;

	rc = authhmac_verify(request->authorization, &signed_request,
	    authhmac_lookup_credentials, &credentials, time(NULL),
	    AUTHHMAC_MAX_DATE_SKEW, &error);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		log_message(LOG_ERR, "cannot verify %s %s: %s",
		    request->method, request->path, error.message);
		api_reply_error(reply, 500, "cannot verify the signature; see "
		    "the web server's error log");
		return -1;
	}

	*reason = error;
	reply->status = 401;
	if (asprintf(&reply->text, "%s%s\n", AUTHHMAC_FAILURE_PREFIX,
	    error.message) < 0)
		reply->text = NULL;
	return -1;
}

/* Writes `reply` as the response to the current request. */
static void
send_reply(const struct api_reply *reply)
{
	char *headers = NULL;
	const char *text = reply->text != NULL ? reply->text : "";

	if (asprintf(&headers, "%s%s%s%s%s%s",
	    reply->location != NULL ? "Location: " : "",
	    reply->location != NULL ? reply->location : "",
	    reply->location != NULL ? "\r\n" : "",
	    reply->allow != NULL ? "Allow: " : "",
	    reply->allow != NULL ? reply->allow : "",
	    reply->allow != NULL ? "\r\n" : "") < 0) {
		fcgi_respond_error(500, NULL, "out of memory");
		return;
	}

	if (reply->json != NULL)
		fcgi_respond_json(reply->status, reply->json, headers);
	else
		fcgi_respond(reply->status, "text/plain; charset=utf-8",
		    headers, text, strlen(text));
	free(headers);
}

/* Records `request` with the status of `reply`; logs a failure. */
static void
record_request(sqlite3 *db, const struct fcgi_request *request,
    const struct api_reply *reply, const char *authentication_error)
{
	struct store_request record;
	struct error error;

	record.method = request->method != NULL ? request->method : "";
	record.path = request->path != NULL ? request->path : "";
	record.query = request->query != NULL ? request->query : "";
	record.content_type = request->content_type;
	record.body = request->body;
	record.body_length = request->body_length;
	record.status = reply->status;
	record.authentication_error = authentication_error;
	if (store_request_add(db, &record, time(NULL), &error) < 0)
		log_message(LOG_ERR, "cannot record %s %s: %s", record.method,
		    record.path, error.message);
}

/* Responds to the current request and records it. */
static void
serve_request(sqlite3 *db)
{
	struct store_settings settings;
	struct fcgi_request request;
	struct api_reply reply = { 0 };
	struct error settings_error, read_error, reason = { "" };
	int found, status;

	found = store_load_settings(db, &settings, &settings_error);
	if (fcgi_read_request(&request, found == 1 ? settings.base_url : NULL,
	    &status, &read_error) < 0) {
		api_reply_error(&reply, status, "%s", read_error.message);
	} else if (found < 0) {
		log_message(LOG_ERR, "%s", settings_error.message);
		api_reply_error(&reply, 500, "cannot read the settings; see "
		    "the web server's error log");
	} else if (found == 0) {
		api_reply_error(&reply, 503, "ey-sandbox has no partner yet; "
		    "run 'ey-sandbox init --url BASE_URL' on its database");
	} else if (authenticate(&request, &settings, &reply, &reason) == 0) {
		api_handle(db, &settings, &request, &reply);
	}
	if (reply.status == 0) {
		log_message(LOG_ERR, "no reply was built for %s %s",
		    request.method, request.path);
		api_reply_error(&reply, 500, "internal error in ey-sandbox");
	}

	record_request(db, &request, &reply,
	    reason.message[0] != '\0' ? reason.message : NULL);
	send_reply(&reply);

	api_reply_free(&reply);
	fcgi_request_free(&request);
	if (found == 1)
		store_settings_free(&settings);
}

int
run_serve(const struct sandbox *sandbox, int argc, char **argv)
{
	struct error error;
	sqlite3 *db = NULL;

	(void)argv;
	if (argc != 1)
		return command_usage_error("serve", "serve takes no "
		    "arguments");

	log_open("ey-sandbox", 0);
	log_message(LOG_INFO, "started with database %s", sandbox->db_path);
	while (fcgi_accept() == 0) {
		/* Opening is retried on the next request after a failure. */
		if (db == NULL && store_open(sandbox->db_path, &db,
		    &error) < 0) {
			log_message(LOG_ERR, "%s", error.message);
			fcgi_respond_error(503, NULL, "ey-sandbox cannot open "
			    "its database; see the web server's error log");
			continue;
		}
		serve_request(db);
	}

	log_message(LOG_INFO, "stopped");
	sqlite3_close(db);
	return 0;
}
