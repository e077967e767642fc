/*
 * Reading a customer that signed up on Engine Yard (EY), with its
 * schedulers, and changing its plan: what the single sign-on pages show
 * and change. Customers without an EY service account, such as the
 * system customer that runs billing, are invisible here.
 */
#ifndef CHRONATOG_CUSTOMER_H
#define CHRONATOG_CUSTOMER_H

#include <stdint.h>

#include <sqlite3.h>

#include "billing.h"
#include "error.h"

/* The plans, as stored in customers.plan. */
#define CUSTOMER_PLAN_FREEMIUM "freemium"
#define CUSTOMER_PLAN_AWESOME "awesome"

/* A customer with an EY service account. */
struct customer {
	int64_t id;
	char *name;
	char *plan;		/* CUSTOMER_PLAN_FREEMIUM or _AWESOME */
	int64_t created_at;	/* Unix seconds */
};

/* A scheduler in service, as the customer's pages list it. */
struct customer_scheduler {
	int64_t id;
	int64_t customer_id;
	char *name;
	char *app_name;		/* NULL unless EY provisioned it */
	char *environment_name;	/* NULL unless EY provisioned it */
	int jobs;		/* number of jobs */
	int64_t created_at;
};

/* Returns 1 when `plan` names a plan, 0 otherwise. */
int customer_plan_valid(const char *plan);

/*
 * Reads customer `id` into `*customer` when it has an EY service
 * account. Returns 1 when found, 0 when not, -1 on error. Free with
 * customer_free().
 */
int customer_get(sqlite3 *db, int64_t id, struct customer *customer,
    struct error *error);

void customer_free(struct customer *customer);

/*
 * Calls `each` for every scheduler in service of customer `customer_id`
 * in id order; stops and returns -1 when `each` does. The scheduler
 * passed is freed after the call.
 */
int customer_list_schedulers(sqlite3 *db, int64_t customer_id,
    int (*each)(const struct customer_scheduler *scheduler, void *context),
    void *context, struct error *error);

/*
 * Reads scheduler `scheduler_id` into `*scheduler` when it is in service
 * and belongs to customer `customer_id`. Returns 1 when found, 0 when
 * not, -1 on error. Free with customer_scheduler_free().
 */
int customer_get_scheduler(sqlite3 *db, int64_t customer_id,
    int64_t scheduler_id, struct customer_scheduler *scheduler,
    struct error *error);

void customer_scheduler_free(struct customer_scheduler *scheduler);

/*
 * Moves customer `id` to `plan`, inside the caller's transaction. When
 * the plan changes, the billing period closes at `now` first (see
 * billing_bill_customer()), so that days and callbacks are billed under
 * the plan they happened in. `bill` receives the invoice, if one was
 * made.
 * Sets `*changed` to 0 when the customer already had `plan`. Returns 1
 * when done, 0 when there is no such customer, -1 on error.
 */
int customer_change_plan(sqlite3 *db, int64_t id, const char *plan,
    int64_t now, int *changed, struct billing_result *bill,
    struct error *error);

#endif
