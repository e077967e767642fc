#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "address.h"
#include "callback.h"
#include "log.h"
#include "timefmt.h"
#include "utf8.h"
#include "webhook.h"

/* One HTTP request in flight, owned by the multi handle's user. */
struct transfer {
	struct callbacks *callbacks;
	struct transfer *previous, *next;	/* in the active list */
	struct run run;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	int64_t started_ms;
	char blocked[256];	/* why the address was refused, or "" */
	char curl_error[CURL_ERROR_SIZE];
};

struct callbacks {
	CURLM *multi;
	const struct config *config;
	char *base_url;
	size_t in_flight;
	struct transfer *active;	/* transfers added to `multi` */

	/* Finished transfers waiting for callbacks_collect(), a stack. */
	struct transfer **done;
	size_t done_count;
	size_t done_size;
};

struct callbacks *
callbacks_new(const struct config *config, const char *base_url,
    struct error *error)
{
	struct callbacks *callbacks;

	if ((callbacks = calloc(1, sizeof(*callbacks))) == NULL ||
	    (callbacks->base_url = strdup(base_url)) == NULL ||
	    (callbacks->multi = curl_multi_init()) == NULL) {
		callbacks_free(callbacks);
		error_set(error, "cannot create the HTTP client: out of memory");
		return NULL;
	}
	callbacks->config = config;
	/*
	 * Keep a connection per call in flight: libcurl's default cache
	 * shrinks as handles are removed, closing connections a burst of
	 * calls to one host would reuse.
	 */
	curl_multi_setopt(callbacks->multi, CURLMOPT_MAXCONNECTS,
	    config->max_in_flight);
	return callbacks;
}

/* Keeps the first response_keep_bytes of the body and drops the rest. */
static size_t
keep_response(char *data, size_t size, size_t count, void *context)
{
	struct transfer *transfer = context;
	struct run *run = &transfer->run;
	size_t length = size * count, room, keep;
	char *grown;

	room = (size_t)transfer->callbacks->config->response_keep_bytes -
	    run->response_length;
	keep = length < room ? length : room;
	if (keep == 0)
		return length;

	grown = realloc(run->response, run->response_length + keep + 1);
	if (grown == NULL)
		return length;
	memcpy(grown + run->response_length, data, keep);
	run->response = grown;
	run->response_length += keep;
	run->response[run->response_length] = '\0';
	return length;
}

/*
 * Opens the socket for each address libcurl is about to connect to,
 * after checking that address. The check is on the resolved address, so
 * a host name that resolves to a private address is rejected too.
 */
static curl_socket_t
open_socket(void *context, curlsocktype purpose,
    struct curl_sockaddr *address)
{
	struct transfer *transfer = context;
	char text[INET6_ADDRSTRLEN] = "?";
	const void *raw;
	const char *kind;

	(void)purpose;
	if (!transfer->callbacks->config->allow_private_callbacks &&
	    (kind = address_forbidden(&address->addr)) != NULL) {
		raw = address->family == AF_INET6 ?
		    (const void *)&((struct sockaddr_in6 *)&address->addr)->
		    sin6_addr :
		    (const void *)&((struct sockaddr_in *)&address->addr)->
		    sin_addr;
		inet_ntop(address->family, raw, text, sizeof(text));
		snprintf(transfer->blocked, sizeof(transfer->blocked),
		    "refused to connect to %s: it is a %s address, which "
		    "callbacks may not reach", text, kind);
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype, address->protocol);
}

/*
 * Builds the callback body: the delivery id shared by every attempt for
 * one scheduled time, that time, the attempt number, and the job.
 */
static char *
build_body(const struct run *run, const char *base_url, char *id,
    size_t id_size)
{
	char scheduled[TIMEFMT_RFC3339_SIZE], url[4096];
	json_object *body, *job;
	char *text;

	snprintf(id, id_size, "%lld-%lld", (long long)run->job_id,
	    (long long)run->scheduled_at);
	timefmt_rfc3339(run->scheduled_at, scheduled);
	snprintf(url, sizeof(url), "%s/chronatogapi/1/jobs/%lld", base_url,
	    (long long)run->job_id);

	job = json_object_new_object();
	json_object_object_add(job, "id", json_object_new_int64(run->job_id));
	json_object_object_add(job, "url", json_object_new_string(url));
	json_object_object_add(job, "callback_url",
	    json_object_new_string(run->callback_url));
	json_object_object_add(job, "schedule",
	    json_object_new_string(run->schedule));
	json_object_object_add(job, "timezone",
	    json_object_new_string(run->timezone));

	body = json_object_new_object();
	json_object_object_add(body, "id", json_object_new_string(id));
	json_object_object_add(body, "scheduled_at",
	    json_object_new_string(scheduled));
	json_object_object_add(body, "attempt",
	    json_object_new_int(run->attempt));
	json_object_object_add(body, "job", job);

	text = strdup(json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(body);
	return text;
}

/* Adds "name: value" to the request headers. */
static int
add_header(struct transfer *transfer, const char *name, const char *value)
{
	char line[512];
	struct curl_slist *list;

	snprintf(line, sizeof(line), "%s: %s", name, value);
	if ((list = curl_slist_append(transfer->headers, line)) == NULL)
		return -1;
	transfer->headers = list;
	return 0;
}

static void
transfer_free(struct transfer *transfer)
{
	if (transfer == NULL)
		return;
	if (transfer->easy != NULL)
		curl_easy_cleanup(transfer->easy);
	curl_slist_free_all(transfer->headers);
	free(transfer->body);
	run_clear(&transfer->run);
	free(transfer);
}

/*
 * Adds the Standard Webhooks headers. A scheduler row written by hand
 * with an invalid secret gets unsigned callbacks and a log line, rather
 * than none at all.
 */
static int
add_signature(struct transfer *transfer, const char *id)
{
	char timestamp[32], signature[WEBHOOK_SIGNATURE_SIZE];
	int64_t now = time(NULL);
	struct error error;

	snprintf(timestamp, sizeof(timestamp), "%lld", (long long)now);
	if (add_header(transfer, "webhook-id", id) < 0 ||
	    add_header(transfer, "webhook-timestamp", timestamp) < 0)
		return -1;
	if (webhook_sign(transfer->run.webhook_secret, id, now,
	    transfer->body, strlen(transfer->body), signature,
	    &error) < 0) {
		log_message(LOG_WARNING, "job %lld: sending unsigned: %s",
		    (long long)transfer->run.job_id, error.message);
		return 0;
	}
	return add_header(transfer, "webhook-signature", signature);
}

/* Sets up the easy handle of `transfer` for the POST of its body. */
static int
configure(struct transfer *transfer, const char *id)
{
	const struct config *config = transfer->callbacks->config;
	CURL *easy = transfer->easy;
	int failed = 0;

	if (add_header(transfer, "Content-Type", "application/json") < 0 ||
	    add_header(transfer, "User-Agent",
	    "Chronatog/" CHRONATOG_VERSION) < 0 ||
	    add_signature(transfer, id) < 0 ||
	    add_header(transfer, "Expect", "") < 0)
		return -1;

	failed |= curl_easy_setopt(easy, CURLOPT_URL,
	    transfer->run.callback_url);
	failed |= curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	failed |= curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION,
	    transfer->run.follow_redirects ? 1L : 0L);
	failed |= curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 5L);
	failed |= curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR,
	    "http,https");
	/* An environment proxy would hide the address being reached. */
	failed |= curl_easy_setopt(easy, CURLOPT_PROXY, "");
	failed |= curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	failed |= curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
	    config->connect_timeout_ms);
	failed |= curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
	    config->request_timeout_ms);
	failed |= curl_easy_setopt(easy, CURLOPT_HTTPHEADER,
	    transfer->headers);
	failed |= curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body);
	failed |= curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION,
	    keep_response);
	failed |= curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
	failed |= curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION,
	    open_socket);
	failed |= curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer);
	failed |= curl_easy_setopt(easy, CURLOPT_ERRORBUFFER,
	    transfer->curl_error);
	failed |= curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer);
	return failed ? -1 : 0;
}

int
callbacks_start(struct callbacks *callbacks, struct run *run,
    struct error *error)
{
	struct transfer *transfer;
	char id[64];

	if ((transfer = calloc(1, sizeof(*transfer))) == NULL)
		return error_set(error, "out of memory");
	transfer->callbacks = callbacks;
	transfer->run = *run;

	transfer->body = build_body(&transfer->run, callbacks->base_url, id,
	    sizeof(id));
	if (transfer->body == NULL ||
	    (transfer->easy = curl_easy_init()) == NULL ||
	    configure(transfer, id) < 0 ||
	    curl_multi_add_handle(callbacks->multi, transfer->easy) !=
	    CURLM_OK) {
		/* Hand the run back untouched. */
		memset(&transfer->run, 0, sizeof(transfer->run));
		transfer_free(transfer);
		return error_set(error, "cannot start the call for job %lld",
		    (long long)run->job_id);
	}

	memset(run, 0, sizeof(*run));
	transfer->next = callbacks->active;
	if (callbacks->active != NULL)
		callbacks->active->previous = transfer;
	callbacks->active = transfer;
	transfer->started_ms = timefmt_now_ms();
	transfer->run.started_at = transfer->started_ms / 1000;
	callbacks->in_flight++;
	return 0;
}

size_t
callbacks_in_flight(const struct callbacks *callbacks)
{
	return callbacks->in_flight;
}

/* Fills in the outcome of a finished transfer from libcurl's result. */
static void
record_outcome(struct transfer *transfer, CURLcode result)
{
	struct run *run = &transfer->run;
	char text[CURL_ERROR_SIZE + 128];
	curl_off_t retry_after = -1;
	long status = 0;

	run->duration_ms = timefmt_now_ms() - transfer->started_ms;
	if (run->response != NULL)
		utf8_sanitize(run->response, run->response_length);
	if (result == CURLE_OK) {
		curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE,
		    &status);
		run->http_status = (int)status;
		if (curl_easy_getinfo(transfer->easy, CURLINFO_RETRY_AFTER,
		    &retry_after) == CURLE_OK && retry_after > 0)
			run->retry_after = (long)retry_after;
		return;
	}

	/* Retrying cannot change a refused address or a bad URL. */
	run->permanent = transfer->blocked[0] != '\0' ||
	    result == CURLE_UNSUPPORTED_PROTOCOL ||
	    result == CURLE_URL_MALFORMAT ||
	    result == CURLE_TOO_MANY_REDIRECTS;

	if (transfer->blocked[0] != '\0')
		snprintf(text, sizeof(text), "%s", transfer->blocked);
	else if (transfer->curl_error[0] != '\0')
		snprintf(text, sizeof(text), "%s", transfer->curl_error);
	else
		snprintf(text, sizeof(text), "%s", curl_easy_strerror(result));
	run->error = strdup(text);
}

/* Takes `transfer` out of the multi handle and the active list. */
static void
deactivate(struct callbacks *callbacks, struct transfer *transfer)
{
	curl_multi_remove_handle(callbacks->multi, transfer->easy);
	if (transfer->previous != NULL)
		transfer->previous->next = transfer->next;
	else
		callbacks->active = transfer->next;
	if (transfer->next != NULL)
		transfer->next->previous = transfer->previous;
	transfer->previous = transfer->next = NULL;
}

/* Pushes a finished transfer onto the stack of collectable ones. */
static int
push_done(struct callbacks *callbacks, struct transfer *transfer)
{
	struct transfer **grown;
	size_t size;

	if (callbacks->done_count == callbacks->done_size) {
		size = callbacks->done_size ? callbacks->done_size * 2 : 64;
		grown = realloc(callbacks->done, size * sizeof(*grown));
		if (grown == NULL)
			return -1;
		callbacks->done = grown;
		callbacks->done_size = size;
	}
	callbacks->done[callbacks->done_count++] = transfer;
	return 0;
}

int
callbacks_poll(struct callbacks *callbacks, int timeout_ms,
    struct error *error)
{
	struct transfer *transfer;
	CURLMsg *message;
	int running, left;

	if (curl_multi_perform(callbacks->multi, &running) != CURLM_OK ||
	    curl_multi_poll(callbacks->multi, NULL, 0, timeout_ms, NULL) !=
	    CURLM_OK ||
	    curl_multi_perform(callbacks->multi, &running) != CURLM_OK)
		return error_set(error, "the HTTP client failed");

	while ((message = curl_multi_info_read(callbacks->multi, &left)) !=
	    NULL) {
		if (message->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE,
		    (char **)&transfer);
		record_outcome(transfer, message->data.result);
		deactivate(callbacks, transfer);
		if (push_done(callbacks, transfer) < 0)
			return error_set(error, "out of memory");
	}
	return 0;
}

int
callbacks_collect(struct callbacks *callbacks, struct run *run)
{
	struct transfer *transfer;

	if (callbacks->done_count == 0)
		return 0;
	transfer = callbacks->done[--callbacks->done_count];
	*run = transfer->run;
	memset(&transfer->run, 0, sizeof(transfer->run));
	transfer_free(transfer);
	callbacks->in_flight--;
	return 1;
}

void
callbacks_free(struct callbacks *callbacks)
{
	size_t i;

	if (callbacks == NULL)
		return;
	while (callbacks->active != NULL) {
		struct transfer *transfer = callbacks->active;

		deactivate(callbacks, transfer);
		transfer_free(transfer);
	}
	if (callbacks->multi != NULL)
		curl_multi_cleanup(callbacks->multi);
	for (i = 0; i < callbacks->done_count; i++)
		transfer_free(callbacks->done[i]);
	free(callbacks->done);
	free(callbacks->base_url);
	free(callbacks);
}
