/*
 * chronatog-sso: the pages Engine Yard (EY) users reach by single
 * sign-on, under /eyintegration/sso. EY sends the browser to a page with
 * a signed query (see sso.h). A valid query opens a session (see
 * session.h) and redirects to the same page without the query.
 *
 *   GET  /customers/<cid>                           plan and schedulers
 *   POST /customers/<cid>/plan                      change plan, owners
 *   GET  /customers/<cid>/schedulers/<sid>          jobs and attempts
 *   POST /customers/<cid>/schedulers/<sid>/jobs/<jid>/pause
 *   POST /customers/<cid>/schedulers/<sid>/jobs/<jid>/resume
 *   POST /customers/<cid>/schedulers/<sid>/jobs/<jid>/run
 *   GET  /logout              ends the session, back to EY
 *   GET  /style.css           the stylesheet of every page
 *
 * A session opened from a customer's page grants that customer and its
 * schedulers, and one opened from a scheduler's page grants that
 * scheduler only. Every POST needs the session's CSRF token and
 * redirects with 303 when it succeeds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callback_url.h"
#include "customer.h"
#include "db.h"
#include "ey_store.h"
#include "fcgi.h"
#include "html.h"
#include "job.h"
#include "log.h"
#include "session.h"
#include "spent_token.h"
#include "sso.h"
#include "sso_page.h"
#include "utf8.h"
#include "webapp.h"

/* Headers of every HTML page: no framing, no assets from elsewhere. */
#define PAGE_HEADERS \
	"Content-Security-Policy: default-src 'self'; form-action 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'\r\n" \
	"X-Frame-Options: DENY\r\n" \
	"Referrer-Policy: same-origin\r\n"

#define HTML_TYPE "text/html; charset=utf-8"

/* The resource a request path addresses below SSO_PATH. */
enum target {
	CUSTOMER, PLAN, SCHEDULER, JOB_PAUSE, JOB_RESUME, JOB_RUN, LOGOUT,
	STYLESHEET, UNKNOWN
};

/* A request in progress, with what every handler needs. */
struct call {
	sqlite3 *db;
	const struct config *config;
	struct fcgi_request *request;
	enum target target;
	int64_t customer_id;
	int64_t scheduler_id;
	int64_t job_id;
	char *secret;		/* settings.session_secret */
	char *cookie;		/* the session cookie value, NULL when none */
	struct session session;	/* valid once authenticate() succeeded */
};

/* Returns whether `rest` is `word` with an optional final slash. */
static int
is_word(const char *rest, const char *word)
{
	size_t length = strlen(word);

	return strncmp(rest, word, length) == 0 &&
	    (rest[length] == '\0' || strcmp(rest + length, "/") == 0);
}

/*
 * Parses the path after SSO_PATH:
 *
 *	"/style.css" | "/logout" | "/customers/" cid [ "/plan" |
 *	    "/schedulers/" sid [ "/jobs/" jid ( "/pause" | "/resume" |
 *	    "/run" ) ] ]
 *
 * each with an optional final slash.
 */
static enum target
parse_target(const char *rest, struct call *call)
{
	if (is_word(rest, "/style.css"))
		return STYLESHEET;
	if (is_word(rest, "/logout"))
		return LOGOUT;
	if (strncmp(rest, "/customers/", 11) != 0)
		return UNKNOWN;
	rest += 11;
	if (fcgi_path_id(&rest, &call->customer_id) < 0)
		return UNKNOWN;
	if (is_word(rest, ""))
		return CUSTOMER;
	if (is_word(rest, "/plan"))
		return PLAN;
	if (strncmp(rest, "/schedulers/", 12) != 0)
		return UNKNOWN;
	rest += 12;
	if (fcgi_path_id(&rest, &call->scheduler_id) < 0)
		return UNKNOWN;
	if (is_word(rest, ""))
		return SCHEDULER;
	if (strncmp(rest, "/jobs/", 6) != 0)
		return UNKNOWN;
	rest += 6;
	if (fcgi_path_id(&rest, &call->job_id) < 0)
		return UNKNOWN;
	if (is_word(rest, "/pause"))
		return JOB_PAUSE;
	if (is_word(rest, "/resume"))
		return JOB_RESUME;
	if (is_word(rest, "/run"))
		return JOB_RUN;
	return UNKNOWN;
}

/*
 * Returns `url` when it is an http(s) URL short enough for the session
 * and safe in a Location header, NULL otherwise.
 */
static const char *
usable_return_url(const char *url)
{
	if (url == NULL || strlen(url) > SESSION_RETURN_URL_MAX ||
	    http_url_check(url, "ey_return_to_url", 1, NULL) < 0)
		return NULL;
	return url;
}

/* Sends `html` with the page headers and `extra_headers`, if any. */
static void
respond_html(int status, const char *extra_headers, const char *html,
    size_t length)
{
	char *headers;

	if (extra_headers == NULL) {
		fcgi_respond(status, HTML_TYPE, PAGE_HEADERS, html, length);
		return;
	}
	if (asprintf(&headers, PAGE_HEADERS "%s", extra_headers) < 0) {
		log_message(LOG_ERR, "out of memory");
		fcgi_respond(500, "text/plain; charset=utf-8", NULL,
		    "Internal error\n", 15);
		return;
	}
	fcgi_respond(status, HTML_TYPE, headers, html, length);
	free(headers);
}

/* Responds with `status` and a message page (see sso_page_message()). */
static void
respond_message(int status, const char *extra_headers, const char *title,
    const char *text, const char *detail, const char *return_url)
{
	struct html_buffer page;
	struct error error;

	if (html_buffer_open(&page, &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		fcgi_respond(500, "text/plain; charset=utf-8", NULL,
		    "Internal error\n", 15);
		return;
	}
	sso_page_message(page.out, title, text, detail, return_url);
	if (html_buffer_finish(&page, &error) < 0) {
		log_message(LOG_ERR, "%s", error.message);
		fcgi_respond(500, "text/plain; charset=utf-8", NULL,
		    "Internal error\n", 15);
	} else {
		respond_html(status, extra_headers, page.text, page.length);
	}
	html_buffer_free(&page);
}

/* Logs `error` and responds with 500 without revealing it. */
static void
respond_internal_error(const struct error *error)
{
	log_message(LOG_ERR, "%s", error->message);
	respond_message(500, NULL, "Internal error",
	    "Chronatog could not answer this request. The operator has been "
	    "told; please try again later.", NULL, NULL);
}

static void
respond_not_found(const struct call *call)
{
	respond_message(404, NULL, "Not found",
	    "Chronatog has no such page. The customer or scheduler may have "
	    "been removed on Engine Yard.", NULL,
	    call->session.ey_return_to_url);
}

/* Responds with 405, an Allow header and a message page. */
static void
respond_method_not_allowed(const struct call *call, const char *allowed)
{
	char headers[128], detail[128];

	snprintf(headers, sizeof(headers), "Allow: %s\r\n", allowed);
	snprintf(detail, sizeof(detail), "This page accepts %s, not %s.",
	    allowed, call->request->method);
	respond_message(405, headers, "Method not allowed", detail, NULL,
	    NULL);
}

/* Responds with `status` (302 or 303) and a Location of `url`. */
static void
respond_redirect(int status, const char *url, const char *extra_headers)
{
	char *headers;

	if (asprintf(&headers, "Location: %s\r\n%s", url,
	    extra_headers != NULL ? extra_headers : "") < 0) {
		log_message(LOG_ERR, "out of memory");
		fcgi_respond(500, "text/plain; charset=utf-8", NULL,
		    "Internal error\n", 15);
		return;
	}
	fcgi_respond(status, NULL, headers, NULL, 0);
	free(headers);
}

/* Returns whether the public URL is https, so cookies need Secure. */
static int
is_https(const struct call *call)
{
	return strncmp(call->request->base_url, "https:", 6) == 0;
}

/* Writes the public URL of the page the call addresses into `url`. */
static void
page_url(const struct call *call, char *url, size_t size)
{
	if (call->scheduler_id != 0)
		snprintf(url, size, "%s" SSO_PATH "/customers/%lld/schedulers/"
		    "%lld", call->request->base_url,
		    (long long)call->customer_id,
		    (long long)call->scheduler_id);
	else
		snprintf(url, size, "%s" SSO_PATH "/customers/%lld",
		    call->request->base_url, (long long)call->customer_id);
}

/* Copies at most SESSION_USER_NAME_MAX bytes of `name`, valid UTF-8. */
static char *
copy_user_name(const char *name)
{
	size_t length;
	char *copy;

	if (name == NULL)
		name = "";
	length = strlen(name);
	if (length > SESSION_USER_NAME_MAX) {
		length = SESSION_USER_NAME_MAX;
		/* Cut before a continuation byte, not inside a sequence. */
		while (length > 0 && ((unsigned char)name[length] & 0xc0) ==
		    0x80)
			length--;
	}
	if ((copy = strndup(name, length)) == NULL)
		return NULL;
	utf8_sanitize(copy, length);
	return copy;
}

/*
 * Responds to a sign-in link that failed verification: 401 with the
 * reason and a link back to the ey_return_to_url of the query, if usable.
 */
static void
reject_sign_in(const struct call *call, const char *reason)
{
	char *return_url = NULL;
	char detail[ERROR_MESSAGE_MAX + 16];

	if (fcgi_query_parameter(call->request, "ey_return_to_url",
	    &return_url) < 0)
		return_url = NULL;
	log_message(LOG_WARNING, "rejected sign-in link for %s: %s",
	    call->request->path, reason);
	snprintf(detail, sizeof(detail), "Reason: %s.", reason);
	respond_message(401, NULL, "Sign-in link rejected",
	    "Chronatog could not sign you in with this link. A link from "
	    "Engine Yard is valid for 5 minutes and only as Engine Yard "
	    "signed it. Open Chronatog from Engine Yard again to get a new "
	    "one.", detail,
	    usable_return_url(return_url));
	free(return_url);
}

/*
 * Reads the customer and, for a scheduler's page or job, the scheduler
 * of the call. Responds with 404 (or 500) and returns -1 when either is
 * not found, which includes a scheduler of another customer or one out
 * of service.
 */
static int
load_target(const struct call *call, struct customer *customer,
    struct customer_scheduler *scheduler)
{
	struct error error;
	int found;

	memset(scheduler, 0, sizeof(*scheduler));
	found = customer_get(call->db, call->customer_id, customer, &error);
	if (found > 0 && call->scheduler_id != 0) {
		found = customer_get_scheduler(call->db, call->customer_id,
		    call->scheduler_id, scheduler, &error);
		if (found <= 0)
			customer_free(customer);
	}
	if (found < 0)
		respond_internal_error(&error);
	else if (found == 0)
		respond_not_found(call);
	return found > 0 ? 0 : -1;
}

/* Builds the session for a verified `login` and signs it. */
static int
open_session(const struct call *call, const struct sso_login *login,
    char **cookie, struct error *error)
{
	const char *return_url = usable_return_url(login->ey_return_to_url);
	struct session session;
	int result;

	memset(&session, 0, sizeof(session));
	session.customer_id = call->customer_id;
	session.scheduler_id = call->scheduler_id;
	session.owner = strcmp(login->access_level, "owner") == 0;
	session.ey_user_id = strdup(login->ey_user_id != NULL ?
	    login->ey_user_id : "");
	session.ey_user_name = copy_user_name(login->ey_user_name);
	if (return_url != NULL)
		session.ey_return_to_url = strdup(return_url);
	session.expires_at = (int64_t)time(NULL) + SESSION_LIFETIME;

	if (session.ey_user_id == NULL || session.ey_user_name == NULL ||
	    (return_url != NULL && session.ey_return_to_url == NULL))
		result = error_set(error, "out of memory");
	else
		result = session_encode(&session, call->secret, cookie, error);
	session_free(&session);
	return result;
}

/*
 * Records the signature of the request's SSO link as spent. Returns 1
 * when it was not spent before, 0 when it was, -1 on error.
 */
static int
spend_link(const struct call *call, struct error *error)
{
	char *signature = NULL;
	int64_t now = time(NULL);
	int rc;

	rc = fcgi_query_parameter(call->request, "signature", &signature);
	if (rc <= 0) {
		free(signature);
		return rc < 0 ? error_set(error, "out of memory") : 0;
	}
	rc = spent_token_add(call->db, "link", signature,
	    now + 2 * SSO_MAX_AGE, now, error);
	free(signature);
	return rc;
}

/*
 * Signs in with the signed query of a GET: verifies it against the URL
 * as EY signed it, sets the session cookie and redirects to the page
 * without the query.
 */
static void
sign_in(const struct call *call)
{
	struct customer customer;
	struct customer_scheduler scheduler;
	struct sso_login login;
	struct error error;
	char *url = NULL, *cookie = NULL, *header = NULL;
	char location[4096];
	int rc;

	if (asprintf(&url, "%s%s?%s", call->request->base_url,
	    call->request->path, call->request->query) < 0) {
		error_set(&error, "out of memory");
		respond_internal_error(&error);
		return;
	}
	rc = sso_verify(url, ey_credentials_lookup, call->db, time(NULL),
	    SSO_MAX_AGE, &login, &error);
	free(url);
	if (rc < 0) {
		respond_internal_error(&error);
		return;
	}
	if (rc > 0) {
		reject_sign_in(call, error.message);
		return;
	}

	/* A link works once: its signature is spent until it would expire. */
	rc = spend_link(call, &error);
	if (rc < 0) {
		respond_internal_error(&error);
		goto cleanup;
	}
	if (rc == 0) {
		reject_sign_in(call, "this link was used already; open "
		    "Chronatog again from Engine Yard");
		goto cleanup;
	}

	if (login.access_level == NULL ||
	    (strcmp(login.access_level, "owner") != 0 &&
	    strcmp(login.access_level, "collaborator") != 0)) {
		reject_sign_in(call, "access_level must be owner or "
		    "collaborator");
		goto cleanup;
	}
	if (load_target(call, &customer, &scheduler) < 0)
		goto cleanup;
	customer_scheduler_free(&scheduler);
	customer_free(&customer);
	if (open_session(call, &login, &cookie, &error) < 0) {
		respond_internal_error(&error);
		goto cleanup;
	}
	if (session_cookie_header(cookie, SESSION_LIFETIME, is_https(call),
	    &header) < 0) {
		error_set(&error, "out of memory");
		respond_internal_error(&error);
		goto cleanup;
	}

	log_message(LOG_INFO, "Engine Yard user %s signed in as %s to "
	    "customer %lld, scheduler %lld", login.ey_user_id != NULL ?
	    login.ey_user_id : "(no id)", login.access_level,
	    (long long)call->customer_id, (long long)call->scheduler_id);
	page_url(call, location, sizeof(location));
	respond_redirect(302, location, header);

cleanup:
	free(header);
	free(cookie);
	sso_login_free(&login);
}

/*
 * Responds with 401 for a missing or rejected session and deletes the
 * cookie.
 */
static void
respond_not_signed_in(const struct call *call, const char *reason)
{
	char *header = NULL;
	char detail[ERROR_MESSAGE_MAX + 16];

	if (call->cookie != NULL &&
	    session_cookie_header("", 0, is_https(call), &header) < 0)
		header = NULL;
	if (reason != NULL) {
		log_message(LOG_WARNING, "rejected session cookie for %s %s: "
		    "%s", call->request->method, call->request->path, reason);
		snprintf(detail, sizeof(detail), "Reason: %s.", reason);
	}
	respond_message(401, header, "Not signed in",
	    "Open Chronatog from your Engine Yard dashboard to sign in.",
	    reason != NULL ? detail : NULL, NULL);
	free(header);
}

/*
 * Reads the session cookie into call->session. Responds with 401 (or
 * 500) and returns -1 when there is no valid session.
 */
static int
authenticate(struct call *call)
{
	struct error error;
	int rc;

	rc = session_cookie_find(call->request->cookie, &call->cookie);
	if (rc < 0) {
		error_set(&error, "out of memory");
		respond_internal_error(&error);
		return -1;
	}
	if (rc == 0) {
		respond_not_signed_in(call, NULL);
		return -1;
	}

	rc = session_decode(call->cookie, call->secret, time(NULL),
	    &call->session, &error);
	if (rc < 0) {
		respond_internal_error(&error);
		return -1;
	}
	if (rc > 0) {
		respond_not_signed_in(call, error.message);
		return -1;
	}

	rc = spent_token_find(call->db, call->cookie, &error);
	if (rc != 0) {
		session_free(&call->session);
		memset(&call->session, 0, sizeof(call->session));
		if (rc < 0)
			respond_internal_error(&error);
		else
			respond_not_signed_in(call, "this session has ended");
		return -1;
	}
	return 0;
}

/*
 * Checks that the session grants the customer and scheduler of the
 * call. Responds with 403 and returns -1 when not.
 */
static int
authorize(const struct call *call)
{
	const struct session *session = &call->session;
	int granted;

	granted = session->customer_id == call->customer_id &&
	    (session->scheduler_id == 0 ||
	    session->scheduler_id == call->scheduler_id);
	if (granted)
		return 0;

	log_message(LOG_WARNING, "session of customer %lld, scheduler %lld "
	    "denied %s %s", (long long)session->customer_id,
	    (long long)session->scheduler_id, call->request->method,
	    call->request->path);
	respond_message(403, NULL, "Access denied",
	    "Your session does not grant this page. Open it from Engine Yard "
	    "to sign in for it.", NULL, session->ey_return_to_url);
	return -1;
}

/*
 * Checks the csrf_token field of a POST. Responds with 403 (or 500) and
 * returns -1 when it is missing or wrong.
 */
static int
check_csrf(const struct call *call)
{
	struct error error;
	char *token = NULL;
	int rc;

	if (fcgi_form_parameter(call->request, "csrf_token", &token) < 0) {
		error_set(&error, "out of memory");
		respond_internal_error(&error);
		return -1;
	}
	rc = session_csrf_check(call->cookie, call->secret, token, &error);
	free(token);
	if (rc < 0) {
		respond_internal_error(&error);
		return -1;
	}
	if (rc == 0) {
		log_message(LOG_WARNING, "rejected %s %s: CSRF token missing "
		    "or invalid", call->request->method, call->request->path);
		respond_message(403, NULL, "Form expired",
		    "This form was not sent from a current Chronatog page, so "
		    "nothing was changed. Reload the page and try again.",
		    NULL, call->session.ey_return_to_url);
		return -1;
	}
	return 0;
}

/* Renders the page of the call's customer or scheduler. */
static void
show_page(const struct call *call, const struct customer *customer,
    const struct customer_scheduler *scheduler)
{
	struct html_buffer page;
	struct error error;
	char token[SESSION_CSRF_TOKEN_SIZE];
	int result;

	if (session_csrf_token(call->cookie, call->secret, token, &error) < 0 ||
	    html_buffer_open(&page, &error) < 0) {
		respond_internal_error(&error);
		return;
	}
	if (call->target == SCHEDULER)
		result = sso_page_scheduler(page.out, call->db, customer,
		    scheduler, &call->session, token, &error);
	else
		result = sso_page_customer(page.out, call->db, customer,
		    &call->session, token, &error);

	if (result < 0 || html_buffer_finish(&page, &error) < 0)
		respond_internal_error(&error);
	else
		respond_html(200, NULL, page.text, page.length);
	html_buffer_free(&page);
}

/* Redirects with 303 to the page of the call's customer or scheduler. */
static void
redirect_to_page(const struct call *call)
{
	char url[4096];

	page_url(call, url, sizeof(url));
	respond_redirect(303, url, NULL);
}

/* Changes the plan to the form's `plan`. Only owners may. */
static void
change_plan(const struct call *call)
{
	struct billing_result bill;
	struct error error;
	char *plan = NULL;
	int changed, found;

	if (!call->session.owner) {
		respond_message(403, NULL, "Access denied",
		    "Only an owner of the Engine Yard account can change the "
		    "plan.", NULL, call->session.ey_return_to_url);
		return;
	}
	if (fcgi_form_parameter(call->request, "plan", &plan) < 0) {
		error_set(&error, "out of memory");
		respond_internal_error(&error);
		return;
	}
	if (!customer_plan_valid(plan)) {
		log_message(LOG_WARNING, "rejected plan change of customer "
		    "%lld: plan is missing or not freemium or awesome",
		    (long long)call->customer_id);
		respond_message(400, NULL, "Invalid plan",
		    "The plan must be freemium or awesome.", NULL, NULL);
		free(plan);
		return;
	}

	if (db_begin(call->db, &error) < 0)
		found = -1;
	else
		found = customer_change_plan(call->db, call->customer_id, plan,
		    time(NULL), &changed, &bill, &error);
	if (found < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		respond_internal_error(&error);
	} else if (found == 0) {
		respond_not_found(call);
	} else {
		if (changed)
			log_message(LOG_INFO, "Engine Yard user %s moved "
			    "customer %lld to plan %s%s",
			    call->session.ey_user_id,
			    (long long)call->customer_id, plan,
			    bill.invoiced ? " after invoicing the period" :
			    "");
		redirect_to_page(call);
	}
	free(plan);
}

/* Pauses or resumes the call's job. */
static void
set_job_enabled(const struct call *call, int enabled)
{
	struct job_input input = { NULL, NULL, NULL, enabled, -1 };
	struct error error;
	struct job job;
	int found;

	if (db_begin(call->db, &error) < 0)
		found = -1;
	else
		found = job_update(call->db, call->scheduler_id, call->job_id,
		    &input, time(NULL), &job, &error);
	if (found < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		if (found > 0)
			job_free(&job);
		respond_internal_error(&error);
		return;
	}
	if (found == 0) {
		respond_not_found(call);
		return;
	}
	job_free(&job);
	log_message(LOG_INFO, "Engine Yard user %s %s job %lld of scheduler "
	    "%lld", call->session.ey_user_id, enabled ? "resumed" : "paused",
	    (long long)call->job_id, (long long)call->scheduler_id);
	redirect_to_page(call);
}

/* Makes the call's job due now, or responds with 409 when it is paused. */
static void
run_job_now(const struct call *call)
{
	struct error error;
	int found;

	if (db_begin(call->db, &error) < 0)
		found = -1;
	else
		found = job_run_now(call->db, call->scheduler_id, call->job_id,
		    time(NULL), &error);
	if (found < 0 || db_commit(call->db, &error) < 0) {
		db_rollback(call->db);
		respond_internal_error(&error);
	} else if (found == 0) {
		respond_not_found(call);
	} else if (found == 2) {
		respond_message(409, NULL, "Job is paused",
		    "A paused job cannot run. Resume it first.", NULL,
		    call->session.ey_return_to_url);
	} else {
		log_message(LOG_INFO, "Engine Yard user %s ran job %lld of "
		    "scheduler %lld now", call->session.ey_user_id,
		    (long long)call->job_id, (long long)call->scheduler_id);
		redirect_to_page(call);
	}
}

/*
 * Ends the session and sends the browser back to EY. The cookie's value
 * is recorded as spent, so that a copy of it stops working too.
 */
static void
log_out(struct call *call)
{
	struct session session;
	struct error error;
	char *header = NULL;
	int rc = 1;

	if (session_cookie_find(call->request->cookie, &call->cookie) > 0)
		rc = session_decode(call->cookie, call->secret, time(NULL),
		    &session, &error);
	/* The cookie is deleted either way, so a failure is only logged. */
	if (rc < 0)
		log_message(LOG_ERR, "%s", error.message);
	if (rc == 0 && spent_token_add(call->db, "session", call->cookie,
	    session.expires_at, time(NULL), &error) < 0)
		log_message(LOG_ERR, "cannot end session: %s", error.message);

	if (session_cookie_header("", 0, is_https(call), &header) < 0) {
		error_set(&error, "out of memory");
		respond_internal_error(&error);
	} else if (rc == 0 && session.ey_return_to_url != NULL) {
		respond_redirect(302, session.ey_return_to_url, header);
	} else {
		respond_message(200, header, "Signed out",
		    "You are signed out of Chronatog. Open it again from your "
		    "Engine Yard dashboard.", NULL, NULL);
	}
	if (rc == 0)
		session_free(&session);
	free(header);
}

/* Serves the pages and forms that need a session. */
static void
handle_signed_in(struct call *call)
{
	struct customer customer;
	struct customer_scheduler scheduler;
	const char *method = call->request->method;
	int is_get;

	if (authenticate(call) < 0 || authorize(call) < 0 ||
	    load_target(call, &customer, &scheduler) < 0)
		return;

	is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if (call->target == CUSTOMER || call->target == SCHEDULER) {
		if (is_get)
			show_page(call, &customer, &scheduler);
		else
			respond_method_not_allowed(call, "GET, HEAD");
	} else if (strcmp(method, "POST") != 0) {
		respond_method_not_allowed(call, "POST");
	} else if (check_csrf(call) == 0) {
		if (call->target == PLAN)
			change_plan(call);
		else if (call->target == JOB_RUN)
			run_job_now(call);
		else
			set_job_enabled(call, call->target == JOB_RESUME);
	}
	customer_scheduler_free(&scheduler);
	customer_free(&customer);
}

/* Returns 1 when the query has a signature parameter, 0 when not. */
static int
has_signature(const struct fcgi_request *request)
{
	char *signature = NULL;
	int found;

	/* Out of memory (-1) counts as present, so sso_verify() reports it. */
	found = fcgi_query_parameter(request, "signature", &signature);
	free(signature);
	return found != 0;
}

static void
handle(sqlite3 *db, const struct config *config,
    struct fcgi_request *request)
{
	struct call call;
	struct error error;
	const char *method = request->method;
	int is_get, signed_link;

	memset(&call, 0, sizeof(call));
	call.db = db;
	call.config = config;
	call.request = request;
	call.target = UNKNOWN;
	if (strncmp(request->path, SSO_PATH, strlen(SSO_PATH)) == 0)
		call.target = parse_target(request->path + strlen(SSO_PATH),
		    &call);
	is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	if (call.target == UNKNOWN) {
		respond_not_found(&call);
		return;
	}
	if (call.target == STYLESHEET) {
		if (!is_get)
			respond_method_not_allowed(&call, "GET, HEAD");
		else
			fcgi_respond(200, "text/css; charset=utf-8", NULL,
			    sso_page_stylesheet,
			    strlen(sso_page_stylesheet));
		return;
	}
	if (session_secret_load(db, &call.secret, &error) < 0) {
		respond_internal_error(&error);
		return;
	}

	signed_link = is_get && (call.target == CUSTOMER ||
	    call.target == SCHEDULER) && has_signature(request);
	if (call.target == LOGOUT) {
		if (is_get)
			log_out(&call);
		else
			respond_method_not_allowed(&call, "GET, HEAD");
	} else if (signed_link) {
		sign_in(&call);
	} else {
		handle_signed_in(&call);
	}

	session_free(&call.session);
	free(call.cookie);
	session_secret_free(call.secret);
}

int
main(int argc, char **argv)
{
	return webapp_main(argc, argv, "sso", handle);
}
