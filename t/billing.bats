#!/usr/bin/env bats
# Billing: 2 cents a whole day and 5 cents a callback for customers on
# the awesome plan, invoices queued with the period they close.

load helpers

setup() {
	export CHRONATOG_CONFIG=/dev/null
	export DB=$BATS_TEST_TMPDIR/billing.db
	"$admin" --db "$DB" migrate > /dev/null
	"$admin" --db "$DB" create-scheduler --name acme > /dev/null
	now=$(date -u +%s)
	id=$(sql "SELECT id FROM customers WHERE name = 'acme'")
}

day() {
	date -u -d "@$1" +%Y/%m/%d
}

@test "one day and five callbacks bill 27 cents" {
	signed_up=$((now - 86400 - 100))
	sql "UPDATE customers SET plan = 'awesome', created_at = $signed_up
	    WHERE id = $id; UPDATE schedulers SET usage_count = 5
	    WHERE customer_id = $id"
	run "$admin" --db "$DB" bill --customer "$id"
	[ "$status" -eq 0 ]
	description="For service from $(day "$signed_up") to $(day "$now") includes 1 schedulers and 5 jobs run."
	[ "$output" = "customer $id: 27 cents: $description" ]
	run sql "SELECT total_amount_cents, line_item_description, jobs_run
	    FROM invoices"
	[ "$output" = "27|$description|5" ]
}

@test "billing starts the next period" {
	signed_up=$((now - 86400 - 100))
	sql "UPDATE customers SET plan = 'awesome', created_at = $signed_up
	    WHERE id = $id; UPDATE schedulers SET usage_count = 5
	    WHERE customer_id = $id"
	"$admin" --db "$DB" bill --customer "$id"
	run sql "SELECT usage_count FROM schedulers WHERE customer_id = $id"
	[ "$output" = 0 ]
	run sql "SELECT last_billed_at FROM customers WHERE id = $id"
	[ "$output" = $((signed_up + 86400)) ]
	run "$admin" --db "$DB" bill --customer "$id"
	[ "$output" = "customer $id: nothing to bill" ]
}

@test "freemium customers are never billed" {
	sql "UPDATE customers SET created_at = $((now - 10 * 86400))
	    WHERE id = $id; UPDATE schedulers SET usage_count = 40
	    WHERE customer_id = $id"
	run "$admin" --db "$DB" bill
	[[ "$output" == *"customer $id: nothing to bill"* ]]
	run sql "SELECT count(*) FROM invoices"
	[ "$output" = 0 ]
	run sql "SELECT usage_count FROM schedulers WHERE customer_id = $id"
	[ "$output" = 0 ]
}

@test "usage across schedulers adds up" {
	customer=$id
	sql "INSERT INTO schedulers (customer_id, name, auth_username,
	    auth_password_sha256, webhook_secret, created_at, usage_count)
	    VALUES ($customer, 'second', 'Usecond', 'x', 'whsec_x', 0, 3)"
	sql "UPDATE customers SET plan = 'awesome', created_at = $now - 100
	    WHERE id = $id; UPDATE schedulers SET usage_count = usage_count + 1
	    WHERE customer_id = $id"
	run "$admin" --db "$DB" bill --customer "$customer"
	[[ "$output" == "customer $customer: 25 cents: "*"includes 2 schedulers and 5 jobs run." ]]
}

@test "invoice is queued for an EY customer" {
	sql "UPDATE customers SET plan = 'awesome', created_at = $now - 200000,
	    invoices_url = 'https://ey.example/invoices' WHERE id = $id"
	"$admin" --db "$DB" bill --customer "$id"
	run sql "SELECT kind, method, url FROM outbox"
	[ "$output" = "invoice|POST|https://ey.example/invoices" ]
	body=$(sql "SELECT body FROM outbox")
	[ "$(jq -r .invoice.total_amount_cents <<< "$body")" = 4 ]
	unique=$(jq -r .invoice.unique_id <<< "$body")
	[ "$unique" = "$(sql "SELECT unique_id FROM invoices")" ]
}

@test "bill rejects bad arguments" {
	run "$admin" --db "$DB" bill --customer abc
	[ "$status" -eq 2 ]
	run "$admin" --db "$DB" bill --customer 99
	[ "$status" -eq 1 ]
	[[ "$output" == *"no customer 99"* ]]
	run "$admin" --db "$DB" bill extra
	[ "$status" -eq 2 ]
}

@test "monthly billing is a system job" {
	run sql "SELECT id, callback_url, schedule FROM jobs
	    WHERE callback_url LIKE 'chronatog:%'"
	[ "$output" = "1|chronatog:bill|@monthly" ]
	sql "UPDATE customers SET plan = 'awesome',
	    created_at = $now - 3 * 86400 - 10 WHERE id = $id"
	run "$admin" --db "$DB" run-job 1
	[ "$status" -eq 0 ]
	"$runner" --db "$DB" --once
	run sql "SELECT total_amount_cents FROM invoices WHERE customer_id = $id"
	[ "$output" = 6 ]
	run sql "SELECT http_status, response FROM job_runs WHERE job_id = 1"
	[[ "$output" == "200|billed "*" customers, 1 invoices" ]]
	run sql "SELECT next_run_at > $now FROM jobs WHERE id = 1"
	[ "$output" = 1 ]
}

@test "run-job rejects unknown jobs" {
	run "$admin" --db "$DB" run-job 999
	[ "$status" -eq 1 ]
	[[ "$output" == *"no enabled job 999"* ]]
	run "$admin" --db "$DB" run-job x
	[ "$status" -eq 2 ]
}
