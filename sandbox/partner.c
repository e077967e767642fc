/*
 * The calls from ey-sandbox to the partner, signed with the partner's
 * credentials, and what the commands that make them share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "output.h"
#include "partner.h"

const char *
partner_field_string(json_object *object, const char *key)
{
	json_object *value;

	if (!json_object_object_get_ex(object, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	return json_object_get_string(value);
}

int
partner_add_url(json_object *object, const char *key,
    const struct store_settings *settings, const struct route *route)
{
	char *url = route_url(settings->base_url, route);
	int rc;

	if (url == NULL)
		return -1;
	rc = json_object_object_add(object, key, json_object_new_string(url));
	free(url);
	return rc;
}

void
partner_store_message(sqlite3 *db, json_object *json,
    int64_t account_id, int64_t provisioned_id)
{
	struct store_message message = { 0 };
	json_object *object, *body;
	struct error error;
	int64_t id;

	if (!json_object_object_get_ex(json, "message", &object) ||
	    object == NULL)
		return;
	message.account_id = account_id;
	message.provisioned_id = provisioned_id;
	message.message_type = partner_field_string(object, "message_type");
	message.subject = partner_field_string(object, "subject");
	message.source = "response";
	if (json_object_object_get_ex(object, "body", &body) &&
	    json_object_is_type(body, json_type_string))
		message.body = json_object_get_string(body);

	if (message.message_type == NULL || message.subject == NULL ||
	    (strcmp(message.message_type, "status") != 0 &&
	    strcmp(message.message_type, "notification") != 0 &&
	    strcmp(message.message_type, "alert") != 0)) {
		command_error("warning: the message in the response is not "
		    "stored because it lacks a subject or a valid "
		    "message_type: %s", json_object_to_json_string(object));
		return;
	}
	if (store_message_add(db, &message, time(NULL), &id, &error) < 0)
		command_error("warning: %s", error.message);
}

void
partner_print_message(json_object *json)
{
	json_object *message;

	if (!json_object_object_get_ex(json, "message", &message) ||
	    !json_object_is_type(message, json_type_object))
		return;
	output_pair_json("message_type",
	    json_object_object_get(message, "message_type"));
	output_pair_json("message_subject",
	    json_object_object_get(message, "subject"));
}

int
partner_post(const struct store_settings *settings, const char *url,
    json_object *body, const char *key, struct ey_response *response)
{
	struct error error;
	json_object *object;

	if (ey_request(settings->auth_id, settings->auth_key, "POST", url,
	    body, response, &error) < 0) {
		command_error("%s", error.message);
		return -1;
	}
	if (!command_is_success(response->status)) {
		command_report_response("POST", url, response);
		ey_response_free(response);
		return -1;
	}
	if (!json_object_object_get_ex(response->json, key, &object) ||
	    !json_object_is_type(object, json_type_object)) {
		command_error("POST %s returned HTTP %ld without a \"%s\" "
		    "object: %.2000s", url, response->status, key,
		    response->body);
		ey_response_free(response);
		return -1;
	}
	return 0;
}

int
partner_delete(const struct store_settings *settings, const char *url,
    long *status)
{
	struct ey_response response;
	struct error error;
	int result = -1;

	if (ey_request(settings->auth_id, settings->auth_key, "DELETE", url,
	    NULL, &response, &error) < 0) {
		command_error("%s", error.message);
		return -1;
	}
	*status = response.status;
	if (command_is_success(response.status))
		result = 0;
	else
		command_report_response("DELETE", url, &response);
	ey_response_free(&response);
	return result;
}

const char *
partner_active_account_url(sqlite3 *db, int64_t account_id,
    struct store_account *account, const char *url_key)
{
	struct error error;
	const char *url;
	int found;

	found = store_account_get(db, account_id, account, &error);
	if (found < 0) {
		command_error("%s", error.message);
		return NULL;
	}
	if (found == 0) {
		command_error("service account %lld not found",
		    (long long)account_id);
		return NULL;
	}
	if (account->cancelled_at != 0) {
		command_error("service account %lld is cancelled",
		    (long long)account_id);
		return NULL;
	}
	url = partner_field_string(account->partner_fields, url_key);
	if (url == NULL)
		command_error("service account %lld has no %s from the "
		    "partner", (long long)account_id, url_key);
	return url;
}
