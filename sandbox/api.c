/*
 * Routing, request bodies, replies and field checks of the API. The
 * endpoints are in api_services.c and api_accounts.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"
#include "log.h"

/* The methods that each route accepts. */
static const struct endpoint {
	enum route_kind kind;
	const char *method;
	api_endpoint *run;
} endpoints[] = {
	{ ROUTE_SERVICES, "GET", api_list_services },
	{ ROUTE_SERVICES, "POST", api_create_service },
	{ ROUTE_SERVICE, "GET", api_show_service },
	{ ROUTE_SERVICE, "PUT", api_update_service },
	{ ROUTE_SERVICE, "DELETE", api_delete_service },
	{ ROUTE_ACCOUNT, "PUT", api_update_account },
	{ ROUTE_ACCOUNT_MESSAGES, "POST", api_create_account_message },
	{ ROUTE_ACCOUNT_INVOICES, "POST", api_create_invoice },
	{ ROUTE_PROVISIONED, "PUT", api_update_provisioned },
	{ ROUTE_PROVISIONED_MESSAGES, "POST", api_create_provisioned_message },
};

#define ENDPOINT_COUNT (sizeof(endpoints) / sizeof(endpoints[0]))

/* Returns the Allow header value of a route: the methods it accepts. */
static const char *
allowed_methods(enum route_kind kind)
{
	switch (kind) {
	case ROUTE_SERVICES:
		return "GET, POST";
	case ROUTE_SERVICE:
		return "GET, PUT, DELETE";
	case ROUTE_ACCOUNT:
	case ROUTE_PROVISIONED:
		return "PUT";
	default:
		return "POST";
	}
}

void
api_reply_error(struct api_reply *reply, int status, const char *format,
    ...)
{
	json_object *messages;
	char message[1024];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);

	json_object_put(reply->json);
	reply->status = status;
	reply->json = json_object_new_object();
	messages = json_object_new_array();
	json_object_array_add(messages, json_object_new_string(message));
	json_object_object_add(reply->json, "error_messages", messages);
}

void
api_reply_free(struct api_reply *reply)
{
	json_object_put(reply->json);
	free(reply->text);
	free(reply->location);
	memset(reply, 0, sizeof(*reply));
}

void
api_reply_json(struct api_call *call, int status, json_object *json)
{
	json_object_put(call->reply->json);
	call->reply->status = status;
	call->reply->json = json;
}

void
api_reply_invalid(struct api_call *call, json_object *messages)
{
	json_object *body = json_object_new_object();

	json_object_object_add(body, "error_messages",
	    json_object_get(messages));
	api_reply_json(call, 400, body);
}

void
api_reply_internal(struct api_call *call, const struct error *error)
{
	log_message(LOG_ERR, "%s", error->message);
	api_reply_error(call->reply, 500, "internal error in ey-sandbox; "
	    "see the web server's error log");
}

/* Returns whether `type` is application/json, with or without params. */
static int
is_json_type(const char *type)
{
	size_t length = strcspn(type, "; \t");

	return length == strlen("application/json") &&
	    strncasecmp(type, "application/json", length) == 0;
}

/*
 * Parses the body of `request` as a JSON object into `*body`. Sets a 415
 * or 400 reply and returns -1 when it is sent as another type, missing,
 * not JSON, or not an object.
 */
static int
parse_body(const struct fcgi_request *request, json_object **body,
    struct api_reply *reply)
{
	struct json_tokener *tokener;
	enum json_tokener_error rc;
	size_t end;

	*body = NULL;
	if (request->content_type != NULL && *request->content_type != '\0' &&
	    !is_json_type(request->content_type)) {
		api_reply_error(reply, 415, "Content-Type must be "
		    "application/json, not '%s'", request->content_type);
		return -1;
	}
	if (request->body == NULL) {
		api_reply_error(reply, 400, "request body is missing; send a "
		    "JSON object");
		return -1;
	}
	if ((tokener = json_tokener_new()) == NULL) {
		api_reply_error(reply, 500, "out of memory");
		return -1;
	}

	/*
	 * The length includes the final NUL, which marks the end of the
	 * input for json-c, so that a bare literal such as "null" completes.
	 */
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	*body = json_tokener_parse_ex(tokener, request->body,
	    (int)request->body_length + 1);
	rc = json_tokener_get_error(tokener);
	end = json_tokener_get_parse_end(tokener);
	json_tokener_free(tokener);

	/* Anything after the value other than whitespace is an error. */
	if (rc == json_tokener_success && end < request->body_length &&
	    strspn(request->body + end, " \t\r\n") !=
	    request->body_length - end)
		rc = json_tokener_error_parse_unexpected;
	if (rc != json_tokener_success) {
		json_object_put(*body);
		*body = NULL;
		api_reply_error(reply, 400, "request body is not valid JSON: "
		    "%s", rc == json_tokener_continue ?
		    "unexpected end of input" : json_tokener_error_desc(rc));
		return -1;
	}
	if (!json_object_is_type(*body, json_type_object)) {
		json_object_put(*body);
		*body = NULL;
		api_reply_error(reply, 400, "request body must be a JSON "
		    "object");
		return -1;
	}
	return 0;
}

void
api_handle(sqlite3 *db, const struct store_settings *settings,
    const struct fcgi_request *request, struct api_reply *reply)
{
	const struct endpoint *endpoint = NULL;
	struct api_call call = { 0 };
	struct route route;
	struct error error;
	int found;
	size_t i;

	call.db = db;
	call.settings = settings;
	call.route = &route;
	call.reply = reply;

	found = route_parse(settings->base_url, request->path, &route, &error);
	if (found < 0) {
		api_reply_internal(&call, &error);
		return;
	}
	if (found == 0) {
		api_reply_error(reply, 404, "no such resource: %s",
		    request->path);
		return;
	}

	for (i = 0; i < ENDPOINT_COUNT && endpoint == NULL; i++)
		if (endpoints[i].kind == route.kind &&
		    strcmp(endpoints[i].method, request->method) == 0)
			endpoint = &endpoints[i];
	if (endpoint == NULL) {
		reply->allow = allowed_methods(route.kind);
		api_reply_error(reply, 405, "method %s is not allowed on %s; "
		    "use %s", request->method, request->path, reply->allow);
		return;
	}

	if ((strcmp(request->method, "POST") == 0 ||
	    strcmp(request->method, "PUT") == 0) &&
	    parse_body(request, &call.body, reply) < 0)
		return;

	endpoint->run(&call);
	json_object_put(call.body);
}

json_object *
api_body_object(struct api_call *call, const char *key)
{
	json_object *object;

	if (!json_object_object_get_ex(call->body, key, &object) ||
	    !json_object_is_type(object, json_type_object)) {
		api_reply_error(call->reply, 400, "request body must be "
		    "{\"%s\": {...}}, with a JSON object under \"%s\"", key,
		    key);
		return NULL;
	}
	return object;
}

void
api_add_message(json_object *messages, const char *format, ...)
{
	char message[512];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	json_object_array_add(messages, json_object_new_string(message));
}

int
api_is_blank(const char *text)
{
	return text[strspn(text, " \t\r\n")] == '\0';
}

const char *
api_check_string(json_object *object, const char *key, const char *label,
    int required, json_object *messages)
{
	json_object *value;
	const char *text;

	if (!json_object_object_get_ex(object, key, &value) || value == NULL) {
		if (required)
			api_add_message(messages, "%s can't be blank", label);
		return NULL;
	}
	if (!json_object_is_type(value, json_type_string)) {
		api_add_message(messages, "%s must be a string", label);
		return NULL;
	}
	text = json_object_get_string(value);
	if (required && api_is_blank(text)) {
		api_add_message(messages, "%s can't be blank", label);
		return NULL;
	}
	return text;
}

void
api_check_url(json_object *object, const char *key, const char *label,
    json_object *messages)
{
	json_object *value;

	if (!json_object_object_get_ex(object, key, &value) || value == NULL)
		return;
	if (!json_object_is_type(value, json_type_string) ||
	    route_check_http_url(json_object_get_string(value), NULL) < 0)
		api_add_message(messages, "%s must be an http or https URL",
		    label);
}

void
api_check_boolean(json_object *object, const char *key, const char *label,
    json_object *messages)
{
	json_object *value;

	if (json_object_object_get_ex(object, key, &value) &&
	    !json_object_is_type(value, json_type_boolean))
		api_add_message(messages, "%s must be true or false", label);
}

int
api_merge_fields(json_object *target, json_object *changes)
{
	json_object_object_foreach(changes, key, value) {
		if (json_object_object_add(target, key,
		    json_object_get(value)) < 0)
			return -1;
	}
	return 0;
}
