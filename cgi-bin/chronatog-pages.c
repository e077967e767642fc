/*
 * chronatog-pages: the public pages, "/" (what Chronatog is and how to
 * use it) and "/terms" (terms of service). Any other path is a 404.
 */
#include <string.h>

#include "fcgi.h"
#include "webapp.h"

static const char home_page[] =
    "<!doctype html>\n"
    "<html lang=\"en\">\n"
    "<head><meta charset=\"utf-8\"><title>Chronatog</title></head>\n"
    "<body>\n"
    "<h1>Chronatog</h1>\n"
    "<p>Web cron as a service: register an HTTP callback and a cron\n"
    "schedule, and Chronatog calls your URL on schedule and records\n"
    "every run.</p>\n"
    "<p>Apps use the JSON API at <code>/chronatogapi/1/jobs</code> with\n"
    "the credentials of their scheduler:</p>\n"
    "<pre>curl -u USER:PASSWORD -H 'Content-Type: application/json' \\\n"
    "  -d '{\"callback_url\": \"https://example.com/cb\", "
    "\"schedule\": \"*/5 * * * *\"}' \\\n"
    "  https://this-host/chronatogapi/1/jobs</pre>\n"
    "<p><a href=\"/terms\">Terms of service</a></p>\n"
    "</body>\n"
    "</html>\n";

static const char terms_page[] =
    "<!doctype html>\n"
    "<html lang=\"en\">\n"
    "<head><meta charset=\"utf-8\"><title>Chronatog terms</title></head>\n"
    "<body>\n"
    "<h1>Terms of service</h1>\n"
    "<p>Chronatog calls the URLs you register at the times you choose,\n"
    "at least once per scheduled time. Calls may repeat after a failure;\n"
    "each carries a stable id so that your endpoint can drop repeats.</p>\n"
    "<p>Usage is billed per callback fired, as stated in your plan.</p>\n"
    "<p><a href=\"/\">Home</a></p>\n"
    "</body>\n"
    "</html>\n";

static void
handle(sqlite3 *db, const struct config *config,
    struct fcgi_request *request)
{
	const char *page;

	(void)db;
	(void)config;
	if (strcmp(request->path, "/") == 0)
		page = home_page;
	else if (strcmp(request->path, "/terms") == 0)
		page = terms_page;
	else {
		fcgi_respond(404, "text/plain; charset=utf-8", NULL,
		    "Not found\n", 10);
		return;
	}

	if (strcmp(request->method, "GET") != 0 &&
	    strcmp(request->method, "HEAD") != 0) {
		webapp_method_not_allowed(request->method, "GET, HEAD");
		return;
	}
	fcgi_respond(200, "text/html; charset=utf-8", NULL, page,
	    strlen(page));
}

int
main(int argc, char **argv)
{
	return webapp_main(argc, argv, "pages", handle);
}
