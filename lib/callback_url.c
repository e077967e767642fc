#include <string.h>

#include <curl/curl.h>

#include "address.h"
#include "callback_url.h"

int
callback_url_check(const char *url, int allow_private, struct error *error)
{
	CURLU *parsed = NULL;
	char *scheme = NULL, *host = NULL, *fragment = NULL;
	const char *kind, *authority;
	size_t i;
	int rc = -1;

	if (strlen(url) > CALLBACK_URL_MAX)
		return error_set(error, "callback_url is longer than %d bytes",
		    CALLBACK_URL_MAX);
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return error_set(error, "callback_url contains a space "
			    "or control character; percent-encode it");

	/*
	 * libcurl reads "http:///cb" as host "cb"; require the authority
	 * to be written, as RFC 3986 does.
	 */
	authority = strstr(url, "://");
	if (authority == NULL || authority[3] == '/' || authority[3] == '\0')
		return error_set(error, "callback_url '%s' is not a valid "
		    "absolute URL with a host", url);

	if ((parsed = curl_url()) == NULL)
		return error_set(error, "out of memory");
	if (curl_url_set(parsed, CURLUPART_URL, url, 0) != CURLUE_OK) {
		error_set(error, "callback_url '%s' is not a valid absolute "
		    "URL", url);
		goto done;
	}

	if (curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		error_set(error, "callback_url must use http or https, not "
		    "'%s'", scheme != NULL ? scheme : "");
		goto done;
	}
	if (curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    *host == '\0') {
		error_set(error, "callback_url has no host");
		goto done;
	}
	if (curl_url_get(parsed, CURLUPART_FRAGMENT, &fragment, 0) ==
	    CURLUE_OK) {
		error_set(error, "callback_url must not have a #fragment");
		goto done;
	}

	if (!allow_private && (kind = address_forbidden_literal(host)) !=
	    NULL) {
		error_set(error, "callback_url host %s is a %s address, which "
		    "callbacks may not reach", host, kind);
		goto done;
	}
	rc = 0;

done:
	curl_free(scheme);
	curl_free(host);
	curl_free(fragment);
	curl_url_cleanup(parsed);
	return rc;
}
