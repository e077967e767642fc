/*
 * chronatog-jobs: the jobs API that provisioned apps call, under
 * /chronatogapi/1/jobs, authenticated with a scheduler's HTTP Basic
 * credentials.
 *
 *   POST   /chronatogapi/1/jobs        create a job     201 + Location
 *   GET    /chronatogapi/1/jobs        list the jobs    200
 *   GET    /chronatogapi/1/jobs/<id>   read a job       200
 *   DELETE /chronatogapi/1/jobs/<id>   delete a job     200
 */
#include <fcgi_stdio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "fcgi.h"
#include "job.h"
#include "log.h"
#include "scheduler.h"
#include "webapp.h"

#define JOBS_PATH "/chronatogapi/1/jobs"
#define UNAUTHORIZED_HEADERS "WWW-Authenticate: Basic realm=\"Chronatog\"\r\n"

/* Parses "/<digits>" after the collection path into `*id`. */
static int
parse_job_id(const char *rest, int64_t *id)
{
	char *end;
	long long value;

	if (*rest != '/' || rest[1] < '1' || rest[1] > '9')
		return -1;
	errno = 0;
	value = strtoll(rest + 1, &end, 10);
	if (errno != 0 || (*end != '\0' && strcmp(end, "/") != 0))
		return -1;
	*id = value;
	return 0;
}

static int
add_to_array(const struct job *job, void *context)
{
	struct { json_object *array; const char *base_url; } *list = context;

	return json_object_array_add(list->array,
	    job_to_json(job, list->base_url)) == 0 ? 0 : -1;
}

static void
list_jobs(sqlite3 *db, struct fcgi_request *request, int64_t scheduler_id)
{
	struct { json_object *array; const char *base_url; } list;
	struct error error;

	list.array = json_object_new_array();
	list.base_url = request->base_url;
	if (job_list(db, scheduler_id, add_to_array, &list, &error) < 0)
		webapp_internal_error(&error);
	else
		fcgi_respond_json(200, list.array, NULL);
	json_object_put(list.array);
}

static void
create_job(sqlite3 *db, const struct config *config,
    struct fcgi_request *request, int64_t scheduler_id)
{
	json_object *body = NULL, *messages = NULL, *object;
	struct job_input input;
	struct job job;
	struct error error;
	char location[4096];

	if (webapp_parse_json_body(request, &body) < 0)
		return;

	messages = json_object_new_array();
	if (job_read_input(body, config->allow_private_callbacks, &input,
	    messages) > 0) {
		fcgi_respond_errors(400, messages, NULL);
		goto done;
	}

	if (db_begin(db, &error) < 0 ||
	    job_create(db, scheduler_id, &input, time(NULL), &job,
	    &error) < 0 || db_commit(db, &error) < 0) {
		db_rollback(db);
		webapp_internal_error(&error);
		goto done;
	}

	object = job_to_json(&job, request->base_url);
	snprintf(location, sizeof(location), "Location: %s\r\n",
	    json_object_get_string(json_object_object_get(object, "url")));
	fcgi_respond_json(201, object, location);
	log_message(LOG_INFO, "scheduler %lld created job %lld",
	    (long long)scheduler_id, (long long)job.id);
	json_object_put(object);
	job_free(&job);

done:
	json_object_put(messages);
	json_object_put(body);
}

static void
show_job(sqlite3 *db, struct fcgi_request *request, int64_t scheduler_id,
    int64_t id, int delete)
{
	struct job job;
	struct error error;
	json_object *object;
	int found;

	found = job_get(db, scheduler_id, id, &job, &error);
	if (found < 0) {
		webapp_internal_error(&error);
		return;
	}
	if (found == 0) {
		fcgi_respond_error(404, NULL, "job %lld not found",
		    (long long)id);
		return;
	}

	if (delete && job_delete(db, scheduler_id, id, &error) < 0) {
		webapp_internal_error(&error);
		job_free(&job);
		return;
	}
	if (delete)
		log_message(LOG_INFO, "scheduler %lld deleted job %lld",
		    (long long)scheduler_id, (long long)id);

	object = job_to_json(&job, request->base_url);
	fcgi_respond_json(200, object, NULL);
	json_object_put(object);
	job_free(&job);
}

static void
handle(sqlite3 *db, const struct config *config,
    struct fcgi_request *request)
{
	const char *rest, *method = request->method;
	int64_t scheduler_id, id;
	struct error error;
	int rc;

	if (strncmp(request->path, JOBS_PATH, strlen(JOBS_PATH)) != 0) {
		fcgi_respond_error(404, NULL, "no such resource: %s",
		    request->path);
		return;
	}
	rest = request->path + strlen(JOBS_PATH);

	rc = scheduler_authenticate_basic(db, request->authorization,
	    &scheduler_id, &error);
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

	if (*rest == '\0' || strcmp(rest, "/") == 0) {
		if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
			list_jobs(db, request, scheduler_id);
		else if (strcmp(method, "POST") == 0)
			create_job(db, config, request, scheduler_id);
		else
			webapp_method_not_allowed(method, "GET, HEAD, POST");
		return;
	}

	if (parse_job_id(rest, &id) < 0) {
		fcgi_respond_error(404, NULL, "no such resource: %s",
		    request->path);
		return;
	}
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		show_job(db, request, scheduler_id, id, 0);
	else if (strcmp(method, "DELETE") == 0)
		show_job(db, request, scheduler_id, id, 1);
	else
		webapp_method_not_allowed(method, "GET, HEAD, DELETE");
}

int
main(int argc, char **argv)
{
	return webapp_main(argc, argv, "jobs", handle);
}
