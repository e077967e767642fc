/*
 * `ey-sandbox init`: creates the database, the partner and its
 * credentials, and prints what the partner needs to register.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "crypto.h"
#include "output.h"
#include "routes.h"

/* Hex digits of the key id and of the secret key. */
#define AUTH_ID_DIGITS 16
#define AUTH_KEY_DIGITS 40

/* Creates the folder that contains `path`, if missing (one level only). */
static int
make_parent(const char *path)
{
	char *copy, *folder;
	int result = 0;

	if ((copy = strdup(path)) == NULL) {
		command_error("out of memory");
		return -1;
	}
	folder = dirname(copy);
	if (mkdir(folder, 0755) < 0 && errno != EEXIST) {
		command_error("cannot create folder %s: %s", folder,
		    strerror(errno));
		result = -1;
	}
	free(copy);
	return result;
}

/* Prints the registration URL and the credentials of `settings`. */
static int
print_settings(const struct store_settings *settings)
{
	struct route route = { .kind = ROUTE_SERVICES };
	char *url;

	route.partner_id = settings->partner_id;
	if ((url = route_url(settings->base_url, &route)) == NULL) {
		command_error("out of memory");
		return 1;
	}
	output_pair("registration_url", url);
	output_pair("auth_id", settings->auth_id);
	output_pair("auth_key", settings->auth_key);
	free(url);
	return 0;
}

/*
 * Stores `base_url` with fresh credentials, replacing earlier ones, and
 * reloads the settings into `settings`.
 */
static int
create_partner(sqlite3 *db, const char *base_url,
    struct store_settings *settings)
{
	char auth_id[AUTH_ID_DIGITS + 1], auth_key[AUTH_KEY_DIGITS + 1];
	struct error error;
	int result = -1;

	if (crypto_random_hex(auth_id, AUTH_ID_DIGITS, &error) < 0 ||
	    crypto_random_hex(auth_key, AUTH_KEY_DIGITS, &error) < 0 ||
	    store_save_settings(db, base_url, auth_id, auth_key, time(NULL),
	    &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	switch (store_load_settings(db, settings, &error)) {
	case 1:
		result = 0;
		break;
	case 0:
		command_error("the settings were not found after saving them");
		break;
	default:
		command_error("%s", error.message);
	}

cleanup:
	explicit_bzero(auth_key, sizeof(auth_key));
	return result;
}

int
run_init(const struct sandbox *sandbox, int argc, char **argv)
{
	static const struct option options[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_settings settings = { 0 };
	const char *url = NULL;
	char *base_url = NULL;
	struct error error;
	sqlite3 *db = NULL;
	int c, force = 0, found, status = 1;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'u')
			url = optarg;
		else if (c == 'f')
			force = 1;
		else
			return command_usage_hint("init");
	}
	if (optind != argc || url == NULL)
		return command_usage_error("init", "init needs --url BASE_URL "
		    "and no other arguments");
	if (route_normalize_base_url(url, &base_url, &error) < 0)
		return command_usage_error("init", "--url: %s",
		    error.message);

	if (make_parent(sandbox->db_path) < 0)
		goto cleanup;
	if (store_open(sandbox->db_path, &db, &error) < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}
	found = store_load_settings(db, &settings, &error);
	if (found < 0) {
		command_error("%s", error.message);
		goto cleanup;
	}

	if (found == 1 && !force && strcmp(settings.base_url, base_url) != 0) {
		command_error("database %s already serves %s; to change the "
		    "base URL and the credentials, run init with --force",
		    sandbox->db_path, settings.base_url);
		goto cleanup;
	}
	if (found == 0 || force) {
		store_settings_free(&settings);
		if (create_partner(db, base_url, &settings) < 0)
			goto cleanup;
	}
	status = print_settings(&settings);

cleanup:
	store_settings_free(&settings);
	sqlite3_close(db);
	free(base_url);
	return status;
}
