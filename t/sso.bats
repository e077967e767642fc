#!/usr/bin/env bats
# The single sign-on pages under /eyintegration/sso, through lighttpd:
# signed links, the session cookie, CSRF tokens, and what a session may
# see and change.

bats_require_minimum_version 1.5.0

load helpers

AUTH_ID=partner-id
AUTH_KEY=partner-secret-key
RETURN_URL=https://ey.example/dashboard

setup_file() {
	# api() and new_job() keep their files here while no test runs.
	local BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR
	start_chronatog
	"$admin" save-creds "$AUTH_ID" "$AUTH_KEY" > /dev/null

	# Customer A with a scheduler and two jobs, customer B with a
	# scheduler and one job.
	sign_up 301 'Acme & Sons'
	provision "$CUSTOMER_ID" 401 shop production
	export A=$CUSTOMER_ID A_SCHEDULER=$SCHEDULER_ID
	USERNAME=$SCHEDULER_USERNAME PASSWORD=$SCHEDULER_PASSWORD
	new_job 'http://e.local/hook?a=1&b=<x>' '*/5 * * * *'
	export A_JOB=$JOB_ID A_USERNAME=$USERNAME A_PASSWORD=$PASSWORD
	new_job http://e.local/second '@daily'
	export A_JOB2=$JOB_ID

	sign_up 302 'Other Company'
	provision "$CUSTOMER_ID" 402 blog staging
	export B=$CUSTOMER_ID B_SCHEDULER=$SCHEDULER_ID
	USERNAME=$SCHEDULER_USERNAME PASSWORD=$SCHEDULER_PASSWORD
	new_job http://e.local/b-hook '@hourly'
	export B_JOB=$JOB_ID
}

teardown_file() {
	stop_receivers
	stop_chronatog
}

setup() {
	JAR=$BATS_TEST_TMPDIR/cookies
	: > "$JAR"
}

# Calls the EY API signed with AuthHMAC: ey_call METHOD PATH BODY.
# Sets STATUS and BODY_FILE.
ey_call() {
	local method=$1 path=$2 data=$3 authorization
	local date
	date=$(date -u '+%a, %d %b %Y %H:%M:%S GMT')
	authorization=$("$build/t/signature_test" authhmac-sign "$AUTH_ID" \
	    "$AUTH_KEY" "$method" application/json "$data" "$date" "$path")
	BODY_FILE=$BATS_FILE_TMPDIR/ey-body
	STATUS=$(curl -sS -X "$method" -o "$BODY_FILE" -w '%{http_code}' \
	    -H "Date: $date" -H "Authorization: $authorization" \
	    -H 'Content-Type: application/json' --data-binary "$data" \
	    "$BASE$path")
}

# Signs up EY account $1 named $2 and sets CUSTOMER_ID.
sign_up() {
	local account=https://ey.example/api/1/service_accounts/$1
	ey_call POST /eyintegration/api/1/customers "{\"id\": $1,
	    \"name\": \"$2\", \"url\": \"$account\",
	    \"messages_url\": \"$account/messages\",
	    \"invoices_url\": \"$account/invoices\"}"
	[ "$STATUS" = 201 ] || { cat "$BODY_FILE"; return 1; }
	CUSTOMER_ID=$(jq -r .service_account.url "$BODY_FILE")
	CUSTOMER_ID=${CUSTOMER_ID##*/}
}

# Activates customer $1 on app $3, environment $4 (EY id $2) and sets
# SCHEDULER_ID, SCHEDULER_USERNAME and SCHEDULER_PASSWORD.
provision() {
	local service=https://ey.example/api/1/provisioned_services/$2
	ey_call POST "/eyintegration/api/1/customers/$1/schedulers" \
	    "{\"url\": \"$service\", \"messages_url\": \"$service/messages\",
	    \"app\": {\"id\": 1, \"name\": \"$3\"},
	    \"environment\": {\"id\": 2, \"name\": \"$4\"}}"
	[ "$STATUS" = 201 ] || { cat "$BODY_FILE"; return 1; }
	SCHEDULER_ID=$(jq -r .provisioned_service.url "$BODY_FILE")
	SCHEDULER_ID=${SCHEDULER_ID##*/}
	SCHEDULER_USERNAME=$(jq -r .provisioned_service.vars.auth_username \
	    "$BODY_FILE")
	SCHEDULER_PASSWORD=$(jq -r .provisioned_service.vars.auth_password \
	    "$BODY_FILE")
}

# Prints the signed link to PATH with EY's parameters; NAME=VALUE
# arguments replace or add parameters, and NAME= drops one.
sso_link() {
	local path=$1 name
	shift
	declare -A parameters=(
		[ey_user_id]=501
		[ey_user_name]='Jane Doe'
		[ey_user_email]=jane@example.com
		[access_level]=owner
		[ey_return_to_url]=$RETURN_URL
		[timestamp]=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
		# A link works once; this makes links signed within the same
		# second distinct, as EY's links are in use.
		[test_link]=$(date +%s%N)
	)
	for argument in "$@"; do
		parameters[${argument%%=*}]=${argument#*=}
	done
	local arguments=()
	for name in "${!parameters[@]}"; do
		[ -n "${parameters[$name]}" ] &&
		    arguments+=("$name=${parameters[$name]}")
	done
	"$build/t/signature_test" sso-sign "$BASE/eyintegration/sso$path" \
	    "$AUTH_ID" "$AUTH_KEY" "${arguments[@]}"
}

# Requests URL with the cookie jar: fetch URL [curl arguments...].
# Sets STATUS, BODY_FILE and HEADERS_FILE.
fetch() {
	local url=$1
	shift
	BODY_FILE=$BATS_TEST_TMPDIR/body
	HEADERS_FILE=$BATS_TEST_TMPDIR/headers
	STATUS=$(curl -sS -b "$JAR" -c "$JAR" -o "$BODY_FILE" \
	    -D "$HEADERS_FILE" -w '%{http_code}' "$@" "$url")
}

# Follows a signed link to PATH (see sso_link), keeping the cookie.
sign_in() {
	local link
	link=$(sso_link "$@") || return 1
	fetch "$link"
}

# Requests PATH below the SSO pages: page PATH [curl arguments...].
page() {
	local path=$1
	shift
	fetch "$BASE/eyintegration/sso$path" "$@"
}

# Prints the CSRF token of the last page fetched.
csrf_token() {
	sed -n 's/.*name="csrf_token" value="\([0-9a-f]*\)".*/\1/p' \
	    "$BODY_FILE" | head -n 1
}

# Prints the value of the session cookie in the jar.
session_cookie() {
	awk '$6 == "chronatog_session" { print $7 }' "$JAR"
}

@test "signed link sets session cookie and redirects" {
	sign_in "/customers/$A"
	[ "$STATUS" = 302 ]
	[ "$(header Location)" = "$BASE/eyintegration/sso/customers/$A" ]
	cookie=$(header Set-Cookie)
	echo "$cookie"
	[[ "$cookie" == chronatog_session=* ]]
	[[ "$cookie" == *"; HttpOnly"* ]]
	[[ "$cookie" == *"; SameSite=Lax"* ]]
	[[ "$cookie" == *"; Path=/eyintegration/sso/"* ]]
	[[ "$cookie" == *"; Max-Age=3600"* ]]
	# The server is reached over http, so Secure would drop the cookie.
	[[ "$cookie" != *Secure* ]]
}

@test "customer page shows name and plan" {
	sign_in "/customers/$A"
	page "/customers/$A"
	[ "$STATUS" = 200 ]
	[ "$(header Content-Type)" = "text/html; charset=utf-8" ]
	[[ "$(header Content-Security-Policy)" == "default-src 'self'"* ]]
	[ "$(header X-Frame-Options)" = DENY ]
	[ "$(header Cache-Control)" = no-store ]
	grep -F '<html lang="en">' "$BODY_FILE"
	grep -F '<h1>Acme &amp; Sons</h1>' "$BODY_FILE"
	grep -F 'Current plan: <strong>freemium</strong>' "$BODY_FILE"
	grep -F 'Signed in from Engine Yard as <strong>Jane Doe</strong> (owner)' \
	    "$BODY_FILE"
	grep -F "<a href=\"/eyintegration/sso/customers/$A/schedulers/$A_SCHEDULER\">shop/production</a>" \
	    "$BODY_FILE"
	grep -F '<a href="/eyintegration/sso/logout">Back to Engine Yard</a>' \
	    "$BODY_FILE"
	grep -F '<button type="submit">Change plan</button>' "$BODY_FILE"
	! grep -F 'Other Company' "$BODY_FILE"
}

@test "stylesheet is served without a session" {
	page /style.css
	[ "$STATUS" = 200 ]
	[ "$(header Content-Type)" = "text/css; charset=utf-8" ]
	grep -F 'font' "$BODY_FILE"
}

@test "tampered parameter answers 401" {
	link=$(sso_link "/customers/$A" access_level=collaborator)
	fetch "${link/access_level=collaborator/access_level=owner}"
	[ "$STATUS" = 401 ]
	[ -z "$(header Set-Cookie)" ]
	grep -F 'signature mismatch' "$BODY_FILE"
	grep -F "<a href=\"$RETURN_URL\">Back to Engine Yard</a>" "$BODY_FILE"
}

@test "tampered path answers 401" {
	link=$(sso_link "/customers/$A")
	fetch "${link/customers\/$A\?/customers/$B?}"
	[ "$STATUS" = 401 ]
	[ -z "$(header Set-Cookie)" ]
	grep -F 'signature mismatch' "$BODY_FILE"
}

@test "link signed with another key answers 401" {
	link=$("$build/t/signature_test" sso-sign \
	    "$BASE/eyintegration/sso/customers/$A" "$AUTH_ID" wrong-key \
	    access_level=owner "timestamp=$(date -u '+%Y-%m-%dT%H:%M:%SZ')")
	fetch "$link"
	[ "$STATUS" = 401 ]
	[ -z "$(header Set-Cookie)" ]
}

@test "expired link answers 401" {
	sign_in "/customers/$A" \
	    "timestamp=$(date -u -d '6 minutes ago' '+%Y-%m-%dT%H:%M:%SZ')"
	[ "$STATUS" = 401 ]
	[ -z "$(header Set-Cookie)" ]
	grep -F '<title>Sign-in link rejected - Chronatog</title>' \
	    "$BODY_FILE"
	grep -E 'seconds old \(maximum 300\)' "$BODY_FILE"
	page "/customers/$A"
	[ "$STATUS" = 401 ]
}

@test "link from the future answers 401" {
	sign_in "/customers/$A" \
	    "timestamp=$(date -u -d '6 minutes' '+%Y-%m-%dT%H:%M:%SZ')"
	[ "$STATUS" = 401 ]
	grep -F 'seconds in the future' "$BODY_FILE"
}

@test "missing signature and no session answer 401" {
	page "/customers/$A"
	[ "$STATUS" = 401 ]
	grep -F '<h1>Not signed in</h1>' "$BODY_FILE"
	page "/customers/$A?ey_user_id=501&access_level=owner"
	[ "$STATUS" = 401 ]
	page "/customers/$A/schedulers/$A_SCHEDULER"
	[ "$STATUS" = 401 ]
	! grep -F 'e.local/hook' "$BODY_FILE"
}

@test "unknown access level answers 401" {
	sign_in "/customers/$A" access_level=admin
	[ "$STATUS" = 401 ]
	grep -F 'access_level must be owner or collaborator' "$BODY_FILE"
	sign_in "/customers/$A" access_level=
	[ "$STATUS" = 401 ]
}

@test "user name is escaped" {
	sign_in "/customers/$A" \
	    "ey_user_name=<script>alert(\"x\")</script> O'Neil & Co"
	[ "$STATUS" = 302 ]
	page "/customers/$A"
	[ "$STATUS" = 200 ]
	grep -F '<strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Neil &amp; Co</strong>' \
	    "$BODY_FILE"
	! grep -F '<script>' "$BODY_FILE"
}

@test "rejected link escapes the return URL" {
	sign_in "/customers/$A" \
	    'ey_return_to_url=https://ey.example/back?a=1&b="><script>' \
	    "timestamp=$(date -u -d '10 minutes ago' '+%Y-%m-%dT%H:%M:%SZ')"
	[ "$STATUS" = 401 ]
	grep -F '<a href="https://ey.example/back?a=1&amp;b=&quot;&gt;&lt;script&gt;">' \
	    "$BODY_FILE"
	! grep -F '<script>' "$BODY_FILE"
}

@test "rejected link links back only to http(s)" {
	sign_in "/customers/$A" 'ey_return_to_url=javascript:alert(1)' \
	    "timestamp=$(date -u -d '10 minutes ago' '+%Y-%m-%dT%H:%M:%SZ')"
	[ "$STATUS" = 401 ]
	! grep -F 'javascript:' "$BODY_FILE"
	! grep -F 'Back to Engine Yard' "$BODY_FILE"
}

@test "plan change with CSRF token works" {
	sign_in "/customers/$B"
	page "/customers/$B"
	token=$(csrf_token)
	[ ${#token} = 64 ]
	page "/customers/$B/plan" --data "csrf_token=$token&plan=awesome"
	[ "$STATUS" = 303 ]
	[ "$(header Location)" = "$BASE/eyintegration/sso/customers/$B" ]
	run sql "SELECT plan, last_billed_at IS NOT NULL FROM customers
	    WHERE id = $B"
	[ "$output" = "awesome|1" ]
	page "/customers/$B"
	grep -F 'Current plan: <strong>awesome</strong>' "$BODY_FILE"
	grep -F 'value="awesome" checked' "$BODY_FILE"

	page "/customers/$B/plan" --data "csrf_token=$token&plan=freemium"
	[ "$STATUS" = 303 ]
	run sql "SELECT plan FROM customers WHERE id = $B"
	[ "$output" = freemium ]
}

@test "plan change without CSRF token answers 403" {
	sign_in "/customers/$A"
	page "/customers/$A"
	token=$(csrf_token)
	page "/customers/$A/plan" --data plan=awesome
	[ "$STATUS" = 403 ]
	page "/customers/$A/plan" --data "csrf_token=0$token&plan=awesome"
	[ "$STATUS" = 403 ]
	page "/customers/$A/plan" \
	    --data "csrf_token=${token//[0-9a-f]/0}&plan=awesome"
	[ "$STATUS" = 403 ]
	grep -F 'nothing was changed' "$BODY_FILE"
	run sql "SELECT plan FROM customers WHERE id = $A"
	[ "$output" = freemium ]
}

@test "CSRF token of an older session answers 403" {
	sign_in "/customers/$A"
	page "/customers/$A"
	old_token=$(csrf_token)
	sleep 1
	sign_in "/customers/$A"
	page "/customers/$A"
	[ "$(csrf_token)" != "$old_token" ]
	page "/customers/$A/plan" --data "csrf_token=$old_token&plan=awesome"
	[ "$STATUS" = 403 ]
	run sql "SELECT plan FROM customers WHERE id = $A"
	[ "$output" = freemium ]
}

@test "invalid plan answers 400" {
	sign_in "/customers/$A"
	page "/customers/$A"
	page "/customers/$A/plan" --data "csrf_token=$(csrf_token)&plan=gold"
	[ "$STATUS" = 400 ]
	run sql "SELECT plan FROM customers WHERE id = $A"
	[ "$output" = freemium ]
}

@test "collaborator cannot change plan" {
	sign_in "/customers/$A" access_level=collaborator
	[ "$STATUS" = 302 ]
	page "/customers/$A"
	[ "$STATUS" = 200 ]
	grep -F 'Current plan: <strong>freemium</strong>' "$BODY_FILE"
	grep -F 'Only an owner of the Engine Yard account can change the plan.' \
	    "$BODY_FILE"
	! grep -F 'Change plan</button>' "$BODY_FILE"
	page "/customers/$A/schedulers/$A_SCHEDULER"
	token=$(csrf_token)
	page "/customers/$A/plan" --data "csrf_token=$token&plan=awesome"
	[ "$STATUS" = 403 ]
	run sql "SELECT plan FROM customers WHERE id = $A"
	[ "$output" = freemium ]
}

@test "session of one customer cannot see another" {
	sign_in "/customers/$A"
	page "/customers/$A"
	token=$(csrf_token)
	page "/customers/$B"
	[ "$STATUS" = 403 ]
	! grep -F 'Other Company' "$BODY_FILE"
	page "/customers/$B/schedulers/$B_SCHEDULER"
	[ "$STATUS" = 403 ]
	! grep -F 'b-hook' "$BODY_FILE"
	page "/customers/$B/plan" --data "csrf_token=$token&plan=awesome"
	[ "$STATUS" = 403 ]
	page "/customers/$B/schedulers/$B_SCHEDULER/jobs/$B_JOB/pause" \
	    --data "csrf_token=$token"
	[ "$STATUS" = 403 ]
	run sql "SELECT plan FROM customers WHERE id = $B"
	[ "$output" = freemium ]
	run sql "SELECT enabled FROM jobs WHERE id = $B_JOB"
	[ "$output" = 1 ]
}

@test "altered session cookie answers 401" {
	sign_in "/customers/$A"
	cookie=$(session_cookie)
	payload=$(base64 -d <<< "${cookie%%.*}")
	forged=$(printf '%s' "${payload/\"customer_id\":$A,/\"customer_id\":$B,}" |
	    base64 -w 0)
	[ "$forged" != "${cookie%%.*}" ]
	run curl -sS -o /dev/null -w '%{http_code}' \
	    -b "chronatog_session=$forged.${cookie#*.}" \
	    "$BASE/eyintegration/sso/customers/$B"
	[ "$output" = 401 ]
}

# Prints a session cookie value for customer $1 that expires at Unix
# time $2, signed with the database's session secret as the server signs
# them: Base64 of the JSON payload, ".", Base64 of its HMAC-SHA256.
forge_session() {
	local secret payload mac
	secret=$(sql "SELECT value FROM settings WHERE name = 'session_secret'")
	payload=$(jq -cn --argjson customer "$1" --argjson expires "$2" \
	    '{customer_id: $customer, scheduler_id: 0, access_level: "owner",
	      ey_user_id: "501", ey_user_name: "Jane",
	      ey_return_to_url: null, expires_at: $expires}' | tr -d '\n' |
	    base64 -w 0)
	mac=$(printf 'session\n%s' "$payload" |
	    openssl dgst -sha256 -hmac "$secret" -binary | base64 -w 0)
	echo "$payload.$mac"
}

@test "expired session answers 401" {
	fetch "$BASE/eyintegration/sso/customers/$A" \
	    -b "chronatog_session=$(forge_session "$A" $(( $(date +%s) - 1 )))"
	[ "$STATUS" = 401 ]
	grep -F 'the session has expired' "$BODY_FILE"

	# The same cookie with a later expiry is accepted, which shows that
	# it was built as the server builds them.
	fetch "$BASE/eyintegration/sso/customers/$A" \
	    -b "chronatog_session=$(forge_session "$A" $(( $(date +%s) + 60 )))"
	[ "$STATUS" = 200 ]
}

@test "new session secret ends sessions" {
	sign_in "/customers/$A"
	page "/customers/$A"
	[ "$STATUS" = 200 ]
	old=$(sql "SELECT value FROM settings WHERE name = 'session_secret'")
	sql "UPDATE settings SET value = lower(hex(randomblob(32)))
	    WHERE name = 'session_secret'"
	page "/customers/$A"
	status=$STATUS
	sql "UPDATE settings SET value = '$old' WHERE name = 'session_secret'"
	[ "$status" = 401 ]
}

@test "logout clears the cookie and returns to Engine Yard" {
	sign_in "/customers/$A"
	page "/customers/$A"
	[ "$STATUS" = 200 ]
	page /logout
	[ "$STATUS" = 302 ]
	[ "$(header Location)" = "$RETURN_URL" ]
	cookie=$(header Set-Cookie)
	[[ "$cookie" == "chronatog_session=; "* ]]
	[[ "$cookie" == *"; Max-Age=0"* ]]
	[[ "$cookie" == *"; Path=/eyintegration/sso/"* ]]
	page "/customers/$A"
	[ "$STATUS" = 401 ]
}

@test "logout without return URL shows a page" {
	sign_in "/customers/$A" ey_return_to_url=
	page "/customers/$A"
	grep -F '<a href="/eyintegration/sso/logout">Sign out</a>' "$BODY_FILE"
	page /logout
	[ "$STATUS" = 200 ]
	grep -F '<h1>Signed out</h1>' "$BODY_FILE"
	[[ "$(header Set-Cookie)" == *"; Max-Age=0"* ]]
	page "/customers/$A"
	[ "$STATUS" = 401 ]
}

@test "scheduler page lists jobs" {
	sign_in "/customers/$A/schedulers/$A_SCHEDULER"
	[ "$STATUS" = 302 ]
	[ "$(header Location)" = \
	    "$BASE/eyintegration/sso/customers/$A/schedulers/$A_SCHEDULER" ]
	page "/customers/$A/schedulers/$A_SCHEDULER"
	[ "$STATUS" = 200 ]
	grep -F '<h1>Scheduler shop/production</h1>' "$BODY_FILE"
	grep -F "<tr id=\"job-$A_JOB\"><th scope=\"row\">$A_JOB</th>" \
	    "$BODY_FILE"
	grep -F '<code>http://e.local/hook?a=1&amp;b=&lt;x&gt;</code>' \
	    "$BODY_FILE"
	grep -F '<code>*/5 * * * *</code>' "$BODY_FILE"
	grep -F '<code>http://e.local/second</code>' "$BODY_FILE"
	grep -F '<td>UTC</td><td>Enabled</td>' "$BODY_FILE"
	grep -F 'Not run yet' "$BODY_FILE"
	grep -F "aria-label=\"Pause job $A_JOB\">Pause</button>" "$BODY_FILE"
	grep -F "aria-label=\"Run job $A_JOB now\">Run now</button>" \
	    "$BODY_FILE"
	grep -F '<h2 id="attempts">Latest attempts</h2>' "$BODY_FILE"
	! grep -F 'b-hook' "$BODY_FILE"
}

@test "scheduler session cannot open the customer page" {
	sign_in "/customers/$A/schedulers/$A_SCHEDULER"
	page "/customers/$A"
	[ "$STATUS" = 403 ]
	! grep -F 'Current plan' "$BODY_FILE"
}

@test "pause and resume change the job" {
	sign_in "/customers/$A"
	page "/customers/$A/schedulers/$A_SCHEDULER"
	token=$(csrf_token)
	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$A_JOB2/pause" \
	    --data "csrf_token=$token"
	[ "$STATUS" = 303 ]
	[ "$(header Location)" = \
	    "$BASE/eyintegration/sso/customers/$A/schedulers/$A_SCHEDULER" ]
	run sql "SELECT enabled FROM jobs WHERE id = $A_JOB2"
	[ "$output" = 0 ]
	page "/customers/$A/schedulers/$A_SCHEDULER"
	grep -F "aria-label=\"Resume job $A_JOB2\">Resume</button>" \
	    "$BODY_FILE"
	! grep -F "aria-label=\"Run job $A_JOB2 now\"" "$BODY_FILE"

	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$A_JOB2/resume" \
	    --data "csrf_token=$token"
	[ "$STATUS" = 303 ]
	run sql "SELECT enabled FROM jobs WHERE id = $A_JOB2"
	[ "$output" = 1 ]
}

@test "pause without CSRF token answers 403" {
	sign_in "/customers/$A"
	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$A_JOB2/pause" \
	    --data ''
	[ "$STATUS" = 403 ]
	run sql "SELECT enabled FROM jobs WHERE id = $A_JOB2"
	[ "$output" = 1 ]
}

@test "run now fires the job on the next poll" {
	start_receiver 204
	USERNAME=$A_USERNAME PASSWORD=$A_PASSWORD
	new_job "$RECEIVER/now" '@yearly'
	sign_in "/customers/$A/schedulers/$A_SCHEDULER"
	page "/customers/$A/schedulers/$A_SCHEDULER"
	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$JOB_ID/run" \
	    --data "csrf_token=$(csrf_token)"
	[ "$STATUS" = 303 ]
	run sql "SELECT next_run_at <= strftime('%s', 'now') FROM jobs
	    WHERE id = $JOB_ID"
	[ "$output" = 1 ]
	"$runner" --once
	[ "$(wc -l < "$RECEIVED")" = 1 ]
	page "/customers/$A/schedulers/$A_SCHEDULER"
	grep -F '<h3 id="attempts-'"$JOB_ID"'">Job '"$JOB_ID"'</h3>' \
	    "$BODY_FILE"
	grep -F '<span class="ok">HTTP 204</span>' "$BODY_FILE"
}

@test "run now on a paused job answers 409" {
	sign_in "/customers/$A"
	page "/customers/$A/schedulers/$A_SCHEDULER"
	token=$(csrf_token)
	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$A_JOB2/pause" \
	    --data "csrf_token=$token"
	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$A_JOB2/run" \
	    --data "csrf_token=$token"
	status=$STATUS
	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$A_JOB2/resume" \
	    --data "csrf_token=$token"
	[ "$status" = 409 ]
}

@test "another customer's scheduler answers 404" {
	sign_in "/customers/$A"
	page "/customers/$A/schedulers/$A_SCHEDULER"
	token=$(csrf_token)
	page "/customers/$A/schedulers/$B_SCHEDULER"
	[ "$STATUS" = 404 ]
	! grep -F 'b-hook' "$BODY_FILE"
	page "/customers/$A/schedulers/$B_SCHEDULER/jobs/$B_JOB/pause" \
	    --data "csrf_token=$token"
	[ "$STATUS" = 404 ]
	page "/customers/$A/schedulers/$A_SCHEDULER/jobs/$B_JOB/pause" \
	    --data "csrf_token=$token"
	[ "$STATUS" = 404 ]
	run sql "SELECT enabled FROM jobs WHERE id = $B_JOB"
	[ "$output" = 1 ]

	sign_in "/customers/$A/schedulers/$B_SCHEDULER"
	[ "$STATUS" = 404 ]
	[ -z "$(header Set-Cookie)" ]
}

@test "customer without Engine Yard account answers 404" {
	# The system customer that runs billing has no service account.
	system=$(sql "SELECT id FROM customers WHERE name = 'chronatog-system'")
	sign_in "/customers/$system"
	[ "$STATUS" = 404 ]
	[ -z "$(header Set-Cookie)" ]
	sign_in /customers/999999
	[ "$STATUS" = 404 ]
}

@test "deactivated scheduler answers 404" {
	provision "$B" 403 old-app old-env
	scheduler=$SCHEDULER_ID
	sign_in "/customers/$B"
	page "/customers/$B"
	grep -F 'old-app/old-env' "$BODY_FILE"
	ey_call DELETE "/eyintegration/api/1/customers/$B/schedulers/$scheduler" ''
	[ "$STATUS" = 200 ]
	page "/customers/$B/schedulers/$scheduler"
	[ "$STATUS" = 404 ]
	page "/customers/$B"
	! grep -F 'old-app/old-env' "$BODY_FILE"
}

@test "wrong method answers 405" {
	sign_in "/customers/$A"
	page "/customers/$A" -X DELETE
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = "GET, HEAD" ]
	page "/customers/$A/plan"
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = POST ]
	page /logout --data ''
	[ "$STATUS" = 405 ]
}

@test "unknown path answers 404" {
	for path in /customers /customers/0 /customers/x "/customers/$A/jobs" \
	    "/customers/$A/schedulers/$A_SCHEDULER/jobs/$A_JOB/delete" /; do
		page "$path"
		echo "$path -> $STATUS"
		[ "$STATUS" = 404 ]
	done
}

@test "https public URL adds Secure to the cookie" {
	# Run as plain CGI, so that the public URL can differ from $BASE.
	link=$("$build/t/signature_test" sso-sign \
	    "https://chronatog.example/eyintegration/sso/customers/$A" \
	    "$AUTH_ID" "$AUTH_KEY" access_level=owner ey_user_id=501 \
	    "timestamp=$(date -u '+%Y-%m-%dT%H:%M:%SZ')")
	uri=${link#https://chronatog.example}
	run --separate-stderr env REQUEST_METHOD=GET REQUEST_URI="$uri" \
	    QUERY_STRING="${uri#*\?}" \
	    CHRONATOG_PUBLIC_URL=https://chronatog.example \
	    "$build/cgi-bin/chronatog-sso"
	echo "$output"
	[[ "${lines[0]}" == "Status: 302"* ]]
	cookie=$(grep '^Set-Cookie:' <<< "$output" | tr -d '\r')
	[[ "$cookie" == *"; HttpOnly; SameSite=Lax; Secure" ]]
	location=$(grep '^Location:' <<< "$output" | tr -d '\r')
	[ "$location" = \
	    "Location: https://chronatog.example/eyintegration/sso/customers/$A" ]
}

@test "a link works only once" {
	link=$(sso_link "/customers/$A")
	fetch "$link"
	[ "$STATUS" = 302 ]
	rm -f "$JAR"
	fetch "$link"
	[ "$STATUS" = 401 ]
	grep -q "used already" "$BODY_FILE"
}

@test "copied cookie stops working at logout" {
	sign_in "/customers/$A"
	cp "$JAR" "$BATS_TEST_TMPDIR/copy"
	fetch "$BASE/eyintegration/sso/logout"
	cp "$BATS_TEST_TMPDIR/copy" "$JAR"
	fetch "$BASE/eyintegration/sso/customers/$A"
	[ "$STATUS" = 401 ]
}
