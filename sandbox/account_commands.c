/*
 * `enable` and `cancel`: the calls that Engine Yard makes to the partner
 * when a customer signs up for the service and when the customer
 * cancels it. The account is stored before its creation call, so that
 * its URLs already work when the partner calls them while it handles
 * the call, and is deleted again when the call fails.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "output.h"
#include "partner.h"
#include "routes.h"

/*
 * Sets `*url` to a malloc'd copy of the service_accounts_url of service
 * `*service_id`, or of the latest service when `*service_id` is 0, and
 * sets `*service_id`. Prints why and returns -1 when there is no such
 * service or it has no URL.
 */
static int
find_service(sqlite3 *db, const struct store_settings *settings,
    int64_t *service_id, char **url)
{
	json_object *fields;
	struct error error;
	const char *text;
	int found;

	*url = NULL;
	if (*service_id != 0)
		found = store_service_get(db, settings->partner_id,
		    *service_id, &fields, &error);
	else
		found = store_service_latest(db, settings->partner_id,
		    service_id, &fields, &error);
	if (found < 0) {
		command_error("%s", error.message);
		return -1;
	}
	if (found == 0 && *service_id != 0) {
		command_error("service %lld not found; list the services "
		    "with 'ey-sandbox services'", (long long)*service_id);
		return -1;
	}
	if (found == 0) {
		command_error("no service is registered yet; the partner "
		    "registers one with POST to the registration URL that "
		    "'ey-sandbox init' printed");
		return -1;
	}

	text = partner_field_string(fields, "service_accounts_url");
	if (text == NULL)
		command_error("service %lld has no service_accounts_url",
		    (long long)*service_id);
	else if ((*url = strdup(text)) == NULL)
		command_error("out of memory");
	json_object_put(fields);
	return *url != NULL ? 0 : -1;
}

/* Builds the body of a service account creation. Returns NULL on OOM. */
static json_object *
account_body(const struct store_settings *settings, int64_t service_id,
    int64_t account_id, const char *name)
{
	struct route route = { .kind = ROUTE_ACCOUNT };
	json_object *body = json_object_new_object();

	route.partner_id = settings->partner_id;
	route.service_id = service_id;
	route.account_id = account_id;
	if (body == NULL ||
	    json_object_object_add(body, "id",
	    json_object_new_int64(account_id)) < 0 ||
	    json_object_object_add(body, "name",
	    json_object_new_string(name)) < 0 ||
	    partner_add_url(body, "url", settings, &route) < 0)
		goto fail;
	route.kind = ROUTE_ACCOUNT_MESSAGES;
	if (partner_add_url(body, "messages_url", settings, &route) < 0)
		goto fail;
	route.kind = ROUTE_ACCOUNT_INVOICES;
	if (partner_add_url(body, "invoices_url", settings, &route) < 0)
		goto fail;
	return body;

fail:
	json_object_put(body);
	return NULL;
}

/* Prints what `enable` learned about the new account. */
static void
print_account(int64_t account_id, const struct ey_response *response)
{
	json_object *account = json_object_object_get(response->json,
	    "service_account");

	output_pair_int("account_id", account_id);
	output_pair_int("status", response->status);
	output_pair_json("service_account_url",
	    json_object_object_get(account, "url"));
	output_pair_json("configuration_required",
	    json_object_object_get(account, "configuration_required"));
	output_pair_json("configuration_url",
	    json_object_object_get(account, "configuration_url"));
	output_pair_json("provisioned_services_url",
	    json_object_object_get(account, "provisioned_services_url"));
	output_pair_json("users_url",
	    json_object_object_get(account, "users_url"));
	partner_print_message(response->json);
}

int
run_enable(const struct sandbox *sandbox, int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "service", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_settings settings = { 0 };
	struct ey_response response = { 0 };
	json_object *body = NULL;
	const char *name = NULL;
	char *url = NULL;
	int64_t service_id = 0, account_id = 0;
	struct error error;
	sqlite3 *db = NULL;
	int c, status = 1;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 's':
			if (command_parse_id("--service", optarg,
			    &service_id) < 0)
				return 2;
			break;
		default:
			return command_usage_hint("enable");
		}
	}
	if (optind != argc || name == NULL || *name == '\0')
		return command_usage_error("enable", "enable needs --name "
		    "ACCOUNT_NAME and no other arguments");

	if (command_open(sandbox, &db, &settings) < 0)
		return 1;
	if (find_service(db, &settings, &service_id, &url) < 0)
		goto cleanup;
	if (store_account_create(db, service_id, name, time(NULL),
	    &account_id, &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	if ((body = account_body(&settings, service_id, account_id,
	    name)) == NULL) {
		command_error("out of memory");
		goto cleanup;
	}
	if (partner_post(&settings, url, body, "service_account",
	    &response) < 0)
		goto cleanup;

	if (store_account_set_partner_fields(db, account_id,
	    json_object_object_get(response.json, "service_account"),
	    &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	partner_store_message(db, response.json, account_id, 0);
	print_account(account_id, &response);
	status = 0;

cleanup:
	if (status != 0 && account_id != 0 &&
	    store_account_delete(db, account_id, &error) < 0)
		command_error("%s", error.message);
	ey_response_free(&response);
	json_object_put(body);
	free(url);
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}

int
run_cancel(const struct sandbox *sandbox, int argc, char **argv)
{
	struct store_settings settings = { 0 };
	struct store_account account = { 0 };
	const char *url;
	int64_t id;
	long http_status;
	struct error error;
	sqlite3 *db = NULL;
	int status;

	status = command_parse_id_option("cancel", "account", argc, argv, &id);
	if (status != 0)
		return status;
	if (command_open(sandbox, &db, &settings) < 0)
		return 1;

	status = 1;
	url = partner_active_account_url(db, id, &account, "url");
	if (url == NULL)
		goto cleanup;
	if (partner_delete(&settings, url, &http_status) < 0)
		goto cleanup;
	if (store_account_cancel(db, id, time(NULL), &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	output_pair_int("account_id", id);
	output_pair_int("status", http_status);
	status = 0;

cleanup:
	store_account_free(&account);
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}
