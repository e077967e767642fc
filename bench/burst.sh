#!/usr/bin/env bash
#
# Burst benchmark: how fast chronatog-runner fires 10,000 jobs that all
# fall due in the same second, compared with what the receiver can take.
#
# The receiver is nginx on a free 127.0.0.1 port with one worker process.
# It returns 204 to every request and logs "$msec $http_webhook_id".
# The script inserts the jobs with next_run_at = T, a whole second about
# 5 s ahead, starts the runner (max_in_flight 256, default 1000 ms poll
# interval) before T, and waits until nginx has logged every call or
# 120 s have passed. From the log it computes each call's lateness
# (arrival minus the scheduled second in webhook-id) and the call rate.
# From /proc it reads the runner's CPU time and peak RSS. Then wrk sends
# POSTs of the same body size with the same 256 connections to the same
# nginx for 10 s, and the script checks job_runs in the database.
#
# nginx runs one worker process. On 2 cores the client, runner or wrk,
# shares the machine with nginx in both runs. The runner is one thread,
# and wrk runs with one thread (-t 1) so that it is one client thread too.
# CPU times come in clock ticks (getconf CLK_TCK, 100 a second here).
#
# Build first with `make`. Results are recorded in bench/RESULTS.md.
# KEEP_WORK=1 keeps the temporary folder (logs, database) for a look.
set -euo pipefail

readonly JOBS=10000
readonly IN_FLIGHT=256
readonly LEAD_SECONDS=5	# from inserting the jobs to T
readonly WAIT_SECONDS=120	# longest wait for the calls after T
readonly WRK_SECONDS=10
readonly STOP_SECONDS=30	# longest wait for a process to exit

cd "$(dirname "$0")/.."
top=$PWD
admin=$top/build/bin/chronatog-admin
runner=$top/build/bin/chronatog-runner
freeport=$top/build/t/freeport

# The runner and chronatog-admin must read only the files made here.
unset CHRONATOG_CONFIG CHRONATOG_DB CHRONATOG_PUBLIC_URL

work=""
nginx_pid=""
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
	stop_process "$nginx_pid"
	if [ -n "$work" ] && [ -n "${KEEP_WORK:-}" ]; then
		echo "kept $work" >&2
	elif [ -n "$work" ]; then
		rm -rf "$work"
	fi
}

# Installs the Debian packages behind any command that is missing.
install_missing() {
	local packages=() pair

	for pair in nginx:nginx wrk:wrk sqlite3:sqlite3 ps:procps; do
		if ! command -v "${pair%%:*}" >/dev/null &&
		    [ ! -x "/usr/sbin/${pair%%:*}" ]; then
			packages+=("${pair#*:}")
		fi
	done
	[ ${#packages[@]} -eq 0 ] && return 0
	echo "installing ${packages[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    "${packages[@]}" >/dev/null
}

check_build() {
	local program

	for program in "$admin" "$runner" "$freeport"; do
		if [ ! -x "$program" ]; then
			echo "burst.sh: $program not found; run make first" >&2
			exit 1
		fi
	done
}

# Waits up to 5 s until something accepts connections on port `$1`.
wait_for_port() {
	local i

	for ((i = 0; i < 50; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "burst.sh: nothing listens on 127.0.0.1:$1" >&2
	exit 1
}

# Writes the nginx configuration for port `$1`, with every path in the
# temporary folder. Runner calls go to /callback and wrk requests to
# /wrk, and each location logs to its own files in the same two formats.
# A `return` discards the request body, so POST keeps the connection.
write_nginx_config() {
	local port=$1

	mkdir -p "$work/nginx/temp"
	cat > "$work/nginx/nginx.conf" <<-EOF
	worker_processes 1;
	daemon off;
	pid $work/nginx/nginx.pid;
	error_log $work/nginx/error.log warn;
	events {
		worker_connections 4096;
	}
	http {
		client_body_temp_path $work/nginx/temp/body;
		proxy_temp_path $work/nginx/temp/proxy;
		fastcgi_temp_path $work/nginx/temp/fastcgi;
		uwsgi_temp_path $work/nginx/temp/uwsgi;
		scgi_temp_path $work/nginx/temp/scgi;
		# With the default of 1000, nginx would close each connection
		# after 1000 requests. Both clients get the same setting.
		keepalive_requests 1000000;
		log_format calls '\$msec \$http_webhook_id';
		log_format detail '\$connection \$content_length';
		access_log off;
		server {
			listen 127.0.0.1:$port backlog=4096;
			location /callback {
				access_log $work/nginx/calls.log calls;
				access_log $work/nginx/calls-detail.log detail;
				return 204;
			}
			location /wrk {
				access_log $work/nginx/wrk.log calls;
				access_log $work/nginx/wrk-detail.log detail;
				return 204;
			}
		}
	}
	EOF
}

# Starts nginx on a free port. Sets port and nginx_pid.
start_nginx() {
	local nginx
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
	port=$("$freeport")
	write_nginx_config "$port"
	"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
	nginx_pid=$!
	wait_for_port "$port"
}

# Creates the database, a scheduler and the runner's configuration.
# Sets scheduler_id.
create_database() {
	"$admin" --db "$work/bench.db" migrate >/dev/null
	scheduler_id=$("$admin" --db "$work/bench.db" create-scheduler \
	    --name bench | sed -n 's/^scheduler_id=//p')
	cat > "$work/runner.conf" <<-EOF
	db = $work/bench.db
	allow_private_callbacks = yes
	max_in_flight = $IN_FLIGHT
	public_url = http://127.0.0.1:8080
	EOF
}

# Inserts JOBS jobs due at `$1` in one transaction. The schedule fires
# once a year, so no job falls due again during the run.
insert_jobs() {
	local due=$1

	sqlite3 "$work/bench.db" <<-EOF
	BEGIN;
	WITH RECURSIVE n(i) AS (
		SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $JOBS
	)
	INSERT INTO jobs (scheduler_id, callback_url, schedule, created_at,
	    next_run_at)
	SELECT $scheduler_id, 'http://127.0.0.1:$port/callback',
	    '0 0 1 1 *', strftime('%s', 'now'), $due FROM n;
	COMMIT;
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
		echo "burst.sh: the runner exited early; its log:" >&2
		cat "$work/runner.log" >&2
		exit 1
	fi
}

# Waits until the calls log has JOBS lines or `$1` (Unix seconds) passes.
wait_for_calls() {
	local deadline=$1

	while (( $(date +%s) < deadline )); do
		(( $(wc -l < "$work/nginx/calls.log") >= JOBS )) && return 0
		require_runner
		sleep 0.2
	done
	echo "burst.sh: timed out with $(wc -l < "$work/nginx/calls.log")" \
	    "of $JOBS calls" >&2
}

# Sleeps until 0.1 s before the Unix time `$1`.
sleep_until() {
	local pause
	pause=$(awk -v t="$1" -v now="$(date +%s.%N)" \
	    'BEGIN { d = t - 0.1 - now; printf "%.3f", (d > 0 ? d : 0) }')
	sleep "$pause"
}

# Runs the burst: jobs due at T, runner started before T. Sets due,
# runner_cpu_seconds, burst_cpu_seconds and runner_peak_rss_kb.
run_burst() {
	local hz ticks ticks_at_due

	hz=$(getconf CLK_TCK)
	: > "$work/nginx/calls.log"
	due=$(( $(date +%s) + LEAD_SECONDS ))
	insert_jobs "$due"
	"$runner" --config "$work/runner.conf" 2> "$work/runner.log" &
	runner_pid=$!
	sleep_until "$due"
	require_runner
	ticks_at_due=$(cpu_ticks "$runner_pid")
	wait_for_calls $(( due + WAIT_SECONDS ))
	# Let the runner record the last calls before reading its totals.
	sleep 1
	require_runner

	ticks=$(cpu_ticks "$runner_pid")
	runner_cpu_seconds=$(awk -v t="$ticks" -v hz="$hz" \
	    'BEGIN { printf "%.2f", t / hz }')
	burst_cpu_seconds=$(awk -v t=$(( ticks - ticks_at_due )) -v hz="$hz" \
	    'BEGIN { printf "%.2f", t / hz }')
	runner_peak_rss_kb=$(awk '/^VmHWM:/ { print $2 }' \
	    "/proc/$runner_pid/status")
	stop_process "$runner_pid"
	runner_pid=""
}

# Prints the call statistics from the nginx logs: lateness percentiles
# (nearest rank), rate, and the connections the runner opened.
report_calls() {
	awk '{
		scheduled = substr($2, index($2, "-") + 1)
		print $1 - scheduled, $1
	}' "$work/nginx/calls.log" | sort -n > "$work/lateness"

	awk -v due="$due" -v jobs="$JOBS" '
	{
		late[NR] = $1
		if (NR == 1 || $2 < first) first = $2
		if (NR == 1 || $2 > last) last = $2
	}
	END {
		n = NR
		if (n == 0) { print "calls received:    0"; exit }
		p50 = late[int((n * 50 + 99) / 100)]
		p99 = late[int((n * 99 + 99) / 100)]
		printf "calls received:    %d of %d\n", n, jobs
		printf "first call:        %.3f s after T\n", first - due
		printf "last call:         %.3f s after T\n", last - due
		printf "lateness:          p50 %.3f s, p99 %.3f s, max %.3f s " \
		    "(target: p99 under 1 s)\n", p50, p99, late[n]
		printf "runner rate:       %.0f calls/s (calls / (last - first))\n",
		    n / (last - first)
	}' "$work/lateness" | tee "$work/summary"
	runner_rate=$(awk '/^runner rate:/ { print $3 }' "$work/summary")
	p99_lateness=$(awk '/^lateness:/ { print $6 }' "$work/summary")

	# Gaps show a runner that stops between batches of calls, and gaps
	# over 0.5 s one that waited for its next poll with jobs still due.
	awk '{ print $1 }' "$work/nginx/calls.log" | sort -n | awk '
	NR > 1 && $1 - previous > 0.005 {
		gaps++
		idle += $1 - previous
		if ($1 - previous > 0.5) stalls++
	}
	{ previous = $1 }
	END {
		printf "receiver idle:     %d gaps over 5 ms (%d over 0.5 s), " \
		    "%.3f s in all\n", gaps, stalls, idle
	}'
	awk '{ seen[$1] = 1; bytes += $2 }
	END {
		for (c in seen) connections++
		printf "runner requests:   body %.0f bytes, over %d connections\n",
		    bytes / NR, connections
	}' "$work/nginx/calls-detail.log"
	echo "runner CPU:        $runner_cpu_seconds s (utime + stime)," \
	    "$burst_cpu_seconds s of it from T on"
	awk -v cpu="$burst_cpu_seconds" -v jobs="$JOBS" 'BEGIN {
		printf "runner CPU/call:   %.0f us (CPU from T on / calls)\n",
		    1e6 * cpu / jobs }'
	echo "runner peak RSS:   $(( runner_peak_rss_kb / 1024 )) MiB (VmHWM)"
}

# Prints a JSON body of exactly `$1` bytes.
json_body() {
	local size=$1 prefix='{"id":"1-1796398860","pad":"' suffix='"}'
	local pad=$(( size - ${#prefix} - ${#suffix} ))

	(( pad < 0 )) && pad=0
	printf '%s%*s%s' "$prefix" "$pad" '' "$suffix" | tr ' ' x
}

# Runs wrk against /wrk with the runner's body size and concurrency.
# Sets wrk_rate.
run_wrk() {
	local body_size
	body_size=$(awk '{ bytes += $2 } END { printf "%.0f", bytes / NR }' \
	    "$work/nginx/calls-detail.log")
	cat > "$work/post.lua" <<-EOF
	wrk.method = "POST"
	wrk.body = '$(json_body "$body_size")'
	wrk.headers["Content-Type"] = "application/json"
	EOF
	timeout $(( WRK_SECONDS + STOP_SECONDS )) wrk -t 1 -c "$IN_FLIGHT" \
	    -d "${WRK_SECONDS}s" -s "$work/post.lua" \
	    "http://127.0.0.1:$port/wrk" > "$work/wrk.out"
	wrk_rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' \
	    "$work/wrk.out")
	echo "wrk rate:          $wrk_rate requests/s" \
	    "(-t 1 -c $IN_FLIGHT -d ${WRK_SECONDS}s, body $body_size bytes)"
	echo "wrk latency:       $(awk '/^    Latency/ { print $2 " mean, " \
	    $3 " stdev, " $4 " max" }' "$work/wrk.out")"
	# wrk prints these lines only when such responses or errors occurred.
	grep -E 'Non-2xx|Socket errors' "$work/wrk.out" || true
	awk -v runner="$runner_rate" -v wrk="$wrk_rate" 'BEGIN {
		printf "runner / wrk:      %.1f%% (target: at least 70%%)\n",
		    100 * runner / wrk }'
}

report_targets() {
	awk -v runner="$runner_rate" -v wrk="$wrk_rate" \
	    -v p99="$p99_lateness" 'BEGIN {
		printf "target rate:       %s (runner at least 70%% of wrk)\n",
		    (runner >= 0.7 * wrk ? "met" : "NOT met")
		printf "target lateness:   %s (p99 under 1 s)\n",
		    (p99 < 1 ? "met" : "NOT met")
	}'
}

# Checks that every job ran once, with status 204, and no time twice.
check_database() {
	sqlite3 "$work/bench.db" <<-EOF
	SELECT 'job_runs rows:     ' || count(*) || ' (expected $JOBS), '
	    || sum(http_status = 204) || ' with status 204, '
	    || count(DISTINCT job_id) || ' distinct jobs, '
	    || count(DISTINCT job_id || '-' || scheduled_at)
	    || ' distinct scheduled times'
	FROM job_runs;
	EOF
	echo "webhook-ids twice: $(awk '{ print $2 }' "$work/nginx/calls.log" |
	    sort | uniq -d | wc -l) (expected 0)"
}

main() {
	install_missing
	check_build
	work=$(mktemp -d /tmp/chronatog-burst.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	start_nginx
	create_database
	run_burst
	echo "== burst: $JOBS jobs due at T = $due," \
	    "max_in_flight $IN_FLIGHT, nginx with 1 worker on port $port"
	echo "load average:      $(cut -d' ' -f1-3 /proc/loadavg) (after the burst)"
	report_calls
	run_wrk
	check_database
	report_targets
	if grep -Eq 'error|warn' "$work/runner.log"; then
		echo "runner log:"
		grep -E 'error|warn' "$work/runner.log" | head -5
	fi
}

main "$@"
