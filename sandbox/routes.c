#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "routes.h"

/*
 * Each shape is a path below the base URL. A segment in braces is an id
 * that goes into the route field of that name; the others are literal.
 */
static const struct shape {
	enum route_kind kind;
	const char *path;
} shapes[] = {
	{ ROUTE_SERVICES, "/api/1/partners/{partner}/services" },
	{ ROUTE_SERVICE, "/api/1/partners/{partner}/services/{service}" },
	{ ROUTE_ACCOUNT, "/api/1/partners/{partner}/services/{service}"
	    "/service_accounts/{account}" },
	{ ROUTE_ACCOUNT_MESSAGES, "/api/1/partners/{partner}"
	    "/services/{service}/service_accounts/{account}/messages" },
	{ ROUTE_ACCOUNT_INVOICES, "/api/1/partners/{partner}"
	    "/services/{service}/service_accounts/{account}/invoices" },
	{ ROUTE_PROVISIONED, "/api/1/service_accounts/{account}"
	    "/provisioned_service/{provisioned}" },
	{ ROUTE_PROVISIONED_MESSAGES, "/api/1/service_accounts/{account}"
	    "/provisioned_service/{provisioned}/messages" },
};

/* Largest decimal digits of an int64_t id. */
#define ID_DIGITS_MAX 19

/*
 * Returns the route field named by the placeholder segment at `name`
 * ("{partner}" and so on, `length` bytes with the braces), or NULL.
 */
static int64_t *
route_field(struct route *route, const char *name, size_t length)
{
	if (length == strlen("{partner}") &&
	    strncmp(name, "{partner}", length) == 0)
		return &route->partner_id;
	if (length == strlen("{service}") &&
	    strncmp(name, "{service}", length) == 0)
		return &route->service_id;
	if (length == strlen("{account}") &&
	    strncmp(name, "{account}", length) == 0)
		return &route->account_id;
	if (length == strlen("{provisioned}") &&
	    strncmp(name, "{provisioned}", length) == 0)
		return &route->provisioned_id;
	return NULL;
}

/* Parses `length` bytes of `text` as an id. Returns 0, or -1. */
static int
parse_id(const char *text, size_t length, int64_t *id)
{
	char digits[ID_DIGITS_MAX + 1];
	long long value;
	size_t i;

	if (length == 0 || length > ID_DIGITS_MAX || text[0] == '0')
		return -1;
	for (i = 0; i < length; i++)
		if (text[i] < '0' || text[i] > '9')
			return -1;
	memcpy(digits, text, length);
	digits[length] = '\0';
	errno = 0;
	value = strtoll(digits, NULL, 10);
	if (errno != 0)
		return -1;
	*id = value;
	return 0;
}

/* Matches `path` against one shape. Returns 1 when it matches, else 0. */
static int
match_shape(const struct shape *shape, const char *path,
    struct route *route)
{
	const char *want = shape->path, *have = path;
	size_t want_length, have_length;
	int64_t *field;

	memset(route, 0, sizeof(*route));
	while (*want != '\0' && *have != '\0') {
		if (*want != '/' || *have != '/')
			return 0;
		want++;
		have++;
		want_length = strcspn(want, "/");
		have_length = strcspn(have, "/");

		field = route_field(route, want, want_length);
		if (field != NULL) {
			if (parse_id(have, have_length, field) < 0)
				return 0;
		} else if (want_length != have_length ||
		    strncmp(want, have, want_length) != 0) {
			return 0;
		}
		want += want_length;
		have += have_length;
	}
	if (*want != '\0' || *have != '\0')
		return 0;
	route->kind = shape->kind;
	return 1;
}

/* Sets `*path` to the malloc'd path of `base_url`, without a final "/". */
static int
base_path(const char *base_url, char **path, struct error *error)
{
	CURLU *url;
	char *part = NULL;
	size_t length;
	int result = -1;

	*path = NULL;
	if ((url = curl_url()) == NULL)
		return error_set(error, "out of memory");
	if (curl_url_set(url, CURLUPART_URL, base_url, 0) != CURLUE_OK ||
	    curl_url_get(url, CURLUPART_PATH, &part, 0) != CURLUE_OK) {
		error_set(error, "invalid base URL '%s'", base_url);
		goto cleanup;
	}
	length = strlen(part);
	while (length > 0 && part[length - 1] == '/')
		length--;
	if ((*path = strndup(part, length)) == NULL) {
		error_set(error, "out of memory");
		goto cleanup;
	}
	result = 0;

cleanup:
	curl_free(part);
	curl_url_cleanup(url);
	return result;
}

int
route_parse(const char *base_url, const char *path, struct route *route,
    struct error *error)
{
	char *prefix;
	size_t i, length;
	int found = 0;

	memset(route, 0, sizeof(*route));
	if (base_path(base_url, &prefix, error) < 0)
		return -1;

	length = strlen(prefix);
	if (strncmp(path, prefix, length) == 0 && path[length] == '/')
		for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]) && !found;
		    i++)
			found = match_shape(&shapes[i], path + length, route);
	free(prefix);
	if (!found)
		memset(route, 0, sizeof(*route));
	return found;
}

char *
route_url(const char *base_url, const struct route *route)
{
	const struct shape *shape = NULL;
	struct route copy = *route;
	const char *segment;
	size_t i, length, size, used;
	int64_t *field;
	char *url;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (shapes[i].kind == route->kind)
			shape = &shapes[i];
	if (shape == NULL)
		return NULL;

	/* Each of at most four ids is longer than its placeholder by less
	 * than ID_DIGITS_MAX bytes. */
	size = strlen(base_url) + strlen(shape->path) + 4 * ID_DIGITS_MAX + 1;
	if ((url = malloc(size)) == NULL)
		return NULL;
	used = (size_t)snprintf(url, size, "%s", base_url);

	for (segment = shape->path; *segment != '\0'; segment += length) {
		segment++;
		length = strcspn(segment, "/");
		field = route_field(&copy, segment, length);
		if (field != NULL)
			used += (size_t)snprintf(url + used, size - used,
			    "/%lld", (long long)*field);
		else
			used += (size_t)snprintf(url + used, size - used,
			    "/%.*s", (int)length, segment);
	}
	return url;
}

/* Parses `text` into `url`, which the caller cleans up, and checks it. */
static int
parse_http_url(CURLU *url, const char *text, struct error *error)
{
	char *scheme = NULL, *host = NULL;
	int result = -1;

	if (curl_url_set(url, CURLUPART_URL, text, 0) != CURLUE_OK) {
		error_set(error, "'%s' is not a valid absolute URL", text);
		goto cleanup;
	}
	if (curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "https") != 0)) {
		error_set(error, "'%s' is not an http or https URL", text);
		goto cleanup;
	}
	if (curl_url_get(url, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    *host == '\0') {
		error_set(error, "'%s' has no host", text);
		goto cleanup;
	}
	result = 0;

cleanup:
	curl_free(scheme);
	curl_free(host);
	return result;
}

int
route_check_http_url(const char *text, struct error *error)
{
	CURLU *url;
	int result;

	if ((url = curl_url()) == NULL)
		return error_set(error, "out of memory");
	result = parse_http_url(url, text, error);
	curl_url_cleanup(url);
	return result;
}

/* Returns whether `url` has part `what`. */
static int
has_part(CURLU *url, CURLUPart what)
{
	char *part = NULL;
	int present;

	present = curl_url_get(url, what, &part, 0) == CURLUE_OK;
	curl_free(part);
	return present;
}

int
route_normalize_base_url(const char *text, char **base_url,
    struct error *error)
{
	CURLU *url;
	size_t length;
	int result = -1;

	*base_url = NULL;
	if ((url = curl_url()) == NULL)
		return error_set(error, "out of memory");
	if (parse_http_url(url, text, error) < 0)
		goto cleanup;
	if (has_part(url, CURLUPART_USER) || has_part(url, CURLUPART_QUERY) ||
	    has_part(url, CURLUPART_FRAGMENT)) {
		error_set(error, "base URL '%s' must have no user name, query "
		    "or fragment", text);
		goto cleanup;
	}

	length = strlen(text);
	while (length > 0 && text[length - 1] == '/')
		length--;
	if ((*base_url = strndup(text, length)) == NULL) {
		error_set(error, "out of memory");
		goto cleanup;
	}
	result = 0;

cleanup:
	curl_url_cleanup(url);
	return result;
}
