/*
 * `provision` and `deprovision`: the calls that Engine Yard makes to the
 * partner when a customer activates the service on an app environment
 * and when the customer deactivates it. The provisioned service is
 * stored before its creation call, so that its URLs already work when
 * the partner calls them while it handles the call, and is deleted again
 * when the call fails.
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
#include "timefmt.h"

/* Builds the body of a provisioned service creation. NULL on OOM. */
static json_object *
provisioned_body(const struct store_settings *settings,
    const struct store_provisioned *provisioned)
{
	struct route route = { .kind = ROUTE_PROVISIONED };
	json_object *body = json_object_new_object();
	json_object *app = json_object_new_object();
	json_object *environment = json_object_new_object();

	route.account_id = provisioned->account_id;
	route.provisioned_id = provisioned->id;
	if (body == NULL || app == NULL || environment == NULL)
		goto fail;
	json_object_object_add(app, "id",
	    json_object_new_int64(provisioned->app_id));
	json_object_object_add(app, "name",
	    json_object_new_string(provisioned->app_name));
	json_object_object_add(environment, "id",
	    json_object_new_int64(provisioned->environment_id));
	json_object_object_add(environment, "name",
	    json_object_new_string(provisioned->environment_name));
	json_object_object_add(environment, "framework_env",
	    json_object_new_string(provisioned->framework_env));
	json_object_object_add(environment, "aws_region",
	    json_object_new_string(provisioned->aws_region));

	if (partner_add_url(body, "url", settings, &route) < 0)
		goto fail;
	route.kind = ROUTE_PROVISIONED_MESSAGES;
	if (partner_add_url(body, "messages_url", settings, &route) < 0)
		goto fail;
	json_object_object_add(body, "app", app);
	json_object_object_add(body, "environment", environment);
	return body;

fail:
	json_object_put(body);
	json_object_put(app);
	json_object_put(environment);
	return NULL;
}

/* Prints what `provision` learned about the new provisioned service. */
static void
print_provisioned(int64_t provisioned_id, const struct ey_response *response)
{
	json_object *provisioned = json_object_object_get(response->json,
	    "provisioned_service"), *vars;

	output_pair_int("provisioned_id", provisioned_id);
	output_pair_int("status", response->status);
	output_pair_json("url", json_object_object_get(provisioned, "url"));
	output_pair_json("configuration_required",
	    json_object_object_get(provisioned, "configuration_required"));
	output_pair_json("configuration_url",
	    json_object_object_get(provisioned, "configuration_url"));
	partner_print_message(response->json);

	/* The vars come last, so that they win in an eval. */
	if (!json_object_object_get_ex(provisioned, "vars", &vars) ||
	    !json_object_is_type(vars, json_type_object))
		return;
	json_object_object_foreach(vars, name, value) {
		if (output_is_shell_name(name))
			output_pair_json(name, value);
		else
			command_error("warning: var '%s' is not a shell name "
			    "and is not printed; see 'ey-sandbox vars "
			    "--provisioned %lld'", name,
			    (long long)provisioned_id);
	}
}

int
run_provision(const struct sandbox *sandbox, int argc, char **argv)
{
	static const struct option options[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "app", required_argument, NULL, 'p' },
		{ "env", required_argument, NULL, 'e' },
		{ "framework-env", required_argument, NULL, 'f' },
		{ "aws-region", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *app = NULL, *environment = NULL, *url;
	const char *framework_env = "production", *aws_region = "us-east-1";
	struct store_provisioned provisioned = { 0 };
	struct store_settings settings = { 0 };
	struct store_account account = { 0 };
	struct ey_response response = { 0 };
	json_object *body = NULL;
	int64_t account_id = 0;
	struct error error;
	sqlite3 *db = NULL;
	int c, status = 1;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (command_parse_id("--account", optarg,
			    &account_id) < 0)
				return 2;
			break;
		case 'p':
			app = optarg;
			break;
		case 'e':
			environment = optarg;
			break;
		case 'f':
			framework_env = optarg;
			break;
		case 'r':
			aws_region = optarg;
			break;
		default:
			return command_usage_hint("provision");
		}
	}
	if (optind != argc || account_id == 0 || app == NULL ||
	    *app == '\0' || environment == NULL || *environment == '\0' ||
	    *framework_env == '\0' || *aws_region == '\0')
		return command_usage_error("provision", "provision needs "
		    "--account ID, --app NAME and --env NAME, none of them "
		    "empty");

	if (command_open(sandbox, &db, &settings) < 0)
		return 1;
	url = partner_active_account_url(db, account_id, &account,
	    "provisioned_services_url");
	if (url == NULL)
		goto cleanup;
	if (store_provisioned_create(db, account_id, app, environment,
	    framework_env, aws_region, time(NULL), &provisioned,
	    &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	if ((body = provisioned_body(&settings, &provisioned)) == NULL) {
		command_error("out of memory");
		goto cleanup;
	}
	if (partner_post(&settings, url, body, "provisioned_service",
	    &response) < 0)
		goto cleanup;

	if (store_provisioned_set_partner_fields(db, provisioned.id,
	    json_object_object_get(response.json, "provisioned_service"),
	    &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	partner_store_message(db, response.json, account_id, provisioned.id);
	print_provisioned(provisioned.id, &response);
	status = 0;

cleanup:
	if (status != 0 && provisioned.id != 0 &&
	    store_provisioned_delete(db, provisioned.id, &error) < 0)
		command_error("%s", error.message);
	ey_response_free(&response);
	json_object_put(body);
	store_provisioned_free(&provisioned);
	store_account_free(&account);
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}

int
run_deprovision(const struct sandbox *sandbox, int argc, char **argv)
{
	struct store_provisioned provisioned = { 0 };
	struct store_settings settings = { 0 };
	char deprovisioned_at[TIMEFMT_RFC3339_SIZE];
	const char *url;
	int64_t id;
	long http_status;
	struct error error;
	sqlite3 *db = NULL;
	int found, status;

	status = command_parse_id_option("deprovision", "provisioned", argc,
	    argv, &id);
	if (status != 0)
		return status;
	if (command_open(sandbox, &db, &settings) < 0)
		return 1;

	status = 1;
	found = store_provisioned_get(db, id, &provisioned, &error);
	if (found < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	if (found == 0) {
		command_error("provisioned service %lld not found",
		    (long long)id);
		goto cleanup;
	}
	if (provisioned.deprovisioned_at != 0) {
		timefmt_rfc3339(provisioned.deprovisioned_at, deprovisioned_at);
		command_error("provisioned service %lld was deprovisioned at "
		    "%s", (long long)id, deprovisioned_at);
		goto cleanup;
	}
	url = partner_field_string(provisioned.partner_fields, "url");
	if (url == NULL) {
		command_error("provisioned service %lld has no url from the "
		    "partner", (long long)id);
		goto cleanup;
	}

	if (partner_delete(&settings, url, &http_status) < 0)
		goto cleanup;
	if (store_provisioned_deprovision(db, id, time(NULL), &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	output_pair_int("provisioned_id", id);
	output_pair_int("status", http_status);
	status = 0;

cleanup:
	store_provisioned_free(&provisioned);
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}
