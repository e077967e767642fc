#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "billing.h"
#include "db.h"
#include "outbox.h"

/* A customer's plan, billing period and usage. */
struct account {
	int awesome;
	int64_t period_start;
	char invoices_url[4096];	/* "" for a standalone customer */
	int schedulers;
	int64_t jobs_run;
};

static int
read_account(sqlite3 *db, int64_t customer_id, struct account *account,
    struct error *error)
{
	sqlite3_stmt *statement;
	const unsigned char *url;
	int rc;

	memset(account, 0, sizeof(*account));
	if (db_prepare(db, "SELECT plan = 'awesome', "
	    "coalesce(last_billed_at, created_at), invoices_url, "
	    "(SELECT count(*) FROM schedulers WHERE customer_id = ?1), "
	    "(SELECT coalesce(sum(usage_count), 0) FROM schedulers "
	    "WHERE customer_id = ?1) FROM customers WHERE id = ?1",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		account->awesome = sqlite3_column_int(statement, 0);
		account->period_start = sqlite3_column_int64(statement, 1);
		url = sqlite3_column_text(statement, 2);
		snprintf(account->invoices_url, sizeof(account->invoices_url),
		    "%s", url != NULL ? (const char *)url : "");
		account->schedulers = sqlite3_column_int(statement, 3);
		account->jobs_run = sqlite3_column_int64(statement, 4);
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, error, "cannot read the customer");
	return rc == SQLITE_ROW;
}

/* Writes "2012/08/21" for `seconds` in UTC. */
static void
format_day(int64_t seconds, char out[16])
{
	time_t t = (time_t)seconds;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y/%m/%d", &tm);
}

/* Starts the next period at `period_end` with zeroed counters. */
static int
close_period(sqlite3 *db, int64_t customer_id, int64_t period_end,
    struct error *error)
{
	sqlite3_stmt *statement;

	if (db_prepare(db, "UPDATE customers SET last_billed_at = ? "
	    "WHERE id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, period_end);
	sqlite3_bind_int64(statement, 2, customer_id);
	if (db_run(db, statement, error) < 0)
		return -1;

	if (db_prepare(db, "UPDATE schedulers SET usage_count = 0 "
	    "WHERE customer_id = ?", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);
	return db_run(db, statement, error);
}

/* Queues the invoice and records it in the invoices table. */
static int
record_invoice(sqlite3 *db, int64_t customer_id,
    const struct account *account, int64_t now,
    const struct billing_result *result, struct error *error)
{
	json_object *body, *invoice;
	sqlite3_stmt *statement;
	int64_t outbox_id = 0;
	int rc = 0;

	if (account->invoices_url[0] != '\0') {
		invoice = json_object_new_object();
		json_object_object_add(invoice, "total_amount_cents",
		    json_object_new_int64(result->total_amount_cents));
		json_object_object_add(invoice, "line_item_description",
		    json_object_new_string(result->description));
		json_object_object_add(invoice, "unique_id",
		    json_object_new_string(result->unique_id));
		body = json_object_new_object();
		json_object_object_add(body, "invoice", invoice);
		rc = outbox_add(db, "invoice", "POST", account->invoices_url,
		    body, customer_id, now, &outbox_id, error);
		json_object_put(body);
		if (rc < 0)
			return -1;
	}

	if (db_prepare(db, "INSERT INTO invoices (customer_id, unique_id, "
	    "total_amount_cents, line_item_description, period_start, "
	    "period_end, schedulers, jobs_run, outbox_id, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);
	sqlite3_bind_text(statement, 2, result->unique_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, result->total_amount_cents);
	sqlite3_bind_text(statement, 4, result->description, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(statement, 5, account->period_start);
	sqlite3_bind_int64(statement, 6, now);
	sqlite3_bind_int(statement, 7, account->schedulers);
	sqlite3_bind_int64(statement, 8, account->jobs_run);
	if (outbox_id != 0)
		sqlite3_bind_int64(statement, 9, outbox_id);
	sqlite3_bind_int64(statement, 10, now);
	return db_run(db, statement, error);
}

int
billing_bill_customer(sqlite3 *db, int64_t customer_id, int64_t now,
    struct billing_result *result, struct error *error)
{
	struct account account;
	char from[16], to[16];
	int64_t days;
	int found;

	memset(result, 0, sizeof(*result));
	found = read_account(db, customer_id, &account, error);
	if (found <= 0)
		return found;

	days = now > account.period_start ?
	    (now - account.period_start) / 86400 : 0;
	if (!account.awesome)
		return close_period(db, customer_id, now, error) < 0 ? -1 : 1;

	result->total_amount_cents = days * BILLING_CENTS_PER_DAY +
	    account.jobs_run * BILLING_CENTS_PER_CALLBACK;
	if (result->total_amount_cents == 0)
		return 1;

	format_day(account.period_start, from);
	format_day(now, to);
	snprintf(result->description, sizeof(result->description),
	    "For service from %s to %s includes %d schedulers and %lld jobs "
	    "run.", from, to, account.schedulers,
	    (long long)account.jobs_run);
	snprintf(result->unique_id, sizeof(result->unique_id),
	    "chronatog-%lld-%lld-%lld", (long long)customer_id,
	    (long long)account.period_start, (long long)now);
	result->invoiced = 1;

	if (record_invoice(db, customer_id, &account, now, result,
	    error) < 0)
		return -1;
	/* Part days carry over to the next period. */
	return close_period(db, customer_id,
	    account.period_start + days * 86400, error) < 0 ? -1 : 1;
}

/* Reads every customer id into a malloc'ed array; returns the count. */
static int
read_customer_ids(sqlite3 *db, int64_t **ids, struct error *error)
{
	sqlite3_stmt *statement;
	int64_t *grown;
	int count = 0, rc;

	*ids = NULL;
	if (db_prepare(db, "SELECT id FROM customers ORDER BY id", &statement,
	    error) < 0)
		return -1;
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		grown = realloc(*ids, (size_t)(count + 1) * sizeof(**ids));
		if (grown == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		*ids = grown;
		(*ids)[count++] = sqlite3_column_int64(statement, 0);
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		return db_error(db, error, "cannot list customers");
	}
	return count;
}

int
billing_bill_all(sqlite3 *db, int64_t now, int *invoices,
    struct error *error)
{
	struct billing_result result;
	int64_t *ids;
	int count, i, billed = 0;

	*invoices = 0;
	if ((count = read_customer_ids(db, &ids, error)) < 0)
		return -1;
	for (i = 0; i < count; i++) {
		if (db_begin(db, error) < 0 ||
		    billing_bill_customer(db, ids[i], now, &result,
		    error) < 0 || db_commit(db, error) < 0) {
			db_rollback(db);
			free(ids);
			return -1;
		}
		billed++;
		*invoices += result.invoiced;
	}
	free(ids);
	return billed;
}
