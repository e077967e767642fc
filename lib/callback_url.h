/* Validation of the URLs that jobs call. */
#ifndef CHRONATOG_CALLBACK_URL_H
#define CHRONATOG_CALLBACK_URL_H

#include "error.h"

/* Longest callback URL accepted, in bytes. */
#define CALLBACK_URL_MAX 2048

/*
 * Checks that `url` is an absolute http or https URL with a host, at most
 * CALLBACK_URL_MAX bytes, without a fragment. Unless `allow_private` is
 * set, a host written as a literal loopback, private or link-local
 * address is rejected too (host names are checked when connecting).
 * Returns 0, or -1 with a message that names the problem.
 */
int callback_url_check(const char *url, int allow_private,
    struct error *error);

#endif
