/*
 * chronatog-admin's Engine Yard commands: partner credentials, the
 * service registration, credential resets and billing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "billing.h"
#include "callback_url.h"
#include "db.h"
#include "ey_client.h"
#include "ey_store.h"
#include "outbox.h"
#include "scheduler.h"

/* Prints `error` as the command's failure and returns exit status 1. */
static int
fail(const struct error *error)
{
	fprintf(stderr, "chronatog-admin: %s\n", error->message);
	return 1;
}

/* Checks that exactly `count` arguments follow the command name. */
static int
expect_arguments(int argc, char **argv, int count, const char *synopsis)
{
	if (argc - 1 == count)
		return 0;
	fprintf(stderr, "chronatog-admin: usage: chronatog-admin %s %s\n",
	    argv[0], synopsis);
	return -1;
}

/* Loads the partner credentials, or prints how to save them. */
static int
load_credentials(sqlite3 *db, char **auth_id, char **auth_key)
{
	struct error error;
	int found;

	found = ey_credentials_load(db, auth_id, auth_key, &error);
	if (found < 0) {
		fail(&error);
		return -1;
	}
	if (found == 0) {
		fprintf(stderr, "chronatog-admin: no partner credentials are "
		    "saved; run 'chronatog-admin save-creds AUTH_ID "
		    "AUTH_KEY'\n");
		return -1;
	}
	return 0;
}

/*
 * Sends one signed request with the saved credentials. Returns 0 with
 * `*response` filled when EY responded with a status in [200, 299], else
 * prints why and returns -1.
 */
static int
call_ey(sqlite3 *db, const char *method, const char *url, json_object *body,
    struct ey_response *response)
{
	char *auth_id = NULL, *auth_key = NULL, what[4200];
	struct error error;
	int rc = -1;

	if (load_credentials(db, &auth_id, &auth_key) < 0)
		return -1;
	if (ey_request(auth_id, auth_key, method, url, body, response,
	    &error) < 0) {
		fail(&error);
		goto done;
	}
	if (response->status < 200 || response->status > 299) {
		snprintf(what, sizeof(what), "%s %s", method, url);
		ey_response_error(response, what, &error);
		fail(&error);
		ey_response_free(response);
		goto done;
	}
	rc = 0;

done:
	free(auth_id);
	free(auth_key);
	return rc;
}

int
admin_save_creds(struct admin *admin, int argc, char **argv)
{
	struct error error;
	sqlite3 *db;

	if (expect_arguments(argc, argv, 2, "AUTH_ID AUTH_KEY") < 0)
		return 2;
	if (admin_open_db(admin, &db) < 0)
		return 1;
	if (db_begin(db, &error) < 0 ||
	    ey_credentials_save(db, argv[1], argv[2], time(NULL),
	    &error) < 0 || db_commit(db, &error) < 0) {
		db_rollback(db);
		db_close(db);
		return fail(&error);
	}
	db_close(db);
	printf("saved the partner credentials for auth_id %s\n", argv[1]);
	return 0;
}

int
admin_list_services(struct admin *admin, int argc, char **argv)
{
	struct ey_response response;
	sqlite3 *db;
	int rc;

	if (expect_arguments(argc, argv, 1, "REGISTRATION_URL") < 0)
		return 2;
	if (admin_open_db(admin, &db) < 0)
		return 1;
	rc = call_ey(db, "GET", argv[1], NULL, &response);
	db_close(db);
	if (rc < 0)
		return 1;
	printf("%s\n", response.json != NULL ?
	    json_object_to_json_string_ext(response.json,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) :
	    response.body);
	ey_response_free(&response);
	return 0;
}

/* Reads an optional --public-url into `*public_url` and checks it. */
static int
read_public_url(struct admin *admin, int argc, char **argv,
    const char **public_url)
{
	static const struct option options[] = {
		{ "public-url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct error error;
	int c;

	*public_url = admin->config.public_url;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c != 'u')
			return -1;
		*public_url = optarg;
	}
	if (*public_url == NULL) {
		fprintf(stderr, "chronatog-admin: set public_url in the "
		    "configuration or give --public-url: Engine Yard must be "
		    "told where Chronatog is\n");
		return -1;
	}
	if (public_url_check(*public_url, &error) < 0) {
		fail(&error);
		return -1;
	}
	return 0;
}

/* Builds {"service": {...}}, the description EY shows and calls. */
static json_object *
service_body(const char *public_url)
{
	static const char *const vars[] = { "service_url", "auth_username",
	    "auth_password", "webhook_secret", NULL };
	json_object *service = json_object_new_object();
	json_object *list = json_object_new_array();
	json_object *body = json_object_new_object();
	size_t length = strlen(public_url);
	char url[4200];
	int i;

	while (length > 0 && public_url[length - 1] == '/')
		length--;
	json_object_object_add(service, "name",
	    json_object_new_string("Chronatog"));
	json_object_object_add(service, "label",
	    json_object_new_string("chronatog"));
	json_object_object_add(service, "description",
	    json_object_new_string("Web cron as a service."));
	snprintf(url, sizeof(url), "%.*s/eyintegration/api/1/customers",
	    (int)length, public_url);
	json_object_object_add(service, "service_accounts_url",
	    json_object_new_string(url));
	snprintf(url, sizeof(url), "%.*s/", (int)length, public_url);
	json_object_object_add(service, "home_url",
	    json_object_new_string(url));
	snprintf(url, sizeof(url), "%.*s/terms", (int)length, public_url);
	json_object_object_add(service, "terms_and_conditions_url",
	    json_object_new_string(url));
	for (i = 0; vars[i] != NULL; i++)
		json_object_array_add(list, json_object_new_string(vars[i]));
	json_object_object_add(service, "vars", list);
	json_object_object_add(body, "service", service);
	return body;
}

/* Returns the service URL from a registration response, or NULL. */
static const char *
response_service_url(const struct ey_response *response)
{
	json_object *service, *url;

	if (response->location != NULL && *response->location != '\0')
		return response->location;
	if (response->json != NULL &&
	    json_object_object_get_ex(response->json, "service", &service) &&
	    json_object_object_get_ex(service, "url", &url) &&
	    json_object_is_type(url, json_type_string))
		return json_object_get_string(url);
	return NULL;
}

int
admin_register_service(struct admin *admin, int argc, char **argv)
{
	struct ey_response response;
	const char *public_url, *url;
	json_object *body;
	struct error error;
	sqlite3 *db;
	int rc;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "chronatog-admin: usage: chronatog-admin "
		    "register-service REGISTRATION_URL [--public-url URL]\n");
		return 2;
	}
	/* getopt() takes argv[0], here the URL, as the program name. */
	optind = 0;
	if (read_public_url(admin, argc - 1, argv + 1, &public_url) < 0)
		return 2;
	if (optind != argc - 1) {
		fprintf(stderr, "chronatog-admin: usage: chronatog-admin "
		    "register-service REGISTRATION_URL [--public-url URL]\n");
		return 2;
	}
	if (admin_open_db(admin, &db) < 0)
		return 1;

	body = service_body(public_url);
	rc = call_ey(db, "POST", argv[1], body, &response);
	json_object_put(body);
	if (rc < 0) {
		db_close(db);
		return 1;
	}
	if ((url = response_service_url(&response)) == NULL) {
		fprintf(stderr, "chronatog-admin: Engine Yard responded %ld "
		    "without a service URL\n", response.status);
		rc = 1;
	} else if (ey_service_save(db, argv[1], url, time(NULL),
	    &error) < 0) {
		rc = fail(&error);
	} else {
		printf("service_url=%s\n", url);
	}
	ey_response_free(&response);
	db_close(db);
	return rc;
}

/* Loads the registered service URL, or prints that there is none. */
static int
load_service(sqlite3 *db, char **url)
{
	struct error error;
	int found;

	found = ey_service_load(db, url, &error);
	if (found < 0) {
		fail(&error);
		return -1;
	}
	if (found == 0) {
		fprintf(stderr, "chronatog-admin: no service is registered; "
		    "run 'chronatog-admin register-service URL' first\n");
		return -1;
	}
	return 0;
}

int
admin_update_service(struct admin *admin, int argc, char **argv)
{
	struct ey_response response;
	const char *public_url;
	json_object *body;
	char *url = NULL;
	sqlite3 *db;
	int rc = 1;

	optind = 0;
	if (read_public_url(admin, argc, argv, &public_url) < 0)
		return 2;
	if (optind != argc) {
		fprintf(stderr, "chronatog-admin: usage: chronatog-admin "
		    "update-service [--public-url URL]\n");
		return 2;
	}
	if (admin_open_db(admin, &db) < 0)
		return 1;
	if (load_service(db, &url) == 0) {
		body = service_body(public_url);
		if (call_ey(db, "PUT", url, body, &response) == 0) {
			printf("updated %s\n", url);
			ey_response_free(&response);
			rc = 0;
		}
		json_object_put(body);
	}
	free(url);
	db_close(db);
	return rc;
}

int
admin_deregister_service(struct admin *admin, int argc, char **argv)
{
	struct ey_response response;
	struct error error;
	char *url = NULL;
	sqlite3 *db;
	int rc = 1;

	if (expect_arguments(argc, argv, 0, "") < 0)
		return 2;
	if (admin_open_db(admin, &db) < 0)
		return 1;
	if (load_service(db, &url) == 0 &&
	    call_ey(db, "DELETE", url, NULL, &response) == 0) {
		ey_response_free(&response);
		if (ey_service_delete(db, url, &error) < 0) {
			fail(&error);
		} else {
			printf("deregistered %s\n", url);
			rc = 0;
		}
	}
	free(url);
	db_close(db);
	return rc;
}

/* Parses a positive id argument; prints why not and returns -1. */
static int
parse_id(const char *text, const char *what, int64_t *id)
{
	long long value;
	char *end;

	errno = 0;
	value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value <= 0) {
		fprintf(stderr, "chronatog-admin: %s must be a positive whole "
		    "number, not '%s'\n", what, text);
		return -1;
	}
	*id = value;
	return 0;
}

/*
 * Queues the PUT of a scheduler's new vars to its provisioned service on
 * EY, when it has one. Runs inside the caller's transaction.
 */
static int
queue_vars(struct admin *admin, sqlite3 *db, int64_t scheduler_id,
    const struct scheduler_credentials *credentials, struct error *error)
{
	json_object *body, *service, *vars;
	sqlite3_stmt *statement;
	char *url = NULL, service_url[4200];
	int64_t customer_id = 0;
	int rc;

	if (db_prepare(db, "SELECT ey_url, customer_id FROM schedulers "
	    "WHERE id = ? AND ey_url IS NOT NULL", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);
	if (sqlite3_step(statement) == SQLITE_ROW) {
		url = strdup((const char *)sqlite3_column_text(statement, 0));
		customer_id = sqlite3_column_int64(statement, 1);
	}
	sqlite3_finalize(statement);
	if (url == NULL)
		return 0;
	if (admin->config.public_url == NULL) {
		free(url);
		return error_set(error, "set public_url in the configuration: "
		    "Engine Yard needs the service_url var");
	}

	snprintf(service_url, sizeof(service_url), "%s/chronatogapi/1/jobs",
	    admin->config.public_url);
	vars = json_object_new_object();
	json_object_object_add(vars, "service_url",
	    json_object_new_string(service_url));
	json_object_object_add(vars, "auth_username",
	    json_object_new_string(credentials->username));
	json_object_object_add(vars, "auth_password",
	    json_object_new_string(credentials->password));
	json_object_object_add(vars, "webhook_secret",
	    json_object_new_string(credentials->webhook_secret));
	service = json_object_new_object();
	json_object_object_add(service, "vars", vars);
	body = json_object_new_object();
	json_object_object_add(body, "provisioned_service", service);
	rc = outbox_add(db, "vars", "PUT", url, body, customer_id, time(NULL),
	    NULL, error);
	json_object_put(body);
	free(url);
	return rc < 0 ? -1 : 1;
}

int
admin_reset_auth(struct admin *admin, int argc, char **argv)
{
	struct scheduler_credentials credentials;
	struct error error;
	int64_t id;
	sqlite3 *db;
	int found, queued = 0;

	if (expect_arguments(argc, argv, 1, "SCHEDULER_ID") < 0 ||
	    parse_id(argv[1], "SCHEDULER_ID", &id) < 0)
		return 2;
	if (admin_open_db(admin, &db) < 0)
		return 1;
	if (db_begin(db, &error) < 0)
		found = -1;
	else
		found = scheduler_reset_credentials(db, id, &credentials,
		    &error);
	if (found > 0)
		queued = queue_vars(admin, db, id, &credentials, &error);
	if (found < 0 || queued < 0 || db_commit(db, &error) < 0) {
		db_rollback(db);
		db_close(db);
		return fail(&error);
	}
	db_close(db);
	if (found == 0) {
		fprintf(stderr, "chronatog-admin: no scheduler %lld in "
		    "service\n", (long long)id);
		return 1;
	}

	printf("auth_username=%s\n", credentials.username);
	printf("auth_password=%s\n", credentials.password);
	if (queued)
		printf("# the runner sends the new vars to Engine Yard\n");
	return 0;
}

/* Bills one customer in its own transaction and prints the outcome. */
static int
bill_one(sqlite3 *db, int64_t customer_id, int64_t now)
{
	struct billing_result bill;
	struct error error;
	int found;

	if (db_begin(db, &error) < 0)
		return fail(&error);
	found = billing_bill_customer(db, customer_id, now, &bill, &error);
	if (found < 0 || db_commit(db, &error) < 0) {
		db_rollback(db);
		return fail(&error);
	}
	if (found == 0) {
		fprintf(stderr, "chronatog-admin: no customer %lld\n",
		    (long long)customer_id);
		return 1;
	}
	if (bill.invoiced)
		printf("customer %lld: %lld cents: %s\n",
		    (long long)customer_id,
		    (long long)bill.total_amount_cents, bill.description);
	else
		printf("customer %lld: nothing to bill\n",
		    (long long)customer_id);
	return 0;
}

int
admin_bill(struct admin *admin, int argc, char **argv)
{
	static const struct option options[] = {
		{ "customer", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	sqlite3_stmt *statement;
	int64_t customer_id = 0, now = time(NULL), *ids = NULL;
	size_t count = 0, i;
	int c, rc = 0;
	sqlite3 *db;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c != 'c' || parse_id(optarg, "--customer",
		    &customer_id) < 0)
			return 2;
	}
	if (optind != argc) {
		fprintf(stderr, "chronatog-admin: usage: chronatog-admin bill "
		    "[--customer ID]\n");
		return 2;
	}
	if (admin_open_db(admin, &db) < 0)
		return 1;
	if (customer_id != 0) {
		rc = bill_one(db, customer_id, now);
		db_close(db);
		return rc;
	}

	/* Ids first, so that each customer is billed in its own transaction. */
	if (sqlite3_prepare_v2(db, "SELECT id FROM customers ORDER BY id", -1,
	    &statement, NULL) != SQLITE_OK) {
		db_close(db);
		return 1;
	}
	while (sqlite3_step(statement) == SQLITE_ROW) {
		int64_t *grown = realloc(ids, (count + 1) * sizeof(*ids));

		if (grown == NULL)
			break;
		ids = grown;
		ids[count++] = sqlite3_column_int64(statement, 0);
	}
	sqlite3_finalize(statement);
	for (i = 0; i < count; i++)
		rc |= bill_one(db, ids[i], now);
	free(ids);
	db_close(db);
	return rc;
}
