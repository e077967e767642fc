/*
 * The URLs of ey-sandbox, shaped like Engine Yard's. Below the base URL
 * given to `init`:
 *
 *	/api/1/partners/<partner>/services
 *	/api/1/partners/<partner>/services/<service>
 *	<service URL>/service_accounts/<account>
 *	<service account URL>/messages
 *	<service account URL>/invoices
 *	/api/1/service_accounts/<account>/provisioned_service/<provisioned>
 *	<provisioned service URL>/messages
 *
 * Ids are positive decimal integers without leading zeros.
 */
#ifndef EY_SANDBOX_ROUTES_H
#define EY_SANDBOX_ROUTES_H

#include <stdint.h>

#include "error.h"

enum route_kind {
	ROUTE_NONE,
	ROUTE_SERVICES,			/* the registration URL */
	ROUTE_SERVICE,
	ROUTE_ACCOUNT,
	ROUTE_ACCOUNT_MESSAGES,
	ROUTE_ACCOUNT_INVOICES,
	ROUTE_PROVISIONED,
	ROUTE_PROVISIONED_MESSAGES,
};

/* A parsed URL: its kind and the ids it carries, 0 for those it lacks. */
struct route {
	enum route_kind kind;
	int64_t partner_id;
	int64_t service_id;
	int64_t account_id;
	int64_t provisioned_id;
};

/*
 * Matches the request path `path` (without query) against the routes
 * below the path of `base_url`. Returns 1 and fills `route` when one
 * matches, 0 when none does, or -1 with `error` set when `base_url`
 * cannot be parsed.
 */
int route_parse(const char *base_url, const char *path, struct route *route,
    struct error *error);

/*
 * Builds the URL of `route`, whose kind is not ROUTE_NONE, below
 * `base_url`. Returns a malloc'd string, or NULL when out of memory.
 */
char *route_url(const char *base_url, const struct route *route);

/*
 * Checks that `text` is an absolute http or https URL with a host.
 * Returns 0, or -1 with the reason in `error`.
 */
int route_check_http_url(const char *text, struct error *error);

/*
 * Checks a base URL given to `init`: an http or https URL with a host and
 * no credentials, query or fragment. Sets `*base_url` to a malloc'd copy
 * without trailing slashes. Returns 0, or -1 with the reason in `error`.
 */
int route_normalize_base_url(const char *text, char **base_url,
    struct error *error);

#endif
