/* Validation of the URLs that jobs call and that Chronatog hands out. */
#ifndef CHRONATOG_CALLBACK_URL_H
#define CHRONATOG_CALLBACK_URL_H

#include "error.h"

/* Longest callback URL accepted, in bytes. */
#define CALLBACK_URL_MAX 2048

/*
 * Checks that `url` is an absolute http or https URL, at most
 * CALLBACK_URL_MAX bytes, with a valid host name or IP address and
 * without user name, password, port 0 or fragment. Unless
 * `allow_private` is set, a host written as a literal loopback, private
 * or link-local address is rejected too (host names are checked when
 * connecting). Returns 0, or -1 with a message that names the problem.
 */
int callback_url_check(const char *url, int allow_private,
    struct error *error);

/*
 * Checks `url` like callback_url_check(), naming the field `name` in
 * messages.
 */
int http_url_check(const char *url, const char *name, int allow_private,
    struct error *error);

/*
 * Checks a public_url setting like callback_url_check() with private
 * addresses allowed; a query string is rejected too.
 */
int public_url_check(const char *url, struct error *error);

#endif
