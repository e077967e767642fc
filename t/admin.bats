#!/usr/bin/env bats
# chronatog-admin and the programs' command-line interfaces.

load helpers

setup() {
	export CHRONATOG_CONFIG=/dev/null
	DB=$BATS_TEST_TMPDIR/admin.db
}

@test "next-runs prints times after --from" {
	run "$admin" next-runs '0 0 29 2 *' --from 2025-01-01T00:00:00Z \
	    --count 2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2028-02-29T00:00:00Z ]
	[ "${lines[1]}" = 2032-02-29T00:00:00Z ]
}

@test "next-runs is strictly after --from" {
	run "$admin" next-runs '*/15 * * * *' --from 2026-12-04T15:00:00Z \
	    --count 3
	[ "$output" = "2026-12-04T15:15:00Z
2026-12-04T15:30:00Z
2026-12-04T15:45:00Z" ]
}

@test "next-runs defaults to five times" {
	run "$admin" next-runs '@hourly'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" = 5 ]
}

@test "next-runs reads a time zone" {
	run "$admin" next-runs '0 9 * * *' --timezone America/New_York \
	    --from 2026-07-01T00:00:00Z --count 1
	[ "$output" = 2026-07-01T13:00:00Z ]
}

@test "next-runs rejects invalid schedule" {
	run "$admin" next-runs '61 * * * *'
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid schedule '61 * * * *'"* ]]
	[[ "$output" == *minute* ]]
}

@test "next-runs rejects never-firing schedule" {
	run "$admin" next-runs '0 0 30 2 *'
	[ "$status" -eq 1 ]
	[[ "$output" == *never* ]]
}

@test "next-runs rejects bad options" {
	run "$admin" next-runs '@daily' --from yesterday
	[ "$status" -eq 2 ]
	[[ "$output" == *"RFC 3339"* ]]
	run "$admin" next-runs '@daily' --count 0
	[ "$status" -eq 2 ]
	run "$admin" next-runs
	[ "$status" -eq 2 ]
	run "$admin" next-runs '@daily' --timezone Nowhere/City
	[ "$status" -eq 1 ]
}

@test "migrate creates and is idempotent" {
	run "$admin" --db "$DB" migrate
	[ "$status" -eq 0 ]
	[[ "$output" == *"5 migrations applied"* ]]
	run "$admin" --db "$DB" migrate
	[[ "$output" == *"0 migrations applied"* ]]
	run sqlite3 "$DB" 'PRAGMA journal_mode; PRAGMA user_version'
	[ "${lines[0]}" = wal ]
	[ "${lines[1]}" = 5 ]
}

@test "migrate upgrades a version 1 database" {
	sqlite3 "$DB" < "$top/sql/001_initial.sql"
	sqlite3 "$DB" "PRAGMA user_version = 1; INSERT INTO customers (name,
	    created_at) VALUES ('old', 1)"
	run "$admin" --db "$DB" migrate
	[ "$status" -eq 0 ]
	[[ "$output" == *"schema version 5 (4 migrations applied)"* ]]
	run sqlite3 "$DB" "SELECT name, ey_url IS NULL FROM customers
	    WHERE name = 'old'"
	[ "$output" = "old|1" ]
}

@test "programs refuse a database of another version" {
	sqlite3 "$DB" < "$top/sql/001_initial.sql"
	sqlite3 "$DB" "PRAGMA user_version = 1"
	run env -i CHRONATOG_DB="$DB" REQUEST_METHOD=GET \
	    REQUEST_URI=/chronatogapi/1/jobs "$build/cgi-bin/chronatog-jobs"
	[[ "$output" == *"Status: 503"* ]]
	[[ "$output" == *"schema version 1 but this build expects 5"* ]]
}

@test "create-scheduler needs a name" {
	run "$admin" --db "$DB" create-scheduler
	[ "$status" -eq 2 ]
	[[ "$output" == *"--name"* ]]
	run "$admin" --db "$DB" create-scheduler --name ''
	[ "$status" -eq 2 ]
}

@test "create-scheduler honours --public-url" {
	run "$admin" --db "$DB" create-scheduler --name x \
	    --public-url https://cron.example/
	[ "${lines[1]}" = service_url=https://cron.example/chronatogapi/1/jobs ]
}

@test "unknown command exits 2" {
	run "$admin" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
}

@test "every command has --help" {
	for command in migrate create-scheduler next-runs save-creds \
	    list-services register-service update-service deregister-service \
	    reset-auth bill run-job status; do
		run "$admin" "$command" --help
		echo "$command: $output"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: chronatog-admin $command"* ]]
	done
}

@test "programs answer --help and --version" {
	for program in "$admin" "$runner" "$build/cgi-bin/chronatog-jobs" \
	    "$build/cgi-bin/chronatog-pages"; do
		run "$program" --help
		[ "$status" -eq 0 ]
		[[ "$output" == usage:* ]]
		run "$program" --version
		[[ "$output" == chronatog-*" 0."* ]]
	done
}

@test "runner rejects bad arguments" {
	run "$runner" --at 2026-01-01T00:00:00Z
	[ "$status" -eq 2 ]
	[[ "$output" == *"--at needs --once"* ]]
	run "$runner" --once --at soon
	[ "$status" -eq 2 ]
	run "$runner" --bogus
	[ "$status" -eq 2 ]
}

@test "bad configuration names file and line" {
	printf 'db = x\nmax_in_flight = lots\n' > "$BATS_TEST_TMPDIR/bad.conf"
	run "$runner" --config "$BATS_TEST_TMPDIR/bad.conf" --once
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad.conf:2:"*max_in_flight* ]]
	run "$admin" --config "$BATS_TEST_TMPDIR/missing.conf" migrate
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing.conf"* ]]
}

@test "jobs program works as plain CGI" {
	"$admin" --db "$DB" migrate
	run env -i CHRONATOG_DB="$DB" REQUEST_METHOD=GET \
	    REQUEST_URI=/chronatogapi/1/jobs HTTP_HOST=localhost \
	    "$build/cgi-bin/chronatog-jobs"
	[[ "${lines[0]}" == "Status: 401"* ]]
}
