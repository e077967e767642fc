/*
 * Command-line driver for t/signature.bats: runs the AuthHMAC, SSO,
 * Base64 and crypto functions of libchronatog on its arguments and
 * prints the result. Exit status 0 means success or a verified
 * signature, 1 a rejected signature or invalid input, 2 a usage error or
 * an internal failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authhmac.h"
#include "base64.h"
#include "crypto.h"
#include "error.h"
#include "sso.h"

static const char usage[] =
    "usage: signature_test COMMAND [ARGUMENT...]\n"
    "\n"
    "  authhmac-canonical METHOD CONTENT_TYPE BODY DATE URI [legacy]\n"
    "  authhmac-sign ID KEY METHOD CONTENT_TYPE BODY DATE URI\n"
    "  authhmac-verify ID KEY NOW\n"
    "      verifies the request in the CGI variables HTTP_AUTHORIZATION,\n"
    "      REQUEST_METHOD, CONTENT_TYPE, HTTP_DATE, REQUEST_URI,\n"
    "      SCRIPT_NAME and PATH_INFO, with the body on standard input\n"
    "  authhmac-path\n"
    "      prints the request path of REQUEST_URI, SCRIPT_NAME, PATH_INFO\n"
    "  http-date SECONDS\n"
    "  sso-sign URL ID KEY [NAME=VALUE...]\n"
    "  sso-check URL ID KEY      checks the signature only\n"
    "  sso-verify URL ID KEY NOW checks the signature and the timestamp\n"
    "  form-encode TEXT\n"
    "  base64-encode TEXT\n"
    "  base64-decode TEXT\n"
    "  md5 TEXT | sha256 TEXT | random-hex DIGITS | equal TEXT TEXT\n"
    "\n"
    "An empty CONTENT_TYPE or DATE argument means the header is absent.\n"
    "NOW and SECONDS are Unix seconds.\n";

static int
fail(const struct error *error)
{
	fprintf(stderr, "signature_test: %s\n", error->message);
	return 2;
}

static int
usage_error(void)
{
	fputs(usage, stderr);
	return 2;
}

static const char *
absent_if_empty(const char *text)
{
	return text != NULL && text[0] != '\0' ? text : NULL;
}

/* Parses Unix seconds. Returns -1 unless `text` is a decimal number. */
static int
parse_seconds(const char *text, time_t *out)
{
	char *end;
	long long value;

	value = strtoll(text, &end, 10);
	if (end == text || *end != '\0')
		return -1;
	*out = (time_t)value;
	return 0;
}

/* Reads all of standard input into a malloc'd buffer. */
static int
read_stdin(char **data, size_t *length)
{
	size_t capacity = 4096, n;
	char *buffer, *grown;

	*length = 0;
	buffer = malloc(capacity);
	if (buffer == NULL)
		return -1;
	while ((n = fread(buffer + *length, 1, capacity - *length,
	    stdin)) > 0) {
		*length += n;
		if (*length < capacity)
			continue;
		capacity *= 2;
		grown = realloc(buffer, capacity);
		if (grown == NULL) {
			free(buffer);
			return -1;
		}
		buffer = grown;
	}
	if (ferror(stdin)) {
		free(buffer);
		return -1;
	}
	*data = buffer;
	return 0;
}

static void
fill_request(struct authhmac_request *request, char **argv)
{
	request->method = argv[0];
	request->content_type = absent_if_empty(argv[1]);
	request->body = argv[2];
	request->body_length = strlen(argv[2]);
	request->date = absent_if_empty(argv[3]);
	request->uri = argv[4];
}

static int
command_authhmac_canonical(int argc, char **argv)
{
	struct authhmac_request request;
	struct error error;
	char *canonical;
	int legacy;

	if (argc != 5 && !(argc == 6 && strcmp(argv[5], "legacy") == 0))
		return usage_error();

	fill_request(&request, argv);
	legacy = argc == 6;
	if (authhmac_canonical_string(&request, legacy, &canonical,
	    &error) == -1)
		return fail(&error);
	fputs(canonical, stdout);
	free(canonical);
	return 0;
}

static int
command_authhmac_sign(int argc, char **argv)
{
	struct authhmac_request request;
	struct error error;
	char *authorization;

	if (argc != 7)
		return usage_error();

	fill_request(&request, argv + 2);
	if (authhmac_sign(argv[0], argv[1], &request, &authorization,
	    &error) == -1)
		return fail(&error);
	printf("%s\n", authorization);
	free(authorization);
	return 0;
}

static int
command_authhmac_verify(int argc, char **argv)
{
	struct authhmac_credentials credentials;
	struct authhmac_request request;
	struct error error;
	char *body = NULL, *path = NULL;
	time_t now;
	int result = 2;

	if (argc != 3 || parse_seconds(argv[2], &now) == -1)
		return usage_error();
	credentials.auth_id = argv[0];
	credentials.auth_key = argv[1];

	if (read_stdin(&body, &request.body_length) == -1) {
		perror("signature_test: standard input");
		return 2;
	}
	if (authhmac_cgi_path(getenv("REQUEST_URI"), getenv("SCRIPT_NAME"),
	    getenv("PATH_INFO"), &path, &error) == -1) {
		result = fail(&error);
		goto cleanup;
	}

	request.method = getenv("REQUEST_METHOD");
	request.content_type = getenv("CONTENT_TYPE");
	request.body = body;
	request.date = getenv("HTTP_DATE");
	request.uri = path;

	result = authhmac_verify(getenv("HTTP_AUTHORIZATION"), &request,
	    authhmac_lookup_credentials, &credentials, now,
	    AUTHHMAC_MAX_DATE_SKEW, &error);
	if (result == 0)
		printf("verified\n");
	else if (result == 1)
		printf(AUTHHMAC_FAILURE_PREFIX "%s\n", error.message);
	else
		result = fail(&error);

cleanup:
	free(path);
	free(body);
	return result;
}

static int
command_authhmac_path(int argc, char **argv)
{
	struct error error;
	char *path;

	(void)argv;
	if (argc != 0)
		return usage_error();

	if (authhmac_cgi_path(getenv("REQUEST_URI"), getenv("SCRIPT_NAME"),
	    getenv("PATH_INFO"), &path, &error) == -1)
		return fail(&error);
	printf("%s\n", path);
	free(path);
	return 0;
}

static int
command_http_date(int argc, char **argv)
{
	char date[AUTHHMAC_HTTP_DATE_SIZE];
	struct error error;
	time_t seconds;

	if (argc != 1 || parse_seconds(argv[0], &seconds) == -1)
		return usage_error();

	if (authhmac_format_date(seconds, date, &error) == -1)
		return fail(&error);
	printf("%s\n", date);
	return 0;
}

static int
command_sso_sign(int argc, char **argv)
{
	struct sso_parameter *parameters;
	struct error error;
	char *signed_url, *equals;
	int i, result = 0;

	if (argc < 3)
		return usage_error();

	parameters = calloc((size_t)argc, sizeof(*parameters));
	if (parameters == NULL) {
		perror("signature_test");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		equals = strchr(argv[i], '=');
		if (equals == NULL) {
			free(parameters);
			return usage_error();
		}
		*equals = '\0';
		parameters[i - 3].name = argv[i];
		parameters[i - 3].value = equals + 1;
	}

	if (sso_sign(argv[0], parameters, (size_t)(argc - 3), argv[1],
	    argv[2], &signed_url, &error) == -1) {
		result = fail(&error);
	} else {
		printf("%s\n", signed_url);
		free(signed_url);
	}
	free(parameters);
	return result;
}

static int
command_sso_check(int argc, char **argv)
{
	struct authhmac_credentials credentials;
	struct sso_parameter *parameters;
	struct error error;
	char *auth_id;
	size_t count, i;
	int result;

	if (argc != 3)
		return usage_error();
	credentials.auth_id = argv[1];
	credentials.auth_key = argv[2];

	result = sso_verify_signature(argv[0], authhmac_lookup_credentials,
	    &credentials, &parameters, &count, &auth_id, &error);
	if (result == 1) {
		printf("invalid: %s\n", error.message);
		return 1;
	}
	if (result == -1)
		return fail(&error);

	printf("auth_id=%s\n", auth_id);
	for (i = 0; i < count; i++)
		printf("%s=%s\n", parameters[i].name, parameters[i].value);
	free(auth_id);
	sso_parameters_free(parameters, count);
	return 0;
}

static void
print_field(const char *name, const char *value)
{
	if (value != NULL)
		printf("%s=%s\n", name, value);
}

static int
command_sso_verify(int argc, char **argv)
{
	struct authhmac_credentials credentials;
	struct sso_login login;
	struct error error;
	time_t now;
	int result;

	if (argc != 4 || parse_seconds(argv[3], &now) == -1)
		return usage_error();
	credentials.auth_id = argv[1];
	credentials.auth_key = argv[2];

	result = sso_verify(argv[0], authhmac_lookup_credentials,
	    &credentials, now, SSO_MAX_AGE, &login, &error);
	if (result == 1) {
		printf("invalid: %s\n", error.message);
		return 1;
	}
	if (result == -1)
		return fail(&error);

	print_field("auth_id", login.auth_id);
	print_field("ey_user_id", login.ey_user_id);
	print_field("ey_user_name", login.ey_user_name);
	print_field("ey_user_email", login.ey_user_email);
	print_field("access_level", login.access_level);
	print_field("ey_return_to_url", login.ey_return_to_url);
	printf("timestamp=%lld\n", (long long)login.timestamp);
	sso_login_free(&login);
	return 0;
}

static int
command_form_encode(int argc, char **argv)
{
	struct error error;
	char *encoded;

	if (argc != 1)
		return usage_error();

	if (sso_form_encode(argv[0], strlen(argv[0]), 1, &encoded,
	    &error) == -1)
		return fail(&error);
	printf("%s\n", encoded);
	free(encoded);
	return 0;
}

static int
command_base64_encode(int argc, char **argv)
{
	char *encoded;
	size_t length;

	if (argc != 1)
		return usage_error();

	length = strlen(argv[0]);
	encoded = malloc(BASE64_ENCODED_SIZE(length));
	if (encoded == NULL) {
		perror("signature_test");
		return 2;
	}
	base64_encode((const uint8_t *)argv[0], length, encoded);
	printf("%s\n", encoded);
	free(encoded);
	return 0;
}

static int
command_base64_decode(int argc, char **argv)
{
	uint8_t *decoded;
	size_t length;
	long decoded_length;

	if (argc != 1)
		return usage_error();

	length = strlen(argv[0]);
	decoded = malloc(length + 1);
	if (decoded == NULL) {
		perror("signature_test");
		return 2;
	}
	decoded_length = base64_decode(argv[0], length, decoded, length + 1);
	if (decoded_length < 0) {
		printf("invalid Base64\n");
		free(decoded);
		return 1;
	}
	fwrite(decoded, 1, (size_t)decoded_length, stdout);
	printf("\n");
	free(decoded);
	return 0;
}

static int
command_digest(const char *command, int argc, char **argv)
{
	char hex[CRYPTO_SHA256_HEX_SIZE];
	struct error error;
	int result;

	if (argc != 1)
		return usage_error();

	if (strcmp(command, "md5") == 0)
		result = crypto_md5_hex(argv[0], strlen(argv[0]), hex, &error);
	else
		result = crypto_sha256_hex(argv[0], strlen(argv[0]), hex,
		    &error);
	if (result == -1)
		return fail(&error);
	printf("%s\n", hex);
	return 0;
}

static int
command_random_hex(int argc, char **argv)
{
	struct error error;
	char *hex, *end;
	unsigned long digits;

	if (argc != 1)
		return usage_error();
	digits = strtoul(argv[0], &end, 10);
	if (end == argv[0] || *end != '\0' || digits > 1000000)
		return usage_error();

	hex = malloc(digits + 1);
	if (hex == NULL) {
		perror("signature_test");
		return 2;
	}
	if (crypto_random_hex(hex, digits, &error) == -1) {
		free(hex);
		return fail(&error);
	}
	printf("%s\n", hex);
	free(hex);
	return 0;
}

static int
command_equal(int argc, char **argv)
{
	size_t length;

	if (argc != 2)
		return usage_error();

	length = strlen(argv[0]);
	if (length != strlen(argv[1]) ||
	    !crypto_equal(argv[0], argv[1], length)) {
		printf("different\n");
		return 1;
	}
	printf("equal\n");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *command;

	if (argc < 2)
		return usage_error();
	command = argv[1];
	argc -= 2;
	argv += 2;

	if (strcmp(command, "authhmac-canonical") == 0)
		return command_authhmac_canonical(argc, argv);
	if (strcmp(command, "authhmac-sign") == 0)
		return command_authhmac_sign(argc, argv);
	if (strcmp(command, "authhmac-verify") == 0)
		return command_authhmac_verify(argc, argv);
	if (strcmp(command, "authhmac-path") == 0)
		return command_authhmac_path(argc, argv);
	if (strcmp(command, "http-date") == 0)
		return command_http_date(argc, argv);
	if (strcmp(command, "sso-sign") == 0)
		return command_sso_sign(argc, argv);
	if (strcmp(command, "sso-check") == 0)
		return command_sso_check(argc, argv);
	if (strcmp(command, "sso-verify") == 0)
		return command_sso_verify(argc, argv);
	if (strcmp(command, "form-encode") == 0)
		return command_form_encode(argc, argv);
	if (strcmp(command, "base64-encode") == 0)
		return command_base64_encode(argc, argv);
	if (strcmp(command, "base64-decode") == 0)
		return command_base64_decode(argc, argv);
	if (strcmp(command, "md5") == 0 || strcmp(command, "sha256") == 0)
		return command_digest(command, argc, argv);
	if (strcmp(command, "random-hex") == 0)
		return command_random_hex(argc, argv);
	if (strcmp(command, "equal") == 0)
		return command_equal(argc, argv);
	return usage_error();
}
