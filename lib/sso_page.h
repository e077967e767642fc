/*
 * The HTML pages that Engine Yard (EY) users reach by single sign-on
 * (SSO): a customer's plan and schedulers, a scheduler's jobs with their
 * latest attempts, and the message pages for errors. Every value from
 * the database or the sign-in link is escaped; forms carry the CSRF
 * token of the session. chronatog-sso serves them.
 */
#ifndef CHRONATOG_SSO_PAGE_H
#define CHRONATOG_SSO_PAGE_H

#include <stdio.h>

#include <sqlite3.h>

#include "customer.h"
#include "error.h"
#include "session.h"

/* The path prefix of every SSO page; SESSION_COOKIE_PATH matches it. */
#define SSO_PATH "/eyintegration/sso"
#define SSO_STYLESHEET_PATH SSO_PATH "/style.css"
#define SSO_LOGOUT_PATH SSO_PATH "/logout"

/* Attempts shown per job on a scheduler's page. */
#define SSO_PAGE_ATTEMPTS 5

/* The stylesheet every page links to, served at SSO_STYLESHEET_PATH. */
extern const char sso_page_stylesheet[];

/*
 * Writes a page with heading `title`, the paragraph `text` and, unless
 * NULL, the paragraph `detail`. A `return_url` other than NULL, which
 * the caller checked to be an http(s) URL, becomes a link back to EY.
 */
void sso_page_message(FILE *out, const char *title, const char *text,
    const char *detail, const char *return_url);

/*
 * Writes the page of `customer`: its plan, with a form to change it when
 * the session is an owner's, and its schedulers in service with links
 * to their pages. Returns 0, or -1 with `error` set when a query fails.
 */
int sso_page_customer(FILE *out, sqlite3 *db, const struct customer *customer,
    const struct session *session, const char *csrf_token,
    struct error *error);

/*
 * Writes the page of `scheduler`: its jobs with their state, forms to
 * pause, resume or run each now, and the latest SSO_PAGE_ATTEMPTS
 * attempts of each. Returns 0, or -1 with `error` set when a query
 * fails.
 */
int sso_page_scheduler(FILE *out, sqlite3 *db,
    const struct customer *customer,
    const struct customer_scheduler *scheduler,
    const struct session *session, const char *csrf_token,
    struct error *error);

#endif
