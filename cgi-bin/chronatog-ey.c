/*
 * chronatog-ey: the API Engine Yard calls, under /eyintegration/api/1,
 * with every request signed with AuthHMAC under the partner credentials.
 *
 *   POST   /customers                    a customer signs up        201
 *   DELETE /customers/<id>               the customer cancels       200
 *   POST   /customers/<id>/schedulers    activation on an app env   201
 *   DELETE /customers/<id>/schedulers/<sid>  deactivation           200
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authhmac.h"
#include "db.h"
#include "ey_account.h"
#include "ey_store.h"
#include "fcgi.h"
#include "log.h"
#include "webapp.h"

#define API_PATH "/eyintegration/api/1/customers"

/* The request in progress and its context. */
struct call {
	sqlite3 *db;
	const struct config *config;
	struct fcgi_request *request;
	int64_t customer_id;
	int64_t scheduler_id;
};

enum target { ACCOUNTS, ACCOUNT, SCHEDULERS, SCHEDULER, UNKNOWN };

/* Parses the path after API_PATH: "", "/<id>", "/<id>/schedulers[/<sid>]". */
static enum target
parse_target(const char *rest, struct call *call)
{
	if (*rest == '\0' || strcmp(rest, "/") == 0)
		return ACCOUNTS;
	if (*rest++ != '/' || fcgi_path_id(&rest, &call->customer_id) < 0)
		return UNKNOWN;
	if (*rest == '\0' || strcmp(rest, "/") == 0)
		return ACCOUNT;
	if (strncmp(rest, "/schedulers", 11) != 0)
		return UNKNOWN;
	rest += 11;
	if (*rest == '\0' || strcmp(rest, "/") == 0)
		return SCHEDULERS;
	if (*rest++ != '/' || fcgi_path_id(&rest, &call->scheduler_id) < 0)
		return UNKNOWN;
	if (*rest == '\0' || strcmp(rest, "/") == 0)
		return SCHEDULER;
	return UNKNOWN;
}

/* Sends a 401 with its reason as the plain-text body. */
static void
respond_unauthorized(const char *reason)
{
	char body[ERROR_MESSAGE_MAX + 64];
	int length;

	length = snprintf(body, sizeof(body), "%s%s\n",
	    AUTHHMAC_FAILURE_PREFIX, reason);
	fcgi_respond(401, "text/plain; charset=utf-8", NULL, body,
	    (size_t)length);
}

/*
 * Checks the AuthHMAC signature. Responds with 401 (or 500) and returns
 * -1 when the request is not from the partner.
 */
static int
authenticate(const struct call *call)
{
	struct fcgi_request *request = call->request;
	struct authhmac_request signed_request;
	struct error error;
	int rc;

	signed_request.method = request->method;
	signed_request.content_type = request->content_type;
	signed_request.body = request->body;
	signed_request.body_length = request->body_length;
	signed_request.date = request->date;
	signed_request.uri = request->path;
	rc = authhmac_verify(request->authorization, &signed_request,
	    ey_credentials_lookup, call->db, time(NULL),
	    (int)call->config->ey_date_skew_seconds, &error);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		webapp_internal_error(&error);
		return -1;
	}
	log_message(LOG_WARNING, "rejected %s %s: %s", request->method,
	    request->path, error.message);
	respond_unauthorized(error.message);
	return -1;
}

/* Adds {"message": {"message_type": "status", "subject": ...}}. */
static void
add_status_message(json_object *object, const char *subject)
{
	json_object *message = json_object_new_object();

	json_object_object_add(message, "message_type",
	    json_object_new_string("status"));
	json_object_object_add(message, "subject",
	    json_object_new_string(subject));
	json_object_object_add(message, "body", NULL);
	json_object_object_add(object, "message", message);
}

/* Responds with 201, `object` and a Location header of `url`. */
static void
respond_created(json_object *object, const char *url)
{
	char header[8192];

	snprintf(header, sizeof(header), "Location: %s\r\n", url);
	fcgi_respond_json(201, object, header);
}

static void
create_account(const struct call *call)
{
	json_object *body, *messages, *object, *account;
	struct ey_account_input input;
	struct error error;
	int64_t id;
	char url[4096], text[8192];
	const char *base = call->request->base_url;

	if (webapp_parse_json_body(call->request, &body) < 0)
		return;
	messages = json_object_new_array();
	if (ey_account_read(body, &input, messages) > 0) {
		fcgi_respond_errors(400, messages, NULL);
		goto done;
	}
	if (db_begin(call->db, &error) < 0 ||
	    ey_account_create(call->db, &input, time(NULL), &id,
	    &error) < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		webapp_internal_error(&error);
		goto done;
	}
	log_message(LOG_INFO, "Engine Yard account %lld signed up as "
	    "customer %lld", (long long)input.id, (long long)id);

	snprintf(url, sizeof(url), "%s" API_PATH "/%lld", base,
	    (long long)id);
	account = json_object_new_object();
	json_object_object_add(account, "url", json_object_new_string(url));
	json_object_object_add(account, "configuration_required",
	    json_object_new_boolean(0));
	snprintf(text, sizeof(text), "%s/eyintegration/sso/customers/%lld",
	    base, (long long)id);
	json_object_object_add(account, "configuration_url",
	    json_object_new_string(text));
	snprintf(text, sizeof(text), "%s/schedulers", url);
	json_object_object_add(account, "provisioned_services_url",
	    json_object_new_string(text));
	json_object_object_add(account, "users_url", NULL);
	object = json_object_new_object();
	json_object_object_add(object, "service_account", account);
	add_status_message(object, "Thanks for signing up for Chronatog!");
	respond_created(object, url);
	json_object_put(object);

done:
	json_object_put(messages);
	json_object_put(body);
}

/* Responds 200 with {}, what EY expects after a removal. */
static void
respond_empty(void)
{
	json_object *empty = json_object_new_object();

	fcgi_respond_json(200, empty, NULL);
	json_object_put(empty);
}

static void
cancel_account(const struct call *call)
{
	struct billing_result bill;
	struct error error;
	int found;

	if (db_begin(call->db, &error) < 0)
		found = -1;
	else
		found = ey_account_cancel(call->db, call->customer_id,
		    time(NULL), &bill, &error);
	if (found < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		webapp_internal_error(&error);
		return;
	}
	if (found == 0) {
		fcgi_respond_error(404, NULL, "customer %lld not found",
		    (long long)call->customer_id);
		return;
	}
	log_message(LOG_INFO, "customer %lld cancelled; final invoice %lld "
	    "cents", (long long)call->customer_id,
	    (long long)bill.total_amount_cents);
	respond_empty();
}

/* Builds the provisioned service response for a new scheduler. */
static json_object *
provision_answer(const struct call *call, int64_t scheduler_id,
    const struct scheduler_credentials *credentials, char *url,
    size_t url_size)
{
	const char *base = call->request->base_url;
	json_object *object, *service, *vars;
	char text[8192];

	snprintf(url, url_size, "%s" API_PATH "/%lld/schedulers/%lld", base,
	    (long long)call->customer_id, (long long)scheduler_id);
	vars = json_object_new_object();
	snprintf(text, sizeof(text), "%s/chronatogapi/1/jobs", base);
	json_object_object_add(vars, "service_url",
	    json_object_new_string(text));
	json_object_object_add(vars, "auth_username",
	    json_object_new_string(credentials->username));
	json_object_object_add(vars, "auth_password",
	    json_object_new_string(credentials->password));
	json_object_object_add(vars, "webhook_secret",
	    json_object_new_string(credentials->webhook_secret));

	service = json_object_new_object();
	json_object_object_add(service, "url", json_object_new_string(url));
	json_object_object_add(service, "configuration_required",
	    json_object_new_boolean(0));
	snprintf(text, sizeof(text),
	    "%s/eyintegration/sso/customers/%lld/schedulers/%lld", base,
	    (long long)call->customer_id, (long long)scheduler_id);
	json_object_object_add(service, "configuration_url",
	    json_object_new_string(text));
	json_object_object_add(service, "vars", vars);
	object = json_object_new_object();
	json_object_object_add(object, "provisioned_service", service);
	add_status_message(object,
	    "Your scheduler has been created and is ready for use!");
	return object;
}

static void
create_scheduler(const struct call *call)
{
	struct scheduler_credentials credentials;
	struct ey_provision_input input;
	json_object *body, *messages, *object;
	struct error error;
	int64_t scheduler_id;
	char url[4096];
	int found;

	if (webapp_parse_json_body(call->request, &body) < 0)
		return;
	messages = json_object_new_array();
	if (ey_provision_read(body, &input, messages) > 0) {
		fcgi_respond_errors(400, messages, NULL);
		goto done;
	}
	if (db_begin(call->db, &error) < 0)
		found = -1;
	else
		found = ey_provision(call->db, call->customer_id, &input,
		    time(NULL), &scheduler_id, &credentials, &error);
	if (found < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		webapp_internal_error(&error);
		goto done;
	}
	if (found == 0) {
		fcgi_respond_error(404, NULL, "customer %lld not found",
		    (long long)call->customer_id);
		goto done;
	}
	log_message(LOG_INFO, "customer %lld activated scheduler %lld for "
	    "%s/%s", (long long)call->customer_id, (long long)scheduler_id,
	    input.app_name, input.environment_name);

	object = provision_answer(call, scheduler_id, &credentials, url,
	    sizeof(url));
	respond_created(object, url);
	json_object_put(object);

done:
	json_object_put(messages);
	json_object_put(body);
}

static void
delete_scheduler(const struct call *call)
{
	struct error error;
	int found;

	if (db_begin(call->db, &error) < 0)
		found = -1;
	else
		found = ey_deprovision(call->db, call->customer_id,
		    call->scheduler_id, time(NULL), &error);
	if (found < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		webapp_internal_error(&error);
		return;
	}
	if (found == 0) {
		fcgi_respond_error(404, NULL, "scheduler %lld of customer %lld "
		    "not found", (long long)call->scheduler_id,
		    (long long)call->customer_id);
		return;
	}
	log_message(LOG_INFO, "customer %lld deactivated scheduler %lld",
	    (long long)call->customer_id, (long long)call->scheduler_id);
	respond_empty();
}

static void
handle(sqlite3 *db, const struct config *config,
    struct fcgi_request *request)
{
	struct call call = { db, config, request, 0, 0 };
	const char *method = request->method;
	enum target target = UNKNOWN;

	if (strncmp(request->path, API_PATH, strlen(API_PATH)) == 0)
		target = parse_target(request->path + strlen(API_PATH), &call);
	if (target == UNKNOWN) {
		fcgi_respond_error(404, NULL, "no such resource: %s",
		    request->path);
		return;
	}
	if (authenticate(&call) < 0)
		return;

	if (target == ACCOUNTS && strcmp(method, "POST") == 0)
		create_account(&call);
	else if (target == ACCOUNT && strcmp(method, "DELETE") == 0)
		cancel_account(&call);
	else if (target == SCHEDULERS && strcmp(method, "POST") == 0)
		create_scheduler(&call);
	else if (target == SCHEDULER && strcmp(method, "DELETE") == 0)
		delete_scheduler(&call);
	else
		webapp_method_not_allowed(method,
		    target == ACCOUNTS || target == SCHEDULERS ? "POST" :
		    "DELETE");
}

int
main(int argc, char **argv)
{
	return webapp_main(argc, argv, "ey", handle);
}
