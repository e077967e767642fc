#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "authhmac.h"
#include "sso.h"
#include "timefmt.h"

/* A growable array of parameters that owns its strings. */
struct parameter_list {
	struct sso_parameter *items;
	size_t count;
	size_t capacity;
};

/* The parts of a URL that the signature covers, allocated by libcurl. */
struct url_parts {
	char *scheme;
	char *host;
	char *port;	/* NULL when absent or the scheme's default */
	char *path;
	char *query;	/* raw, NULL when absent */
};

/* Sets a rejection reason in `error` and returns 1. */
static int __attribute__((format(__printf__, 2, 3)))
reject(struct error *error, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	error_setv(error, format, args);
	va_end(args);
	return 1;
}

/* Returns `text` when it is printable ASCII and so safe in a message. */
static const char *
printable(const char *text)
{
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p < ' ' || *p > '~')
			return "(unprintable)";
	}
	return text;
}

static void
free_secret(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

void
sso_parameters_free(struct sso_parameter *parameters, size_t count)
{
	size_t i;

	if (parameters == NULL)
		return;
	for (i = 0; i < count; i++) {
		free(parameters[i].name);
		free(parameters[i].value);
	}
	free(parameters);
}

/* Appends `name` and `value`, which the list owns from now on. */
static int
list_append(struct parameter_list *list, char *name, char *value,
    struct error *error)
{
	struct sso_parameter *items;
	size_t capacity;

	if (list->count == list->capacity) {
		capacity = list->capacity == 0 ? 8 : 2 * list->capacity;
		items = reallocarray(list->items, capacity, sizeof(*items));
		if (items == NULL) {
			free(name);
			free(value);
			return error_set(error, "out of memory");
		}
		list->items = items;
		list->capacity = capacity;
	}

	list->items[list->count].name = name;
	list->items[list->count].value = value;
	list->count++;
	return 0;
}

static int
list_append_copy(struct parameter_list *list, const char *name,
    const char *value, struct error *error)
{
	char *name_copy, *value_copy;

	name_copy = strdup(name);
	value_copy = strdup(value);
	if (name_copy == NULL || value_copy == NULL) {
		free(name_copy);
		free(value_copy);
		return error_set(error, "out of memory");
	}
	return list_append(list, name_copy, value_copy, error);
}

static int
compare_parameters(const void *a, const void *b)
{
	const struct sso_parameter *x = a, *y = b;
	int order;

	order = strcmp(x->name, y->name);
	if (order == 0)
		order = strcmp(x->value, y->value);
	return order;
}

/*
 * Sorts the list by name (bytewise) and rejects a name that appears
 * twice, because a page could not tell which value was meant.
 */
static int
sort_parameters(struct parameter_list *list, struct error *error)
{
	size_t i;

	if (list->count > 1)
		qsort(list->items, list->count, sizeof(*list->items),
		    compare_parameters);

	for (i = 1; i < list->count; i++) {
		if (strcmp(list->items[i - 1].name, list->items[i].name) == 0)
			return reject(error, "parameter %s appears more than "
			    "once", printable(list->items[i].name));
	}
	return 0;
}

/*
 * The encoding comes from curl_easy_escape(), which in curl 7.88 encodes
 * every byte except A-Z a-z 0-9 - . _ ~ as %XX with uppercase hex. This
 * function rewrites the two places where form encoding differs: "%20"
 * becomes "+", and "~" becomes "%7E" when `escape_tilde` is set.
 */
int
sso_form_encode(const char *text, size_t length, int escape_tilde,
    char **out, struct error *error)
{
	char *escaped, *q;
	const char *p;
	size_t tildes = 0;

	*out = NULL;
	if (length > INT_MAX)
		return error_set(error, "text of %zu bytes is too long to "
		    "encode", length);

	/* curl_easy_escape() takes a length of 0 to mean strlen(). */
	if (length == 0) {
		*out = strdup("");
		if (*out == NULL)
			return error_set(error, "out of memory");
		return 0;
	}

	/*
	 * curl 7.82 and later ignore the handle, so NULL is fine. The call
	 * fails when memory runs out or the text exceeds 8 MB.
	 */
	escaped = curl_easy_escape(NULL, text, (int)length);
	if (escaped == NULL)
		return error_set(error, "form encoding of %zu bytes failed",
		    length);

	for (p = escaped; *p != '\0'; p++) {
		if (*p == '~')
			tildes++;
	}

	*out = malloc(strlen(escaped) + 2 * tildes + 1);
	if (*out == NULL) {
		curl_free(escaped);
		return error_set(error, "out of memory");
	}

	/* Each escape starts with "%", so "%20" cannot match mid-escape. */
	for (p = escaped, q = *out; *p != '\0';) {
		if (strncmp(p, "%20", 3) == 0) {
			*q++ = '+';
			p += 3;
		} else if (*p == '~' && escape_tilde) {
			memcpy(q, "%7E", 3);
			q += 3;
			p++;
		} else {
			*q++ = *p++;
		}
	}
	*q = '\0';

	curl_free(escaped);
	return 0;
}

/*
 * Form-decodes `length` bytes of `text`: "+" becomes a space, then every
 * %XX becomes its byte. A "%" without two hex digits stays as it is.
 * Returns 0, 1 when the text decodes to a NUL byte, which no C string
 * can carry, or -1 when memory runs out.
 */
static int
form_decode(const char *text, size_t length, char **out,
    struct error *error)
{
	char *copy = NULL, *decoded = NULL;
	int decoded_length;
	size_t i;
	int result = -1;

	*out = NULL;
	if (length > INT_MAX)
		return reject(error, "query parameter is too long");

	copy = strndup(text, length);
	if (copy == NULL) {
		error_set(error, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < length; i++) {
		if (copy[i] == '+')
			copy[i] = ' ';
	}

	/* A length of 0 means strlen(), which is right for the empty copy. */
	decoded = curl_easy_unescape(NULL, copy, (int)length,
	    &decoded_length);
	if (decoded == NULL) {
		error_set(error, "out of memory");
		goto cleanup;
	}
	if (memchr(decoded, '\0', (size_t)decoded_length) != NULL) {
		result = reject(error, "query parameter contains an encoded "
		    "NUL byte (%%00)");
		goto cleanup;
	}

	*out = strdup(decoded);
	if (*out == NULL) {
		error_set(error, "out of memory");
		goto cleanup;
	}
	result = 0;

cleanup:
	free(copy);
	curl_free(decoded);
	return result;
}

/*
 * Appends the parameters of a raw query string to `list`:
 *
 *	query = [pair *("&" pair)]
 *	pair  = name ["=" value]
 *
 * Empty pairs ("a=1&&b=2") are skipped. Returns 0, 1 or -1 as
 * form_decode() does.
 */
static int
parse_query(const char *query, struct parameter_list *list,
    struct error *error)
{
	const char *pair, *end, *equals, *value_start;
	char *name, *value;
	int result;

	for (pair = query; *pair != '\0'; pair = *end == '&' ? end + 1 : end) {
		end = pair + strcspn(pair, "&");
		if (end == pair)
			continue;

		equals = memchr(pair, '=', (size_t)(end - pair));
		if (equals == NULL)
			equals = end;
		value_start = equals == end ? end : equals + 1;

		result = form_decode(pair, (size_t)(equals - pair), &name,
		    error);
		if (result != 0)
			return result;
		result = form_decode(value_start, (size_t)(end - value_start),
		    &value, error);
		if (result != 0) {
			free(name);
			return result;
		}

		if (list_append(list, name, value, error) == -1)
			return -1;
	}
	return 0;
}

static void
url_parts_free(struct url_parts *parts)
{
	curl_free(parts->scheme);
	curl_free(parts->host);
	curl_free(parts->port);
	curl_free(parts->path);
	curl_free(parts->query);
	memset(parts, 0, sizeof(*parts));
}

/*
 * Splits `url` with libcurl's URL parser. The path stays as sent
 * (CURLU_PATH_AS_IS keeps "/../"), and a port is kept only when it is
 * not the scheme's default. Returns 0, 1 with a reason in `error` when
 * the URL is invalid, or -1 with `error` set when memory runs out.
 */
static int
parse_url(const char *url, struct url_parts *parts, struct error *error)
{
	CURLU *handle;
	CURLUcode rc;

	memset(parts, 0, sizeof(*parts));
	handle = curl_url();
	if (handle == NULL)
		return error_set(error, "out of memory");

	rc = curl_url_set(handle, CURLUPART_URL, url, CURLU_PATH_AS_IS);
	if (rc == CURLUE_OK)
		rc = curl_url_get(handle, CURLUPART_SCHEME, &parts->scheme, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_get(handle, CURLUPART_HOST, &parts->host, 0);
	if (rc == CURLUE_OK) {
		rc = curl_url_get(handle, CURLUPART_PORT, &parts->port,
		    CURLU_NO_DEFAULT_PORT);
		if (rc == CURLUE_NO_PORT)
			rc = CURLUE_OK;
	}
	if (rc == CURLUE_OK)
		rc = curl_url_get(handle, CURLUPART_PATH, &parts->path, 0);
	if (rc == CURLUE_OK) {
		rc = curl_url_get(handle, CURLUPART_QUERY, &parts->query, 0);
		if (rc == CURLUE_NO_QUERY)
			rc = CURLUE_OK;
	}
	curl_url_cleanup(handle);

	if (rc == CURLUE_OK)
		return 0;
	url_parts_free(parts);
	if (rc == CURLUE_OUT_OF_MEMORY)
		return error_set(error, "out of memory");
	return reject(error, "URL is invalid: %s", curl_url_strerror(rc));
}

/*
 * Builds the text that the signature covers, with the parameters in list
 * order and each name and value form-encoded:
 *
 *	text = scheme "://" host [":" port] path "?" [pair *("&" pair)]
 *	pair = name "=" value
 */
static int
build_signed_text(const struct url_parts *parts,
    const struct parameter_list *list, int escape_tilde, char **out,
    struct error *error)
{
	FILE *stream;
	char *buffer = NULL, *name = NULL, *value = NULL;
	size_t size, i;
	int result = -1;

	*out = NULL;
	stream = open_memstream(&buffer, &size);
	if (stream == NULL)
		return error_set(error, "out of memory");

	fprintf(stream, "%s://%s", parts->scheme, parts->host);
	if (parts->port != NULL)
		fprintf(stream, ":%s", parts->port);
	fprintf(stream, "%s?", parts->path);

	for (i = 0; i < list->count; i++) {
		if (sso_form_encode(list->items[i].name,
		    strlen(list->items[i].name), escape_tilde, &name,
		    error) == -1)
			goto cleanup;
		if (sso_form_encode(list->items[i].value,
		    strlen(list->items[i].value), escape_tilde, &value,
		    error) == -1)
			goto cleanup;

		fprintf(stream, "%s%s=%s", i > 0 ? "&" : "", name, value);
		free(name);
		free(value);
		name = NULL;
		value = NULL;
	}
	result = 0;

cleanup:
	free(name);
	free(value);

	/* Stream errors are sticky, so these checks cover every write. */
	if (ferror(stream) && result == 0)
		result = error_set(error, "out of memory");
	if (fclose(stream) != 0 && result == 0)
		result = error_set(error, "out of memory");

	if (result == 0)
		*out = buffer;
	else
		free(buffer);
	return result;
}

int
sso_sign(const char *url, const struct sso_parameter *parameters,
    size_t count, const char *auth_id, const char *auth_key,
    char **signed_url, struct error *error)
{
	struct url_parts parts;
	struct parameter_list list = { 0 };
	char *signed_text = NULL, *authorization = NULL, *encoded = NULL;
	size_t i;
	int result = -1;

	*signed_url = NULL;
	if (parse_url(url, &parts, error) != 0)
		return -1;

	if (parts.query != NULL && parse_query(parts.query, &list, error) != 0)
		goto cleanup;

	for (i = 0; i < count; i++) {
		if (parameters[i].name == NULL || parameters[i].value == NULL) {
			error_set(error, "parameter %zu has no name or value",
			    i + 1);
			goto cleanup;
		}
		if (list_append_copy(&list, parameters[i].name,
		    parameters[i].value, error) == -1)
			goto cleanup;
	}

	for (i = 0; i < list.count; i++) {
		if (strcmp(list.items[i].name, "signature") == 0) {
			error_set(error, "the parameter name signature is "
			    "reserved for the signature itself");
			goto cleanup;
		}
	}
	if (sort_parameters(&list, error) != 0)
		goto cleanup;

	if (build_signed_text(&parts, &list, 1, &signed_text, error) == -1)
		goto cleanup;
	if (authhmac_format_signature(auth_id, auth_key, signed_text,
	    strlen(signed_text), &authorization, error) == -1)
		goto cleanup;
	if (sso_form_encode(authorization, strlen(authorization), 1, &encoded,
	    error) == -1)
		goto cleanup;

	if (asprintf(signed_url, "%s&signature=%s", signed_text,
	    encoded) == -1) {
		*signed_url = NULL;
		error_set(error, "out of memory");
		goto cleanup;
	}
	result = 0;

cleanup:
	free(encoded);
	free(authorization);
	free(signed_text);
	sso_parameters_free(list.items, list.count);
	url_parts_free(&parts);
	return result;
}

/*
 * Removes the `signature` parameter from `list` and hands its value to
 * the caller in `*value`. Returns 0, or 1 when there is none or more
 * than one.
 */
static int
take_signature(struct parameter_list *list, char **value,
    struct error *error)
{
	size_t i, found = 0, index = 0;

	*value = NULL;
	for (i = 0; i < list->count; i++) {
		if (strcmp(list->items[i].name, "signature") == 0) {
			found++;
			index = i;
		}
	}
	if (found == 0)
		return reject(error, "signature parameter missing");
	if (found > 1)
		return reject(error, "signature parameter appears more than "
		    "once");

	*value = list->items[index].value;
	free(list->items[index].name);
	memmove(&list->items[index], &list->items[index + 1],
	    (list->count - index - 1) * sizeof(*list->items));
	list->count--;
	return 0;
}

static int
list_contains_tilde(const struct parameter_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (strchr(list->items[i].name, '~') != NULL ||
		    strchr(list->items[i].value, '~') != NULL)
			return 1;
	}
	return 0;
}

/*
 * Checks `signature` over the URL rebuilt from `parts` and `list`, with
 * "~" encoded as "%7E" and, when some parameter contains "~", left as
 * is. Returns 0 when one matches, 1 with a reason in `error` when
 * neither does, or -1 with `error` set.
 */
static int
check_url_signature(const struct url_parts *parts,
    const struct parameter_list *list, const char *auth_key,
    const char *signature, struct error *error)
{
	char *signed_text = NULL;
	int escape_tilde, match = 0;

	for (escape_tilde = 1; escape_tilde >= 0 && match == 0;
	    escape_tilde--) {
		if (!escape_tilde && !list_contains_tilde(list))
			break;
		if (build_signed_text(parts, list, escape_tilde, &signed_text,
		    error) == -1)
			return -1;
		match = authhmac_check_signature(auth_key, signed_text,
		    strlen(signed_text), signature, error);
		free(signed_text);
		signed_text = NULL;
	}

	if (match == -1)
		return -1;
	if (match == 0)
		return reject(error, "signature mismatch");
	return 0;
}

int
sso_verify_signature(const char *url, authhmac_lookup_fn *lookup,
    void *lookup_context, struct sso_parameter **parameters, size_t *count,
    char **auth_id_out, struct error *error)
{
	struct url_parts parts;
	struct parameter_list list = { 0 };
	char *signature_value = NULL, *auth_id = NULL, *signature = NULL;
	char *auth_key = NULL;
	int result;

	*parameters = NULL;
	*count = 0;
	if (auth_id_out != NULL)
		*auth_id_out = NULL;

	result = parse_url(url, &parts, error);
	if (result != 0)
		return result;

	if (parts.query != NULL) {
		result = parse_query(parts.query, &list, error);
		if (result != 0)
			goto cleanup;
	}
	result = take_signature(&list, &signature_value, error);
	if (result != 0)
		goto cleanup;
	result = sort_parameters(&list, error);
	if (result != 0)
		goto cleanup;

	result = authhmac_parse_header(signature_value, &auth_id, &signature,
	    error);
	if (result == 1)
		result = reject(error, "signature parameter is not of the form "
		    "'AuthHMAC <key id>:<signature>'");
	if (result != 0)
		goto cleanup;

	result = lookup(lookup_context, auth_id, &auth_key, error);
	if (result != 0)
		goto cleanup;
	if (auth_key == NULL) {
		result = reject(error, "unknown key id %s", auth_id);
		goto cleanup;
	}

	result = check_url_signature(&parts, &list, auth_key, signature,
	    error);
	if (result != 0)
		goto cleanup;

	*parameters = list.items;
	*count = list.count;
	list.items = NULL;
	list.count = 0;
	if (auth_id_out != NULL) {
		*auth_id_out = auth_id;
		auth_id = NULL;
	}

cleanup:
	free_secret(auth_key);
	free(signature);
	free(auth_id);
	free(signature_value);
	sso_parameters_free(list.items, list.count);
	url_parts_free(&parts);
	return result;
}

static const char *
find_value(const struct sso_parameter *parameters, size_t count,
    const char *name)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (strcmp(parameters[i].name, name) == 0)
			return parameters[i].value;
	}
	return NULL;
}

/* Sets `*out` to a copy of the value of `name`, or NULL when absent. */
static int
copy_value(const struct sso_parameter *parameters, size_t count,
    const char *name, char **out, struct error *error)
{
	const char *value;

	*out = NULL;
	value = find_value(parameters, count, name);
	if (value == NULL)
		return 0;

	*out = strdup(value);
	if (*out == NULL)
		return error_set(error, "out of memory");
	return 0;
}

/* Rejects a signing time more than `max_age_seconds` away from `now`. */
static int
check_age(time_t signed_at, time_t now, int max_age_seconds,
    struct error *error)
{
	char text[TIMEFMT_RFC3339_SIZE];
	long long age;

	age = (long long)now - (long long)signed_at;
	if (age >= -max_age_seconds && age <= max_age_seconds)
		return 0;

	timefmt_rfc3339(signed_at, text);
	if (age > 0)
		return reject(error, "timestamp %s is %lld seconds old "
		    "(maximum %d)", text, age, max_age_seconds);
	return reject(error, "timestamp %s is %lld seconds in the future "
	    "(maximum %d)", text, -age, max_age_seconds);
}

int
sso_verify(const char *url, authhmac_lookup_fn *lookup,
    void *lookup_context, time_t now, int max_age_seconds,
    struct sso_login *login, struct error *error)
{
	struct sso_parameter *parameters = NULL;
	size_t count = 0;
	const char *timestamp;
	int64_t signed_at;
	int result;

	memset(login, 0, sizeof(*login));
	result = sso_verify_signature(url, lookup, lookup_context,
	    &parameters, &count, &login->auth_id, error);
	if (result != 0)
		return result;

	timestamp = find_value(parameters, count, "timestamp");
	if (timestamp == NULL) {
		result = reject(error, "timestamp parameter missing");
		goto cleanup;
	}
	if (timefmt_parse_rfc3339(timestamp, &signed_at, NULL) == -1) {
		result = reject(error, "timestamp parameter is not an ISO 8601 "
		    "time such as 2026-12-04T15:00:00Z");
		goto cleanup;
	}
	login->timestamp = (time_t)signed_at;
	result = check_age(login->timestamp, now, max_age_seconds, error);
	if (result != 0)
		goto cleanup;

	result = -1;
	if (copy_value(parameters, count, "ey_user_id", &login->ey_user_id,
	    error) == -1)
		goto cleanup;
	if (copy_value(parameters, count, "ey_user_name",
	    &login->ey_user_name, error) == -1)
		goto cleanup;
	if (copy_value(parameters, count, "ey_user_email",
	    &login->ey_user_email, error) == -1)
		goto cleanup;
	if (copy_value(parameters, count, "access_level",
	    &login->access_level, error) == -1)
		goto cleanup;
	if (copy_value(parameters, count, "ey_return_to_url",
	    &login->ey_return_to_url, error) == -1)
		goto cleanup;
	result = 0;

cleanup:
	sso_parameters_free(parameters, count);
	if (result != 0)
		sso_login_free(login);
	return result;
}

void
sso_login_free(struct sso_login *login)
{
	free(login->auth_id);
	free(login->ey_user_id);
	free(login->ey_user_name);
	free(login->ey_user_email);
	free(login->access_level);
	free(login->ey_return_to_url);
	memset(login, 0, sizeof(*login));
}
