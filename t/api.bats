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
	[ "$(header Allow)" = "GET, HEAD, DELETE" ]
}

@test "malformed job ids answer 404" {
	for path in 0 abc 12x 1/2 -1 99999999999999999999; do
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
