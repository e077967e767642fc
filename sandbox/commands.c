#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commands.h"

/* Bytes of an unsuccessful response's body shown in the message. */
#define RESPONSE_BODY_SHOWN_MAX 2000

void
command_error(const char *format, ...)
{
	va_list args;

	fputs("ey-sandbox: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
}

int
command_usage_error(const char *command, const char *format, ...)
{
	va_list args;

	fputs("ey-sandbox: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fprintf(stderr, "\nRun 'ey-sandbox %s --help' for its options.\n",
	    command);
	return 2;
}

int
command_usage_hint(const char *command)
{
	fprintf(stderr, "Run 'ey-sandbox %s --help' for its options.\n",
	    command);
	return 2;
}

int
command_open(const struct sandbox *sandbox, sqlite3 **db,
    struct store_settings *settings)
{
	struct error error;
	int found;

	*db = NULL;
	if (access(sandbox->db_path, F_OK) != 0) {
		command_error("database %s does not exist; create it with "
		    "'ey-sandbox init --url BASE_URL'", sandbox->db_path);
		return -1;
	}
	if (store_open(sandbox->db_path, db, &error) < 0) {
		command_error("%s", error.message);
		return -1;
	}

	found = store_load_settings(*db, settings, &error);
	if (found == 1)
		return 0;
	if (found < 0)
		command_error("%s", error.message);
	else
		command_error("database %s has no partner yet; run "
		    "'ey-sandbox init --url BASE_URL'", sandbox->db_path);
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}

int
command_parse_id(const char *option, const char *text, int64_t *id)
{
	long long value;
	char *end;

	errno = 0;
	value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < 1) {
		command_error("%s must be a positive integer id, not '%s'",
		    option, text);
		return -1;
	}
	*id = value;
	return 0;
}

int
command_parse_id_option(const char *command, const char *option, int argc,
    char **argv, int64_t *id)
{
	const struct option options[] = {
		{ option, required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	char label[64];
	int c;

	snprintf(label, sizeof(label), "--%s", option);
	*id = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c != 'i')
			return command_usage_hint(command);
		if (command_parse_id(label, optarg, id) < 0)
			return 2;
	}
	if (optind != argc || *id == 0)
		return command_usage_error(command, "%s needs %s ID and no "
		    "other arguments", command, label);
	return 0;
}

int
command_is_success(long status)
{
	return status >= 200 && status <= 299;
}

void
command_report_response(const char *method, const char *url,
    const struct ey_response *response)
{
	command_error("%s %s returned HTTP %ld: %.*s", method, url,
	    response->status, RESPONSE_BODY_SHOWN_MAX, response->body);
}
