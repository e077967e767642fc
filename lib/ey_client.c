#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "authhmac.h"
#include "ey_client.h"

/* Maximum response size kept, in bytes; EY responds with small JSON. */
#define RESPONSE_MAX (1024 * 1024)

static size_t
append_body(char *data, size_t size, size_t count, void *context)
{
	struct ey_response *response = context;
	size_t length = size * count;
	char *grown;

	if (response->body_length + length > RESPONSE_MAX)
		return 0;
	grown = realloc(response->body, response->body_length + length + 1);
	if (grown == NULL)
		return 0;
	memcpy(grown + response->body_length, data, length);
	response->body = grown;
	response->body_length += length;
	response->body[response->body_length] = '\0';
	return length;
}

/* Keeps the Location header's value. */
static size_t
read_header(char *data, size_t size, size_t count, void *context)
{
	struct ey_response *response = context;
	size_t length = size * count, start = strlen("Location:");

	if (length > start && strncasecmp(data, "Location:", start) == 0) {
		while (start < length && data[start] == ' ')
			start++;
		while (length > start && (data[length - 1] == '\r' ||
		    data[length - 1] == '\n'))
			length--;
		free(response->location);
		response->location = strndup(data + start, length - start);
	}
	return size * count;
}

/* Adds "name: value" to `*headers`. */
static int
add_header(struct curl_slist **headers, const char *name, const char *value)
{
	char line[1024];
	struct curl_slist *list;

	snprintf(line, sizeof(line), "%s: %s", name, value);
	if ((list = curl_slist_append(*headers, line)) == NULL)
		return -1;
	*headers = list;
	return 0;
}

int
ey_request(const char *auth_id, const char *auth_key, const char *method,
    const char *url, json_object *body, struct ey_response *response,
    struct error *error)
{
	struct authhmac_request signed_request;
	struct curl_slist *headers = NULL;
	char date[AUTHHMAC_HTTP_DATE_SIZE], curl_error[CURL_ERROR_SIZE] = "";
	const char *text = NULL, *type = body != NULL ? "application/json" :
	    NULL;
	char *authorization = NULL;
	size_t length = 0;
	CURL *easy = NULL;
	CURLcode result;
	int rc = -1;

	memset(response, 0, sizeof(*response));
	if (body != NULL)
		text = json_object_to_json_string_length(body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &length);

	if (authhmac_format_date(time(NULL), date, error) < 0)
		return -1;
	signed_request.method = method;
	signed_request.content_type = type;
	signed_request.body = text;
	signed_request.body_length = length;
	signed_request.date = date;
	signed_request.uri = url;
	if (authhmac_sign(auth_id, auth_key, &signed_request, &authorization,
	    error) < 0)
		return -1;

	if (add_header(&headers, "Accept", "application/json") < 0 ||
	    add_header(&headers, "Date", date) < 0 ||
	    add_header(&headers, "Authorization", authorization) < 0 ||
	    (type != NULL && add_header(&headers, "Content-Type", type) < 0) ||
	    add_header(&headers, "Expect", "") < 0 ||
	    (easy = curl_easy_init()) == NULL) {
		error_set(error, "out of memory");
		goto done;
	}

	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, (long)EY_CLIENT_TIMEOUT);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(easy, CURLOPT_USERAGENT,
	    "Chronatog/" CHRONATOG_VERSION);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, response);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, read_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, response);
	if (text != NULL) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)length);
	}

	result = curl_easy_perform(easy);
	if (result != CURLE_OK) {
		error_set(error, "%s %s failed: %s", method, url,
		    curl_error[0] != '\0' ? curl_error :
		    curl_easy_strerror(result));
		goto done;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response->status);
	if (response->body == NULL && (response->body = strdup("")) == NULL) {
		error_set(error, "out of memory");
		goto done;
	}
	response->json = json_tokener_parse(response->body);
	rc = 0;

done:
	if (rc < 0)
		ey_response_free(response);
	curl_easy_cleanup(easy);
	curl_slist_free_all(headers);
	free(authorization);
	return rc;
}

void
ey_response_free(struct ey_response *response)
{
	free(response->body);
	free(response->location);
	json_object_put(response->json);
	memset(response, 0, sizeof(*response));
}

int
ey_response_error(const struct ey_response *response, const char *what,
    struct error *error)
{
	json_object *messages = NULL;

	if (response->json != NULL &&
	    json_object_object_get_ex(response->json, "error_messages",
	    &messages))
		return error_set(error, "%s: HTTP %ld: %s", what,
		    response->status, json_object_to_json_string_ext(messages,
		    JSON_C_TO_STRING_PLAIN));
	return error_set(error, "%s: HTTP %ld: %.200s", what,
	    response->status, response->body != NULL ? response->body : "");
}
