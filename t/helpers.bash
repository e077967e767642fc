# Shared by the bats suites: start and stop a real Chronatog (lighttpd
# with the FastCGI programs) and a callback receiver on free loopback
# ports, and talk to them.

top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
build=$top/build
admin=$build/bin/chronatog-admin
runner=$build/bin/chronatog-runner

# Starts lighttpd and the FastCGI programs with a fresh database in
# $BATS_FILE_TMPDIR/data. Sets BASE (the server's URL) and exports
# CHRONATOG_CONFIG so that chronatog-admin finds the same database.
# The runner is left out: tests run it with --once.
start_chronatog() {
	export DATA=$BATS_FILE_TMPDIR/data
	PORT=$("$build/t/freeport")
	PORT=$PORT RUNNER=no "$top/tools/run-local" --background
	export BASE=http://127.0.0.1:$PORT
	export CHRONATOG_CONFIG=$DATA/chronatog.conf
	export DB=$DATA/chronatog.db
}

stop_chronatog() {
	DATA=$BATS_FILE_TMPDIR/data "$top/tools/stop-local"
}

# Starts a callback receiver answering with status $1 (default 204) and
# the header line $2, if given. Sets RECEIVER (its base URL) and
# RECEIVED (its log of requests).
start_receiver() {
	local dir=$BATS_FILE_TMPDIR/receiver-$RANDOM
	mkdir -p "$dir"
	RECEIVED=$dir/requests.jsonl
	touch "$RECEIVED"
	local extra=()
	[ -n "${2:-}" ] && extra=(--header "$2")
	"$build/t/receiver" --port-file "$dir/port" --log "$RECEIVED" \
	    --status "${1:-204}" "${extra[@]}" 2> /dev/null 3>&- &
	echo $! >> "$BATS_FILE_TMPDIR/receiver.pids"
	for _ in $(seq 50); do
		[ -s "$dir/port" ] && break
		sleep 0.1
	done
	RECEIVER=http://127.0.0.1:$(cat "$dir/port")
}

stop_receivers() {
	local file=$BATS_FILE_TMPDIR/receiver.pids
	[ -f "$file" ] && xargs kill < "$file" 2>/dev/null
	rm -f "$file"
}

# Creates a scheduler and sets USERNAME, PASSWORD and SCHEDULER_ID.
new_scheduler() {
	local output
	output=$("$admin" create-scheduler --name "${1:-test}") || return 1
	USERNAME=$(sed -n 's/^auth_username=//p' <<< "$output")
	PASSWORD=$(sed -n 's/^auth_password=//p' <<< "$output")
	SCHEDULER_ID=$(sed -n 's/^scheduler_id=//p' <<< "$output")
}

# Calls the jobs API as the current scheduler: api METHOD PATH [BODY].
# Sets STATUS, BODY_FILE (the response body) and HEADERS_FILE. Call it
# outside $(...), or STATUS is lost with the subshell.
api() {
	local method=$1 path=$2 data=${3-}
	BODY_FILE=$BATS_TEST_TMPDIR/body
	HEADERS_FILE=$BATS_TEST_TMPDIR/headers
	local args=(-sS -X "$method" -u "$USERNAME:$PASSWORD"
	    -o "$BODY_FILE" -D "$HEADERS_FILE" -w '%{http_code}')
	if [ $# -ge 3 ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$data")
	fi
	STATUS=$(curl "${args[@]}" "$BASE$path")
}

# Prints the body of the last api call.
body() {
	cat "$BODY_FILE"
}

# Prints a header's value from the last api call.
header() {
	grep -i "^$1:" "$HEADERS_FILE" | sed 's/^[^:]*: *//' | tr -d '\r'
}

# Runs an SQL query on the test database and prints the result.
sql() {
	sqlite3 -cmd '.timeout 5000' "$DB" "$1"
}

# Creates a job for the current scheduler calling $1 on schedule $2 and
# sets JOB_ID, JOB_URL and JOB_NEXT (its next_run_at, RFC 3339).
new_job() {
	api POST /chronatogapi/1/jobs \
	    "{\"callback_url\": \"$1\", \"schedule\": \"$2\"}" || return 1
	if [ "$STATUS" != 201 ]; then
		echo "create job: $STATUS $(body)"
		return 1
	fi
	JOB_ID=$(jq -r .id "$BODY_FILE")
	JOB_URL=$(jq -r .url "$BODY_FILE")
	JOB_NEXT=$(jq -r .next_run_at "$BODY_FILE")
}
