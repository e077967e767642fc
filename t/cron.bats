#!/usr/bin/env bats
#
# Cron expressions: parsing, next times in UTC and in time zones, and the
# messages for invalid expressions and zones. Runs build/t/cron_test
# (t/cron_test.c); build it first with `make build/t/cron_test`.
#
# Most tests read a table of rows separated by "|". Times are UTC and
# written without seconds ("2028-02-29T00:00"); a FROM time may carry
# seconds ("2026-12-04T11:59:59Z"). The expected times were worked out by
# hand from calendars and the zones' published clock changes.

setup() {
	DRIVER="$BATS_TEST_DIRNAME/../build/t/cron_test"
}

trim() {
	local text="$1"

	text="${text#"${text%%[![:space:]]*}"}"
	printf '%s' "${text%"${text##*[![:space:]]}"}"
}

# Reads rows "EXPRESSION | FROM | EXPECTED..." and checks that the driver
# prints the expected next times, read in ZONE if one is given. Prints
# every failing row, then fails if there was one.
check_next() {
	local zone="$1" failures=0 expression from expected got count

	while IFS='|' read -r expression from expected; do
		expression=$(trim "$expression")
		from=$(trim "$from")
		expected=$(trim "$expected")
		[ -n "$expression" ] || continue
		[ "${#from}" -eq 16 ] && from="$from:00Z"
		count=$(wc -w <<<"$expected")

		got=$("$DRIVER" next "$expression" "$from" "$count" $zone 2>&1 |
		    sed 's/:00Z$//' | tr '\n' ' ')
		got=$(trim "$got")
		if [ "$got" != "$expected" ]; then
			echo "row: $expression | $from ${zone:+in $zone}"
			echo "  expected: $expected"
			echo "  got:      $got"
			failures=$((failures + 1))
		fi
	done
	[ "$failures" -eq 0 ]
}

# Reads rows "EXPRESSION | MESSAGE" and checks that parsing fails with a
# message containing MESSAGE.
check_rejected() {
	local failures=0 expression message output status

	while IFS='|' read -r expression message; do
		expression=$(trim "$expression")
		message=$(trim "$message")
		[ -n "$expression" ] || continue

		status=0
		output=$("$DRIVER" parse "$expression" 2>&1) || status=$?
		if [ "$status" -ne 1 ] || [[ "$output" != *"$message"* ]]; then
			echo "row: $expression"
			echo "  expected status 1 and: $message"
			echo "  got status $status and: $output"
			failures=$((failures + 1))
		fi
	done
	[ "$failures" -eq 0 ]
}

@test "minute field lists ranges steps" {
	# 2026-12-04 is a Friday.
	check_next <<'EOF'
*/15 * * * *      | 2026-12-04T10:07 | 2026-12-04T10:15 2026-12-04T10:30 2026-12-04T10:45 2026-12-04T11:00
5,10,50 * * * *   | 2026-12-04T10:07 | 2026-12-04T10:10 2026-12-04T10:50 2026-12-04T11:05
10-12 * * * *     | 2026-12-04T10:11 | 2026-12-04T10:12 2026-12-04T11:10 2026-12-04T11:11
10-30/10 * * * *  | 2026-12-04T10:30 | 2026-12-04T11:10 2026-12-04T11:20 2026-12-04T11:30 2026-12-04T12:10
0-59/20 * * * *   | 2026-12-04T10:07 | 2026-12-04T10:20 2026-12-04T10:40 2026-12-04T11:00
07 * * * *        | 2026-12-04T10:07 | 2026-12-04T11:07 2026-12-04T12:07
59 * * * *        | 2026-12-04T23:59 | 2026-12-05T00:59
EOF
}

@test "hour field lists ranges steps" {
	check_next <<'EOF'
0 */6 * * *       | 2026-12-04T10:07 | 2026-12-04T12:00 2026-12-04T18:00 2026-12-05T00:00 2026-12-05T06:00
30 9-11 * * *     | 2026-12-04T10:07 | 2026-12-04T10:30 2026-12-04T11:30 2026-12-05T09:30
0 0,12 * * *      | 2026-12-04T12:00 | 2026-12-05T00:00 2026-12-05T12:00
15 1-23/11 * * *  | 2026-12-04T10:07 | 2026-12-04T12:15 2026-12-04T23:15 2026-12-05T01:15
EOF
}

@test "day-of-month field lists ranges steps" {
	check_next <<'EOF'
0 0 1,15 * *      | 2026-12-04T10:07 | 2026-12-15T00:00 2027-01-01T00:00 2027-01-15T00:00
0 0 10-12 * *     | 2026-12-04T10:07 | 2026-12-10T00:00 2026-12-11T00:00 2026-12-12T00:00 2027-01-10T00:00
0 0 */10 * *      | 2026-12-04T10:07 | 2026-12-11T00:00 2026-12-21T00:00 2026-12-31T00:00 2027-01-01T00:00
0 12 */2 * *      | 2026-12-30T13:00 | 2026-12-31T12:00 2027-01-01T12:00 2027-01-03T12:00
EOF
}

@test "month field numbers and names" {
	check_next <<'EOF'
0 0 1 6 *         | 2026-12-04T10:07 | 2027-06-01T00:00 2028-06-01T00:00
0 0 1 12 *        | 2026-12-04T10:07 | 2027-12-01T00:00
0 0 1 jan,JUL *   | 2026-12-04T10:07 | 2027-01-01T00:00 2027-07-01T00:00 2028-01-01T00:00
0 0 1 Mar-May *   | 2026-12-04T10:07 | 2027-03-01T00:00 2027-04-01T00:00 2027-05-01T00:00 2028-03-01T00:00
0 0 1 */4 *       | 2026-12-04T10:07 | 2027-01-01T00:00 2027-05-01T00:00 2027-09-01T00:00
0 0 1 2-12/5 *    | 2026-12-04T10:07 | 2027-02-01T00:00 2027-07-01T00:00 2027-12-01T00:00
EOF
}

@test "day-of-week field numbers and names" {
	# Friday 2026-12-04 10:07; Saturday is the 5th, Monday the 7th.
	check_next <<'EOF'
0 9 * * 1         | 2026-12-04T10:07 | 2026-12-07T09:00 2026-12-14T09:00
0 9 * * Wed       | 2026-12-04T10:07 | 2026-12-09T09:00 2026-12-16T09:00
0 9 * * mon-fri   | 2026-12-04T10:07 | 2026-12-07T09:00 2026-12-08T09:00 2026-12-09T09:00
0 9 * * SAT,sun   | 2026-12-04T10:07 | 2026-12-05T09:00 2026-12-06T09:00 2026-12-12T09:00
0 9 * * */2       | 2026-12-04T10:07 | 2026-12-05T09:00 2026-12-06T09:00 2026-12-08T09:00 2026-12-10T09:00
EOF
}

@test "Sunday as 0 and 7" {
	check_next <<'EOF'
0 9 * * 0         | 2026-12-04T10:07 | 2026-12-06T09:00 2026-12-13T09:00
0 9 * * 7         | 2026-12-04T10:07 | 2026-12-06T09:00 2026-12-13T09:00
0 9 * * 5-7       | 2026-12-04T10:07 | 2026-12-05T09:00 2026-12-06T09:00 2026-12-11T09:00
0 9 * * fri-sun   | 2026-12-04T10:07 | 2026-12-05T09:00 2026-12-06T09:00 2026-12-11T09:00
EOF
}

@test "day fields either matches" {
	# Neither field starts with "*": the 13th or any Friday, and days
	# 1-7 or any Monday.
	check_next <<'EOF'
0 0 13 * 5        | 2026-12-04T00:00 | 2026-12-11T00:00 2026-12-13T00:00 2026-12-18T00:00 2026-12-25T00:00 2027-01-01T00:00
0 0 1-7 * 1       | 2026-12-04T00:00 | 2026-12-05T00:00 2026-12-06T00:00 2026-12-07T00:00 2026-12-14T00:00 2026-12-21T00:00
0 0 1,15 * mon    | 2026-12-04T00:00 | 2026-12-07T00:00 2026-12-14T00:00 2026-12-15T00:00 2026-12-21T00:00
EOF
}

@test "day fields star prefix needs both" {
	# "*/2" selects the odd days, so this is odd days that are Mondays:
	# December 7 and 21, January 11 and 25.
	check_next <<'EOF'
0 0 */2 * 1       | 2026-12-04T00:00 | 2026-12-07T00:00 2026-12-21T00:00 2027-01-11T00:00 2027-01-25T00:00
0 0 * * 1         | 2026-12-04T00:00 | 2026-12-07T00:00 2026-12-14T00:00
0 0 1 * */7       | 2026-12-04T00:00 | 2027-08-01T00:00 2028-10-01T00:00
EOF
}

@test "day rule reported by masks" {
	run "$DRIVER" masks '0 0 */2 * 1'
	[ "$status" -eq 0 ]
	[[ "$output" == *"day-of-month: 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31"* ]]
	[[ "$output" == *"days: both fields must match"* ]]

	run "$DRIVER" masks '0 0 13 * 5'
	[ "$status" -eq 0 ]
	[[ "$output" == *"days: either field matches"* ]]
}

@test "names in any case" {
	run "$DRIVER" masks '0 0 * JAN,feb,Mar,aPR * '
	[ "$status" -eq 0 ]
	[[ "$output" == *"month: 1-4"* ]]

	run "$DRIVER" masks '0 0 * * SUN,Mon,tUE'
	[ "$status" -eq 0 ]
	[[ "$output" == *"day-of-week: 0-2"* ]]

	run "$DRIVER" masks '0 0 * Oct-DEC THU-sat'
	[ "$status" -eq 0 ]
	[[ "$output" == *"month: 10-12"* ]]
	[[ "$output" == *"day-of-week: 4-6"* ]]
}

@test "field masks every field" {
	run "$DRIVER" masks '1,2,40-45/2 */8 5-9,20 1-12/3 0,7'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "minute: 1-2,40,42,44" ]
	[ "${lines[1]}" = "hour: 0,8,16" ]
	[ "${lines[2]}" = "day-of-month: 5-9,20" ]
	[ "${lines[3]}" = "month: 1,4,7,10" ]
	[ "${lines[4]}" = "day-of-week: 0" ]
	[ "${lines[5]}" = "days: either field matches" ]
}

@test "macros" {
	check_next <<'EOF'
@yearly           | 2026-12-04T10:07 | 2027-01-01T00:00 2028-01-01T00:00
@annually         | 2026-12-04T10:07 | 2027-01-01T00:00 2028-01-01T00:00
@monthly          | 2026-12-04T10:07 | 2027-01-01T00:00 2027-02-01T00:00
@weekly           | 2026-12-04T10:07 | 2026-12-06T00:00 2026-12-13T00:00
@daily            | 2026-12-04T10:07 | 2026-12-05T00:00 2026-12-06T00:00
@midnight         | 2026-12-04T10:07 | 2026-12-05T00:00 2026-12-06T00:00
@hourly           | 2026-12-04T10:07 | 2026-12-04T11:00 2026-12-04T12:00
EOF
}

@test "whitespace between and around fields" {
	run "$DRIVER" next $'  0   12\t* *\t*  ' 2026-12-04T10:07:00Z 1
	[ "$status" -eq 0 ]
	[ "$output" = "2026-12-04T12:00:00Z" ]

	run "$DRIVER" next $'\t@daily ' 2026-12-04T10:07:00Z 1
	[ "$status" -eq 0 ]
	[ "$output" = "2026-12-05T00:00:00Z" ]
}

@test "leap days" {
	# 2100 is not a leap year; 2400 is.
	check_next <<'EOF'
0 0 29 2 *        | 2025-01-01T00:00 | 2028-02-29T00:00 2032-02-29T00:00
0 0 29 2 *        | 2096-03-01T00:00 | 2104-02-29T00:00
0 0 29 2 *        | 2399-03-01T00:00 | 2400-02-29T00:00
0 0 29 * *        | 2027-01-30T00:00 | 2027-03-29T00:00 2027-04-29T00:00
0 0 28-29 2 *     | 2027-02-28T00:00 | 2028-02-28T00:00 2028-02-29T00:00 2029-02-28T00:00
0 0 29 2 */2      | 2025-01-01T00:00 | 2028-02-29T00:00 2032-02-29T00:00
EOF
}

@test "month ends" {
	check_next <<'EOF'
0 0 31 * *        | 2026-12-04T10:07 | 2026-12-31T00:00 2027-01-31T00:00 2027-03-31T00:00 2027-05-31T00:00 2027-07-31T00:00 2027-08-31T00:00
0 0 30 * *        | 2027-01-31T00:00 | 2027-03-30T00:00 2027-04-30T00:00
0 0 31 4,6,9,11,12 * | 2026-12-04T10:07 | 2026-12-31T00:00 2027-12-31T00:00
0 0 30 2,3 *      | 2026-12-04T10:07 | 2027-03-30T00:00 2028-03-30T00:00
EOF
}

@test "year rollover" {
	check_next <<'EOF'
59 23 31 12 *     | 2026-12-31T23:58     | 2026-12-31T23:59 2027-12-31T23:59
* * * * *         | 2026-12-31T23:59     | 2027-01-01T00:00 2027-01-01T00:01
0 0 1 1 *         | 2026-12-31T23:59:59Z | 2027-01-01T00:00
*/30 * * * *      | 2026-12-31T23:45     | 2027-01-01T00:00 2027-01-01T00:30
EOF
}

@test "next time strictly after" {
	check_next <<'EOF'
0 12 * * *        | 2026-12-04T12:00:00Z | 2026-12-05T12:00
0 12 * * *        | 2026-12-04T11:59:59Z | 2026-12-04T12:00
0 12 * * *        | 2026-12-04T12:00:01Z | 2026-12-05T12:00
* * * * *         | 2026-12-04T12:00:00Z | 2026-12-04T12:01
0 0 1 1 *         | 1969-12-31T12:00:00Z | 1970-01-01T00:00 1971-01-01T00:00
EOF
}

@test "invalid expressions rejected" {
	check_rejected <<'EOF'
* * * *             | expression has 4 fields, but 5 are needed (minute hour day-of-month month day-of-week)
0 * * * * *         | expression has 6 fields, but 5 are needed
0 * * * * *         | a seconds field is not supported
0 0 12 * * ? 2027   | seconds and year fields are not supported
@reboot             | @reboot is not supported because Chronatog has no boot event
@Daily              | unknown macro "@Daily"; macros are lowercase, as in "@daily"
@fortnightly        | unknown macro "@fortnightly"; expected @yearly,
@daily 5            | unexpected text after @daily: "5"
60 * * * *          | minute field: value 60 is out of range 0-59
0 24 * * *          | hour field: value 24 is out of range 0-23
0 0 0 * *           | day-of-month field: value 0 is out of range 1-31
0 0 32 * *          | day-of-month field: value 32 is out of range 1-31
0 0 * 13 *          | month field: value 13 is out of range 1-12
0 0 * * 8           | day-of-week field: value 8 is out of range 0-7
99999999999 * * * * | minute field: value 99999999999 is out of range 0-59
30-10 * * * *       | minute field: range "30-10" starts after it ends
0 0 * * fri-mon     | day-of-week field: range "fri-mon" starts after it ends
1- * * * *          | minute field: invalid range "1-"
-5 * * * *          | minute field: invalid range "-5"
*/0 * * * *         | minute field: step 0 is out of range 1-59
*/60 * * * *        | minute field: step 60 is out of range 1-59
0 */24 * * *        | hour field: step 24 is out of range 1-23
*/ * * * *          | minute field: missing step after "/"
0 0 * * */mon       | day-of-week field: step "mon" is not a number
5/10 * * * *        | minute field: "5/10" is invalid: a step must follow "*" or a range, as in "5-59/10"
0 0 * foo *         | month field: unknown name "foo"; use jan-dec or 1-12
0 0 * * monday      | day-of-week field: unknown name "monday"; use sun-sat or 0-7
mon * * * *         | minute field: invalid value "mon"; names are allowed only in the month and day-of-week fields
1,,2 * * * *        | minute field: empty item in list "1,,2"
1, * * * *          | minute field: empty item in list "1,"
,1 * * * *          | minute field: empty item in list ",1"
5x * * * *          | minute field: invalid value "5x"
*x * * * *          | minute field: invalid value "*x"
? * * * *           | minute field: invalid value "?"
0 0 L * *           | day-of-month field: invalid value "L"
0 0 30 2 *          | schedule never fires: no selected month has day 30
0 0 31 4,6,9,11 *   | schedule never fires: no selected month has day 31
0 0 30,31 feb *     | schedule never fires: no selected month has any of days 30, 31
0 0 29 2 */7        | schedule fires too rarely: February 29 falls on a selected day of the week only once in 40 years at worst
0 0 * * mön         | expression contains an invalid character (byte 0xc3 at offset 9)
EOF
}

@test "empty expression rejected" {
	run "$DRIVER" parse ''
	[ "$status" -eq 1 ]
	[ "$output" = "expression is empty" ]

	run "$DRIVER" parse $' \t '
	[ "$status" -eq 1 ]
	[ "$output" = "expression is empty" ]
}

@test "control character rejected" {
	run "$DRIVER" parse $'0 0 * * *\n'
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid character (byte 0x0a at offset 9)"* ]]
}

@test "overlong expression rejected" {
	local expression="0 0 * * 1$(printf ',1%.0s' $(seq 124))"

	# 9 + 2 * 124 = 257 bytes, one over the limit of 256.
	[ "${#expression}" -eq 257 ]
	run "$DRIVER" parse "$expression"
	[ "$status" -eq 1 ]
	[ "$output" = "expression is too long: 257 bytes, the maximum is 256" ]

	run "$DRIVER" parse "${expression%,1}"
	[ "$status" -eq 0 ]
}

@test "never-firing check allows possible days" {
	# February 29, 31st of the long months, and any weekday restriction
	# under the "either" rule all occur.
	run "$DRIVER" parse '0 0 29 2 *'
	[ "$output" = "ok" ]
	run "$DRIVER" parse '0 0 31 1-3 *'
	[ "$output" = "ok" ]
	run "$DRIVER" parse '0 0 30 2 mon'
	[ "$output" = "ok" ]
}

@test "cron_next matches day-by-day search" {
	run "$DRIVER" fuzz 20000 1
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "Berlin spring forward" {
	# 2026-03-29 01:00Z: 02:00 CET (+1) becomes 03:00 CEST (+2). Local
	# 02:30 does not exist that day and fires at 03:00 CEST, once even
	# when 03:00 is selected too.
	check_next Europe/Berlin <<'EOF'
30 2 * * *        | 2026-03-28T00:00 | 2026-03-28T01:30 2026-03-29T01:00 2026-03-30T00:30
0 2,3 * * *       | 2026-03-28T23:00 | 2026-03-29T01:00 2026-03-30T00:00 2026-03-30T01:00
*/15 * * * *      | 2026-03-29T00:30 | 2026-03-29T00:45 2026-03-29T01:00 2026-03-29T01:15
EOF
}

@test "Berlin fall back" {
	# 2026-10-25 01:00Z: 03:00 CEST (+2) becomes 02:00 CET (+1), so local
	# 02:00-02:59 occurs at 00:00Z-00:59Z and again at 01:00Z-01:59Z.
	# A fixed time fires in the first pass only; a schedule that
	# selects every hour keeps firing through the second.
	check_next Europe/Berlin <<'EOF'
30 2 * * *        | 2026-10-24T12:00 | 2026-10-25T00:30 2026-10-26T01:30
30 2 * * *        | 2026-10-25T00:30 | 2026-10-26T01:30
*/15 2 * * *      | 2026-10-25T00:40 | 2026-10-25T00:45 2026-10-26T01:00
*/15 * * * *      | 2026-10-25T00:40 | 2026-10-25T00:45 2026-10-25T01:00 2026-10-25T01:15
0 * * * *         | 2026-10-24T23:30 | 2026-10-25T00:00 2026-10-25T01:00 2026-10-25T02:00
EOF
}

@test "Berlin standard and summer time" {
	check_next Europe/Berlin <<'EOF'
0 9 * * *         | 2026-12-04T00:00 | 2026-12-04T08:00 2026-12-05T08:00
0 9 * * *         | 2026-07-01T00:00 | 2026-07-01T07:00
EOF
}

@test "New York spring forward" {
	# 2026-03-08 07:00Z: 02:00 EST (-5) becomes 03:00 EDT (-4).
	check_next America/New_York <<'EOF'
30 2 * * *        | 2026-03-07T12:00 | 2026-03-08T07:00 2026-03-09T06:30
*/15 * * * *      | 2026-03-08T06:40 | 2026-03-08T06:45 2026-03-08T07:00 2026-03-08T07:15
EOF
}

@test "New York fall back" {
	# 2026-11-01 06:00Z: 02:00 EDT (-4) becomes 01:00 EST (-5), so local
	# 01:00-01:59 occurs at 05:00Z-05:59Z and again at 06:00Z-06:59Z.
	check_next America/New_York <<'EOF'
30 1 * * *        | 2026-10-31T12:00 | 2026-11-01T05:30 2026-11-02T06:30
*/15 1 * * *      | 2026-11-01T05:40 | 2026-11-01T05:45 2026-11-02T06:00
*/15 * * * *      | 2026-11-01T05:40 | 2026-11-01T05:45 2026-11-01T06:00 2026-11-01T06:15
EOF
}

@test "other zones clock changes" {
	# Sao Paulo skipped 00:00-00:59 on 2018-11-04 (03:00Z), Lord Howe
	# moves by 30 minutes (2026-10-03 15:30Z), Sydney goes back on
	# 2026-04-05 (16:00Z), and Kolkata is +05:30 all year.
	check_next America/Sao_Paulo <<'EOF'
0 0 * * *         | 2018-11-03T12:00 | 2018-11-04T03:00 2018-11-05T02:00
EOF
	check_next Australia/Lord_Howe <<'EOF'
*/15 * * * *      | 2026-10-03T15:20 | 2026-10-03T15:30 2026-10-03T15:45
EOF
	check_next Australia/Sydney <<'EOF'
30 2 * * *        | 2026-04-04T12:00 | 2026-04-04T15:30 2026-04-05T16:30
EOF
	check_next Asia/Kolkata <<'EOF'
0 9 * * *         | 2026-12-04T00:00 | 2026-12-04T03:30 2026-12-05T03:30
EOF
}

@test "UTC zone same as no zone" {
	local expected

	expected=$("$DRIVER" next '*/7 3 * * 1-5' 2026-12-04T10:07:00Z 5)
	run "$DRIVER" next '*/7 3 * * 1-5' 2026-12-04T10:07:00Z 5 UTC
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]

	run "$DRIVER" next '*/7 3 * * 1-5' 2026-12-04T10:07:00Z 5 Etc/UTC
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
}

@test "known zones accepted" {
	local zone

	for zone in UTC Etc/UTC Europe/Berlin America/Argentina/Buenos_Aires \
	    Etc/GMT+5 Etc/GMT-14; do
		run "$DRIVER" zone "$zone"
		echo "$zone: $output"
		[ "$status" -eq 0 ]
	done
}

@test "unknown zones rejected" {
	local failures=0 zone message

	while IFS='|' read -r zone message; do
		zone=$(trim "$zone")
		message=$(trim "$message")
		run "$DRIVER" zone "$zone"
		if [ "$status" -ne 1 ] || [[ "$output" != *"$message"* ]]; then
			echo "row: $zone"
			echo "  expected status 1 and: $message"
			echo "  got status $status and: $output"
			failures=$((failures + 1))
		fi
	done <<'EOF'
Europe/Berln         | unknown time zone "Europe/Berln": expected an IANA name such as Europe/Berlin
europe/berlin        | unknown time zone "europe/berlin"
Europe               | unknown time zone "Europe": /usr/share/zoneinfo/Europe is not a zone file
../../etc/passwd     | time zone "../../etc/passwd" is invalid: it must not contain ".."
/etc/localtime       | time zone "/etc/localtime" is invalid: use an IANA name such as Europe/Berlin, not a path
zone.tab             | time zone "zone.tab" is invalid: character '.' is not allowed
Europe//Berlin       | time zone "Europe//Berlin" is invalid: it has an empty part between slashes
Europe/              | time zone "Europe/" is invalid: it has an empty part between slashes
localtime            | time zone "localtime" is not an IANA name
EOF
	[ "$failures" -eq 0 ]
}

@test "zone database non-zone files rejected" {
	[ -f /usr/share/zoneinfo/leapseconds ] ||
	    skip "tzdata has no leapseconds file"
	run "$DRIVER" zone leapseconds
	[ "$status" -eq 1 ]
	[ "$output" = 'unknown time zone "leapseconds": /usr/share/zoneinfo/leapseconds is not a zone file' ]
}

@test "leap-second zones rejected" {
	[ -f /usr/share/zoneinfo/right/UTC ] ||
	    skip "no right/ zones (Debian 13 ships them in tzdata-legacy)"
	run "$DRIVER" zone right/UTC
	[ "$status" -eq 1 ]
	[ "$output" = 'time zone "right/UTC" cannot be used: /usr/share/zoneinfo/right/UTC: the file counts leap seconds, as the files under right/ do, which is not supported' ]
}

@test "zone names with bad bytes rejected" {
	run "$DRIVER" zone ''
	[ "$status" -eq 1 ]
	[ "$output" = "time zone name is empty" ]

	run "$DRIVER" zone 'Europe Berlin'
	[ "$status" -eq 1 ]
	[ "$output" = "time zone name contains an invalid character (byte 0x20 at offset 6)" ]

	run "$DRIVER" zone "$(printf 'A%.0s' $(seq 65))"
	[ "$status" -eq 1 ]
	[ "$output" = "time zone name is too long: 65 bytes, the maximum is 64" ]
}

@test "next in unknown zone fails" {
	run "$DRIVER" next '0 9 * * *' 2026-12-04T00:00:00Z 1 Mars/Olympus_Mons
	[ "$status" -eq 1 ]
	[[ "$output" == *'unknown time zone "Mars/Olympus_Mons"'* ]]
}

@test "cron_next_in_zone matches minute search" {
	run "$DRIVER" fuzz-zone 500 1
	echo "$output"
	[ "$status" -eq 0 ]
}
