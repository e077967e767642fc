#include <fcgi_stdio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "fcgi.h"

int
fcgi_accept(void)
{
	return FCGI_Accept() >= 0 ? 0 : -1;
}

/* Returns the request path: REQUEST_URI without its query, else
 * SCRIPT_NAME + PATH_INFO, which is what servers without REQUEST_URI
 * provide. */
static char *
request_path(void)
{
	const char *uri = getenv("REQUEST_URI");
	const char *script = getenv("SCRIPT_NAME");
	const char *info = getenv("PATH_INFO");
	char *path;

	if (uri != NULL && *uri != '\0')
		return strndup(uri, strcspn(uri, "?"));

	if (asprintf(&path, "%s%s", script != NULL ? script : "",
	    info != NULL ? info : "") < 0)
		return NULL;
	return path;
}

/* Builds scheme://host from the request when no public URL is set. */
static char *
derive_base_url(void)
{
	const char *https = getenv("HTTPS");
	const char *host = getenv("HTTP_HOST");
	const char *name = getenv("SERVER_NAME");
	const char *port = getenv("SERVER_PORT");
	const char *scheme;
	char *url;
	int rc;

	scheme = https != NULL && strcasecmp(https, "on") == 0 ?
	    "https" : "http";
	/*
	 * NOTE: the Host header comes from the client; set public_url in
	 * production so that handed-out URLs cannot be steered.
	 */
	if (host != NULL && *host != '\0' && strcspn(host, "/\\@ ?#") ==
	    strlen(host))
		rc = asprintf(&url, "%s://%s", scheme, host);
	else
		rc = asprintf(&url, "%s://%s%s%s", scheme,
		    name != NULL ? name : "localhost",
		    port != NULL ? ":" : "", port != NULL ? port : "");
	return rc < 0 ? NULL : url;
}

static int
read_body(struct fcgi_request *request, int *status, struct error *error)
{
	const char *length_text = getenv("CONTENT_LENGTH");
	unsigned long long length;
	char *end;
	size_t got;

	if (length_text == NULL || *length_text == '\0')
		return 0;
	errno = 0;
	length = strtoull(length_text, &end, 10);
	if (errno != 0 || *end != '\0') {
		*status = 400;
		return error_set(error, "invalid Content-Length '%s'",
		    length_text);
	}
	if (length == 0)
		return 0;
	if (length > FCGI_BODY_MAX) {
		*status = 413;
		return error_set(error, "request body of %llu bytes is over "
		    "the limit of %d bytes", length, FCGI_BODY_MAX);
	}

	if ((request->body = malloc(length + 1)) == NULL) {
		*status = 500;
		return error_set(error, "out of memory");
	}
	got = fread(request->body, 1, length, stdin);
	request->body[got] = '\0';
	request->body_length = got;
	if (got != length) {
		*status = 400;
		return error_set(error, "request body ended after %zu of "
		    "%llu bytes", got, length);
	}
	return 0;
}

int
fcgi_read_request(struct fcgi_request *request, const char *public_url,
    int *status, struct error *error)
{
	const char *query = getenv("QUERY_STRING");
	size_t length;

	memset(request, 0, sizeof(*request));
	request->method = getenv("REQUEST_METHOD");
	if (request->method == NULL)
		request->method = "GET";
	request->query = query != NULL ? query : "";
	request->content_type = getenv("CONTENT_TYPE");
	request->authorization = getenv("HTTP_AUTHORIZATION");
	request->date = getenv("HTTP_DATE");
	request->cookie = getenv("HTTP_COOKIE");

	request->path = request_path();
	request->base_url = public_url != NULL ? strdup(public_url) :
	    derive_base_url();
	if (request->path == NULL || request->base_url == NULL) {
		*status = 500;
		return error_set(error, "out of memory");
	}
	length = strlen(request->base_url);
	while (length > 0 && request->base_url[length - 1] == '/')
		request->base_url[--length] = '\0';

	return read_body(request, status, error);
}

void
fcgi_request_free(struct fcgi_request *request)
{
	free(request->path);
	free(request->body);
	free(request->base_url);
	memset(request, 0, sizeof(*request));
}

int
fcgi_path_id(const char **p, int64_t *id)
{
	long long value;
	char *end;

	if (**p < '1' || **p > '9')
		return -1;
	errno = 0;
	value = strtoll(*p, &end, 10);
	if (errno != 0)
		return -1;
	*id = value;
	*p = end;
	return 0;
}

/* Percent-decodes `length` bytes of `text`, reading "+" as a space. */
static char *
form_decode(const char *text, size_t length)
{
	char *copy, *decoded, *p;

	if ((copy = strndup(text, length)) == NULL)
		return NULL;
	for (p = copy; *p != '\0'; p++)
		if (*p == '+')
			*p = ' ';
	/* libcurl ignores the handle argument since 7.82.0. */
	decoded = curl_easy_unescape(NULL, copy, 0, NULL);
	free(copy);
	if (decoded == NULL)
		return NULL;
	p = strdup(decoded);
	curl_free(decoded);
	return p;
}

/* Finds `name` in "name=value&..." form-encoded `text`. */
static int
find_parameter(const char *text, const char *name, char **value)
{
	const char *part = text, *equals, *end;
	size_t name_length = strlen(name);

	*value = NULL;
	while (*part != '\0') {
		end = part + strcspn(part, "&");
		equals = memchr(part, '=', (size_t)(end - part));
		if (equals == NULL)
			equals = end;
		if ((size_t)(equals - part) == name_length &&
		    strncmp(part, name, name_length) == 0) {
			*value = form_decode(equals < end ? equals + 1 : end,
			    (size_t)(end - (equals < end ? equals + 1 : end)));
			return *value != NULL ? 1 : -1;
		}
		part = *end == '&' ? end + 1 : end;
	}
	return 0;
}

int
fcgi_query_parameter(const struct fcgi_request *request, const char *name,
    char **value)
{
	return find_parameter(request->query, name, value);
}

int
fcgi_form_parameter(const struct fcgi_request *request, const char *name,
    char **value)
{
	return find_parameter(request->body != NULL ? request->body : "", name,
	    value);
}

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 302: return "Found";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void
fcgi_respond(int status, const char *content_type, const char *headers,
    const char *body, size_t body_length)
{
	printf("Status: %d %s\r\n", status, reason_phrase(status));
	if (content_type != NULL)
		printf("Content-Type: %s\r\n", content_type);
	/* libfcgi's printf does not support the "z" length modifier. */
	printf("Content-Length: %lu\r\n",
	    (unsigned long)(body != NULL ? body_length : 0));
	printf("Cache-Control: no-store\r\n");
	printf("X-Content-Type-Options: nosniff\r\n");
	if (headers != NULL)
		fputs(headers, stdout);
	fputs("\r\n", stdout);
	if (body != NULL && body_length > 0)
		fwrite((void *)body, 1, body_length, stdout);
}

void
fcgi_respond_json(int status, json_object *value, const char *headers)
{
	size_t length;
	const char *text;

	text = json_object_to_json_string_length(value,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &length);
	fcgi_respond(status, "application/json", headers, text, length);
}

void
fcgi_respond_errors(int status, json_object *messages, const char *headers)
{
	json_object *body = json_object_new_object();

	json_object_object_add(body, "error_messages",
	    json_object_get(messages));
	fcgi_respond_json(status, body, headers);
	json_object_put(body);
}

void
fcgi_respond_error(int status, const char *headers, const char *format, ...)
{
	json_object *messages = json_object_new_array();
	char message[1024];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);

	json_object_array_add(messages, json_object_new_string(message));
	fcgi_respond_errors(status, messages, headers);
	json_object_put(messages);
}
