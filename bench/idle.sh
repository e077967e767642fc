#!/usr/bin/env bash
#
# Idle benchmark: what chronatog-runner costs while it polls a database
# of 1,000,000 jobs of which none is due.
#
# The script inserts the jobs, all for one scheduler, in one transaction
# with next_run_at spread over the hour that starts a day from now. It
# starts the runner with the default poll interval (1000 ms) and waits
# 5 s for it to settle. Then it measures the runner's CPU time (utime +
# stime of all its threads from /proc/PID/stat, in clock ticks of 10 ms)
# over 60 s as a percentage of one core, and reads its RSS at the end.
# It also prints the query plans of the runner's two poll queries, which
# must search the partial index jobs_due rather than scan the jobs table.
#
# Build first with `make`. Results are recorded in bench/RESULTS.md.
set -euo pipefail

readonly JOBS=1000000
readonly SETTLE_SECONDS=5
readonly MEASURE_SECONDS=60
readonly STOP_SECONDS=30	# longest wait for the runner to exit

cd "$(dirname "$0")/.."
top=$PWD
admin=$top/build/bin/chronatog-admin
runner=$top/build/bin/chronatog-runner

# The runner and chronatog-admin must read only the files made here.
unset CHRONATOG_CONFIG CHRONATOG_DB CHRONATOG_PUBLIC_URL

work=""
runner_pid=""

# Stops the process `$1` with SIGTERM, then SIGKILL after STOP_SECONDS.
stop_process() {
	local pid=$1 i

	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < STOP_SECONDS * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	stop_process "$runner_pid"
	[ -n "$work" ] && rm -rf "$work"
}

# Installs the Debian packages behind any command that is missing.
install_missing() {
	local packages=() pair

	for pair in sqlite3:sqlite3 ps:procps; do
		command -v "${pair%%:*}" >/dev/null ||
		    packages+=("${pair#*:}")
	done
	[ ${#packages[@]} -eq 0 ] && return 0
	echo "installing ${packages[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    "${packages[@]}" >/dev/null
}

check_build() {
	local program

	for program in "$admin" "$runner"; do
		if [ ! -x "$program" ]; then
			echo "idle.sh: $program not found; run make first" >&2
			exit 1
		fi
	done
}

# Creates the database with JOBS jobs, none due within the next day.
create_database() {
	local scheduler_id start end

	"$admin" --db "$work/bench.db" migrate >/dev/null
	scheduler_id=$("$admin" --db "$work/bench.db" create-scheduler \
	    --name bench | sed -n 's/^scheduler_id=//p')
	start=$(date +%s.%N)
	sqlite3 "$work/bench.db" <<-EOF
	BEGIN;
	WITH RECURSIVE n(i) AS (
		SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $JOBS
	)
	INSERT INTO jobs (scheduler_id, callback_url, schedule, created_at,
	    next_run_at)
	SELECT $scheduler_id, 'http://127.0.0.1:9/callback/' || i,
	    '0 0 1 1 *', strftime('%s', 'now'),
	    strftime('%s', 'now') + 86400 + i % 3600 FROM n;
	COMMIT;
	EOF
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v jobs="$JOBS" -v size="$(stat -c %s \
	    "$work/bench.db")" 'BEGIN { printf "inserted %d jobs for one " \
	    "scheduler in %.1f s; database %.0f MiB\n", jobs, e - s,
	    size / 1048576 }'
	cat > "$work/runner.conf" <<-EOF
	db = $work/bench.db
	allow_private_callbacks = yes
	public_url = http://127.0.0.1:8080
	EOF
}

# Prints the CPU time of process `$1` in clock ticks (utime + stime).
cpu_ticks() {
	local stat
	stat=$(< "/proc/$1/stat")
	# Fields after "pid (comm) ": state is 1, utime 12 and stime 13.
	stat=${stat##*) }
	# shellcheck disable=SC2086
	set -- $stat
	echo $(( ${12} + ${13} ))
}

# Exits with the runner's log if the runner is no longer running.
require_runner() {
	if ! kill -0 "$runner_pid" 2>/dev/null; then
		echo "idle.sh: the runner exited early; its log:" >&2
		cat "$work/runner.log" >&2
		exit 1
	fi
}

measure_runner() {
	local before after rss threads

	"$runner" --config "$work/runner.conf" 2> "$work/runner.log" &
	runner_pid=$!
	sleep "$SETTLE_SECONDS"
	require_runner
	before=$(cpu_ticks "$runner_pid")
	sleep "$MEASURE_SECONDS"
	require_runner
	after=$(cpu_ticks "$runner_pid")
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$runner_pid/status")
	threads=$(awk '/^Threads:/ { print $2 }' "/proc/$runner_pid/status")
	stop_process "$runner_pid"
	runner_pid=""

	echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	awk -v ticks=$(( after - before )) -v hz="$(getconf CLK_TCK)" \
	    -v seconds="$MEASURE_SECONDS" -v rss="$rss" \
	    -v threads="$threads" 'BEGIN {
		printf "runner CPU:  %.2f s in %d s = %.3f%% of one core " \
		    "(target: under 1%%)\n", ticks / hz, seconds,
		    100 * ticks / hz / seconds
		printf "runner RSS:  %.1f MiB (VmRSS at the end), %d threads\n",
		    rss / 1024, threads
	}'
	if grep -q ' err' "$work/runner.log"; then
		echo "runner log:"
		grep ' err' "$work/runner.log" | head -5
	fi
}

# Prints the plans of the runner's poll queries, with the parameters
# bound to literals, and fails if either scans the jobs table.
show_plans() {
	local now
	now=$(date +%s)
	# A copy of the query in read_due() in lib/run_claim.c, with ?1 = now
	# and ?2 = max_in_flight (256); keep the two in step.
	cat > "$work/plans.sql" <<-EOF
	.print 'read_due (lib/run_claim.c):'
	EXPLAIN QUERY PLAN
	SELECT jobs.id, scheduler_id, callback_url, schedule, timezone,
	    next_run_at, attempts, follow_redirects, webhook_secret FROM jobs
	JOIN schedulers ON schedulers.id = jobs.scheduler_id
	WHERE enabled = 1 AND next_run_at <= $now
	AND (retry_at IS NULL OR retry_at <= $now)
	AND (lease_expires_at IS NULL OR lease_expires_at <= $now)
	AND decommissioned_at IS NULL
	ORDER BY next_run_at LIMIT 256;
	.print 'run_schedule_new (lib/run_claim.c):'
	EXPLAIN QUERY PLAN
	SELECT id, schedule, timezone FROM jobs
	WHERE enabled = 1 AND next_run_at IS NULL LIMIT 1000;
	EOF
	sqlite3 "$work/bench.db" < "$work/plans.sql" | tee "$work/plans"
	if grep -q 'SCAN jobs' "$work/plans" ||
	    [ "$(grep -c 'SEARCH jobs USING INDEX jobs_due' \
	    "$work/plans")" -ne 2 ]; then
		echo "query plan: FAILED, a poll query does not search jobs_due"
		return 1
	fi
	echo "query plan: both poll queries search the index jobs_due" \
	    "(target met)"
}

main() {
	install_missing
	check_build
	work=$(mktemp -d /tmp/chronatog-idle.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	echo "== idle: $JOBS jobs, none due; default poll interval"
	create_database
	measure_runner
	show_plans
}

main "$@"
