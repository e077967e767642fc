#!/usr/bin/env bats
# The API Engine Yard calls, signed with AuthHMAC, through lighttpd.

load helpers

AUTH_ID=partner-id
AUTH_KEY=partner-secret-key

setup_file() {
	start_chronatog
	"$admin" save-creds "$AUTH_ID" "$AUTH_KEY" > /dev/null
}

teardown_file() {
	stop_receivers
	stop_chronatog
}

# Calls the EY API: ey_call METHOD PATH [BODY]. KEY, DATE and SIGN_PATH
# override the key, the Date header and the path that is signed. Sets
# STATUS, BODY_FILE and HEADERS_FILE like api().
ey_call() {
	local method=$1 path=$2 data=${3-} type=
	local date=${DATE:-$(date -u '+%a, %d %b %Y %H:%M:%S GMT')}
	[ $# -ge 3 ] && type=application/json
	local authorization
	authorization=$("$build/t/signature_test" authhmac-sign "$AUTH_ID" \
	    "${KEY:-$AUTH_KEY}" "$method" "$type" "$data" "$date" \
	    "${SIGN_PATH:-$path}")
	BODY_FILE=$BATS_TEST_TMPDIR/body
	HEADERS_FILE=$BATS_TEST_TMPDIR/headers
	local args=(-sS -X "$method" -o "$BODY_FILE" -D "$HEADERS_FILE"
	    -w '%{http_code}' -H "Date: $date"
	    -H "Authorization: $authorization")
	[ $# -ge 3 ] && args+=(-H "Content-Type: $type" --data-binary "$data")
	STATUS=$(curl "${args[@]}" "$BASE$path")
}

account_body() {
	cat <<JSON
{"id": ${1:-85}, "name": "some-account",
 "url": "https://ey.example/api/1/partners/80/services/81/service_accounts/${1:-85}",
 "messages_url": "https://ey.example/api/1/partners/80/services/81/service_accounts/${1:-85}/messages",
 "invoices_url": "https://ey.example/api/1/partners/80/services/81/service_accounts/${1:-85}/invoices"}
JSON
}

provision_body() {
	cat <<JSON
{"url": "https://ey.example/api/1/service_accounts/104/provisioned_service/${1:-109}",
 "messages_url": "https://ey.example/api/1/service_accounts/104/provisioned_service/${1:-109}/messages",
 "app": {"id": 106, "name": "myapp"},
 "environment": {"id": 107, "name": "myenv", "framework_env": "production",
                 "aws_region": "us-east-1"}}
JSON
}

# Signs up account $1 and sets CUSTOMER_URL and CUSTOMER_ID.
sign_up() {
	ey_call POST /eyintegration/api/1/customers "$(account_body "$1")"
	[ "$STATUS" = 201 ] || { cat "$BODY_FILE"; return 1; }
	CUSTOMER_URL=$(jq -r .service_account.url "$BODY_FILE")
	CUSTOMER_ID=${CUSTOMER_URL##*/}
}

@test "sign-up answers 201 with the service account" {
	sign_up 85
	[ "$CUSTOMER_URL" = "$BASE/eyintegration/api/1/customers/$CUSTOMER_ID" ]
	[ "$(header Location)" = "$CUSTOMER_URL" ]
	[ "$(jq -r .service_account.configuration_required "$BODY_FILE")" = false ]
	[ "$(jq -r .service_account.configuration_url "$BODY_FILE")" = \
	    "$BASE/eyintegration/sso/customers/$CUSTOMER_ID" ]
	[ "$(jq -r .service_account.provisioned_services_url "$BODY_FILE")" = \
	    "$CUSTOMER_URL/schedulers" ]
	[ "$(jq -r .service_account.users_url "$BODY_FILE")" = null ]
	[ "$(jq -r .message.message_type "$BODY_FILE")" = status ]
	[ "$(jq -r .message.subject "$BODY_FILE")" = \
	    "Thanks for signing up for Chronatog!" ]
	run sql "SELECT name, ey_account_id FROM customers
	    WHERE id = $CUSTOMER_ID"
	[ "$output" = "some-account|85" ]
}

@test "repeated sign-up returns the same customer" {
	sign_up 86
	first=$CUSTOMER_ID
	sign_up 86
	[ "$CUSTOMER_ID" = "$first" ]
}

@test "activation answers 201 with working vars" {
	sign_up 87
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    "$(provision_body)"
	[ "$STATUS" = 201 ]
	url=$(jq -r .provisioned_service.url "$BODY_FILE")
	[[ "$url" == "$CUSTOMER_URL/schedulers/"* ]]
	[ "$(header Location)" = "$url" ]
	[ "$(jq -r .provisioned_service.configuration_required "$BODY_FILE")" = false ]
	[ "$(jq -r .provisioned_service.configuration_url "$BODY_FILE")" = \
	    "$BASE/eyintegration/sso/customers/$CUSTOMER_ID/schedulers/${url##*/}" ]
	[ "$(jq -r .message.subject "$BODY_FILE")" = \
	    "Your scheduler has been created and is ready for use!" ]
	vars=$(jq -c .provisioned_service.vars "$BODY_FILE")
	[ "$(jq -r .service_url <<< "$vars")" = "$BASE/chronatogapi/1/jobs" ]
	[[ "$(jq -r .auth_username <<< "$vars")" =~ ^U[0-9a-f]{14}$ ]]
	[[ "$(jq -r .auth_password <<< "$vars")" =~ ^P[0-9a-f]{26}$ ]]
	[[ "$(jq -r .webhook_secret <<< "$vars")" == whsec_* ]]

	USERNAME=$(jq -r .auth_username <<< "$vars")
	PASSWORD=$(jq -r .auth_password <<< "$vars")
	api POST /chronatogapi/1/jobs \
	    '{"callback_url": "http://e.local/cb", "schedule": "@daily"}'
	[ "$STATUS" = 201 ]
	run sql "SELECT app_name, environment_name FROM schedulers
	    WHERE auth_username = '$USERNAME'"
	[ "$output" = "myapp|myenv" ]
}

@test "deactivation stops jobs and credentials" {
	sign_up 88
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    "$(provision_body 110)"
	url=$(jq -r .provisioned_service.url "$BODY_FILE")
	USERNAME=$(jq -r .provisioned_service.vars.auth_username "$BODY_FILE")
	PASSWORD=$(jq -r .provisioned_service.vars.auth_password "$BODY_FILE")
	new_job http://e.local/cb '@daily'
	ey_call DELETE "${url#"$BASE"}"
	[ "$STATUS" = 200 ]
	[ "$(cat "$BODY_FILE")" = "{}" ]
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 401 ]
	run sql "SELECT enabled FROM jobs WHERE id = $JOB_ID"
	[ "$output" = 0 ]
	ey_call DELETE "${url#"$BASE"}"
	[ "$STATUS" = 200 ]
}

@test "cancellation queues the final invoice" {
	sign_up 89
	sql "UPDATE customers SET plan = 'awesome',
	    created_at = strftime('%s', 'now') - 86400 - 60
	    WHERE id = $CUSTOMER_ID"
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    "$(provision_body 111)"
	sql "UPDATE schedulers SET usage_count = 5
	    WHERE customer_id = $CUSTOMER_ID"
	ey_call DELETE "/eyintegration/api/1/customers/$CUSTOMER_ID"
	[ "$STATUS" = 200 ]
	[ "$(cat "$BODY_FILE")" = "{}" ]
	run sql "SELECT count(*) FROM customers WHERE id = $CUSTOMER_ID"
	[ "$output" = 0 ]
	run sql "SELECT count(*) FROM schedulers WHERE customer_id = $CUSTOMER_ID"
	[ "$output" = 0 ]
	body=$(sql "SELECT body FROM outbox WHERE customer_id = $CUSTOMER_ID
	    AND kind = 'invoice'")
	[ "$(jq -r .invoice.total_amount_cents <<< "$body")" = 27 ]
	[[ "$(jq -r .invoice.line_item_description <<< "$body")" == *"includes 1 schedulers and 5 jobs run." ]]
	run sql "SELECT url FROM outbox WHERE customer_id = $CUSTOMER_ID"
	[ "$output" = "https://ey.example/api/1/partners/80/services/81/service_accounts/89/invoices" ]
}

@test "unknown customer answers 404" {
	ey_call DELETE /eyintegration/api/1/customers/999999
	[ "$STATUS" = 404 ]
	ey_call POST /eyintegration/api/1/customers/999999/schedulers \
	    "$(provision_body)"
	[ "$STATUS" = 404 ]
	ey_call DELETE /eyintegration/api/1/customers/999999/schedulers/1
	[ "$STATUS" = 404 ]
}

@test "another customer's scheduler answers 404" {
	sign_up 90
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    "$(provision_body 112)"
	scheduler=$(jq -r .provisioned_service.url "$BODY_FILE")
	scheduler=${scheduler##*/}
	sign_up 91
	ey_call DELETE \
	    "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers/$scheduler"
	[ "$STATUS" = 404 ]
	run sql "SELECT decommissioned_at IS NULL FROM schedulers
	    WHERE id = $scheduler"
	[ "$output" = 1 ]
}

# Each row: a sign-up body and part of the message it must get.
@test "malformed sign-ups answer 400" {
	while IFS='|' read -r body message; do
		ey_call POST /eyintegration/api/1/customers "$body"
		echo "$body -> $STATUS $(cat "$BODY_FILE")"
		[ "$STATUS" = 400 ]
		jq -e --arg m "$message" \
		    '.error_messages | map(select(contains($m))) | length > 0' \
		    "$BODY_FILE"
	done <<'ROWS'
{}|id must be a positive integer
{"id": "85", "name": "a", "url": "http://e/a", "messages_url": "http://e/m", "invoices_url": "http://e/i"}|id must be a positive integer
{"id": 85, "name": "", "url": "http://e/a", "messages_url": "http://e/m", "invoices_url": "http://e/i"}|name must be a non-empty string
{"id": 85, "name": "a", "url": "ftp://e/a", "messages_url": "http://e/m", "invoices_url": "http://e/i"}|url must use http or https
{"id": 85, "name": "a", "url": "http://e/a", "messages_url": 3, "invoices_url": "http://e/i"}|messages_url must be a non-empty string
{"id": 85, "name": "a", "url": "http://e/a", "messages_url": "http://e/m"}|invoices_url must be a non-empty string
[]|must be a JSON object
{"id": |not valid JSON
ROWS
	run sql "SELECT count(*) FROM customers WHERE name = 'a'"
	[ "$output" = 0 ]
}

@test "malformed activation answers 400" {
	sign_up 92
	for body in '{}' '{"url": "http://e/p", "messages_url": "http://e/m"}' \
	    '{"url": "http://e/p", "messages_url": "http://e/m", "app": {"name": "a"}, "environment": []}'; do
		ey_call POST \
		    "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" "$body"
		echo "$body -> $STATUS"
		[ "$STATUS" = 400 ]
	done
	run sql "SELECT count(*) FROM schedulers WHERE customer_id = $CUSTOMER_ID"
	[ "$output" = 0 ]
}

@test "unsigned request answers 401" {
	run curl -sS -w '\n%{http_code}' -X DELETE \
	    "$BASE/eyintegration/api/1/customers/1"
	[ "${lines[-1]}" = 401 ]
	[[ "${lines[0]}" == "Authentication failure: "* ]]
}

@test "wrong key answers 401" {
	KEY=not-the-key ey_call POST /eyintegration/api/1/customers \
	    "$(account_body 93)"
	[ "$STATUS" = 401 ]
	[[ "$(cat "$BODY_FILE")" == "Authentication failure: "* ]]
	run sql "SELECT count(*) FROM customers WHERE ey_account_id = 93"
	[ "$output" = 0 ]
}

@test "tampered body answers 401" {
	date=$(date -u '+%a, %d %b %Y %H:%M:%S GMT')
	signed=$(account_body 94)
	authorization=$("$build/t/signature_test" authhmac-sign "$AUTH_ID" \
	    "$AUTH_KEY" POST application/json "$signed" "$date" \
	    /eyintegration/api/1/customers)
	run curl -sS -o /dev/null -w '%{http_code}' -X POST \
	    -H "Date: $date" -H "Authorization: $authorization" \
	    -H 'Content-Type: application/json' \
	    --data-binary "${signed/some-account/evil-account}" \
	    "$BASE/eyintegration/api/1/customers"
	[ "$output" = 401 ]
}

@test "tampered path answers 401" {
	sign_up 95
	SIGN_PATH=/eyintegration/api/1/customers/999 ey_call DELETE \
	    "/eyintegration/api/1/customers/$CUSTOMER_ID"
	[ "$STATUS" = 401 ]
	run sql "SELECT count(*) FROM customers WHERE id = $CUSTOMER_ID"
	[ "$output" = 1 ]
}

@test "stale Date answers 401" {
	DATE=$(date -u -d '20 minutes ago' '+%a, %d %b %Y %H:%M:%S GMT') \
	    ey_call POST /eyintegration/api/1/customers "$(account_body 96)"
	[ "$STATUS" = 401 ]
	[[ "$(cat "$BODY_FILE")" == *"seconds off"* ]]
}

@test "wrong method answers 405" {
	ey_call GET /eyintegration/api/1/customers
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = POST ]
}

@test "save-creds rejects malformed credentials" {
	run "$admin" save-creds 'has space' key
	[ "$status" -eq 1 ]
	run "$admin" save-creds id
	[ "$status" -eq 2 ]
}

# Activates a scheduler for customer $CUSTOMER_ID whose EY URLs point at
# a closed local port, and sets USERNAME, PASSWORD and SCHEDULER_ID.
activate_local() {
	local ey=http://127.0.0.1:9/api/1/service_accounts/1/provisioned_service/$1
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    "{\"url\": \"$ey\", \"messages_url\": \"$ey/messages\",
	    \"app\": {\"name\": \"app\"}, \"environment\": {\"name\": \"env\"}}"
	[ "$STATUS" = 201 ] || return 1
	USERNAME=$(jq -r .provisioned_service.vars.auth_username "$BODY_FILE")
	PASSWORD=$(jq -r .provisioned_service.vars.auth_password "$BODY_FILE")
	SCHEDULER_ID=$(jq -r .provisioned_service.url "$BODY_FILE")
	SCHEDULER_ID=${SCHEDULER_ID##*/}
}

# Prints the subjects of the messages queued for scheduler URL part $1.
queued_subjects() {
	sql "SELECT body FROM outbox WHERE kind = 'message'
	    AND url LIKE '%/provisioned_service/$1/messages' ORDER BY id" |
	    jq -r .message.subject
}

@test "first use and job changes send status messages" {
	sign_up 97
	activate_local 201
	api GET /chronatogapi/1/jobs
	run sql "SELECT first_used_at IS NOT NULL, usage_message_pending
	    FROM schedulers WHERE id = $SCHEDULER_ID"
	[ "$output" = "1|1" ]
	"$runner" --once
	[ "$(queued_subjects 201)" = "0 jobs scheduled in Chronatog" ]

	new_job http://e.local/a '@daily'
	new_job http://e.local/b '@daily'
	"$runner" --once
	# At most one message a minute: the changes wait.
	[ "$(queued_subjects 201 | wc -l)" = 1 ]
	"$runner" --once --at "$(date -u -d '+61 seconds' +%Y-%m-%dT%H:%M:%SZ)"
	[ "$(queued_subjects 201 | tail -1)" = "2 jobs scheduled in Chronatog" ]
	run sql "SELECT count(*) FROM outbox WHERE url LIKE '%/201/messages'"
	[ "$output" = 2 ]
}

@test "unreachable EY leaves the message queued" {
	sign_up 98
	activate_local 202
	api GET /chronatogapi/1/jobs
	"$runner" --once
	run sql "SELECT attempts, sent_at IS NULL, failed_at IS NULL,
	    last_error IS NOT NULL FROM outbox WHERE url LIKE '%/202/messages'"
	[ "$output" = "1|1|1|1" ]
}

@test "eleventh job on the free plan sends one notification" {
	sign_up 99
	sql "UPDATE customers SET messages_url = 'http://127.0.0.1:9/m99'
	    WHERE id = $CUSTOMER_ID"
	activate_local 203
	for i in $(seq 12); do
		new_job "http://e.local/$i" '@daily'
	done
	run sql "SELECT count(*) FROM jobs WHERE scheduler_id = $SCHEDULER_ID"
	[ "$output" = 12 ]
	subjects=$(sql "SELECT body FROM outbox WHERE url =
	    'http://127.0.0.1:9/m99'" | jq -r .message.message_type)
	[ "$subjects" = notification ]
	api DELETE "/chronatogapi/1/jobs/$JOB_ID"
	api DELETE "/chronatogapi/1/jobs/$((JOB_ID - 1))"
	new_job http://e.local/again '@daily'
	run sql "SELECT count(*) FROM outbox WHERE url = 'http://127.0.0.1:9/m99'"
	[ "$output" = 2 ]
}

@test "awesome customers get no upgrade notice" {
	sign_up 100
	sql "UPDATE customers SET plan = 'awesome',
	    messages_url = 'http://127.0.0.1:9/m100' WHERE id = $CUSTOMER_ID"
	activate_local 204
	for i in $(seq 11); do
		new_job "http://e.local/$i" '@daily'
	done
	run sql "SELECT count(*) FROM outbox WHERE url = 'http://127.0.0.1:9/m100'"
	[ "$output" = 0 ]
}

@test "disabled job raises an alert to EY" {
	sign_up 101
	activate_local 205
	start_receiver 400
	new_job "$RECEIVER/broken" '0 0 1 1 *'
	config=$BATS_TEST_TMPDIR/strict.conf
	printf 'db = %s\nallow_private_callbacks = yes\ndisable_after_failures = 1\n' \
	    "$DB" > "$config"
	"$runner" --config "$config" --once --at "$JOB_NEXT" 2> /dev/null
	run sql "SELECT enabled FROM jobs WHERE id = $JOB_ID"
	[ "$output" = 0 ]
	alert=$(sql "SELECT body FROM outbox WHERE url LIKE '%/205/messages'
	    AND body LIKE '%alert%'")
	[ "$(jq -r .message.message_type <<< "$alert")" = alert ]
	[[ "$(jq -r .message.subject <<< "$alert")" == *"disabled job $JOB_ID"* ]]
}

@test "repeated sign-up by account id returns the same customer" {
	sign_up 102
	first=$CUSTOMER_ID
	body=$(account_body 102 | sed 's|service_accounts/102"|service_accounts/102-moved"|')
	ey_call POST /eyintegration/api/1/customers "$body"
	[ "$STATUS" = 201 ]
	url=$(jq -r .service_account.url "$BODY_FILE")
	[ "${url##*/}" = "$first" ]
}

@test "system scheduler credentials cannot be reset" {
	run "$admin" reset-auth 1
	[ "$status" -eq 1 ]
	[[ "$output" == *"no scheduler 1 in service"* ]]
}

@test "newlines in names do not forge log lines" {
	sign_up 103
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    '{"url": "http://127.0.0.1:9/p/206", "messages_url": "http://127.0.0.1:9/p/206/m",
	    "app": {"name": "a\nFORGED LINE"}, "environment": {"name": "e"}}'
	[ "$STATUS" = 201 ]
	run grep -c '^FORGED LINE' "$DATA/lighttpd-error.log"
	[ "$output" = 0 ]
}

@test "repeated activation keeps one scheduler" {
	sign_up 104
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    "$(provision_body 120)"
	first=$(jq -r .provisioned_service.url "$BODY_FILE")
	old_password=$(jq -r .provisioned_service.vars.auth_password "$BODY_FILE")
	ey_call POST "/eyintegration/api/1/customers/$CUSTOMER_ID/schedulers" \
	    "$(provision_body 120)"
	[ "$STATUS" = 201 ]
	[ "$(jq -r .provisioned_service.url "$BODY_FILE")" = "$first" ]
	USERNAME=$(jq -r .provisioned_service.vars.auth_username "$BODY_FILE")
	PASSWORD=$(jq -r .provisioned_service.vars.auth_password "$BODY_FILE")
	[ "$PASSWORD" != "$old_password" ]
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 200 ]
	run sql "SELECT count(*) FROM schedulers WHERE customer_id = $CUSTOMER_ID"
	[ "$output" = 1 ]
}
