#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "billing.h"
#include "html.h"
#include "job.h"
#include "job_run.h"
#include "sso_page.h"
#include "timefmt.h"

const char sso_page_stylesheet[] =
    "body { margin: 0; font: 16px/1.5 system-ui, sans-serif; "
    "color: #1b1b1b; background: #fafafa; }\n"
    "header { display: flex; flex-wrap: wrap; gap: 0 2em; "
    "align-items: baseline; justify-content: space-between; "
    "padding: 0.5em 1.5em; background: #24364b; color: #fff; }\n"
    "header p { margin: 0.25em 0; }\n"
    "header a { color: #fff; font-weight: bold; }\n"
    ".brand { font-size: 1.25em; font-weight: bold; }\n"
    "main { max-width: 72em; padding: 0.5em 1.5em 2em; }\n"
    "a { color: #0b57a4; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0 1.5em; "
    "background: #fff; }\n"
    "th, td { border: 1px solid #c8c8c8; padding: 0.3em 0.6em; "
    "text-align: left; vertical-align: top; }\n"
    "thead th { background: #e8edf3; }\n"
    "td.url { word-break: break-all; max-width: 24em; }\n"
    "form.inline { display: inline; }\n"
    "fieldset { border: 1px solid #c8c8c8; margin: 0.5em 0; "
    "max-width: 28em; }\n"
    "button { font: inherit; padding: 0.2em 0.8em; margin: 0.1em 0; "
    "cursor: pointer; }\n"
    ".ok { color: #116b28; }\n"
    ".failed { color: #a4161a; }\n"
    ".muted { color: #5a5a5a; }\n";

/*
 * Writes a <time> element for the RFC 3339 UTC time `text` that reads
 * "2026-12-04 15:00:00 UTC".
 */
static void
write_rfc3339(FILE *out, const char *text)
{
	fputs("<time datetime=\"", out);
	html_escape(out, text);
	fputs("\">", out);
	if (strlen(text) == 20 && text[10] == 'T' && text[19] == 'Z')
		fprintf(out, "%.10s %.8s UTC", text, text + 11);
	else
		html_escape(out, text);
	fputs("</time>", out);
}

/* Writes Unix seconds as write_rfc3339() does. */
static void
write_time(FILE *out, int64_t seconds)
{
	char text[TIMEFMT_RFC3339_SIZE];

	timefmt_rfc3339(seconds, text);
	write_rfc3339(out, text);
}

/* Writes the start of a POST form to `action` with the CSRF token. */
static void
write_form_start(FILE *out, const char *action, const char *csrf_token,
    const char *class)
{
	fputs("<form method=\"post\" action=\"", out);
	html_escape(out, action);
	fputs("\"", out);
	if (class != NULL)
		fprintf(out, " class=\"%s\"", class);
	fputs(">\n<input type=\"hidden\" name=\"csrf_token\" value=\"", out);
	html_escape(out, csrf_token);
	fputs("\">\n", out);
}

/* Starts a page titled "<title> - Chronatog" with its stylesheet. */
static void
begin_page(FILE *out, const char *title)
{
	char full_title[512];

	snprintf(full_title, sizeof(full_title), "%s - Chronatog", title);
	html_begin_page(out, full_title, SSO_STYLESHEET_PATH);
}

/* Starts a page with the header that names the signed-in user. */
static void
begin_signed_in_page(FILE *out, const char *title,
    const struct session *session)
{
	begin_page(out, title);
	fputs("<header>\n<p class=\"brand\">Chronatog</p>\n"
	    "<p>Signed in from Engine Yard as ", out);
	html_element(out, "strong", session->ey_user_name[0] != '\0' ?
	    session->ey_user_name : "an Engine Yard user");
	fprintf(out, " (%s). <a href=\"" SSO_LOGOUT_PATH "\">%s</a></p>\n"
	    "</header>\n<main>\n", session->owner ? "owner" : "collaborator",
	    session->ey_return_to_url != NULL ? "Back to Engine Yard" :
	    "Sign out");
}

static void
end_signed_in_page(FILE *out)
{
	fputs("</main>\n", out);
	html_end_page(out);
}

void
sso_page_message(FILE *out, const char *title, const char *text,
    const char *detail, const char *return_url)
{
	begin_page(out, title);
	fputs("<header>\n<p class=\"brand\">Chronatog</p>\n</header>\n"
	    "<main>\n", out);
	html_element(out, "h1", title);
	fputs("\n", out);
	html_element(out, "p", text);
	fputs("\n", out);
	if (detail != NULL) {
		html_element(out, "p", detail);
		fputs("\n", out);
	}
	if (return_url != NULL) {
		fputs("<p><a href=\"", out);
		html_escape(out, return_url);
		fputs("\">Back to Engine Yard</a></p>\n", out);
	}
	fputs("</main>\n", out);
	html_end_page(out);
}

/* Writes the plan, its prices, and for owners the form that changes it. */
static void
write_plan_section(FILE *out, const struct customer *customer,
    const struct session *session, const char *csrf_token)
{
	char action[128];
	int awesome = strcmp(customer->plan, CUSTOMER_PLAN_AWESOME) == 0;

	fputs("<section aria-labelledby=\"plan\">\n"
	    "<h2 id=\"plan\">Plan</h2>\n<p>Current plan: ", out);
	html_element(out, "strong", customer->plan);
	fprintf(out, "</p>\n<ul>\n"
	    "<li>freemium: free, never billed.</li>\n"
	    "<li>awesome: %d cents a day plus %d cents per callback fired, "
	    "billed through Engine Yard.</li>\n</ul>\n",
	    BILLING_CENTS_PER_DAY, BILLING_CENTS_PER_CALLBACK);

	if (!session->owner) {
		fputs("<p>Only an owner of the Engine Yard account can change "
		    "the plan.</p>\n</section>\n", out);
		return;
	}
	snprintf(action, sizeof(action), SSO_PATH "/customers/%lld/plan",
	    (long long)customer->id);
	write_form_start(out, action, csrf_token, NULL);
	fprintf(out, "<fieldset>\n<legend>Change plan</legend>\n"
	    "<div><input type=\"radio\" id=\"plan-freemium\" name=\"plan\" "
	    "value=\"freemium\"%s> "
	    "<label for=\"plan-freemium\">freemium</label></div>\n"
	    "<div><input type=\"radio\" id=\"plan-awesome\" name=\"plan\" "
	    "value=\"awesome\"%s> "
	    "<label for=\"plan-awesome\">awesome</label></div>\n"
	    "</fieldset>\n"
	    "<button type=\"submit\">Change plan</button>\n"
	    "</form>\n</section>\n",
	    awesome ? "" : " checked", awesome ? " checked" : "");
}

/* Writes one row of the customer's scheduler table. */
static int
write_scheduler_row(const struct customer_scheduler *scheduler,
    void *context)
{
	FILE *out = context;

	fprintf(out, "<tr><th scope=\"row\"><a href=\"" SSO_PATH
	    "/customers/%lld/schedulers/%lld\">",
	    (long long)scheduler->customer_id, (long long)scheduler->id);
	html_escape(out, scheduler->name);
	fputs("</a></th>", out);
	html_element(out, "td", scheduler->app_name != NULL ?
	    scheduler->app_name : "-");
	html_element(out, "td", scheduler->environment_name != NULL ?
	    scheduler->environment_name : "-");
	fprintf(out, "<td>%d</td><td>", scheduler->jobs);
	write_time(out, scheduler->created_at);
	fputs("</td></tr>\n", out);
	return 0;
}

/* Writes the table of schedulers, or a paragraph when there are none. */
static int
write_schedulers_section(FILE *out, sqlite3 *db, int64_t customer_id,
    struct error *error)
{
	struct html_buffer rows;
	int result = -1;

	if (html_buffer_open(&rows, error) < 0)
		return -1;
	if (customer_list_schedulers(db, customer_id, write_scheduler_row,
	    rows.out, error) < 0 || html_buffer_finish(&rows, error) < 0)
		goto cleanup;

	fputs("<section aria-labelledby=\"schedulers\">\n"
	    "<h2 id=\"schedulers\">Schedulers</h2>\n", out);
	if (rows.length == 0)
		fputs("<p>No schedulers yet. Activate Chronatog on an app "
		    "environment in Engine Yard to get one.</p>\n", out);
	else
		fprintf(out, "<table>\n<thead><tr>"
		    "<th scope=\"col\">Scheduler</th>"
		    "<th scope=\"col\">App</th>"
		    "<th scope=\"col\">Environment</th>"
		    "<th scope=\"col\">Jobs</th>"
		    "<th scope=\"col\">Created</th>"
		    "</tr></thead>\n<tbody>\n%s</tbody>\n</table>\n",
		    rows.text);
	fputs("</section>\n", out);
	result = 0;

cleanup:
	html_buffer_free(&rows);
	return result;
}

int
sso_page_customer(FILE *out, sqlite3 *db, const struct customer *customer,
    const struct session *session, const char *csrf_token,
    struct error *error)
{
	begin_signed_in_page(out, customer->name, session);
	html_element(out, "h1", customer->name);
	fputs("\n", out);
	write_plan_section(out, customer, session, csrf_token);
	if (write_schedulers_section(out, db, customer->id, error) < 0)
		return -1;
	end_signed_in_page(out);
	return 0;
}

/* The job rows being written, and the ids listed for the attempts. */
struct job_rows {
	FILE *out;
	const struct customer_scheduler *scheduler;
	const char *csrf_token;
	int64_t *ids;
	size_t count;
};

/*
 * Writes a button labelled `label` that POSTs to the job's `action`
 * path. Its accessible name is `verb` + " job <id>" + `suffix`, so that
 * screen readers can tell the buttons of different rows apart.
 */
static void
write_job_button(const struct job_rows *rows, int64_t job_id,
    const char *action, const char *label, const char *verb,
    const char *suffix)
{
	char path[256];

	snprintf(path, sizeof(path), SSO_PATH "/customers/%lld/schedulers/"
	    "%lld/jobs/%lld/%s", (long long)rows->scheduler->customer_id,
	    (long long)rows->scheduler->id, (long long)job_id, action);
	write_form_start(rows->out, path, rows->csrf_token, "inline");
	fprintf(rows->out, "<button type=\"submit\" "
	    "aria-label=\"%s job %lld%s\">%s</button>\n</form>\n", verb,
	    (long long)job_id, suffix, label);
}

/* Writes the outcome of the latest attempt of `job`. */
static void
write_last_result(FILE *out, const struct job *job)
{
	int ok = job->last_status >= 200 && job->last_status <= 299;

	if (job->last_run_at == 0 && job->last_error == NULL) {
		fputs("<span class=\"muted\">Not run yet</span>", out);
		return;
	}
	fprintf(out, "<span class=\"%s\">", ok ? "ok" : "failed");
	if (job->last_status != 0)
		fprintf(out, "HTTP %d", job->last_status);
	if (job->last_status != 0 && job->last_error != NULL)
		fputs(": ", out);
	if (job->last_error != NULL)
		html_escape(out, job->last_error);
	else if (job->last_status == 0)
		fputs("no response", out);
	fputs("</span>", out);
	if (job->last_run_at != 0) {
		fputs("<br>", out);
		write_time(out, job->last_run_at);
	}
}

/* Writes when `job` fires next. */
static void
write_next_run(FILE *out, const struct job *job)
{
	if (!job->enabled)
		fputs("<span class=\"muted\">None while paused</span>", out);
	else if (job->retry_at != 0) {
		fputs("Retry at ", out);
		write_time(out, job->retry_at);
	} else if (job->next_run_at != 0)
		write_time(out, job->next_run_at);
	else
		fputs("<span class=\"muted\">Not scheduled yet</span>", out);
}

/* Writes one row of the job table and records the job's id. */
static int
write_job_row(const struct job *job, void *context)
{
	struct job_rows *rows = context;
	FILE *out = rows->out;
	int64_t *grown;

	grown = realloc(rows->ids, (rows->count + 1) * sizeof(*rows->ids));
	if (grown == NULL)
		return -1;
	rows->ids = grown;
	rows->ids[rows->count++] = job->id;

	fprintf(out, "<tr id=\"job-%lld\"><th scope=\"row\">%lld</th>",
	    (long long)job->id, (long long)job->id);
	fputs("<td class=\"url\">", out);
	html_element(out, "code", job->callback_url);
	fputs("</td><td>", out);
	html_element(out, "code", job->schedule);
	fputs("</td>", out);
	html_element(out, "td", job->timezone);
	fprintf(out, "<td>%s</td><td>", job->enabled ? "Enabled" : "Paused");
	write_next_run(out, job);
	fputs("</td><td>", out);
	write_last_result(out, job);
	fputs("</td><td>\n", out);
	if (job->enabled) {
		write_job_button(rows, job->id, "pause", "Pause", "Pause", "");
		write_job_button(rows, job->id, "run", "Run now", "Run",
		    " now");
	} else {
		write_job_button(rows, job->id, "resume", "Resume", "Resume",
		    "");
	}
	fputs("</td></tr>\n", out);
	return 0;
}

/* Writes one attempt from job_run_list() as a table row. */
static void
write_attempt_row(FILE *out, json_object *run)
{
	json_object *status, *message;

	fputs("<tr><td>", out);
	write_rfc3339(out, json_object_get_string(
	    json_object_object_get(run, "started_at")));
	fputs("</td><td>", out);
	write_rfc3339(out, json_object_get_string(
	    json_object_object_get(run, "scheduled_at")));
	fprintf(out, "</td><td>%d</td><td>", json_object_get_int(
	    json_object_object_get(run, "attempt")));

	status = json_object_object_get(run, "http_status");
	message = json_object_object_get(run, "error");
	if (status != NULL) {
		fprintf(out, "<span class=\"%s\">HTTP %d</span>",
		    json_object_get_int(status) >= 200 &&
		    json_object_get_int(status) <= 299 ? "ok" : "failed",
		    json_object_get_int(status));
	}
	if (status != NULL && message != NULL)
		fputs(": ", out);
	if (message != NULL) {
		fputs("<span class=\"failed\">", out);
		html_escape(out, json_object_get_string(message));
		fputs("</span>", out);
	}
	fprintf(out, "</td><td>%lld ms</td></tr>\n",
	    (long long)json_object_get_int64(json_object_object_get(run,
	    "duration_ms")));
}

/* Writes the latest attempts of job `job_id` under its own heading. */
static int
write_attempts(FILE *out, sqlite3 *db, int64_t job_id,
    struct error *error)
{
	json_object *runs = json_object_new_array();
	int64_t last_id;
	size_t i;
	int count;

	count = job_run_list(db, job_id, 0, SSO_PAGE_ATTEMPTS, runs,
	    &last_id, error);
	if (count < 0) {
		json_object_put(runs);
		return -1;
	}

	fprintf(out, "<h3 id=\"attempts-%lld\">Job %lld</h3>\n",
	    (long long)job_id, (long long)job_id);
	if (count == 0)
		fputs("<p class=\"muted\">No attempts yet.</p>\n", out);
	else {
		fputs("<table>\n<thead><tr>"
		    "<th scope=\"col\">Started</th>"
		    "<th scope=\"col\">Scheduled for</th>"
		    "<th scope=\"col\">Attempt</th>"
		    "<th scope=\"col\">Result</th>"
		    "<th scope=\"col\">Duration</th>"
		    "</tr></thead>\n<tbody>\n", out);
		for (i = 0; i < json_object_array_length(runs); i++)
			write_attempt_row(out,
			    json_object_array_get_idx(runs, i));
		fputs("</tbody>\n</table>\n", out);
	}
	json_object_put(runs);
	return 0;
}

/* Writes the heading of a scheduler's page, with the way back. */
static void
write_scheduler_heading(FILE *out, const struct customer *customer,
    const struct customer_scheduler *scheduler,
    const struct session *session)
{
	if (session->scheduler_id == 0) {
		fprintf(out, "<nav aria-label=\"Breadcrumb\"><a href=\""
		    SSO_PATH "/customers/%lld\">", (long long)customer->id);
		html_escape(out, customer->name);
		fputs("</a></nav>\n", out);
	}
	fputs("<h1>Scheduler ", out);
	html_escape(out, scheduler->name);
	fputs("</h1>\n", out);
	if (scheduler->app_name != NULL &&
	    scheduler->environment_name != NULL) {
		fputs("<p>App ", out);
		html_element(out, "strong", scheduler->app_name);
		fputs(", environment ", out);
		html_element(out, "strong", scheduler->environment_name);
		fputs(".</p>\n", out);
	}
}

int
sso_page_scheduler(FILE *out, sqlite3 *db,
    const struct customer *customer,
    const struct customer_scheduler *scheduler,
    const struct session *session, const char *csrf_token,
    struct error *error)
{
	struct job_rows rows = { NULL, scheduler, csrf_token, NULL, 0 };
	struct html_buffer table;
	size_t i;
	int result = -1;

	if (html_buffer_open(&table, error) < 0)
		return -1;
	rows.out = table.out;
	if (job_list(db, scheduler->id, write_job_row, &rows, error) < 0 ||
	    html_buffer_finish(&table, error) < 0)
		goto cleanup;

	begin_signed_in_page(out, scheduler->name, session);
	write_scheduler_heading(out, customer, scheduler, session);
	fputs("<section aria-labelledby=\"jobs\">\n"
	    "<h2 id=\"jobs\">Jobs</h2>\n", out);
	if (rows.count == 0)
		fputs("<p>No jobs yet. Apps create jobs through the jobs API "
		    "with this scheduler's credentials.</p>\n", out);
	else
		fprintf(out, "<table>\n<thead><tr>"
		    "<th scope=\"col\">Job</th>"
		    "<th scope=\"col\">Callback URL</th>"
		    "<th scope=\"col\">Schedule</th>"
		    "<th scope=\"col\">Time zone</th>"
		    "<th scope=\"col\">State</th>"
		    "<th scope=\"col\">Next run</th>"
		    "<th scope=\"col\">Last result</th>"
		    "<th scope=\"col\">Actions</th>"
		    "</tr></thead>\n<tbody>\n%s</tbody>\n</table>\n",
		    table.text);
	fputs("</section>\n", out);

	if (rows.count > 0)
		fputs("<section aria-labelledby=\"attempts\">\n"
		    "<h2 id=\"attempts\">Latest attempts</h2>\n", out);
	for (i = 0; i < rows.count; i++)
		if (write_attempts(out, db, rows.ids[i], error) < 0)
			goto cleanup;
	if (rows.count > 0)
		fputs("</section>\n", out);
	end_signed_in_page(out);
	result = 0;

cleanup:
	free(rows.ids);
	html_buffer_free(&table);
	return result;
}
