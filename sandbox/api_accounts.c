/*
 * The partner's calls about its customers: updating a service account or
 * a provisioned service, and sending messages and invoices. Cancelled
 * accounts and deprovisioned services still accept them, because a
 * partner may send the final invoice after the cancellation.
 */
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "db.h"

/*
 * Loads the account that the route names into `account`. Sets a 404 or
 * 500 reply and returns -1 when it cannot, or when the partner and
 * service in the route, if any, are not the account's.
 */
static int
load_account(struct api_call *call, struct store_account *account)
{
	const struct route *route = call->route;
	struct error error;
	int found;

	found = store_account_get(call->db, route->account_id, account,
	    &error);
	if (found < 0) {
		api_reply_internal(call, &error);
		return -1;
	}
	if (found == 1 && account->partner_id == call->settings->partner_id &&
	    (route->partner_id == 0 ||
	    route->partner_id == account->partner_id) &&
	    (route->service_id == 0 ||
	    route->service_id == account->service_id))
		return 0;

	if (found == 1)
		store_account_free(account);
	api_reply_error(call->reply, 404, "service account %lld not found",
	    (long long)route->account_id);
	return -1;
}

/*
 * Loads the account and the provisioned service that the route names.
 * Sets a 404 or 500 reply and returns -1 when it cannot, or when the
 * service is not the account's.
 */
static int
load_provisioned(struct api_call *call, struct store_account *account,
    struct store_provisioned *provisioned)
{
	struct error error;
	int found;

	if (load_account(call, account) < 0)
		return -1;
	found = store_provisioned_get(call->db, call->route->provisioned_id,
	    provisioned, &error);
	if (found < 0) {
		api_reply_internal(call, &error);
		store_account_free(account);
		return -1;
	}
	if (found == 1 && provisioned->account_id == account->id)
		return 0;

	if (found == 1)
		store_provisioned_free(provisioned);
	store_account_free(account);
	api_reply_error(call->reply, 404, "provisioned service %lld not found",
	    (long long)call->route->provisioned_id);
	return -1;
}

/*
 * Replies 400 with `messages` and returns -1 when it contains any, else
 * returns 0. Puts `messages` either way.
 */
static int
reply_if_invalid(struct api_call *call, json_object *messages)
{
	int invalid = json_object_array_length(messages) > 0;

	if (invalid)
		api_reply_invalid(call, messages);
	json_object_put(messages);
	return invalid ? -1 : 0;
}

/*
 * Returns `*fields`, or a new empty object when it is NULL, and sets
 * `*fields` to NULL, so that the caller owns the result.
 */
static json_object *
detach_fields(json_object **fields)
{
	json_object *detached = *fields != NULL ? *fields :
	    json_object_new_object();

	*fields = NULL;
	return detached;
}

/*
 * Returns the "service_account" object of the request body, borrowed.
 * Sets a 400 reply and returns NULL when it is missing or invalid.
 */
static json_object *
read_account_changes(struct api_call *call)
{
	json_object *changes, *messages;

	if ((changes = api_body_object(call, "service_account")) == NULL)
		return NULL;
	messages = json_object_new_array();
	api_check_boolean(changes, "configuration_required",
	    "Configuration required", messages);
	api_check_url(changes, "url", "Url", messages);
	api_check_url(changes, "configuration_url", "Configuration url",
	    messages);
	api_check_url(changes, "provisioned_services_url",
	    "Provisioned services url", messages);
	api_check_url(changes, "users_url", "Users url", messages);
	return reply_if_invalid(call, messages) < 0 ? NULL : changes;
}

/*
 * PUT {"service_account": {...}}: merges the fields into what the
 * partner returned when the account was created.
 */
void
api_update_account(struct api_call *call)
{
	json_object *changes, *fields = NULL, *view;
	struct store_account account;
	struct error error;
	int committed = 0;

	if (db_begin(call->db, &error) < 0) {
		api_reply_internal(call, &error);
		return;
	}
	if (load_account(call, &account) < 0)
		goto cleanup;
	fields = detach_fields(&account.partner_fields);
	store_account_free(&account);
	if ((changes = read_account_changes(call)) == NULL)
		goto cleanup;
	if (api_merge_fields(fields, changes) < 0 ||
	    (view = json_object_new_object()) == NULL) {
		error_set(&error, "out of memory");
		api_reply_internal(call, &error);
		goto cleanup;
	}
	json_object_object_add(view, "service_account",
	    json_object_get(fields));
	if (store_account_set_partner_fields(call->db, call->route->account_id,
	    fields, &error) < 0 || db_commit(call->db, &error) < 0) {
		json_object_put(view);
		api_reply_internal(call, &error);
		goto cleanup;
	}
	committed = 1;
	api_reply_json(call, 200, view);

cleanup:
	if (!committed)
		db_rollback(call->db);
	json_object_put(fields);
}

/* Checks that "vars", when present, maps names to strings. */
static void
check_vars(json_object *changes, json_object *messages)
{
	json_object *vars;

	if (!json_object_object_get_ex(changes, "vars", &vars))
		return;
	if (!json_object_is_type(vars, json_type_object)) {
		api_add_message(messages, "Vars must be an object of strings");
		return;
	}
	json_object_object_foreach(vars, name, value) {
		if (!json_object_is_type(value, json_type_string))
			api_add_message(messages, "Vars must be an object of "
			    "strings, but %s is not a string", name);
	}
}

/*
 * Returns the "provisioned_service" object of the request body,
 * borrowed. Sets a 400 reply and returns NULL when it is missing or
 * invalid.
 */
static json_object *
read_provisioned_changes(struct api_call *call)
{
	json_object *changes, *messages;

	if ((changes = api_body_object(call, "provisioned_service")) == NULL)
		return NULL;
	messages = json_object_new_array();
	check_vars(changes, messages);
	api_check_boolean(changes, "configuration_required",
	    "Configuration required", messages);
	api_check_url(changes, "configuration_url", "Configuration url",
	    messages);
	return reply_if_invalid(call, messages) < 0 ? NULL : changes;
}

/*
 * PUT {"provisioned_service": {...}}: merges the fields into what the
 * partner returned when the service was provisioned. "vars", when
 * present, replaces the stored vars as a whole.
 */
void
api_update_provisioned(struct api_call *call)
{
	json_object *changes, *fields = NULL, *view;
	struct store_provisioned provisioned;
	struct store_account account;
	struct error error;
	int committed = 0;

	if (db_begin(call->db, &error) < 0) {
		api_reply_internal(call, &error);
		return;
	}
	if (load_provisioned(call, &account, &provisioned) < 0)
		goto cleanup;
	fields = detach_fields(&provisioned.partner_fields);
	store_provisioned_free(&provisioned);
	store_account_free(&account);
	if ((changes = read_provisioned_changes(call)) == NULL)
		goto cleanup;
	if (api_merge_fields(fields, changes) < 0 ||
	    (view = json_object_new_object()) == NULL) {
		error_set(&error, "out of memory");
		api_reply_internal(call, &error);
		goto cleanup;
	}
	json_object_object_add(view, "provisioned_service",
	    json_object_get(fields));
	if (store_provisioned_set_partner_fields(call->db,
	    call->route->provisioned_id, fields, &error) < 0 ||
	    db_commit(call->db, &error) < 0) {
		json_object_put(view);
		api_reply_internal(call, &error);
		goto cleanup;
	}
	committed = 1;
	api_reply_json(call, 200, view);

cleanup:
	if (!committed)
		db_rollback(call->db);
	json_object_put(fields);
}

/*
 * Reads {"message": {"message_type", "subject", "body"}} into `message`,
 * whose strings are borrowed from the request body. Sets a 400 reply
 * and returns -1 when it is invalid.
 */
static int
read_message(struct api_call *call, struct store_message *message)
{
	json_object *object, *messages, *body;
	const char *type;

	if ((object = api_body_object(call, "message")) == NULL)
		return -1;
	messages = json_object_new_array();
	type = api_check_string(object, "message_type", "Message type", 1,
	    messages);
	if (type != NULL && strcmp(type, "status") != 0 &&
	    strcmp(type, "notification") != 0 && strcmp(type, "alert") != 0)
		api_add_message(messages, "Message type must be one of "
		    "status, notification, alert");
	message->message_type = type;
	message->subject = api_check_string(object, "subject", "Subject", 1,
	    messages);
	message->body = NULL;
	if (json_object_object_get_ex(object, "body", &body) && body != NULL) {
		if (json_object_is_type(body, json_type_string))
			message->body = json_object_get_string(body);
		else
			api_add_message(messages, "Body must be a string or "
			    "null");
	}
	message->source = "request";
	return reply_if_invalid(call, messages);
}

/* Stores `message` and replies 201 with it. */
static void
create_message(struct api_call *call, struct store_message *message)
{
	json_object *view, *object;
	struct error error;
	int64_t id;

	if (store_message_add(call->db, message, time(NULL), &id,
	    &error) < 0) {
		api_reply_internal(call, &error);
		return;
	}

	object = json_object_new_object();
	json_object_object_add(object, "id", json_object_new_int64(id));
	json_object_object_add(object, "message_type",
	    json_object_new_string(message->message_type));
	json_object_object_add(object, "subject",
	    json_object_new_string(message->subject));
	json_object_object_add(object, "body", message->body != NULL ?
	    json_object_new_string(message->body) : NULL);
	view = json_object_new_object();
	json_object_object_add(view, "message", object);
	api_reply_json(call, 201, view);
}

void
api_create_account_message(struct api_call *call)
{
	struct store_message message = { 0 };
	struct store_account account;

	if (load_account(call, &account) < 0)
		return;
	message.account_id = account.id;
	store_account_free(&account);
	if (read_message(call, &message) == 0)
		create_message(call, &message);
}

void
api_create_provisioned_message(struct api_call *call)
{
	struct store_message message = { 0 };
	struct store_provisioned provisioned;
	struct store_account account;

	if (load_provisioned(call, &account, &provisioned) < 0)
		return;
	message.account_id = account.id;
	message.provisioned_id = provisioned.id;
	store_provisioned_free(&provisioned);
	store_account_free(&account);
	if (read_message(call, &message) == 0)
		create_message(call, &message);
}

/*
 * Reads {"invoice": {"total_amount_cents", "line_item_description",
 * "unique_id"}} into `invoice`, whose strings are borrowed from the
 * request body. Sets a 400 reply and returns -1 when it is invalid.
 */
static int
read_invoice(struct api_call *call, struct store_invoice *invoice)
{
	json_object *object, *messages, *value;

	if ((object = api_body_object(call, "invoice")) == NULL)
		return -1;
	messages = json_object_new_array();

	if (!json_object_object_get_ex(object, "total_amount_cents", &value) ||
	    value == NULL)
		api_add_message(messages, "Total amount cents can't be blank");
	else if (!json_object_is_type(value, json_type_int))
		api_add_message(messages, "Total amount cents must be an "
		    "integer");
	else if ((invoice->total_amount_cents =
	    json_object_get_int64(value)) < 0)
		api_add_message(messages, "Total amount cents must be greater "
		    "than or equal to 0");

	invoice->line_item_description = api_check_string(object,
	    "line_item_description", "Line item description", 1, messages);

	invoice->unique_id = NULL;
	if (json_object_object_get_ex(object, "unique_id", &value) &&
	    value != NULL) {
		if (json_object_is_type(value, json_type_string) &&
		    !api_is_blank(json_object_get_string(value)))
			invoice->unique_id = json_object_get_string(value);
		else
			api_add_message(messages, "Unique id must be a "
			    "non-blank string or null");
	}
	return reply_if_invalid(call, messages);
}

/*
 * POST {"invoice": {...}}: stores the invoice and replies 201 with it,
 * or, when the account already has an invoice with the same unique_id,
 * replies 200 with that one and stores nothing.
 */
void
api_create_invoice(struct api_call *call)
{
	struct store_invoice invoice = { 0 };
	struct store_account account;
	json_object *stored, *view;
	struct error error;
	int64_t id;
	int created, found;

	if (load_account(call, &account) < 0)
		return;
	invoice.account_id = account.id;
	store_account_free(&account);
	if (read_invoice(call, &invoice) < 0)
		return;

	if (store_invoice_add(call->db, &invoice, time(NULL), &id, &created,
	    &error) < 0) {
		api_reply_internal(call, &error);
		return;
	}
	found = store_invoice_get(call->db, id, &stored, &error);
	if (found == 0)
		error_set(&error, "invoice %lld vanished after it was stored",
		    (long long)id);
	if (found != 1) {
		api_reply_internal(call, &error);
		return;
	}
	view = json_object_new_object();
	json_object_object_add(view, "invoice", stored);
	api_reply_json(call, created ? 201 : 200, view);
}
