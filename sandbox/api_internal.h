/*
 * What the endpoints of the API share: the call they handle, the replies
 * they build, and the checks of the JSON fields they read. Error
 * messages name fields as Engine Yard's Rails validations do ("Name
 * can't be blank").
 */
#ifndef EY_SANDBOX_API_INTERNAL_H
#define EY_SANDBOX_API_INTERNAL_H

#include <json-c/json.h>
#include <sqlite3.h>

#include "api.h"
#include "error.h"
#include "routes.h"
#include "store.h"

/* One request being handled. */
struct api_call {
	sqlite3 *db;
	const struct store_settings *settings;
	const struct route *route;
	json_object *body;	/* JSON object of a POST or PUT, else NULL */
	struct api_reply *reply;
};

typedef void api_endpoint(struct api_call *call);

/* Services: api_services.c. */
api_endpoint api_list_services;
api_endpoint api_create_service;
api_endpoint api_show_service;
api_endpoint api_update_service;
api_endpoint api_delete_service;

/* Service accounts and provisioned services: api_accounts.c. */
api_endpoint api_update_account;
api_endpoint api_create_account_message;
api_endpoint api_create_invoice;
api_endpoint api_update_provisioned;
api_endpoint api_create_provisioned_message;

/* Sets the reply to `status` with `json`, whose reference it takes. */
void api_reply_json(struct api_call *call, int status, json_object *json);

/* Sets the reply to 400 with the messages in the JSON array `messages`. */
void api_reply_invalid(struct api_call *call, json_object *messages);

/* Logs `error` and sets the reply to 500 without revealing it. */
void api_reply_internal(struct api_call *call, const struct error *error);

/*
 * Returns the object under `key` ("service", "message", ...) of the
 * request body, borrowed. Sets a 400 reply and returns NULL when there
 * is none.
 */
json_object *api_body_object(struct api_call *call, const char *key);

/* Returns whether `text` has only spaces, tabs and line breaks. */
int api_is_blank(const char *text);

/*
 * Reads field `key` of `object` as a string. Returns it, borrowed, or
 * NULL when it is absent, null, of another type, or blank and
 * `required`. Adds "<label> can't be blank" to `messages` when a
 * required field is missing or blank, and "<label> must be a string"
 * when the field is of another type.
 */
const char *api_check_string(json_object *object, const char *key,
    const char *label, int required, json_object *messages);

/*
 * Checks that field `key` of `object`, when present and not null, is an
 * http or https URL, adding "<label> must be an http or https URL" to
 * `messages` otherwise.
 */
void api_check_url(json_object *object, const char *key, const char *label,
    json_object *messages);

/*
 * Checks that field `key` of `object`, when present, is true or false,
 * adding "<label> must be true or false" to `messages` otherwise.
 */
void api_check_boolean(json_object *object, const char *key,
    const char *label, json_object *messages);

/* Appends a formatted message to the JSON array `messages`. */
void api_add_message(json_object *messages, const char *format, ...)
    __attribute__((format(__printf__, 2, 3)));

/*
 * Copies every field of `changes` into `target`, replacing fields of the
 * same name. Returns 0, or -1 when out of memory.
 */
int api_merge_fields(json_object *target, json_object *changes);

#endif
