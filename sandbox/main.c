/*
 * ey-sandbox: a stand-in for Engine Yard (EY), so that the whole add-on
 * flow of a partner such as Chronatog can be tried on one machine. The
 * `serve` command serves EY's API to the partner as a FastCGI program.
 * The other commands make EY's calls to the partner and show what the
 * partner sent. Global options come before the command name.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

struct command {
	const char *name;
	const char *synopsis;
	const char *help;
	command_fn *run;
};

static const struct command commands[] = {
	{ "serve", "serve",
	    "Serves Engine Yard's API to the partner as a FastCGI program\n"
	    "(or a CGI program, one request per run). A web server runs it\n"
	    "for the prefix of the base URL given to init. Each request must\n"
	    "carry an AuthHMAC signature made with the partner's credentials\n"
	    "and a Date at most 15 minutes off; each is recorded with the\n"
	    "status it got (see 'requests'). Below the base URL:\n\n"
	    "  GET, POST            /api/1/partners/P/services\n"
	    "  GET, PUT, DELETE     /api/1/partners/P/services/S\n"
	    "  PUT                  .../services/S/service_accounts/A\n"
	    "  POST                 .../service_accounts/A/messages\n"
	    "  POST                 .../service_accounts/A/invoices\n"
	    "  PUT                  /api/1/service_accounts/A/"
	    "provisioned_service/V\n"
	    "  POST                 .../provisioned_service/V/messages\n\n"
	    "Deleting a service deletes its accounts, provisioned services,\n"
	    "messages and invoices. Logs go to standard error.\n",
	    run_serve },
	{ "init", "init --url BASE_URL [--force]",
	    "Creates the database and the partner (id 1) with fresh\n"
	    "credentials, and prints registration_url=, auth_id= and\n"
	    "auth_key=, which the partner needs to register its service.\n"
	    "Run again with the same URL, it prints the same values; with\n"
	    "another URL it fails unless --force is given.\n\n"
	    "  --url BASE_URL  the public URL under which the web server runs\n"
	    "                  'serve', such as http://127.0.0.1:8080/ey\n"
	    "  --force         store this URL and new credentials, keeping\n"
	    "                  the records\n",
	    run_init },
	{ "enable", "enable --name ACCOUNT_NAME [--service ID]",
	    "Signs a customer up: creates a service account and POSTs its\n"
	    "id, name, url, messages_url and invoices_url to the service's\n"
	    "service_accounts_url. Prints account_id=, status= (the HTTP\n"
	    "status), service_account_url=, configuration_required=,\n"
	    "configuration_url=, provisioned_services_url=, users_url= and,\n"
	    "when the response has a message, message_type= and\n"
	    "message_subject=. On an unsuccessful response, prints its status\n"
	    "and body on standard error, forgets the account and exits 1.\n\n"
	    "  --name ACCOUNT_NAME  the customer's account name\n"
	    "  --service ID         the service (default: the latest one\n"
	    "                       registered)\n",
	    run_enable },
	{ "provision", "provision --account ID --app NAME --env NAME "
	    "[--framework-env ENV] [--aws-region REGION]",
	    "Activates the service on an app environment of the customer:\n"
	    "POSTs url, messages_url, app and environment to the account's\n"
	    "provisioned_services_url. Apps and environments of the same\n"
	    "name keep their ids. Prints provisioned_id=, status=, url=,\n"
	    "configuration_required=, configuration_url=, message_type=,\n"
	    "message_subject=, then each var of the response as NAME=VALUE\n"
	    "(service_url=, auth_username=, auth_password=, ...).\n\n"
	    "  --account ID          the service account\n"
	    "  --app NAME            the app's name\n"
	    "  --env NAME            the environment's name\n"
	    "  --framework-env ENV   default production\n"
	    "  --aws-region REGION   default us-east-1\n",
	    run_provision },
	{ "deprovision", "deprovision --provisioned ID",
	    "Deactivates a provisioned service: DELETE on the url the\n"
	    "partner returned for it. Prints provisioned_id= and status=.\n",
	    run_deprovision },
	{ "cancel", "cancel --account ID",
	    "Cancels a service account: DELETE on the url the partner\n"
	    "returned for it. Prints account_id= and status=.\n",
	    run_cancel },
	{ "sso-url", "sso-url (--account ID | --provisioned ID) "
	    "[--user-id N] [--user-name NAME] [--email ADDRESS] "
	    "[--access-level LEVEL] [--return-to URL]",
	    "Prints sso_url=, the configuration_url of the account or the\n"
	    "provisioned service with the user's details and the current\n"
	    "time, signed with the partner's credentials, as Engine Yard\n"
	    "sends users to it. The partner rejects it after 5 minutes.\n\n"
	    "  --user-id N           ey_user_id (default 1)\n"
	    "  --user-name NAME      ey_user_name (default 'Sandbox User')\n"
	    "  --email ADDRESS       ey_user_email (default: left out)\n"
	    "  --access-level LEVEL  owner (the default) or collaborator\n"
	    "  --return-to URL       ey_return_to_url (default: the base "
	    "URL)\n",
	    run_sso_url },
	{ "request", "request METHOD URL [JSON]",
	    "Sends one request signed with the partner's credentials, with\n"
	    "JSON (an object or an array) as its body, and prints status=,\n"
	    "location= when the response has one, and body=. A URL that\n"
	    "starts with / is taken below the base URL. Exits 0 whatever\n"
	    "the status, and 1 when no response came.\n",
	    run_request },
	{ "services", "services",
	    "Prints each registered service as a JSON line: id, the fields\n"
	    "the partner sent, and url.\n",
	    run_services },
	{ "requests", "requests [--path-contains TEXT]",
	    "Prints each request that 'serve' received as a JSON line: id,\n"
	    "received_at, method, path, query, content_type, body (text),\n"
	    "status and authentication_error (the reason of a 401).\n\n"
	    "  --path-contains TEXT  only requests whose path contains TEXT\n",
	    run_requests },
	{ "messages", "messages [--account ID] [--provisioned ID]",
	    "Prints each message from the partner as a JSON line: id,\n"
	    "service_account_id, provisioned_service_id, message_type,\n"
	    "subject, body, source (request when POSTed, response when part\n"
	    "of a response to enable or provision) and received_at.\n",
	    run_messages },
	{ "invoices", "invoices [--account ID]",
	    "Prints each invoice from the partner as a JSON line: id,\n"
	    "service_account_id, total_amount_cents, line_item_description,\n"
	    "unique_id and received_at. A repeated unique_id is stored once.\n",
	    run_invoices },
	{ "vars", "vars --provisioned ID",
	    "Prints the vars of a provisioned service as one JSON object:\n"
	    "those of the partner's response to provision, or of its latest\n"
	    "update.\n",
	    run_vars },
	{ NULL, NULL, NULL, NULL },
};

static void
usage(FILE *out)
{
	int i;

	fprintf(out, "usage: ey-sandbox [--db FILE] COMMAND [ARGS]\n\n"
	    "A stand-in for Engine Yard, to try an add-on on one machine.\n\n"
	    "  --db FILE   database file (default: $EY_SANDBOX_DB, else\n"
	    "              " STORE_DEFAULT_PATH ")\n"
	    "  --help      show this help\n"
	    "  --version   show the version\n\ncommands:\n");
	for (i = 0; commands[i].name != NULL; i++)
		fprintf(out, "  %s\n", commands[i].synopsis);
	fprintf(out, "\nCommands print key=value lines that a shell can "
	    "eval, or JSON lines.\n'ey-sandbox COMMAND --help' describes "
	    "one.\n");
}

/* Prints a command's help when its options include --help. */
static int
wants_help(const struct command *command, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: ey-sandbox %s\n\n%s", command->synopsis,
			    command->help);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct sandbox sandbox = { NULL };
	char program[64];
	int c, i;

	/* "+" stops at the command name, leaving its options to it. */
	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			sandbox.db_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("ey-sandbox %s\n", CHRONATOG_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}

	for (i = 0; commands[i].name != NULL; i++)
		if (strcmp(commands[i].name, argv[optind]) == 0)
			break;
	if (commands[i].name == NULL) {
		fprintf(stderr, "ey-sandbox: unknown command '%s'; run "
		    "'ey-sandbox --help' for the list\n", argv[optind]);
		return 2;
	}
	if (wants_help(&commands[i], argc - optind, argv + optind))
		return 0;

	if (sandbox.db_path == NULL)
		sandbox.db_path = getenv("EY_SANDBOX_DB");
	if (sandbox.db_path == NULL || *sandbox.db_path == '\0')
		sandbox.db_path = STORE_DEFAULT_PATH;

	/* getopt_long() names argv[0] in its messages. */
	snprintf(program, sizeof(program), "ey-sandbox %s", commands[i].name);
	argc -= optind;
	argv += optind;
	argv[0] = program;
	optind = 0;	/* glibc: restart getopt for the command's options */
	return commands[i].run(&sandbox, argc, argv);
}
