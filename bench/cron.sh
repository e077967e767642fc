#!/usr/bin/env bash
#
# Times cron_next() and cron_next_in_zone() with `build/t/cron_test bench`
# (the schedules and start times are in t/cron_test.c) and, when valgrind
# is installed, counts the instructions per call with callgrind, which
# unlike the timings does not depend on the machine's load.
# Build first with `make`. Results are recorded in bench/RESULTS.md.
set -euo pipefail

cd "$(dirname "$0")/.."
driver=build/t/cron_test
calls=2000000
callgrind_calls=100000

if [ ! -x "$driver" ]; then
	echo "cron.sh: $driver not found; run make first" >&2
	exit 1
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "machine: $(uname -m), $cpu, $(nproc) CPUs"
"$driver" bench "$calls" 2>/dev/null

if ! command -v valgrind >/dev/null; then
	echo "valgrind not installed: no instruction counts"
	exit 0
fi

# Counts the instructions executed inside FUNCTION (and what it calls)
# during `bench CALLS WHICH`, divided by CALLS.
instructions_per_call() {
	local which="$1" function="$2" output total

	output=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file="$output" \
	    --toggle-collect="$function" \
	    "$driver" bench "$callgrind_calls" "$which" >/dev/null 2>&1
	total=$(awk '/^summary:/ { print $2 }' "$output")
	rm -f "$output"
	echo "$function: $((total / callgrind_calls)) instructions/call" \
	    "(callgrind, $callgrind_calls calls)"
}

instructions_per_call utc cron_next
instructions_per_call zone cron_next_in_zone
