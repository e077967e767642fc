/*
 * `ey-sandbox sso-url`: the signed URL that Engine Yard sends a user's
 * browser to when the user follows "Visit" on an add-on: the partner's
 * configuration_url with the user's details, a timestamp and an AuthHMAC
 * signature in the query string.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "output.h"
#include "sso.h"
#include "timefmt.h"

/* The user that signs in, from the options. */
struct sso_user {
	const char *id;
	const char *name;
	const char *email;		/* NULL to leave ey_user_email out */
	const char *access_level;
	const char *return_to;	/* NULL for the sandbox's base URL */
};

/* Returns whether `text` is a non-empty run of decimal digits. */
static int
is_digits(const char *text)
{
	return *text != '\0' && strspn(text, "0123456789") == strlen(text);
}

/*
 * Sets `*url` to the configuration_url of provisioned service
 * `provisioned_id` when it is not 0, else of account `account_id`, and
 * `*owner` to the record that contains it, which the caller puts. Prints
 * why and returns -1 when there is none.
 */
static int
find_configuration_url(sqlite3 *db, int64_t account_id,
    int64_t provisioned_id, json_object **owner, const char **url)
{
	struct store_provisioned provisioned;
	struct store_account account;
	json_object *value;
	struct error error;
	char what[64];
	int found;

	*owner = NULL;
	if (provisioned_id != 0) {
		snprintf(what, sizeof(what), "provisioned service %lld",
		    (long long)provisioned_id);
		found = store_provisioned_get(db, provisioned_id, &provisioned,
		    &error);
		if (found == 1 && account_id != 0 &&
		    provisioned.account_id != account_id) {
			command_error("%s belongs to service account %lld, not "
			    "%lld", what, (long long)provisioned.account_id,
			    (long long)account_id);
			store_provisioned_free(&provisioned);
			return -1;
		}
		if (found == 1) {
			*owner = json_object_get(provisioned.partner_fields);
			store_provisioned_free(&provisioned);
		}
	} else {
		snprintf(what, sizeof(what), "service account %lld",
		    (long long)account_id);
		found = store_account_get(db, account_id, &account, &error);
		if (found == 1) {
			*owner = json_object_get(account.partner_fields);
			store_account_free(&account);
		}
	}

	if (found < 0) {
		command_error("%s", error.message);
		return -1;
	}
	if (found == 0) {
		command_error("%s not found", what);
		return -1;
	}
	if (!json_object_object_get_ex(*owner, "configuration_url", &value) ||
	    !json_object_is_type(value, json_type_string)) {
		command_error("%s has no configuration_url from the partner",
		    what);
		json_object_put(*owner);
		*owner = NULL;
		return -1;
	}
	*url = json_object_get_string(value);
	return 0;
}

/* Signs `url` for `user` and prints it. Returns the exit status. */
static int
print_signed_url(const struct store_settings *settings, const char *url,
    const struct sso_user *user)
{
	struct sso_parameter parameters[6];
	char timestamp[TIMEFMT_RFC3339_SIZE], *signed_url;
	struct error error;
	size_t count = 0;

	timefmt_rfc3339(time(NULL), timestamp);
	parameters[count++] = (struct sso_parameter){ "ey_user_id",
	    (char *)user->id };
	parameters[count++] = (struct sso_parameter){ "ey_user_name",
	    (char *)user->name };
	if (user->email != NULL)
		parameters[count++] = (struct sso_parameter){ "ey_user_email",
		    (char *)user->email };
	parameters[count++] = (struct sso_parameter){ "access_level",
	    (char *)user->access_level };
	parameters[count++] = (struct sso_parameter){ "ey_return_to_url",
	    (char *)(user->return_to != NULL ? user->return_to :
	    settings->base_url) };
	parameters[count++] = (struct sso_parameter){ "timestamp",
	    timestamp };

	if (sso_sign(url, parameters, count, settings->auth_id,
	    settings->auth_key, &signed_url, &error) < 0) {
		command_error("cannot sign %s: %s", url, error.message);
		return 1;
	}
	output_pair("sso_url", signed_url);
	free(signed_url);
	return 0;
}

int
run_sso_url(const struct sandbox *sandbox, int argc, char **argv)
{
	static const struct option options[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "provisioned", required_argument, NULL, 'p' },
		{ "user-id", required_argument, NULL, 'i' },
		{ "user-name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "access-level", required_argument, NULL, 'l' },
		{ "return-to", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct sso_user user = { "1", "Sandbox User", NULL, "owner", NULL };
	struct store_settings settings;
	int64_t account_id = 0, provisioned_id = 0;
	json_object *owner = NULL;
	const char *url;
	sqlite3 *db;
	int c, status = 1;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (command_parse_id("--account", optarg,
			    &account_id) < 0)
				return 2;
			break;
		case 'p':
			if (command_parse_id("--provisioned", optarg,
			    &provisioned_id) < 0)
				return 2;
			break;
		case 'i':
			user.id = optarg;
			break;
		case 'n':
			user.name = optarg;
			break;
		case 'e':
			user.email = optarg;
			break;
		case 'l':
			user.access_level = optarg;
			break;
		case 'r':
			user.return_to = optarg;
			break;
		default:
			return command_usage_hint("sso-url");
		}
	}
	if (optind != argc || (account_id == 0 && provisioned_id == 0))
		return command_usage_error("sso-url", "sso-url needs --account "
		    "ID or --provisioned ID");
	if (!is_digits(user.id))
		return command_usage_error("sso-url", "--user-id must be a "
		    "decimal number, not '%s'", user.id);
	if (strcmp(user.access_level, "owner") != 0 &&
	    strcmp(user.access_level, "collaborator") != 0)
		return command_usage_error("sso-url", "--access-level must be "
		    "owner or collaborator, not '%s'", user.access_level);

	if (command_open(sandbox, &db, &settings) < 0)
		return 1;
	if (find_configuration_url(db, account_id, provisioned_id, &owner,
	    &url) == 0)
		status = print_signed_url(&settings, url, &user);
	json_object_put(owner);
	store_settings_free(&settings);
	sqlite3_close(db);
	return status;
}
