#!/usr/bin/env bats
# The whole Engine Yard add-on flow against ey-sandbox, the stand-in for
# EY: register, sign up, activate, use, reset credentials, deactivate
# and cancel, with the runner sending what Chronatog owes EY.

load helpers

setup_file() {
	start_chronatog
	echo "export SANDBOX_DB=$DATA/ey-sandbox.db" > "$BATS_FILE_TMPDIR/state"
}

teardown_file() {
	stop_receivers
	stop_chronatog
}

setup() {
	. "$BATS_FILE_TMPDIR/state"
}

sandbox() {
	"$build/bin/ey-sandbox" --db "$SANDBOX_DB" "$@"
}

# Keeps NAME=VALUE for the later tests of this file.
remember() {
	echo "export $1=$(printf '%q' "$2")" >> "$BATS_FILE_TMPDIR/state"
}

@test "partner saves credentials and registers" {
	eval "$(sandbox init --url "$BASE/ey")"
	run "$admin" save-creds "$auth_id" "$auth_key"
	[ "$status" -eq 0 ]
	run "$admin" list-services "$registration_url"
	[ "$status" -eq 0 ]
	[ "$(jq length <<< "$output")" = 0 ]
	run "$admin" register-service "$registration_url"
	[ "$status" -eq 0 ]
	[[ "$output" == "service_url=$registration_url/"* ]]
	service=$(sandbox services)
	[ "$(jq -r .name <<< "$service")" = Chronatog ]
	[ "$(jq -r .service_accounts_url <<< "$service")" = \
	    "$BASE/eyintegration/api/1/customers" ]
	[ "$(jq -r '.vars | join(",")' <<< "$service")" = \
	    service_url,auth_username,auth_password,webhook_secret ]
}

@test "update-service sends the description again" {
	run "$admin" update-service
	[ "$status" -eq 0 ]
	run sandbox requests --path-contains /services/
	[[ "$(tail -1 <<< "$output" | jq -r .method)" == PUT ]]
}

@test "customer signs up" {
	run sandbox enable --name acme
	[ "$status" -eq 0 ]
	eval "$output"
	[ "$status" = 201 ]
	[ "$message_subject" = "Thanks for signing up for Chronatog!" ]
	remember ACCOUNT "$account_id"
	remember CUSTOMER_ID "${service_account_url##*/}"
}

@test "customer activates on an app environment" {
	run sandbox provision --account "$ACCOUNT" --app shop --env production
	[ "$status" -eq 0 ]
	eval "$output"
	[ "$status" = 201 ]
	[ "$service_url" = "$BASE/chronatogapi/1/jobs" ]
	remember PROVISIONED "$provisioned_id"
	remember USERNAME "$auth_username"
	remember PASSWORD "$auth_password"
	remember SCHEDULER_ID "${url##*/}"
}

@test "app uses the service and callbacks fire" {
	start_receiver 204
	new_job "$RECEIVER/tick" '0 0 1 1 *'
	remember JOB_ID "$JOB_ID"
	"$runner" --once --at "$JOB_NEXT"
	[ "$(wc -l < "$RECEIVED")" = 1 ]
	run sql "SELECT usage_count FROM schedulers WHERE id = $SCHEDULER_ID"
	[ "$output" = 1 ]
	# The runner also told EY that the app is in use.
	run sandbox messages --provisioned "$PROVISIONED"
	[[ "$output" == *"1 job scheduled in Chronatog"* ]]
}

@test "reset-auth replaces the credentials on EY" {
	run "$admin" reset-auth "$SCHEDULER_ID"
	[ "$status" -eq 0 ]
	new_username=$(sed -n 's/^auth_username=//p' <<< "$output")
	new_password=$(sed -n 's/^auth_password=//p' <<< "$output")
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 401 ]
	USERNAME=$new_username PASSWORD=$new_password api GET /chronatogapi/1/jobs
	[ "$STATUS" = 200 ]
	"$runner" --once
	vars=$(sandbox vars --provisioned "$PROVISIONED")
	[ "$(jq -r .auth_username <<< "$vars")" = "$new_username" ]
	[ "$(jq -r .auth_password <<< "$vars")" = "$new_password" ]
	remember USERNAME "$new_username"
	remember PASSWORD "$new_password"
}

@test "deactivation stops the jobs" {
	run sandbox deprovision --provisioned "$PROVISIONED"
	[ "$status" -eq 0 ]
	[[ "$output" == *"status=200"* ]]
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 401 ]
	run sql "SELECT enabled FROM jobs WHERE id = $JOB_ID"
	[ "$output" = 0 ]
}

@test "cancellation sends the final invoice" {
	sql "UPDATE customers SET plan = 'awesome',
	    created_at = strftime('%s', 'now') - 86400 - 60
	    WHERE id = $CUSTOMER_ID"
	run sandbox cancel --account "$ACCOUNT"
	[ "$status" -eq 0 ]
	[[ "$output" == *"status=200"* ]]
	"$runner" --once
	invoice=$(sandbox invoices --account "$ACCOUNT")
	[ "$(jq -r .total_amount_cents <<< "$invoice")" = 7 ]
	today=$(date -u +%Y/%m/%d)
	yesterday=$(date -u -d '-1 day -60 seconds' +%Y/%m/%d)
	[ "$(jq -r .line_item_description <<< "$invoice")" = \
	    "For service from $yesterday to $today includes 1 schedulers and 1 jobs run." ]
	run sql "SELECT sent_at IS NOT NULL FROM outbox WHERE kind = 'invoice'"
	[ "$output" = 1 ]
}

@test "rejected invoice is kept for the operator" {
	sql "INSERT INTO outbox (kind, method, url, body, next_attempt_at,
	    created_at) VALUES ('invoice', 'POST',
	    '$BASE/ey/api/1/partners/1/services/1/service_accounts/$ACCOUNT/invoices',
	    '{\"invoice\": {\"total_amount_cents\": -1,
	    \"line_item_description\": \"x\"}}', 0, 0)"
	"$runner" --once 2> "$BATS_TEST_TMPDIR/log"
	run sql "SELECT failed IS NOT NULL, last_error FROM outbox_problems"
	echo "$output"
	[[ "$output" == "1|"*"HTTP 400"* ]]
	grep -q 'outbox' "$BATS_TEST_TMPDIR/log"
}

@test "deregister-service removes the registration" {
	run "$admin" deregister-service
	[ "$status" -eq 0 ]
	[ -z "$(sandbox services)" ]
	run "$admin" deregister-service
	[ "$status" -eq 1 ]
	[[ "$output" == *"no service is registered"* ]]
}

@test "sent vars keep no password" {
	run sql "SELECT count(*) FROM outbox WHERE kind = 'vars'
	    AND body LIKE '%auth_password%'"
	[ "$output" = 0 ]
	run sql "SELECT count(*) FROM outbox WHERE kind = 'vars'"
	[ "$output" = 1 ]
}
