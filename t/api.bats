#!/usr/bin/env bats
# The jobs API and the public pages, through a real lighttpd running the
# FastCGI programs.

load helpers

setup_file() {
	start_chronatog
}

teardown_file() {
	stop_chronatog
}

setup() {
	new_scheduler api
}

job_count() {
	sql "SELECT count(*) FROM jobs WHERE scheduler_id = $SCHEDULER_ID"
}

@test "home page answers 200 with HTML" {
	run curl -sS -o /dev/null -w '%{http_code} %{content_type}' "$BASE/"
	[ "$output" = "200 text/html; charset=utf-8" ]
}

@test "terms page answers 200" {
	run curl -sS -w '\n%{http_code}' "$BASE/terms"
	[[ "$output" == *"Terms of service"* ]]
	[ "${lines[-1]}" = 200 ]
}

@test "unknown page answers 404" {
	run curl -sS -o /dev/null -w '%{http_code}' "$BASE/no-such-page"
	[ "$output" = 404 ]
}

@test "create-scheduler prints credentials" {
	run "$admin" create-scheduler --name shell
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "service_url=$BASE/chronatogapi/1/jobs" ]]
	[[ "${lines[2]}" =~ ^auth_username=U[0-9a-f]{14}$ ]]
	[[ "${lines[3]}" =~ ^auth_password=P[0-9a-f]{26}$ ]]
}

@test "create-scheduler stores no plain password" {
	run sql "SELECT count(*) FROM schedulers
	    WHERE auth_password_sha256 = '$PASSWORD'"
	[ "$output" = 0 ]
	run sql "SELECT length(auth_password_sha256) FROM schedulers
	    WHERE id = $SCHEDULER_ID"
	[ "$output" = 64 ]
}

@test "create job answers 201 with Location" {
	api POST /chronatogapi/1/jobs \
	    '{"callback_url": "http://example.local/cb", "schedule": "*/2 * * * *"}'
	[ "$STATUS" = 201 ]
	id=$(jq -r .id "$BODY_FILE")
	[ "$(jq -r .url "$BODY_FILE")" = "$BASE/chronatogapi/1/jobs/$id" ]
	[ "$(header Location)" = "$BASE/chronatogapi/1/jobs/$id" ]
	[ "$(jq -r .callback_url "$BODY_FILE")" = http://example.local/cb ]
	[ "$(jq -r .schedule "$BODY_FILE")" = '*/2 * * * *' ]
	[ "$(header Content-Type)" = application/json ]
}

@test "created job is due at next match" {
	api POST /chronatogapi/1/jobs \
	    '{"callback_url": "http://example.local/cb", "schedule": "0 0 1 1 *"}'
	[ "$STATUS" = 201 ]
	next=$(jq -r .next_run_at "$BODY_FILE")
	[ "$next" = "$(date -u +%Y -d 'next year')-01-01T00:00:00Z" ]
	[ "$(jq -r .enabled "$BODY_FILE")" = true ]
	[ "$(jq -r .timezone "$BODY_FILE")" = UTC ]
}

@test "get job equals create response" {
	api POST /chronatogapi/1/jobs \
	    '{"callback_url": "https://example.local/x", "schedule": "@daily"}'
	created=$(body)
	url=$(jq -r .url <<< "$created")
	api GET "${url#"$BASE"}"
	[ "$STATUS" = 200 ]
	[ "$(body)" = "$created" ]
}

@test "list returns the scheduler's jobs" {
	new_job http://example.local/a '@hourly'
	first=$JOB_ID
	new_job http://example.local/b '@daily'
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 200 ]
	[ "$(jq -r 'map(.id) | join(",")' "$BODY_FILE")" = "$first,$JOB_ID" ]
	[ "$(jq -r '.[1].callback_url' "$BODY_FILE")" = http://example.local/b ]
}

@test "delete job answers 200, then 404" {
	new_job http://example.local/a '@hourly'
	api DELETE "/chronatogapi/1/jobs/$JOB_ID"
	[ "$STATUS" = 200 ]
	api GET "/chronatogapi/1/jobs/$JOB_ID"
	[ "$STATUS" = 404 ]
	[ "$(job_count)" = 0 ]
}

@test "another scheduler's job answers 404" {
	new_job http://example.local/mine '@hourly'
	mine=$JOB_ID
	new_scheduler other
	api GET "/chronatogapi/1/jobs/$mine"
	[ "$STATUS" = 404 ]
	[[ "$(body)" != *example.local/mine* ]]
	api DELETE "/chronatogapi/1/jobs/$mine"
	[ "$STATUS" = 404 ]
	api GET /chronatogapi/1/jobs
	[ "$(cat "$BODY_FILE")" = "[]" ]
	run sql "SELECT count(*) FROM jobs WHERE id = $mine"
	[ "$output" = 1 ]
}

@test "missing credentials answer 401" {
	run curl -sS -D - -o /dev/null "$BASE/chronatogapi/1/jobs"
	[[ "$output" == *"HTTP/1.1 401"* ]]
	[[ "$output" == *'WWW-Authenticate: Basic realm="Chronatog"'* ]]
}

@test "wrong password answers 401" {
	PASSWORD=P00000000000000000000000000
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 401 ]
	[ "$(header WWW-Authenticate)" = 'Basic realm="Chronatog"' ]
	[ "$(jq -r '.error_messages | length' "$BODY_FILE")" = 1 ]
}

@test "unknown username answers 401" {
	USERNAME=Unobody
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 401 ]
}

@test "malformed Basic header answers 401" {
	for value in 'Basic' 'Basic !!!!' 'Basic dXNlcg==' 'Bearer abc'; do
		code=$(curl -sS -o /dev/null -w '%{http_code}' \
		    -H "Authorization: $value" "$BASE/chronatogapi/1/jobs")
		echo "$value -> $code"
		[ "$code" = 401 ]
	done
}

# Each row: a request body and a part of the error message it must get.
@test "invalid job bodies answer 400, store nothing" {
	while IFS='|' read -r body message; do
		api POST /chronatogapi/1/jobs "$body"
		echo "$body -> $STATUS $(cat "$BODY_FILE")"
		[ "$STATUS" = 400 ]
		jq -e --arg m "$message" \
		    '.error_messages | map(select(contains($m))) | length > 0' \
		    "$BODY_FILE"
	done <<'ROWS'
{"callback_url": "http://e.local/cb"}|schedule is required
{"schedule": "* * * * *"}|callback_url is required
{"callback_url": "", "schedule": "* * * * *"}|callback_url must not be empty
{"callback_url": "http://e.local/", "schedule": ""}|schedule must not be empty
{"callback_url": 5, "schedule": "* * * * *"}|callback_url must be a string
{"callback_url": "http://e.local/", "schedule": ["*"]}|schedule must be a string
{"callback_url": "ftp://e.local/", "schedule": "* * * * *"}|must use http or https
{"callback_url": "e.local/cb", "schedule": "* * * * *"}|not a valid absolute URL
{"callback_url": "http:///cb", "schedule": "* * * * *"}|callback_url
{"callback_url": "http://e.local/a b", "schedule": "* * * * *"}|space
{"callback_url": "http://e.local/", "schedule": "61 * * * *"}|schedule is invalid
{"callback_url": "http://e.local/", "schedule": "0 0 30 2 *"}|never
{"callback_url": "http://e.local/", "schedule": "@reboot"}|schedule is invalid
{"callback_url": "http://e.local/", "schedule": "0 * * * * *"}|schedule is invalid
{"callback_url": "http://e.local/", "schedule": "* * * * *", "timezone": "Mars/Base"}|timezone
{"callback_url": "http://e.local/", "schedule": "* * * * *", "timezone": 1}|timezone must be a string
[1, 2]|must be a JSON object
"text"|must be a JSON object
null|must be a JSON object
{"callback_url": "http://e.local/"|not valid JSON
{"callback_url": "http://e.local/", "schedule": "@daily"} trailing|not valid JSON
{"callback_url": "http://u:p@e.local/", "schedule": "@daily"}|user name or password
{"callback_url": "http://@e.local/", "schedule": "@daily"}|user name or password
{"callback_url": "http://e.local:0/", "schedule": "@daily"}|port
{"callback_url": "http://a..b/", "schedule": "@daily"}|not a valid host name
{"callback_url": "http://-bad-.com/", "schedule": "@daily"}|not a valid host name
{"callback_url": "http://bücher.de/", "schedule": "@daily"}|punycode
{"callback_url": "http://e.local/", "schedule": "@daily", "enabled": "no"}|enabled must be true or false
{"callback_url": "http://e.local/", "schedule": "@daily", "extra": 1}|unknown field 'extra'
{"callback_url": "http://e.local/", "schedule": "@daily", "follow_redirects": 1}|follow_redirects must be true or false
{'callback_url': 'http://e.local/'}|not valid JSON
ROWS
	[ "$(job_count)" = 0 ]
}

@test "both missing fields are reported" {
	api POST /chronatogapi/1/jobs '{}'
	[ "$STATUS" = 400 ]
	[ "$(jq -r '.error_messages | length' "$BODY_FILE")" = 2 ]
}

@test "empty body answers 400" {
	api POST /chronatogapi/1/jobs ''
	[ "$STATUS" = 400 ]
	[[ "$(jq -r '.error_messages[0]' "$BODY_FILE")" == *missing* ]]
}

@test "oversized body answers 413" {
	big=$(head -c 70000 /dev/zero | tr '\0' x)
	api POST /chronatogapi/1/jobs \
	    "{\"callback_url\": \"http://e.local/$big\", \"schedule\": \"@daily\"}"
	[ "$STATUS" = 413 ]
	jq -e '.error_messages[0] | contains("limit")' "$BODY_FILE"
	[ "$(job_count)" = 0 ]
}

@test "overlong callback URL answers 400" {
	long=$(head -c 3000 /dev/zero | tr '\0' x)
	api POST /chronatogapi/1/jobs \
	    "{\"callback_url\": \"http://e.local/$long\", \"schedule\": \"@daily\"}"
	[ "$STATUS" = 400 ]
	[ "$(job_count)" = 0 ]
}

@test "form content type answers 415" {
	STATUS=$(curl -sS -o "$BATS_TEST_TMPDIR/b" -w '%{http_code}' \
	    -u "$USERNAME:$PASSWORD" -d 'callback_url=http://e.local/' \
	    "$BASE/chronatogapi/1/jobs")
	[ "$STATUS" = 415 ]
	[ "$(job_count)" = 0 ]
}

@test "unsupported methods answer 405 with Allow" {
	api PUT /chronatogapi/1/jobs '{}'
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = "GET, HEAD, POST" ]
	new_job http://example.local/a '@hourly'
	api POST "/chronatogapi/1/jobs/$JOB_ID" '{}'
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = "GET, HEAD, PATCH, DELETE" ]
	api GET "/chronatogapi/1/jobs/$JOB_ID/run"
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = POST ]
}

@test "malformed job ids answer 404" {
	for path in 0 abc 12x 1/2 1/runz -1 99999999999999999999; do
		api GET "/chronatogapi/1/jobs/$path"
		echo "$path -> $STATUS"
		[ "$STATUS" = 404 ]
	done
}

@test "private callback hosts are allowed locally" {
	api POST /chronatogapi/1/jobs \
	    '{"callback_url": "http://127.0.0.1:9/cb", "schedule": "@daily"}'
	[ "$STATUS" = 201 ]
}

@test "job with a time zone keeps it" {
	api POST /chronatogapi/1/jobs '{"callback_url": "http://e.local/",
	    "schedule": "0 9 * * *", "timezone": "Europe/Berlin"}'
	[ "$STATUS" = 201 ]
	[ "$(jq -r .timezone "$BODY_FILE")" = Europe/Berlin ]
	hour=$(jq -r .next_run_at "$BODY_FILE" | cut -c12-13)
	[ "$hour" = 07 ] || [ "$hour" = 08 ]
}

@test "invalid UTF-8 answers 400" {
	api POST /chronatogapi/1/jobs "$(printf '{"callback_url": "http://e.local/\xff", "schedule": "@daily"}')"
	[ "$STATUS" = 400 ]
	[ "$(job_count)" = 0 ]
}

@test "read-only fields in a request are ignored" {
	api POST /chronatogapi/1/jobs '{"callback_url": "http://e.local/",
	    "schedule": "@daily", "id": 99, "url": "x", "last_status": 5}'
	[ "$STATUS" = 201 ]
	[ "$(jq -r .last_status "$BODY_FILE")" = null ]
}

@test "job can be created disabled" {
	api POST /chronatogapi/1/jobs '{"callback_url": "http://e.local/",
	    "schedule": "@daily", "enabled": false}'
	[ "$STATUS" = 201 ]
	[ "$(jq -r .enabled "$BODY_FILE")" = false ]
}

@test "deleted job ids are not reused" {
	new_job http://example.local/a '@hourly'
	first=$JOB_ID
	api DELETE "/chronatogapi/1/jobs/$first"
	new_job http://example.local/b '@hourly'
	[ "$JOB_ID" -gt "$first" ]
}

@test "patch changes schedule and next time" {
	new_job http://example.local/a '0 0 1 1 *'
	api PATCH "/chronatogapi/1/jobs/$JOB_ID" '{"schedule": "0 12 * * *"}'
	[ "$STATUS" = 200 ]
	[ "$(jq -r .schedule "$BODY_FILE")" = '0 12 * * *' ]
	[[ "$(jq -r .next_run_at "$BODY_FILE")" == *T12:00:00Z ]]
	[ "$(jq -r .callback_url "$BODY_FILE")" = http://example.local/a ]
}

@test "patch changes callback and time zone" {
	new_job http://example.local/a '0 12 * * *'
	api PATCH "/chronatogapi/1/jobs/$JOB_ID" \
	    '{"callback_url": "https://example.local/b", "timezone": "Asia/Tokyo"}'
	[ "$STATUS" = 200 ]
	[ "$(jq -r .callback_url "$BODY_FILE")" = https://example.local/b ]
	[[ "$(jq -r .next_run_at "$BODY_FILE")" == *T03:00:00Z ]]
}

@test "patch disables and enables a job" {
	new_job http://example.local/a '@hourly'
	api PATCH "/chronatogapi/1/jobs/$JOB_ID" '{"enabled": false}'
	[ "$(jq -r .enabled "$BODY_FILE")" = false ]
	sql "UPDATE jobs SET failed_times = 9 WHERE id = $JOB_ID"
	api PATCH "/chronatogapi/1/jobs/$JOB_ID" '{"enabled": true}'
	[ "$(jq -r .enabled "$BODY_FILE")" = true ]
	run sql "SELECT failed_times FROM jobs WHERE id = $JOB_ID"
	[ "$output" = 0 ]
}

@test "invalid patch answers 400 and changes nothing" {
	new_job http://example.local/a '@hourly'
	for body in '{"schedule": "bad"}' '{"enabled": 1}' '{"color": "red"}' \
	    '{"schedule": null}' '{"callback_url": null}' '{"enabled": null}' \
	    '{"callback_url": "gopher://x/"}' '[]' '{"timezone": "Nowhere"}'; do
		api PATCH "/chronatogapi/1/jobs/$JOB_ID" "$body"
		echo "$body -> $STATUS"
		[ "$STATUS" = 400 ]
	done
	api GET "/chronatogapi/1/jobs/$JOB_ID"
	[ "$(jq -r .schedule "$BODY_FILE")" = '@hourly' ]
	[ "$(jq -r .callback_url "$BODY_FILE")" = http://example.local/a ]
}

@test "patch of another scheduler's job answers 404" {
	new_job http://example.local/a '@hourly'
	mine=$JOB_ID
	new_scheduler other
	api PATCH "/chronatogapi/1/jobs/$mine" '{"enabled": false}'
	[ "$STATUS" = 404 ]
	run sql "SELECT enabled FROM jobs WHERE id = $mine"
	[ "$output" = 1 ]
}

@test "run now makes the job due" {
	new_job http://example.local/a '0 0 1 1 *'
	before=$(date -u +%s)
	api POST "/chronatogapi/1/jobs/$JOB_ID/run" ''
	[ "$STATUS" = 202 ]
	run sql "SELECT next_run_at - $before BETWEEN 0 AND 5 FROM jobs
	    WHERE id = $JOB_ID"
	[ "$output" = 1 ]
}

@test "run now of a disabled job answers 409" {
	new_job http://example.local/a '@hourly'
	api PATCH "/chronatogapi/1/jobs/$JOB_ID" '{"enabled": false}'
	api POST "/chronatogapi/1/jobs/$JOB_ID/run" ''
	[ "$STATUS" = 409 ]
}

@test "runs are listed newest first and paged" {
	new_job http://example.local/a '@hourly'
	for i in 1 2 3; do
		sql "INSERT INTO job_runs (job_id, scheduled_at, started_at,
		    duration_ms, http_status) VALUES ($JOB_ID, $i, $i, 5, 200)"
	done
	api GET "/chronatogapi/1/jobs/$JOB_ID/runs?limit=2"
	[ "$STATUS" = 200 ]
	[ "$(jq -r 'map(.started_at) | join(",")' "$BODY_FILE")" = \
	    "1970-01-01T00:00:03Z,1970-01-01T00:00:02Z" ]
	next=$(header Link | sed 's/^<\(.*\)>; rel="next"$/\1/')
	[[ "$next" == "$BASE/chronatogapi/1/jobs/$JOB_ID/runs?limit=2&before="* ]]
	api GET "${next#"$BASE"}"
	[ "$(jq -r 'map(.scheduled_at) | join(",")' "$BODY_FILE")" = \
	    "1970-01-01T00:00:01Z" ]
	[ -z "$(header Link)" ]
}

@test "runs listing checks its parameters" {
	new_job http://example.local/a '@hourly'
	for query in limit=0 limit=201 limit=x before=-1 before=; do
		api GET "/chronatogapi/1/jobs/$JOB_ID/runs?$query"
		echo "$query -> $STATUS"
		[ "$STATUS" = 400 ]
	done
}

@test "another scheduler's runs answer 404" {
	new_job http://example.local/a '@hourly'
	mine=$JOB_ID
	new_scheduler other
	api GET "/chronatogapi/1/jobs/$mine/runs"
	[ "$STATUS" = 404 ]
	api POST "/chronatogapi/1/jobs/$mine/run" ''
	[ "$STATUS" = 404 ]
}

@test "literal private callback is rejected in strict mode" {
	"$admin" migrate > /dev/null
	strict=$BATS_TEST_TMPDIR/strict.conf
	printf 'db = %s\n' "$DB" > "$strict"
	for url in http://127.0.0.1/ http://10.1.2.3/ http://169.254.169.254/ \
	    'http://[::1]/' http://0x7f000001/; do
		body="{\"callback_url\": \"$url\", \"schedule\": \"@daily\"}"
		run env -i CHRONATOG_CONFIG="$strict" REQUEST_METHOD=POST \
		    REQUEST_URI=/chronatogapi/1/jobs HTTP_HOST=localhost \
		    CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
		    HTTP_AUTHORIZATION="Basic $(printf %s "$USERNAME:$PASSWORD" |
		    base64 -w0)" "$build/cgi-bin/chronatog-jobs" <<< "$body"
		echo "$url: $output"
		[[ "${lines[0]}" == "Status: 400"* ]]
		[[ "$output" == *"callbacks may not reach"* ]]
	done
	[ "$(job_count)" = 0 ]
}
