/*
 * The Engine Yard side of customers and schedulers: a service account
 * on EY is a customer here, and a provisioned service (the add-on on one
 * app environment) is a scheduler.
 */
#ifndef CHRONATOG_EY_ACCOUNT_H
#define CHRONATOG_EY_ACCOUNT_H

#include <stdint.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "billing.h"
#include "error.h"
#include "scheduler.h"

/* A service account as EY sends it; strings borrowed from the JSON. */
struct ey_account_input {
	int64_t id;
	const char *name;
	const char *url;
	const char *messages_url;
	const char *invoices_url;
};

/* A provisioned service as EY sends it; strings borrowed. */
struct ey_provision_input {
	const char *url;
	const char *messages_url;
	const char *app_name;
	const char *environment_name;
};

/*
 * Reads a service account body ({"id", "name", "url", "messages_url",
 * "invoices_url"}) into `input`, adding one message per problem to the
 * JSON array `messages`. Returns the number of problems.
 */
int ey_account_read(json_object *body, struct ey_account_input *input,
    json_object *messages);

/*
 * Reads a provisioned service body ({"url", "messages_url", "app":
 * {"name"}, "environment": {"name"}}) like ey_account_read().
 */
int ey_provision_read(json_object *body, struct ey_provision_input *input,
    json_object *messages);

/*
 * Creates the customer for a service account, inside the caller's
 * transaction, and stores its id. When a customer for the same account
 * id or URL exists (EY sent the request again), stores that one's id
 * instead.
 */
int ey_account_create(sqlite3 *db, const struct ey_account_input *input,
    int64_t now, int64_t *customer_id, struct error *error);

/*
 * Cancels customer `customer_id`, inside the caller's transaction: bills
 * the final period (see billing_bill_customer()), then deletes the
 * customer with its schedulers, jobs and runs. Returns 1 when done, 0
 * when there is no such customer, -1 on error.
 */
int ey_account_cancel(sqlite3 *db, int64_t customer_id, int64_t now,
    struct billing_result *bill, struct error *error);

/*
 * Creates a scheduler for customer `customer_id` with fresh credentials,
 * inside the caller's transaction. When the customer already has one in
 * service for the same provisioned service URL (EY sent the request
 * again), that scheduler gets new credentials instead. Returns 1 with its id and credentials
 * stored, 0 when there is no such customer, -1 on error.
 */
int ey_provision(sqlite3 *db, int64_t customer_id,
    const struct ey_provision_input *input, int64_t now,
    int64_t *scheduler_id, struct scheduler_credentials *credentials,
    struct error *error);

/*
 * Takes scheduler `scheduler_id` of customer `customer_id` out of
 * service: its credentials stop working and its jobs are disabled. Runs
 * inside the caller's transaction. Returns 1 when done (also when it
 * already was), 0 when there is no such scheduler, -1 on error.
 */
int ey_deprovision(sqlite3 *db, int64_t customer_id, int64_t scheduler_id,
    int64_t now, struct error *error);

#endif
