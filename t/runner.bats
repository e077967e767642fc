#!/usr/bin/env bats
# chronatog-runner against a real callback receiver: what it sends, what
# it records, and when it fires.

load helpers

setup_file() {
	start_chronatog
}

teardown_file() {
	stop_receivers
	stop_chronatog
}

setup() {
	new_scheduler runner
	start_receiver 204
}

# Runs one dispatch pass as if the clock read $1.
run_once_at() {
	"$runner" --once --at "$1"
}

@test "due job is called with POST and JSON" {
	new_job "$RECEIVER/hook?x=1" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	[ "$(wc -l < "$RECEIVED")" = 1 ]
	request=$(cat "$RECEIVED")
	[ "$(jq -r .method <<< "$request")" = POST ]
	[ "$(jq -r .path <<< "$request")" = "/hook?x=1" ]
	[ "$(jq -r '.headers["content-type"]' <<< "$request")" = application/json ]
	[[ "$(jq -r '.headers["user-agent"]' <<< "$request")" == Chronatog/* ]]
}

@test "callback body names job and time" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	body=$(jq -r .body "$RECEIVED")
	[ "$(jq -r .scheduled_at <<< "$body")" = "$JOB_NEXT" ]
	[ "$(jq -r .job.url <<< "$body")" = "$JOB_URL" ]
	[ "$(jq -r .job.callback_url <<< "$body")" = "$RECEIVER/hook" ]
	[ "$(jq -r .job.schedule <<< "$body")" = '*/5 * * * *' ]
	[ "$(jq -r .attempt <<< "$body")" = 1 ]
	seconds=$(date -u -d "$JOB_NEXT" +%s)
	[ "$(jq -r .id <<< "$body")" = "$JOB_ID-$seconds" ]
	[ "$(jq -r '.headers["webhook-id"]' "$RECEIVED")" = "$JOB_ID-$seconds" ]
}

@test "job not yet due is not called" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	early=$(date -u -d "$JOB_NEXT - 1 second" +%Y-%m-%dT%H:%M:%SZ)
	run_once_at "$early"
	[ ! -s "$RECEIVED" ]
	run sql "SELECT count(*) FROM job_runs WHERE job_id = $JOB_ID"
	[ "$output" = 0 ]
}

@test "run is recorded with usage and next time" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	seconds=$(date -u -d "$JOB_NEXT" +%s)
	run sql "SELECT scheduled_at, attempt, http_status, error IS NULL
	    FROM job_runs WHERE job_id = $JOB_ID"
	[ "$output" = "$seconds|1|204|1" ]
	run sql "SELECT next_run_at, last_status, lease_owner IS NULL
	    FROM jobs WHERE id = $JOB_ID"
	[ "$output" = "$((seconds + 300))|204|1" ]
	run sql "SELECT usage_count FROM schedulers WHERE id = $SCHEDULER_ID"
	[ "$output" = 1 ]
}

@test "job shows its last run in the API" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	api GET "/chronatogapi/1/jobs/$JOB_ID"
	[ "$(jq -r .last_status "$BODY_FILE")" = 204 ]
	[ "$(jq -r .last_run_at "$BODY_FILE")" != null ]
}

@test "second pass at same time calls once" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	run_once_at "$JOB_NEXT"
	[ "$(wc -l < "$RECEIVED")" = 1 ]
}

@test "error status is recorded as failure" {
	stop_receivers
	start_receiver 500
	new_job "$RECEIVER/hook" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	[ "$(wc -l < "$RECEIVED")" = 1 ]
	run sql "SELECT http_status, response FROM job_runs
	    WHERE job_id = $JOB_ID"
	[ "$output" = "500|ok" ]
	run sql "SELECT count(*) FROM failing_jobs WHERE id = $JOB_ID"
	[ "$output" = 1 ]
}

@test "refused connection is recorded with error" {
	port=$("$build/t/freeport")
	new_job "http://127.0.0.1:$port/hook" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	run sql "SELECT http_status IS NULL, error FROM job_runs
	    WHERE job_id = $JOB_ID"
	[[ "$output" == "1|"*[Cc]onnect* ]]
}

@test "hand-inserted job gets its next time" {
	sql "INSERT INTO jobs (scheduler_id, callback_url, schedule,
	    created_at) VALUES ($SCHEDULER_ID, '$RECEIVER/hand', '0 12 * * *',
	    0)"
	run_once_at 2030-01-01T10:00:00Z
	run sql "SELECT next_run_at FROM jobs
	    WHERE callback_url = '$RECEIVER/hand'"
	[ "$output" = "$(date -u -d 2030-01-01T12:00:00Z +%s)" ]
	[ ! -s "$RECEIVED" ]
}

@test "next_run_at set to now fires at once" {
	new_job "$RECEIVER/now" '0 0 1 1 *'
	now=$(date -u +%s)
	sql "UPDATE jobs SET next_run_at = $now WHERE id = $JOB_ID"
	"$runner" --once
	[ "$(wc -l < "$RECEIVED")" = 1 ]
	run sql "SELECT scheduled_at FROM job_runs WHERE job_id = $JOB_ID"
	[ "$output" = "$now" ]
}

@test "hand-inserted invalid schedule is disabled" {
	sql "INSERT INTO jobs (scheduler_id, callback_url, schedule,
	    created_at) VALUES ($SCHEDULER_ID, '$RECEIVER/bad', 'not cron', 0)"
	run_once_at 2030-01-01T10:00:00Z
	run sql "SELECT enabled, last_error LIKE 'disabled:%' FROM jobs
	    WHERE callback_url = '$RECEIVER/bad'"
	[ "$output" = "0|1" ]
}

@test "missed time within grace fires once" {
	new_job "$RECEIVER/hook" '* * * * *'
	later=$(date -u -d "$JOB_NEXT + 5 minutes" +%Y-%m-%dT%H:%M:%SZ)
	run_once_at "$later"
	[ "$(wc -l < "$RECEIVED")" = 1 ]
	[ "$(jq -r .body "$RECEIVED" | jq -r .scheduled_at)" = "$later" ]
}

@test "time missed past grace is recorded" {
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	seconds=$(date -u -d "$JOB_NEXT" +%s)
	later=$(date -u -d "@$((seconds + 86400))" +%Y-%m-%dT%H:%M:%SZ)
	run_once_at "$later"
	[ ! -s "$RECEIVED" ]
	run sql "SELECT scheduled_at, error LIKE 'missed:%' FROM job_runs
	    WHERE job_id = $JOB_ID"
	[ "$output" = "$seconds|1" ]
	run sql "SELECT next_run_at > $seconds FROM jobs WHERE id = $JOB_ID"
	[ "$output" = 1 ]
}

@test "disabled job is not called" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	sql "UPDATE jobs SET enabled = 0 WHERE id = $JOB_ID"
	run_once_at "$JOB_NEXT"
	[ ! -s "$RECEIVED" ]
}

@test "decommissioned scheduler's job is not called" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	sql "UPDATE schedulers SET decommissioned_at = 1 WHERE id = $SCHEDULER_ID"
	run_once_at "$JOB_NEXT"
	[ ! -s "$RECEIVED" ]
	api GET /chronatogapi/1/jobs
	[ "$STATUS" = 401 ]
}

@test "private address is refused by default" {
	new_job "$RECEIVER/hook" '*/5 * * * *'
	strict=$BATS_TEST_TMPDIR/strict.conf
	printf 'db = %s\nallow_private_callbacks = no\n' "$DB" > "$strict"
	"$runner" --config "$strict" --once --at "$JOB_NEXT"
	[ ! -s "$RECEIVED" ]
	run sql "SELECT error FROM job_runs WHERE job_id = $JOB_ID"
	[[ "$output" == *"127.0.0.1"*"loopback"* ]]
}

@test "host name resolving to loopback is refused" {
	port=${RECEIVER##*:}
	new_job "http://localhost:$port/hook" '*/5 * * * *'
	strict=$BATS_TEST_TMPDIR/strict.conf
	printf 'db = %s\nallow_private_callbacks = no\n' "$DB" > "$strict"
	"$runner" --config "$strict" --once --at "$JOB_NEXT"
	[ ! -s "$RECEIVED" ]
	run sql "SELECT error FROM job_runs WHERE job_id = $JOB_ID"
	[[ "$output" == *loopback* ]]
}

@test "many due jobs are all called once" {
	for i in $(seq 50); do
		new_job "$RECEIVER/many/$i" '0 0 1 1 *'
	done
	run_once_at "$JOB_NEXT"
	[ "$(wc -l < "$RECEIVED")" = 50 ]
	[ "$(jq -r .path "$RECEIVED" | sort -u | wc -l)" = 50 ]
	run sql "SELECT count(*) FROM job_runs JOIN jobs ON jobs.id = job_id
	    WHERE scheduler_id = $SCHEDULER_ID"
	[ "$output" = 50 ]
}

@test "daemon fires due job and stops on TERM" {
	new_job "$RECEIVER/daemon" '0 0 1 1 *'
	sql "UPDATE jobs SET next_run_at = strftime('%s', 'now')
	    WHERE id = $JOB_ID"
	"$runner" 2> "$BATS_TEST_TMPDIR/log" 3>&- &
	pid=$!
	for _ in $(seq 50); do
		[ -s "$RECEIVED" ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
	[ "$(wc -l < "$RECEIVED")" = 1 ]
	grep -q 'started as' "$BATS_TEST_TMPDIR/log"
	grep -q 'stopped' "$BATS_TEST_TMPDIR/log"
}

@test "API writes while runner records" {
	for i in $(seq 20); do
		new_job "$RECEIVER/c/$i" '0 0 1 1 *'
	done
	run_once_at "$JOB_NEXT" &
	pid=$!
	for i in $(seq 20); do
		api POST /chronatogapi/1/jobs \
		    "{\"callback_url\": \"$RECEIVER/w/$i\", \"schedule\": \"@daily\"}"
		[ "$STATUS" = 201 ]
	done
	wait "$pid"
	# The daily jobs may fire too, since the pass runs at midnight.
	[ "$(jq -r .path "$RECEIVED" | grep -c '^/c/')" = 20 ]
}

# Writes a runner configuration for the test database with the given
# extra "key = value" lines, and prints its path.
policy_config() {
	local file=$BATS_TEST_TMPDIR/policy.conf
	printf 'db = %s\nallow_private_callbacks = yes\n' "$DB" > "$file"
	printf '%s\n' "$@" >> "$file"
	echo "$file"
}

# Prints the time $2 seconds after the RFC 3339 time $1.
plus() {
	date -u -d "@$(( $(date -u -d "$1" +%s) + $2 ))" +%Y-%m-%dT%H:%M:%SZ
}

@test "server error is retried with same id" {
	stop_receivers
	start_receiver 503
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	run_once_at "$JOB_NEXT"
	run sql "SELECT attempts, next_run_at = strftime('%s', '$JOB_NEXT'),
	    retry_at - strftime('%s', '$JOB_NEXT') BETWEEN 5 AND 10
	    FROM jobs WHERE id = $JOB_ID"
	[ "$output" = "1|1|1" ]
	run_once_at "$(plus "$JOB_NEXT" 11)"
	[ "$(wc -l < "$RECEIVED")" = 2 ]
	ids=$(jq -r '.headers["webhook-id"]' "$RECEIVED" | sort -u | wc -l)
	[ "$ids" = 1 ]
	[ "$(jq -r .body "$RECEIVED" | jq -r .attempt | tr '\n' ,)" = 1,2, ]
	run sql "SELECT group_concat(attempt) FROM job_runs
	    WHERE job_id = $JOB_ID"
	[ "$output" = 1,2 ]
}

@test "retry waits for its backoff" {
	stop_receivers
	start_receiver 500
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	run_once_at "$JOB_NEXT"
	run_once_at "$(plus "$JOB_NEXT" 4)"
	[ "$(wc -l < "$RECEIVED")" = 1 ]
}

@test "client error is not retried" {
	stop_receivers
	start_receiver 404
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	run_once_at "$JOB_NEXT"
	run sql "SELECT attempts, retry_at IS NULL, failed_times,
	    next_run_at > strftime('%s', '$JOB_NEXT')
	    FROM jobs WHERE id = $JOB_ID"
	[ "$output" = "0|1|1|1" ]
}

@test "too many requests honours Retry-After" {
	stop_receivers
	start_receiver 429 'Retry-After: 120'
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	run_once_at "$JOB_NEXT"
	run sql "SELECT retry_at - strftime('%s', '$JOB_NEXT')
	    FROM jobs WHERE id = $JOB_ID"
	[ "$output" = 120 ]
}

@test "attempts stop at max_attempts" {
	stop_receivers
	start_receiver 500
	config=$(policy_config 'max_attempts = 2' 'retry_base_seconds = 1')
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	"$runner" --config "$config" --once --at "$JOB_NEXT"
	"$runner" --config "$config" --once --at "$(plus "$JOB_NEXT" 2)"
	"$runner" --config "$config" --once --at "$(plus "$JOB_NEXT" 10)"
	[ "$(wc -l < "$RECEIVED")" = 2 ]
	run sql "SELECT attempts, failed_times,
	    next_run_at > strftime('%s', '$JOB_NEXT')
	    FROM jobs WHERE id = $JOB_ID"
	[ "$output" = "0|1|1" ]
}

@test "retries stop at next scheduled time" {
	stop_receivers
	start_receiver 500
	config=$(policy_config 'retry_base_seconds = 200')
	new_job "$RECEIVER/hook" '* * * * *'
	"$runner" --config "$config" --once --at "$JOB_NEXT"
	run sql "SELECT attempts, next_run_at - strftime('%s', '$JOB_NEXT')
	    FROM jobs WHERE id = $JOB_ID"
	[ "$output" = "0|60" ]
}

@test "usage counts once per scheduled time" {
	stop_receivers
	start_receiver 500
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	run_once_at "$JOB_NEXT"
	run_once_at "$(plus "$JOB_NEXT" 11)"
	run sql "SELECT usage_count FROM schedulers WHERE id = $SCHEDULER_ID"
	[ "$output" = 1 ]
}

@test "job is disabled after repeated failures" {
	stop_receivers
	start_receiver 400
	config=$(policy_config 'disable_after_failures = 2')
	new_job "$RECEIVER/hook" '* * * * *'
	"$runner" --config "$config" --once --at "$JOB_NEXT"
	"$runner" --config "$config" --once --at "$(plus "$JOB_NEXT" 60)" \
	    2> "$BATS_TEST_TMPDIR/log"
	run sql "SELECT enabled, last_error FROM jobs WHERE id = $JOB_ID"
	[[ "$output" == "0|disabled: 2 scheduled times in a row failed"* ]]
	grep -q "job $JOB_ID: .*job disabled" "$BATS_TEST_TMPDIR/log"
	"$runner" --config "$config" --once --at "$(plus "$JOB_NEXT" 120)"
	[ "$(wc -l < "$RECEIVED")" = 2 ]
}

@test "success resets the failure count" {
	new_job "$RECEIVER/hook" '* * * * *'
	sql "UPDATE jobs SET failed_times = 7 WHERE id = $JOB_ID"
	run_once_at "$JOB_NEXT"
	run sql "SELECT failed_times FROM jobs WHERE id = $JOB_ID"
	[ "$output" = 0 ]
}

@test "callback carries a valid webhook signature" {
	secret=$(sql "SELECT webhook_secret FROM schedulers
	    WHERE id = $SCHEDULER_ID")
	[[ "$secret" == whsec_* ]]
	new_job "$RECEIVER/hook" '*/5 * * * *'
	run_once_at "$JOB_NEXT"
	id=$(jq -r '.headers["webhook-id"]' "$RECEIVED")
	timestamp=$(jq -r '.headers["webhook-timestamp"]' "$RECEIVED")
	jq -j .body "$RECEIVED" > "$BATS_TEST_TMPDIR/body"
	key=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -tx1 |
	    tr -d ' \n')
	expected=$({ printf '%s.%s.' "$id" "$timestamp"
	    cat "$BATS_TEST_TMPDIR/body"; } |
	    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary |
	    base64)
	[ "$(jq -r '.headers["webhook-signature"]' "$RECEIVED")" = "v1,$expected" ]
}

@test "redirect is not followed by default" {
	stop_receivers
	start_receiver 302 'Location: http://127.0.0.1:9/elsewhere'
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	run_once_at "$JOB_NEXT"
	run sql "SELECT http_status FROM job_runs WHERE job_id = $JOB_ID"
	[ "$output" = 302 ]
	run sql "SELECT attempts, failed_times FROM jobs WHERE id = $JOB_ID"
	[ "$output" = "0|1" ]
}

@test "redirect is followed when the job asks" {
	start_receiver 204
	target=$RECEIVER
	target_log=$RECEIVED
	start_receiver 307 "Location: $target/landed"
	api POST /chronatogapi/1/jobs "{\"callback_url\": \"$RECEIVER/hook\",
	    \"schedule\": \"0 0 1 1 *\", \"follow_redirects\": true}"
	[ "$STATUS" = 201 ]
	id=$(jq -r .id "$BODY_FILE")
	run_once_at "$(jq -r .next_run_at "$BODY_FILE")"
	[ "$(jq -r .path "$target_log")" = /landed ]
	[ "$(jq -r .method "$target_log")" = POST ]
	run sql "SELECT http_status FROM job_runs WHERE job_id = $id"
	[ "$output" = 204 ]
}

@test "old runs are pruned" {
	new_job "$RECEIVER/hook" '0 0 1 1 *'
	sql "INSERT INTO job_runs (job_id, scheduled_at, started_at,
	    duration_ms) VALUES ($JOB_ID, 1, 1, 0), ($JOB_ID, 2,
	    strftime('%s', 'now'), 0)"
	config=$(policy_config 'keep_runs_days = 1' 'poll_interval_ms = 100')
	"$runner" --config "$config" 2> "$BATS_TEST_TMPDIR/log" 3>&- &
	pid=$!
	for _ in $(seq 50); do
		grep -q 'deleted' "$BATS_TEST_TMPDIR/log" && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
	run sql "SELECT group_concat(scheduled_at) FROM job_runs
	    WHERE job_id = $JOB_ID"
	[ "$output" = 2 ]
}

@test "SIGHUP reloads the configuration" {
	config=$(policy_config 'poll_interval_ms = 100')
	"$runner" --config "$config" 2> "$BATS_TEST_TMPDIR/log" 3>&- &
	pid=$!
	for _ in $(seq 50); do
		grep -q 'started as' "$BATS_TEST_TMPDIR/log" && break
		sleep 0.1
	done
	echo 'max_attempts = 3' >> "$config"
	kill -HUP "$pid"
	for _ in $(seq 50); do
		grep -q 'configuration reloaded' "$BATS_TEST_TMPDIR/log" && break
		sleep 0.1
	done
	echo 'max_attempts = lots' >> "$config"
	kill -HUP "$pid"
	for _ in $(seq 50); do
		grep -q 'keeping the old one' "$BATS_TEST_TMPDIR/log" && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
	grep -q 'configuration reloaded' "$BATS_TEST_TMPDIR/log"
	grep -q "keeping the old one: .*policy.conf:5: setting 'max_attempts'" \
	    "$BATS_TEST_TMPDIR/log"
}
