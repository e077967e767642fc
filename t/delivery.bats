#!/usr/bin/env bats
# Delivery guarantees: two runners share the work without firing a
# scheduled time twice, and a runner killed mid-call loses nothing.

load helpers

setup_file() {
	start_chronatog
}

teardown_file() {
	stop_receivers
	stop_chronatog
}

# Starts a receiver that answers 204 after $1 milliseconds.
start_slow_receiver() {
	local dir=$BATS_TEST_TMPDIR/slow
	mkdir -p "$dir"
	RECEIVED=$dir/requests.jsonl
	touch "$RECEIVED"
	"$build/t/receiver" --port-file "$dir/port" --log "$RECEIVED" \
	    --delay-ms "$1" 2> /dev/null 3>&- &
	echo $! >> "$BATS_FILE_TMPDIR/receiver.pids"
	for _ in $(seq 50); do
		[ -s "$dir/port" ] && break
		sleep 0.1
	done
	RECEIVER=http://127.0.0.1:$(cat "$dir/port")
}

# Inserts $1 jobs calling the receiver, all due at Unix time $2.
insert_due_jobs() {
	sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < $1) INSERT INTO jobs (scheduler_id, callback_url,
	    schedule, next_run_at, created_at) SELECT $SCHEDULER_ID,
	    '$RECEIVER/job/' || i, '0 0 1 1 *', $2, 0 FROM n"
}

@test "two runners never fire a time twice" {
	new_scheduler pair
	start_slow_receiver 50
	due=$(( $(date -u +%s) + 3600 ))
	insert_due_jobs 200 "$due"
	config=$BATS_TEST_TMPDIR/small.conf
	printf 'db = %s\nallow_private_callbacks = yes\nmax_in_flight = 16\n' \
	    "$DB" > "$config"
	at=$(date -u -d "@$due" +%Y-%m-%dT%H:%M:%SZ)
	"$runner" --config "$config" --once --at "$at" 3>&- &
	first=$!
	"$runner" --config "$config" --once --at "$at" 3>&- &
	second=$!
	wait "$first"
	wait "$second"
	[ "$(wc -l < "$RECEIVED")" = 200 ]
	[ "$(jq -r '.headers["webhook-id"]' "$RECEIVED" | sort -u | wc -l)" = 200 ]
	run sql "SELECT count(*), count(DISTINCT job_id) FROM job_runs
	    JOIN jobs ON jobs.id = job_id WHERE scheduler_id = $SCHEDULER_ID"
	[ "$output" = "200|200" ]
}

@test "killed runner's calls are fired again" {
	new_scheduler crash
	start_slow_receiver 3000
	due=$(date -u +%s)
	insert_due_jobs 20 "$due"
	"$runner" 2> "$BATS_TEST_TMPDIR/runner.log" 3>&- &
	pid=$!

	# Kill it while all twenty calls wait for their answers.
	for _ in $(seq 100); do
		leased=$(sql "SELECT count(*) FROM jobs WHERE scheduler_id =
		    $SCHEDULER_ID AND lease_owner IS NOT NULL")
		[ "$leased" = 20 ] && break
		sleep 0.05
	done
	[ "$leased" = 20 ]
	kill -KILL "$pid"
	wait "$pid" || true
	run sql "SELECT count(*) FROM job_runs JOIN jobs ON jobs.id = job_id
	    WHERE scheduler_id = $SCHEDULER_ID"
	[ "$output" = 0 ]

	# A restarted runner sees the leases expire and fires every time.
	later=$(date -u -d "@$((due + 400))" +%Y-%m-%dT%H:%M:%SZ)
	"$runner" --once --at "$later"
	run sql "SELECT count(DISTINCT job_id), min(scheduled_at),
	    max(scheduled_at), min(http_status) FROM job_runs
	    JOIN jobs ON jobs.id = job_id WHERE scheduler_id = $SCHEDULER_ID"
	[ "$output" = "20|$due|$due|204" ]
	ids=$(jq -r '.headers["webhook-id"]' "$RECEIVED" | sort -u | wc -l)
	[ "$ids" = 20 ]
	run sql "PRAGMA integrity_check"
	[ "$output" = ok ]
	run sql "SELECT count(*) FROM jobs WHERE scheduler_id = $SCHEDULER_ID
	    AND (lease_owner IS NOT NULL OR next_run_at <= $due)"
	[ "$output" = 0 ]
}

@test "stopping runner releases nothing half-done" {
	new_scheduler stop
	start_slow_receiver 1000
	insert_due_jobs 10 "$(date -u +%s)"
	"$runner" 2> /dev/null 3>&- &
	pid=$!
	for _ in $(seq 100); do
		leased=$(sql "SELECT count(*) FROM jobs WHERE scheduler_id =
		    $SCHEDULER_ID AND lease_owner IS NOT NULL")
		[ "$leased" = 10 ] && break
		sleep 0.05
	done
	kill -TERM "$pid"
	wait "$pid"
	run sql "SELECT count(*), min(http_status) FROM job_runs
	    JOIN jobs ON jobs.id = job_id WHERE scheduler_id = $SCHEDULER_ID"
	[ "$output" = "10|204" ]
	run sql "SELECT count(*) FROM jobs WHERE scheduler_id = $SCHEDULER_ID
	    AND lease_owner IS NOT NULL"
	[ "$output" = 0 ]
}

@test "status counts jobs and runs" {
	new_scheduler status
	start_slow_receiver 0
	insert_due_jobs 3 "$(date -u +%s)"
	sql "UPDATE jobs SET enabled = 0 WHERE id = (SELECT max(id) FROM jobs)"
	run "$admin" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"jobs_due="* ]]
	due_before=$(grep '^jobs_due=' <<< "$output" | cut -d= -f2)
	[ "$due_before" -ge 2 ]
	"$runner" --once
	run "$admin" status
	[ "$(grep '^jobs_due=' <<< "$output" | cut -d= -f2)" = 0 ]
	[ "$(grep -c '^jobs_disabled=' <<< "$output")" = 1 ]
	runs=$(grep '^runs_last_hour=' <<< "$output" | cut -d= -f2)
	[ "$runs" -ge 2 ]
}
