/*
 * Billing. A customer on the "awesome" plan pays 2 cents for every whole
 * day of the billing period and 5 cents for every callback fired by its
 * schedulers in it. The "freemium" plan is never billed. An invoice is
 * queued in the outbox in the same transaction that starts the next
 * period and zeroes the usage counters, so usage is never lost, because
 * a send that fails is retried with the same unique_id until EY takes
 * it.
 */
#ifndef CHRONATOG_BILLING_H
#define CHRONATOG_BILLING_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

#define BILLING_CENTS_PER_DAY 2
#define BILLING_CENTS_PER_CALLBACK 5

struct billing_result {
	int invoiced;			/* 1 when an invoice was made */
	int64_t total_amount_cents;
	char description[256];
	char unique_id[96];
};

/*
 * Closes the billing period of customer `customer_id` at `now`, inside
 * the caller's transaction. For an "awesome" customer with a total above
 * zero, it records an invoice for the period from last_billed_at (or
 * sign-up) to `now` and queues it to the customer's invoices_url, if
 * any. Then it advances last_billed_at by the whole days billed and
 * zeroes the usage counters. A "freemium" customer's period closes without an
 * invoice. Returns 1 when the customer exists, 0 when not, -1 on error.
 */
int billing_bill_customer(sqlite3 *db, int64_t customer_id, int64_t now,
    struct billing_result *result, struct error *error);

/*
 * Bills every customer at `now`, each in its own transaction. Stores the
 * number of invoices made in `*invoices` and returns the number of
 * customers billed, or -1 on the first error.
 */
int billing_bill_all(sqlite3 *db, int64_t now, int *invoices,
    struct error *error);

#endif
