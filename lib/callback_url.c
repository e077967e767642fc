#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include <curl/curl.h>

#include "address.h"
#include "callback_url.h"

/*
 * Checks a host name: dot-separated labels of 1 to 63 letters, digits
 * and hyphens, not starting or ending with a hyphen, 253 bytes at most
 * (RFC 1123). IP literals are checked by libcurl and inet_aton().
 */
static int
check_host(const char *host, const char *name, struct error *error)
{
	struct in_addr ignored;
	size_t length = strlen(host), label = 0, i;

	if (host[0] == '[' || inet_aton(host, &ignored) != 0)
		return 0;
	if (length > 0 && host[length - 1] == '.')
		length--;
	if (length == 0 || length > 253)
		goto invalid;

	for (i = 0; i <= length; i++) {
		if (i == length || host[i] == '.') {
			if (label == 0 || label > 63 || host[i - 1] == '-')
				goto invalid;
			label = 0;
			continue;
		}
		if ((unsigned char)host[i] >= 0x80)
			return error_set(error, "%s host '%s' is not ASCII; "
			    "write it in its xn-- (punycode) form", name, host);
		if (!isalnum((unsigned char)host[i]) && host[i] != '-')
			goto invalid;
		if (label == 0 && host[i] == '-')
			goto invalid;
		label++;
	}
	return 0;

invalid:
	return error_set(error, "%s host '%s' is not a valid host name",
	    name, host);
}

int
http_url_check(const char *url, const char *name, int allow_private,
    struct error *error)
{
	CURLU *parsed = NULL;
	char *scheme = NULL, *host = NULL, *fragment = NULL, *port = NULL;
	const char *kind, *authority;
	size_t i;
	int rc = -1;

	if (strlen(url) > CALLBACK_URL_MAX)
		return error_set(error, "%s is longer than %d bytes",
		    name, CALLBACK_URL_MAX);
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return error_set(error, "%s contains a space or "
			    "control character; percent-encode it", name);

	/*
	 * libcurl reads "http:///cb" as host "cb"; require the authority
	 * to be written, as RFC 3986 does.
	 */
	authority = strstr(url, "://");
	if (authority == NULL || authority[3] == '/' || authority[3] == '\0')
		return error_set(error, "%s '%s' is not a valid absolute "
		    "URL with a host", name, url);

	/* Credentials in the URL would show in every job listing. */
	if (memchr(authority + 3, '@', strcspn(authority + 3, "/?#")) != NULL)
		return error_set(error, "%s must not contain a user name or "
		    "password", name);

	if ((parsed = curl_url()) == NULL)
		return error_set(error, "out of memory");
	if (curl_url_set(parsed, CURLUPART_URL, url, 0) != CURLUE_OK) {
		error_set(error, "%s '%s' is not a valid absolute URL",
		    name, url);
		goto done;
	}

	if (curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		error_set(error, "%s must use http or https, not '%s'",
		    name, scheme != NULL ? scheme : "");
		goto done;
	}
	if (curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    *host == '\0') {
		error_set(error, "%s has no host", name);
		goto done;
	}
	if (check_host(host, name, error) < 0)
		goto done;
	if (curl_url_get(parsed, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
	    strcmp(port, "0") == 0) {
		error_set(error, "%s port must be from 1 to 65535", name);
		goto done;
	}
	if (curl_url_get(parsed, CURLUPART_FRAGMENT, &fragment, 0) ==
	    CURLUE_OK) {
		error_set(error, "%s must not have a #fragment", name);
		goto done;
	}

	if (!allow_private && (kind = address_forbidden_literal(host)) !=
	    NULL) {
		error_set(error, "%s host %s is a %s address, which "
		    "callbacks may not reach", name, host, kind);
		goto done;
	}
	rc = 0;

done:
	curl_free(scheme);
	curl_free(host);
	curl_free(fragment);
	curl_free(port);
	curl_url_cleanup(parsed);
	return rc;
}

int
callback_url_check(const char *url, int allow_private, struct error *error)
{
	return http_url_check(url, "callback_url", allow_private, error);
}

int
public_url_check(const char *url, struct error *error)
{
	if (strpbrk(url, "?#") != NULL)
		return error_set(error, "public_url '%s' must not have a query "
		    "or fragment", url);
	return http_url_check(url, "public_url", 1, error);
}
