#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callback_url.h"
#include "config.h"

enum value_kind { STRING, BOOLEAN, NUMBER };

/* One configuration key, where its value lives, and its allowed range. */
struct key {
	const char *name;
	enum value_kind kind;
	size_t offset;
	long min, max;
};

#define FIELD(name) offsetof(struct config, name)

static const struct key keys[] = {
	{ "db", STRING, FIELD(db), 0, 0 },
	{ "public_url", STRING, FIELD(public_url), 0, 0 },
	{ "ey_date_skew_seconds", NUMBER, FIELD(ey_date_skew_seconds), 1,
	    86400 },
	{ "allow_private_callbacks", BOOLEAN,
	    FIELD(allow_private_callbacks), 0, 1 },
	{ "connect_timeout_ms", NUMBER, FIELD(connect_timeout_ms), 1,
	    600000 },
	{ "request_timeout_ms", NUMBER, FIELD(request_timeout_ms), 1,
	    3600000 },
	{ "response_keep_bytes", NUMBER, FIELD(response_keep_bytes), 0,
	    1048576 },
	{ "max_in_flight", NUMBER, FIELD(max_in_flight), 1, 100000 },
	{ "poll_interval_ms", NUMBER, FIELD(poll_interval_ms), 10, 60000 },
	{ "lease_seconds", NUMBER, FIELD(lease_seconds), 10, 86400 },
	{ "grace_seconds", NUMBER, FIELD(grace_seconds), 0, 86400 * 7 },
	{ "max_attempts", NUMBER, FIELD(max_attempts), 1, 100 },
	{ "retry_base_seconds", NUMBER, FIELD(retry_base_seconds), 1, 86400 },
	{ "retry_max_seconds", NUMBER, FIELD(retry_max_seconds), 1, 86400 },
	{ "disable_after_failures", NUMBER, FIELD(disable_after_failures), 1,
	    1000000 },
	{ "keep_runs_days", NUMBER, FIELD(keep_runs_days), 1, 36500 },
};

static void
set_defaults(struct config *config)
{
	memset(config, 0, sizeof(*config));
	config->ey_date_skew_seconds = 900;
	config->connect_timeout_ms = 10000;
	config->request_timeout_ms = 30000;
	config->response_keep_bytes = 8192;
	config->max_in_flight = 256;
	config->poll_interval_ms = 1000;
	config->lease_seconds = 300;
	config->grace_seconds = 600;
	config->max_attempts = 5;
	config->retry_base_seconds = 10;
	config->retry_max_seconds = 3600;
	config->disable_after_failures = 15;
	config->keep_runs_days = 30;
}

/*
 * Stores a string setting. db must not be empty. public_url must be an
 * http(s) URL and loses any trailing "/", so that URLs built from it
 * have one slash. An empty public_url means "derive it from requests".
 */
static int
set_string(struct config *config, const struct key *k, const char *value,
    struct error *error)
{
	char **string = (char **)((char *)config + k->offset), *copy;
	size_t length;

	if (strcmp(k->name, "db") == 0 && *value == '\0')
		return error_set(error, "setting 'db' must name the database "
		    "file");
	if (strcmp(k->name, "public_url") == 0 && *value != '\0' &&
	    public_url_check(value, error) < 0)
		return -1;

	if ((copy = strdup(value)) == NULL)
		return error_set(error, "out of memory");
	length = strlen(copy);
	while (strcmp(k->name, "public_url") == 0 && length > 0 &&
	    copy[length - 1] == '/')
		copy[--length] = '\0';
	free(*string);
	*string = NULL;
	if (*copy == '\0')
		free(copy);
	else
		*string = copy;
	return 0;
}

int
config_set(struct config *config, const char *key, const char *value,
    struct error *error)
{
	const struct key *k;
	char *end;
	long number;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, key) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0]))
		return error_set(error, "unknown setting '%s'", key);
	k = &keys[i];

	switch (k->kind) {
	case STRING:
		return set_string(config, k, value, error);

	case BOOLEAN:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0)
			number = 1;
		else if (strcmp(value, "no") == 0 ||
		    strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
			number = 0;
		else
			return error_set(error, "setting '%s' must be yes or "
			    "no, not '%s'", key, value);
		*(int *)((char *)config + k->offset) = (int)number;
		return 0;

	case NUMBER:
		errno = 0;
		number = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' ||
		    number < k->min || number > k->max)
			return error_set(error, "setting '%s' must be a whole "
			    "number from %ld to %ld, not '%s'", key, k->min,
			    k->max, value);
		*(long *)((char *)config + k->offset) = number;
		return 0;
	}
	return error_set(error, "setting '%s' has an unknown kind", key);
}

/* Removes leading and trailing whitespace in place. */
static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Reads "key = value" lines from `file` into `config`. */
static int
read_file(FILE *file, const char *path, struct config *config,
    struct error *error)
{
	char line[4096], *text, *equals;
	struct error detail;
	int number = 0;

	while (fgets(line, sizeof(line), file) != NULL) {
		number++;
		if (strchr(line, '\n') == NULL && !feof(file))
			return error_set(error, "%s:%d: line is longer than %zu "
			    "bytes", path, number, sizeof(line) - 1);
		text = trim(line);
		if (*text == '\0' || *text == '#')
			continue;
		if ((equals = strchr(text, '=')) == NULL)
			return error_set(error, "%s:%d: expected 'key = value'",
			    path, number);
		*equals = '\0';
		if (config_set(config, trim(text), trim(equals + 1),
		    &detail) < 0)
			return error_set(error, "%s:%d: %s", path, number,
			    detail.message);
	}
	if (ferror(file))
		return error_set(error, "cannot read %s: %s", path,
		    strerror(errno));
	return 0;
}

int
config_load(const char *path, struct config *config, struct error *error)
{
	const char *value;
	int required = 1;
	FILE *file;

	set_defaults(config);
	if (config_set(config, "db", CONFIG_DEFAULT_DB, error) < 0)
		return -1;

	if (path == NULL)
		path = getenv("CHRONATOG_CONFIG");
	if (path == NULL || *path == '\0') {
		path = CONFIG_DEFAULT_PATH;
		required = 0;
	}

	if ((file = fopen(path, "r")) != NULL) {
		int rc = read_file(file, path, config, error);

		fclose(file);
		if (rc < 0)
			goto fail;
	} else if (required || errno != ENOENT) {
		error_set(error, "cannot open configuration %s: %s", path,
		    strerror(errno));
		goto fail;
	}

	if ((value = getenv("CHRONATOG_DB")) != NULL && *value != '\0' &&
	    config_set(config, "db", value, error) < 0)
		goto fail;
	if ((value = getenv("CHRONATOG_PUBLIC_URL")) != NULL &&
	    config_set(config, "public_url", value, error) < 0)
		goto fail;
	return 0;

fail:
	config_free(config);
	return -1;
}

void
config_free(struct config *config)
{
	free(config->db);
	free(config->public_url);
	config->db = config->public_url = NULL;
}
