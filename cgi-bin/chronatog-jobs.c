/*
 * chronatog-jobs: the jobs API that provisioned apps call, under
 * /chronatogapi/1/jobs ("1" is the API version), authenticated with a
 * scheduler's HTTP Basic credentials.
 *
 *   POST   /chronatogapi/1/jobs              create a job   201 + Location
 *   GET    /chronatogapi/1/jobs              list the jobs  200
 *   GET    /chronatogapi/1/jobs/<id>         read a job     200
 *   PATCH  /chronatogapi/1/jobs/<id>         change a job   200
 *   DELETE /chronatogapi/1/jobs/<id>         delete a job   200
 *   POST   /chronatogapi/1/jobs/<id>/run     fire it now    202
 *   GET    /chronatogapi/1/jobs/<id>/runs    its attempts   200, paged
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "fcgi.h"
#include "job.h"
#include "job_run.h"
#include "log.h"
#include "scheduler.h"
#include "usage.h"
#include "webapp.h"

#define JOBS_PATH "/chronatogapi/1/jobs"
#define UNAUTHORIZED_HEADERS "WWW-Authenticate: Basic realm=\"Chronatog\"\r\n"

/* Runs listed per page unless the request sets limit. */
#define RUNS_PAGE_DEFAULT 50

/* The resource a request path names below JOBS_PATH. */
enum target { COLLECTION, JOB, JOB_RUN, JOB_RUNS, UNKNOWN };

/* The request in progress and the context every handler needs. */
struct call {
	sqlite3 *db;
	const struct config *config;
	struct fcgi_request *request;
	int64_t scheduler_id;
	int64_t job_id;
};

/*
 * Parses the path after JOBS_PATH: "" or "/" for the collection,
 * "/<id>", "/<id>/run" or "/<id>/runs" (each with an optional final
 * slash) for one job.
 */
static enum target
parse_target(const char *rest, int64_t *id)
{
	long long value;
	char *end;

	if (*rest == '\0' || strcmp(rest, "/") == 0)
		return COLLECTION;
	if (rest[0] != '/' || rest[1] < '1' || rest[1] > '9')
		return UNKNOWN;
	errno = 0;
	value = strtoll(rest + 1, &end, 10);
	if (errno != 0)
		return UNKNOWN;
	*id = value;
	if (*end == '\0' || strcmp(end, "/") == 0)
		return JOB;
	if (strcmp(end, "/run") == 0 || strcmp(end, "/run/") == 0)
		return JOB_RUN;
	if (strcmp(end, "/runs") == 0 || strcmp(end, "/runs/") == 0)
		return JOB_RUNS;
	return UNKNOWN;
}

static void
not_found(const struct call *call)
{
	fcgi_respond_error(404, NULL, "job %lld not found",
	    (long long)call->job_id);
}

/* Responds with `status` and the job, adding Location when `location`. */
static void
respond_job(const struct call *call, int status, const struct job *job,
    int location)
{
	json_object *object = job_to_json(job, call->request->base_url);
	char header[4096];

	snprintf(header, sizeof(header), "Location: %s\r\n",
	    json_object_get_string(json_object_object_get(object, "url")));
	fcgi_respond_json(status, object, location ? header : NULL);
	json_object_put(object);
}

struct job_array {
	json_object *array;
	const char *base_url;
};

static int
add_to_array(const struct job *job, void *context)
{
	struct job_array *list = context;

	return json_object_array_add(list->array,
	    job_to_json(job, list->base_url)) == 0 ? 0 : -1;
}

static void
list_jobs(const struct call *call)
{
	struct job_array list;
	struct error error;

	list.array = json_object_new_array();
	list.base_url = call->request->base_url;
	if (job_list(call->db, call->scheduler_id, add_to_array, &list,
	    &error) < 0)
		webapp_internal_error(&error);
	else
		fcgi_respond_json(200, list.array, NULL);
	json_object_put(list.array);
}

/*
 * Reads and checks the job fields of the request body. When they are
 * invalid, responds with 400 and returns -1. Otherwise the caller puts
 * `*body` after using `input`, which borrows from it.
 */
static int
read_input(const struct call *call, int partial, json_object **body,
    struct job_input *input)
{
	json_object *messages;

	if (webapp_parse_json_body(call->request, body) < 0)
		return -1;
	messages = json_object_new_array();
	if (job_read_input(*body, call->config->allow_private_callbacks,
	    partial, input, messages) > 0) {
		fcgi_respond_errors(400, messages, NULL);
		json_object_put(messages);
		json_object_put(*body);
		return -1;
	}
	json_object_put(messages);
	return 0;
}

static void
create_job(const struct call *call)
{
	json_object *body;
	struct job_input input;
	struct job job;
	struct error error;

	if (read_input(call, 0, &body, &input) < 0)
		return;
	if (db_begin(call->db, &error) < 0 ||
	    job_create(call->db, call->scheduler_id, &input, time(NULL),
	    &job, &error) < 0 ||
	    usage_note_job_change(call->db, call->scheduler_id, time(NULL),
	    &error) < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		webapp_internal_error(&error);
		json_object_put(body);
		return;
	}
	log_message(LOG_INFO, "scheduler %lld created job %lld",
	    (long long)call->scheduler_id, (long long)job.id);
	respond_job(call, 201, &job, 1);
	job_free(&job);
	json_object_put(body);
}

static void
update_job(const struct call *call)
{
	json_object *body;
	struct job_input input;
	struct job job;
	struct error error;
	int found;

	if (read_input(call, 1, &body, &input) < 0)
		return;
	if (db_begin(call->db, &error) < 0)
		found = -1;
	else
		found = job_update(call->db, call->scheduler_id, call->job_id,
		    &input, time(NULL), &job, &error);
	if (found < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		if (found > 0)
			job_free(&job);
		webapp_internal_error(&error);
	} else if (found == 0) {
		not_found(call);
	} else {
		respond_job(call, 200, &job, 0);
		job_free(&job);
	}
	json_object_put(body);
}

/* Responds with the job, deleting it first when `delete` is set. */
static void
show_job(const struct call *call, int delete)
{
	struct job job;
	struct error error;
	int found;

	found = job_get(call->db, call->scheduler_id, call->job_id, &job,
	    &error);
	if (found < 0) {
		webapp_internal_error(&error);
		return;
	}
	if (found == 0) {
		not_found(call);
		return;
	}

	if (delete && (db_begin(call->db, &error) < 0 ||
	    job_delete(call->db, call->scheduler_id, call->job_id,
	    &error) < 0 || usage_note_job_change(call->db,
	    call->scheduler_id, time(NULL), &error) < 0 ||
	    db_commit(call->db, &error) < 0)) {
		db_rollback(call->db);
		webapp_internal_error(&error);
		job_free(&job);
		return;
	}
	if (delete)
		log_message(LOG_INFO, "scheduler %lld deleted job %lld",
		    (long long)call->scheduler_id, (long long)call->job_id);
	respond_job(call, 200, &job, 0);
	job_free(&job);
}

static void
run_job_now(const struct call *call)
{
	struct error error;
	struct job job;
	int rc;

	rc = job_run_now(call->db, call->scheduler_id, call->job_id,
	    time(NULL), &error);
	if (rc < 0) {
		webapp_internal_error(&error);
		return;
	}
	if (rc == 0) {
		not_found(call);
		return;
	}
	if (rc == 2) {
		fcgi_respond_error(409, NULL, "job %lld is disabled; enable it "
		    "with PATCH {\"enabled\": true} first",
		    (long long)call->job_id);
		return;
	}
	if (job_get(call->db, call->scheduler_id, call->job_id, &job,
	    &error) != 1) {
		webapp_internal_error(&error);
		return;
	}
	respond_job(call, 202, &job, 0);
	job_free(&job);
}

/*
 * Reads the optional whole-number query parameter `name` into `*value`
 * when it lies in [min, max]. Responds 400 and returns -1 otherwise.
 */
static int
query_number(const struct call *call, const char *name, long long min,
    long long max, long long *value)
{
	char *text, *end;
	int found;

	found = fcgi_query_parameter(call->request, name, &text);
	if (found <= 0)
		return found;
	errno = 0;
	*value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || *value < min ||
	    *value > max) {
		fcgi_respond_error(400, NULL, "query parameter %s must be a "
		    "whole number from %lld to %lld", name, min, max);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static void
list_runs(const struct call *call)
{
	long long limit = RUNS_PAGE_DEFAULT, before = 0;
	json_object *runs;
	struct error error;
	struct job job;
	char link[4096];
	int64_t last_id;
	int found, count;

	if (query_number(call, "limit", 1, JOB_RUN_PAGE_MAX, &limit) < 0 ||
	    query_number(call, "before", 1, INT64_MAX, &before) < 0)
		return;
	found = job_get(call->db, call->scheduler_id, call->job_id, &job,
	    &error);
	if (found <= 0) {
		if (found < 0)
			webapp_internal_error(&error);
		else
			not_found(call);
		return;
	}
	job_free(&job);

	runs = json_object_new_array();
	count = job_run_list(call->db, call->job_id, before, (int)limit, runs,
	    &last_id, &error);
	if (count < 0) {
		webapp_internal_error(&error);
	} else {
		/* A full page may have more after it. */
		snprintf(link, sizeof(link), "Link: <%s" JOBS_PATH
		    "/%lld/runs?limit=%lld&before=%lld>; rel=\"next\"\r\n",
		    call->request->base_url, (long long)call->job_id, limit,
		    (long long)last_id);
		fcgi_respond_json(200, runs, count == limit ? link : NULL);
	}
	json_object_put(runs);
}

/* Sends the request to the handler for its target and method. */
static void
dispatch(const struct call *call, enum target target)
{
	const char *method = call->request->method;
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	switch (target) {
	case COLLECTION:
		if (get)
			list_jobs(call);
		else if (strcmp(method, "POST") == 0)
			create_job(call);
		else
			webapp_method_not_allowed(method, "GET, HEAD, POST");
		return;
	case JOB:
		if (get)
			show_job(call, 0);
		else if (strcmp(method, "PATCH") == 0)
			update_job(call);
		else if (strcmp(method, "DELETE") == 0)
			show_job(call, 1);
		else
			webapp_method_not_allowed(method,
			    "GET, HEAD, PATCH, DELETE");
		return;
	case JOB_RUN:
		if (strcmp(method, "POST") == 0)
			run_job_now(call);
		else
			webapp_method_not_allowed(method, "POST");
		return;
	case JOB_RUNS:
		if (get)
			list_runs(call);
		else
			webapp_method_not_allowed(method, "GET, HEAD");
		return;
	case UNKNOWN:
		break;
	}
	fcgi_respond_error(404, NULL, "no such resource: %s",
	    call->request->path);
}

static void
handle(sqlite3 *db, const struct config *config,
    struct fcgi_request *request)
{
	struct call call = { db, config, request, 0, 0 };
	enum target target = UNKNOWN;
	struct error error;
	int rc;

	if (strncmp(request->path, JOBS_PATH, strlen(JOBS_PATH)) == 0)
		target = parse_target(request->path + strlen(JOBS_PATH),
		    &call.job_id);
	if (target == UNKNOWN) {
		fcgi_respond_error(404, NULL, "no such resource: %s",
		    request->path);
		return;
	}

	rc = scheduler_authenticate_basic(db, request->authorization,
	    &call.scheduler_id, &error);
	if (rc < 0) {
		webapp_internal_error(&error);
		return;
	}
	if (rc == 0) {
		fcgi_respond_error(401, UNAUTHORIZED_HEADERS, "valid scheduler "
		    "credentials (HTTP Basic auth_username and auth_password) "
		    "are required");
		return;
	}
	dispatch(&call, target);
}

int
main(int argc, char **argv)
{
	return webapp_main(argc, argv, "jobs", handle);
}
