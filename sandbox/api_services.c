/*
 * The services a partner registers: list, create, read, update, delete
 * under /api/1/partners/<partner>/services. A service is the JSON object
 * the partner sent, stored as it is apart from "url", which the sandbox
 * sets to the service's own URL.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "db.h"

/* Sets a 404 reply and returns -1 unless the route names this partner. */
static int
check_partner(struct api_call *call)
{
	if (call->route->partner_id == call->settings->partner_id)
		return 0;
	api_reply_error(call->reply, 404, "partner %lld not found",
	    (long long)call->route->partner_id);
	return -1;
}

static void
reply_not_found(struct api_call *call)
{
	api_reply_error(call->reply, 404, "service %lld not found",
	    (long long)call->route->service_id);
}

/* Checks that "vars", when present and not null, lists variable names. */
static void
check_vars(json_object *fields, json_object *messages)
{
	json_object *vars, *name;
	size_t i;

	if (!json_object_object_get_ex(fields, "vars", &vars) || vars == NULL)
		return;
	if (!json_object_is_type(vars, json_type_array)) {
		api_add_message(messages, "Vars must be an array of names");
		return;
	}
	for (i = 0; i < json_object_array_length(vars); i++) {
		name = json_object_array_get_idx(vars, i);
		if (!json_object_is_type(name, json_type_string) ||
		    api_is_blank(json_object_get_string(name))) {
			api_add_message(messages, "Vars must be an array of "
			    "names, but item %zu is not a non-blank string",
			    i + 1);
			return;
		}
	}
}

/* Adds to `messages` what is wrong with the fields of a service. */
static void
check_service(json_object *fields, json_object *messages)
{
	api_check_string(fields, "name", "Name", 1, messages);
	api_check_string(fields, "label", "Label", 0, messages);
	api_check_string(fields, "description", "Description", 0, messages);
	api_check_url(fields, "service_accounts_url", "Service accounts url",
	    messages);
	api_check_url(fields, "home_url", "Home url", messages);
	api_check_url(fields, "terms_and_conditions_url",
	    "Terms and conditions url", messages);
	check_vars(fields, messages);
}

/*
 * Builds {"service": {...fields, "url": ...}} for service `id`, taking
 * the reference to `fields`. Returns NULL when out of memory.
 */
static json_object *
service_view(struct api_call *call, int64_t id, json_object *fields)
{
	struct route route = { .kind = ROUTE_SERVICE };
	json_object *view;
	char *url;

	route.partner_id = call->settings->partner_id;
	route.service_id = id;
	url = route_url(call->settings->base_url, &route);
	view = json_object_new_object();
	if (url == NULL || view == NULL) {
		free(url);
		json_object_put(view);
		json_object_put(fields);
		return NULL;
	}
	json_object_object_add(fields, "url", json_object_new_string(url));
	json_object_object_add(view, "service", fields);
	free(url);
	return view;
}

/* The context of add_service(). */
struct service_array {
	struct api_call *call;
	json_object *array;
};

static int
add_service(json_object *row, void *context)
{
	struct service_array *list = context;
	json_object *view;

	view = service_view(list->call, json_object_get_int64(
	    json_object_object_get(row, "id")), json_object_get(
	    json_object_object_get(row, "fields")));
	if (view == NULL)
		return 1;
	json_object_array_add(list->array, view);
	return 0;
}

void
api_list_services(struct api_call *call)
{
	struct service_array list = { call, NULL };
	struct error error;

	if (check_partner(call) < 0)
		return;
	list.array = json_object_new_array();
	if (store_service_list(call->db, call->settings->partner_id,
	    add_service, &list, &error) < 0) {
		json_object_put(list.array);
		api_reply_internal(call, &error);
		return;
	}
	api_reply_json(call, 200, list.array);
}

/*
 * Replies `status` with the service, and with a Location header when
 * `created`. Takes the reference to `fields`.
 */
static void
reply_service(struct api_call *call, int status, int64_t id,
    json_object *fields, int created)
{
	json_object *view = service_view(call, id, fields), *service, *url;
	struct error error;

	if (view == NULL) {
		error_set(&error, "out of memory");
		api_reply_internal(call, &error);
		return;
	}
	if (created) {
		service = json_object_object_get(view, "service");
		url = json_object_object_get(service, "url");
		call->reply->location = strdup(json_object_get_string(url));
	}
	api_reply_json(call, status, view);
}

void
api_create_service(struct api_call *call)
{
	json_object *fields, *messages;
	struct error error;
	int64_t id;

	if (check_partner(call) < 0)
		return;
	if ((fields = api_body_object(call, "service")) == NULL)
		return;
	json_object_object_del(fields, "url");

	messages = json_object_new_array();
	check_service(fields, messages);
	if (json_object_array_length(messages) > 0) {
		api_reply_invalid(call, messages);
		json_object_put(messages);
		return;
	}
	json_object_put(messages);

	if (store_service_create(call->db, call->settings->partner_id, fields,
	    time(NULL), &id, &error) < 0) {
		api_reply_internal(call, &error);
		return;
	}
	reply_service(call, 201, id, json_object_get(fields), 1);
}

void
api_show_service(struct api_call *call)
{
	json_object *fields;
	struct error error;
	int found;

	if (check_partner(call) < 0)
		return;
	found = store_service_get(call->db, call->settings->partner_id,
	    call->route->service_id, &fields, &error);
	if (found < 0)
		api_reply_internal(call, &error);
	else if (found == 0)
		reply_not_found(call);
	else
		reply_service(call, 200, call->route->service_id, fields, 0);
}

/*
 * Merges the request's fields into the stored ones and checks the
 * result, in one transaction so that concurrent updates do not lose
 * each other's fields.
 */
void
api_update_service(struct api_call *call)
{
	json_object *changes, *fields = NULL, *messages = NULL;
	struct error error;
	int found, committed = 0;

	if (check_partner(call) < 0)
		return;
	if ((changes = api_body_object(call, "service")) == NULL)
		return;
	json_object_object_del(changes, "url");
	if (db_begin(call->db, &error) < 0) {
		api_reply_internal(call, &error);
		return;
	}

	found = store_service_get(call->db, call->settings->partner_id,
	    call->route->service_id, &fields, &error);
	if (found < 0) {
		api_reply_internal(call, &error);
		goto cleanup;
	}
	if (found == 0) {
		reply_not_found(call);
		goto cleanup;
	}
	if (api_merge_fields(fields, changes) < 0) {
		error_set(&error, "out of memory");
		api_reply_internal(call, &error);
		goto cleanup;
	}

	messages = json_object_new_array();
	check_service(fields, messages);
	if (json_object_array_length(messages) > 0) {
		api_reply_invalid(call, messages);
		goto cleanup;
	}

	if (store_service_update(call->db, call->route->service_id, fields,
	    time(NULL), &error) < 0 || db_commit(call->db, &error) < 0) {
		api_reply_internal(call, &error);
		goto cleanup;
	}
	committed = 1;
	reply_service(call, 200, call->route->service_id,
	    json_object_get(fields), 0);

cleanup:
	if (!committed)
		db_rollback(call->db);
	json_object_put(messages);
	json_object_put(fields);
}

void
api_delete_service(struct api_call *call)
{
	struct error error;
	int found;

	if (check_partner(call) < 0)
		return;
	found = store_service_delete(call->db, call->settings->partner_id,
	    call->route->service_id, &error);
	if (found < 0)
		api_reply_internal(call, &error);
	else if (found == 0)
		reply_not_found(call);
	else
		api_reply_json(call, 200, json_object_new_object());
}
