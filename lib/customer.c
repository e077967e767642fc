#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "db.h"

/* The condition for customers with an EY service account. */
#define EY_CUSTOMER "ey_url IS NOT NULL"

#define SCHEDULER_COLUMNS "id, customer_id, name, app_name, " \
	"environment_name, (SELECT count(*) FROM jobs " \
	"WHERE jobs.scheduler_id = schedulers.id), created_at"

int
customer_plan_valid(const char *plan)
{
	return plan != NULL && (strcmp(plan, CUSTOMER_PLAN_FREEMIUM) == 0 ||
	    strcmp(plan, CUSTOMER_PLAN_AWESOME) == 0);
}

/*
 * Copies text column `column`, or sets NULL for SQL NULL. Returns 0, or
 * -1 when memory runs out.
 */
static int
copy_text(sqlite3_stmt *row, int column, char **copy)
{
	const char *text = (const char *)sqlite3_column_text(row, column);

	*copy = NULL;
	if (text == NULL)
		return 0;
	*copy = strdup(text);
	return *copy != NULL ? 0 : -1;
}

int
customer_get(sqlite3 *db, int64_t id, struct customer *customer,
    struct error *error)
{
	sqlite3_stmt *statement;
	int rc, result;

	memset(customer, 0, sizeof(*customer));
	if (db_prepare(db, "SELECT id, name, plan, created_at FROM customers "
	    "WHERE id = ? AND " EY_CUSTOMER, &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, id);

	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		customer->id = sqlite3_column_int64(statement, 0);
		customer->created_at = sqlite3_column_int64(statement, 3);
		result = 1;
		if (copy_text(statement, 1, &customer->name) < 0 ||
		    copy_text(statement, 2, &customer->plan) < 0)
			result = error_set(error, "out of memory");
	} else if (rc == SQLITE_DONE)
		result = 0;
	else
		result = db_error(db, error, "cannot read the customer");
	sqlite3_finalize(statement);
	if (result != 1)
		customer_free(customer);
	return result;
}

void
customer_free(struct customer *customer)
{
	free(customer->name);
	free(customer->plan);
	memset(customer, 0, sizeof(*customer));
}

/* Reads a row of SCHEDULER_COLUMNS. Returns 0, or -1 when memory runs
 * out. */
static int
read_scheduler(sqlite3_stmt *row, struct customer_scheduler *scheduler)
{
	memset(scheduler, 0, sizeof(*scheduler));
	scheduler->id = sqlite3_column_int64(row, 0);
	scheduler->customer_id = sqlite3_column_int64(row, 1);
	scheduler->jobs = sqlite3_column_int(row, 5);
	scheduler->created_at = sqlite3_column_int64(row, 6);
	if (copy_text(row, 2, &scheduler->name) < 0 ||
	    copy_text(row, 3, &scheduler->app_name) < 0 ||
	    copy_text(row, 4, &scheduler->environment_name) < 0) {
		customer_scheduler_free(scheduler);
		return -1;
	}
	return 0;
}

int
customer_list_schedulers(sqlite3 *db, int64_t customer_id,
    int (*each)(const struct customer_scheduler *scheduler, void *context),
    void *context, struct error *error)
{
	struct customer_scheduler scheduler;
	sqlite3_stmt *statement;
	int rc, result = 0;

	if (db_prepare(db, "SELECT " SCHEDULER_COLUMNS " FROM schedulers "
	    "WHERE customer_id = ? AND decommissioned_at IS NULL ORDER BY id",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, customer_id);

	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		if (read_scheduler(statement, &scheduler) < 0) {
			result = error_set(error, "out of memory");
			break;
		}
		result = each(&scheduler, context);
		customer_scheduler_free(&scheduler);
		if (result < 0) {
			error_set(error, "listing schedulers was interrupted");
			break;
		}
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = db_error(db, error, "cannot list schedulers");
	sqlite3_finalize(statement);
	return result;
}

int
customer_get_scheduler(sqlite3 *db, int64_t customer_id,
    int64_t scheduler_id, struct customer_scheduler *scheduler,
    struct error *error)
{
	sqlite3_stmt *statement;
	int rc, result;

	memset(scheduler, 0, sizeof(*scheduler));
	if (db_prepare(db, "SELECT " SCHEDULER_COLUMNS " FROM schedulers "
	    "WHERE id = ? AND customer_id = ? AND decommissioned_at IS NULL",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_int64(statement, 1, scheduler_id);
	sqlite3_bind_int64(statement, 2, customer_id);

	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW)
		result = read_scheduler(statement, scheduler) < 0 ?
		    error_set(error, "out of memory") : 1;
	else if (rc == SQLITE_DONE)
		result = 0;
	else
		result = db_error(db, error, "cannot read the scheduler");
	sqlite3_finalize(statement);
	return result;
}

void
customer_scheduler_free(struct customer_scheduler *scheduler)
{
	free(scheduler->name);
	free(scheduler->app_name);
	free(scheduler->environment_name);
	memset(scheduler, 0, sizeof(*scheduler));
}

int
customer_change_plan(sqlite3 *db, int64_t id, const char *plan,
    int64_t now, int *changed, struct billing_result *bill,
    struct error *error)
{
	struct customer customer;
	sqlite3_stmt *statement;
	int found;

	*changed = 0;
	memset(bill, 0, sizeof(*bill));
	if (!customer_plan_valid(plan))
		return error_set(error, "plan must be %s or %s, not '%s'",
		    CUSTOMER_PLAN_FREEMIUM, CUSTOMER_PLAN_AWESOME, plan);
	found = customer_get(db, id, &customer, error);
	if (found <= 0)
		return found;
	*changed = strcmp(customer.plan, plan) != 0;
	customer_free(&customer);
	if (!*changed)
		return 1;

	if (billing_bill_customer(db, id, now, bill, error) < 0)
		return -1;
	if (db_prepare(db, "UPDATE customers SET plan = ? WHERE id = ?",
	    &statement, error) < 0)
		return -1;
	sqlite3_bind_text(statement, 1, plan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 2, id);
	return db_run(db, statement, error) < 0 ? -1 : 1;
}
