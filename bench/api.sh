#!/usr/bin/env bash
#
# API benchmark: authenticated GET /chronatogapi/1/jobs through lighttpd
# and FastCGI, against the same lighttpd serving a static file of the
# same bytes.
#
# The script starts a local Chronatog with tools/run-local (lighttpd on
# a free loopback port, the jobs program with max-procs 2, no runner),
# creates a scheduler with 10 jobs, saves the list response to a static
# file under lighttpd's document root, and runs wrk for 10 s against
# each URL with the same connections and threads. It reports both rates
# and their ratio.
#
# Build first with `make`. Results are recorded in bench/RESULTS.md.
set -euo pipefail

readonly JOBS=10
readonly CONNECTIONS=32
readonly DURATION=10s

cd "$(dirname "$0")/.."
top=$PWD
admin=$top/build/bin/chronatog-admin

unset CHRONATOG_CONFIG CHRONATOG_DB CHRONATOG_PUBLIC_URL
work=$(mktemp -d /tmp/chronatog-api.XXXXXX)

cleanup() {
	DATA=$work/data "$top/tools/stop-local"
	rm -rf "$work"
}
trap cleanup EXIT

command -v wrk > /dev/null || apt-get install -y -qq wrk > /dev/null
[ -x "$admin" ] || { echo "api.sh: run make first" >&2; exit 1; }

port=$("$top/build/t/freeport")
PORT=$port DATA=$work/data RUNNER=no "$top/tools/run-local" --background
export CHRONATOG_CONFIG=$work/data/chronatog.conf
base=http://127.0.0.1:$port

eval "$("$admin" create-scheduler --name bench | grep '^auth_')"
for i in $(seq "$JOBS"); do
	curl -sS -o /dev/null -u "$auth_username:$auth_password" \
	    -H 'Content-Type: application/json' \
	    -d "{\"callback_url\": \"http://127.0.0.1:9/job/$i\",
	    \"schedule\": \"0 0 1 1 *\"}" "$base/chronatogapi/1/jobs"
done

# The static twin: the same bytes, served by lighttpd from www/.
curl -sS -u "$auth_username:$auth_password" -o "$work/data/www/jobs.json" \
    "$base/chronatogapi/1/jobs"
size=$(stat -c %s "$work/data/www/jobs.json")
authorization="Authorization: Basic $(printf '%s:%s' "$auth_username" \
    "$auth_password" | base64 -w0)"

# Prints wrk's requests per second for URL $1 with header $2.
rate() {
	wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" -H "$2" "$1" |
	    awk '/^Requests\/sec:/ { print $2 }'
}

api_rate=$(rate "$base/chronatogapi/1/jobs" "$authorization")
static_rate=$(rate "$base/jobs.json" "X-Nothing: 1")

echo "== api: GET /chronatogapi/1/jobs, $JOBS jobs, $size-byte response"
echo "machine:        $(uname -srm), $(nproc) CPUs," \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "wrk:            -t 2 -c $CONNECTIONS -d $DURATION"
echo "API rate:       $api_rate requests/s"
echo "static rate:    $static_rate requests/s"
awk -v a="$api_rate" -v s="$static_rate" \
    'BEGIN { printf "API / static:   %.0f%%\n", 100 * a / s }'
