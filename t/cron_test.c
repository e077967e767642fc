/*
 * Test driver for the cron module (lib/cron.c, lib/cron_zone.c), run by
 * t/cron.bats and bench/cron.sh. Times on the command line and in the
 * output are RFC 3339 in UTC, such as 2028-02-29T00:00:00Z.
 *
 * The fuzz commands compare the library with slow reference searches
 * that step through every day or minute with gmtime_r() and localtime_r()
 * and share no date arithmetic with it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"

#define USAGE \
	"usage: cron_test parse EXPRESSION\n" \
	"       cron_test masks EXPRESSION\n" \
	"       cron_test next EXPRESSION FROM COUNT [ZONE]\n" \
	"       cron_test zone ZONE\n" \
	"       cron_test fuzz CASES SEED\n" \
	"       cron_test fuzz-zone CASES SEED [ZONE ...]\n" \
	"       cron_test bench CALLS [utc | zone]\n" \
	"\n" \
	"parse      print \"ok\", or the error message and exit 1\n" \
	"masks      print the values each field selects and the day rule\n" \
	"next       print the COUNT times after FROM (RFC 3339, UTC) that\n" \
	"           match, read as wall-clock time in ZONE if given\n" \
	"zone       print \"ok\", or why ZONE is rejected and exit 1\n" \
	"fuzz       compare cron_next() with a day-by-day search for CASES\n" \
	"           random schedules and times\n" \
	"fuzz-zone  compare cron_next_in_zone() with a minute-by-minute\n" \
	"           search through localtime_r(), mostly near clock changes\n" \
	"bench      print the mean time per call of cron_next() and of\n" \
	"           cron_next_in_zone() in Europe/Berlin, in nanoseconds,\n" \
	"           over CALLS calls; \"utc\" or \"zone\" times only one\n"

#define DAY_SECONDS 86400

/* Searches in the fuzz commands look this far ahead. */
#define REFERENCE_YEARS 40
#define REFERENCE_ZONE_DAYS 4

static const char *const fuzz_zones[] = {
	"Europe/Berlin", "America/New_York", "Europe/London",
	"Europe/Dublin",		/* negative daylight-saving time */
	"Australia/Sydney", "Australia/Lord_Howe",	/* 30-minute change */
	"America/Santiago", "Pacific/Chatham", "Asia/Tehran",
	"Africa/Casablanca", "America/Sao_Paulo",	/* change at 00:00 */
	"America/Havana", "America/Nuuk",	/* rule time -01:00 */
	"Antarctica/Troll",		/* 2-hour change */
	"Pacific/Apia",			/* skipped 2011-12-30 */
	"Asia/Kolkata", NULL
};

static uint64_t random_state;

static uint64_t
random_next(void)
{
	/* xorshift64* */
	random_state ^= random_state >> 12;
	random_state ^= random_state << 25;
	random_state ^= random_state >> 27;
	return random_state * UINT64_C(2685821657736338717);
}

/* Returns a random integer in min..max. */
static int64_t
random_between(int64_t min, int64_t max)
{
	return min + (int64_t)(random_next() % (uint64_t)(max - min + 1));
}

static int
parse_time(const char *text, int64_t *time)
{
	struct tm tm;
	char end;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(text, "%d-%d-%dT%d:%d:%d%c", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &end) != 7 ||
	    end != 'Z') {
		fprintf(stderr, "cron_test: invalid time \"%s\"; expected "
		    "RFC 3339 in UTC such as 2026-03-29T01:00:00Z\n", text);
		return -1;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*time = timegm(&tm);
	return 0;
}

static const char *
format_time(int64_t time, char *buffer, size_t size)
{
	time_t seconds = (time_t)time;
	struct tm tm;

	if (time == -1 || gmtime_r(&seconds, &tm) == NULL)
		snprintf(buffer, size, "none");
	else
		strftime(buffer, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buffer;
}

/* Prints the set bits of `mask` from min to max as "1-5,7,9". */
static void
print_values(const char *name, uint64_t mask, int min, int max)
{
	int value, run_end;
	bool first = true;

	printf("%s: ", name);
	for (value = min; value <= max; value++) {
		if (!(mask >> value & 1))
			continue;
		run_end = value;
		while (run_end < max && (mask >> (run_end + 1) & 1))
			run_end++;
		printf("%s%d", first ? "" : ",", value);
		if (run_end > value)
			printf("-%d", run_end);
		first = false;
		value = run_end;
	}
	printf("\n");
}

static int
command_parse(const char *expression)
{
	struct cron_schedule schedule;
	struct error error;

	if (cron_parse(expression, &schedule, &error) == -1) {
		printf("%s\n", error.message);
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int
command_masks(const char *expression)
{
	struct cron_schedule schedule;
	struct error error;

	if (cron_parse(expression, &schedule, &error) == -1) {
		printf("%s\n", error.message);
		return 1;
	}
	print_values("minute", schedule.minutes, 0, 59);
	print_values("hour", schedule.hours, 0, 23);
	print_values("day-of-month", schedule.days_of_month, 1, 31);
	print_values("month", schedule.months, 1, 12);
	print_values("day-of-week", schedule.days_of_week, 0, 6);
	printf("days: %s\n", schedule.dom_star || schedule.dow_star ?
	    "both fields must match" : "either field matches");
	return 0;
}

static int
command_next(const char *expression, const char *from, const char *count_text,
    const char *zone)
{
	struct cron_schedule schedule;
	struct error error;
	char buffer[64];
	int64_t time;
	long count, i;

	if (cron_parse(expression, &schedule, &error) == -1) {
		printf("%s\n", error.message);
		return 1;
	}
	if (zone != NULL && cron_zone_check(zone, &error) == -1) {
		printf("%s\n", error.message);
		return 1;
	}
	if (parse_time(from, &time) == -1)
		return 2;
	count = strtol(count_text, NULL, 10);

	for (i = 0; i < count; i++) {
		time = cron_next_in_zone(&schedule, zone, time);
		printf("%s\n", format_time(time, buffer, sizeof(buffer)));
		if (time == -1)
			return 1;
	}
	return 0;
}

static int
command_zone(const char *zone)
{
	struct error error;

	if (cron_zone_check(zone, &error) == -1) {
		printf("%s\n", error.message);
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* Writes a random item for a field of values min..max to `out`. */
static void
random_item(char *out, size_t size, int min, int max,
    const char *const *names)
{
	int first = (int)random_between(min, max);
	int last = (int)random_between(first, max);
	int step = (int)random_between(1, max - min);
	char first_text[8], last_text[8];

	snprintf(first_text, sizeof(first_text), "%d", first);
	snprintf(last_text, sizeof(last_text), "%d", last);
	if (names != NULL && random_between(0, 2) == 0) {
		if (names[first - min] != NULL)
			snprintf(first_text, sizeof(first_text), "%s",
			    names[first - min]);
		if (names[last - min] != NULL)
			snprintf(last_text, sizeof(last_text), "%s",
			    names[last - min]);
	}

	switch (random_between(0, 4)) {
	case 0:
		snprintf(out, size, "%s", first_text);
		break;
	case 1:
		snprintf(out, size, "%s-%s", first_text, last_text);
		break;
	case 2:
		snprintf(out, size, "%d-%d/%d", first, last, step);
		break;
	case 3:
		snprintf(out, size, "*/%d", (int)random_between(1, 6));
		break;
	default:
		snprintf(out, size, "%d", (int)random_between(min, max));
		break;
	}
}

/*
 * Writes a random field: "*" with probability `star` percent, else a
 * list of one to three items.
 */
static void
random_field(char *out, size_t size, int min, int max,
    const char *const *names, int star)
{
	char item[32];
	size_t used = 0;
	int items, i;

	if (random_between(1, 100) <= star) {
		snprintf(out, size, "*");
		return;
	}
	items = (int)random_between(1, 3);
	out[0] = '\0';
	for (i = 0; i < items; i++) {
		random_item(item, sizeof(item), min, max, names);
		used += (size_t)snprintf(out + used, size - used, "%s%s",
		    i == 0 ? "" : ",", item);
	}
}

/*
 * Writes a random expression. With `frequent`, the date fields are
 * mostly "*" so that the schedule fires within a few days.
 */
static void
random_expression(char *out, size_t size, bool frequent)
{
	static const char *const months[] = {
		"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
		"sep", "oct", "nov", "dec", NULL
	};
	static const char *const weekdays[] = {
		"sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL
	};
	char fields[5][128];

	random_field(fields[0], sizeof(fields[0]), 0, 59, NULL, 20);
	random_field(fields[1], sizeof(fields[1]), 0, 23, NULL, 40);
	random_field(fields[2], sizeof(fields[2]), 1, 31, NULL,
	    frequent ? 90 : 50);
	random_field(fields[3], sizeof(fields[3]), 1, 12, months,
	    frequent ? 95 : 50);
	random_field(fields[4], sizeof(fields[4]), 0, 7, weekdays,
	    frequent ? 80 : 50);
	snprintf(out, size, "%s %s %s %s %s", fields[0], fields[1], fields[2],
	    fields[3], fields[4]);
}

/* Tests a broken-down date against the month and day fields. */
static bool
date_matches(const struct cron_schedule *schedule, const struct tm *tm)
{
	bool by_day, by_weekday;

	if (!(schedule->months >> (tm->tm_mon + 1) & 1))
		return false;
	by_day = schedule->days_of_month >> tm->tm_mday & 1;
	by_weekday = schedule->days_of_week >> tm->tm_wday & 1;
	if (schedule->dom_star || schedule->dow_star)
		return by_day && by_weekday;
	return by_day || by_weekday;
}

static bool
time_matches(const struct cron_schedule *schedule, const struct tm *tm)
{
	return date_matches(schedule, tm) &&
	    (schedule->hours >> tm->tm_hour & 1) &&
	    (schedule->minutes >> tm->tm_min & 1);
}

/* Finds the next time in UTC by testing every day, then every minute. */
static int64_t
reference_next(const struct cron_schedule *schedule, int64_t after)
{
	int64_t start = (after >= 0 ? after / 60 : (after - 59) / 60) * 60 +
	    60;
	int64_t day = start - ((start % DAY_SECONDS) + DAY_SECONDS) %
	    DAY_SECONDS;
	int64_t last = start + (int64_t)REFERENCE_YEARS * 366 * DAY_SECONDS;
	int64_t time;
	struct tm tm;
	time_t seconds;

	for (; day < last; day += DAY_SECONDS) {
		seconds = (time_t)day;
		gmtime_r(&seconds, &tm);
		if (!date_matches(schedule, &tm))
			continue;
		for (time = day; time < day + DAY_SECONDS; time += 60) {
			if (time < start)
				continue;
			if ((schedule->hours >> ((time - day) / 3600) & 1) &&
			    (schedule->minutes >> ((time - day) / 60 % 60) & 1))
				return time;
		}
	}
	return -1;
}

static int
command_fuzz(long cases, uint64_t seed)
{
	struct cron_schedule schedule;
	char expression[768], buffer[3][64];
	int64_t after, got, expected;
	long done = 0, rejected = 0, attempts;

	random_state = seed * 2 + 1;
	for (attempts = 0; done < cases && attempts < cases * 20; attempts++) {
		random_expression(expression, sizeof(expression), false);
		if (cron_parse(expression, &schedule, NULL) == -1) {
			rejected++;
			continue;
		}

		/* Any time in 1900-2200, sometimes on a whole minute. */
		after = random_between(INT64_C(-2208988800),
		    INT64_C(7258118400));
		if (random_between(0, 3) == 0)
			after -= after % 60;

		got = cron_next(&schedule, after);
		expected = reference_next(&schedule, after);
		if (got != expected) {
			printf("mismatch: \"%s\" after %s: got %s, expected "
			    "%s\n", expression,
			    format_time(after, buffer[0], sizeof(buffer[0])),
			    format_time(got, buffer[1], sizeof(buffer[1])),
			    format_time(expected, buffer[2],
			    sizeof(buffer[2])));
			return 1;
		}
		done++;
	}
	printf("ok: %ld cases agree, %ld random expressions rejected\n",
	    done, rejected);
	return done == cases ? 0 : 1;
}

/* Returns the wall-clock time of `time` in TZ, as seconds since the epoch. */
static int64_t
local_wall(int64_t time, int32_t *offset)
{
	time_t seconds = (time_t)time;
	struct tm tm;

	localtime_r(&seconds, &tm);
	if (offset != NULL)
		*offset = (int32_t)tm.tm_gmtoff;
	return time + tm.tm_gmtoff;
}

static bool
wall_matches(const struct cron_schedule *schedule, int64_t wall)
{
	time_t seconds = (time_t)wall;
	struct tm tm;

	gmtime_r(&seconds, &tm);
	return time_matches(schedule, &tm);
}

/*
 * Finds the next time in the zone set in TZ by testing every minute, with
 * the rules of cron_next_in_zone() restated. A wall-clock time fires at
 * its first occurrence, or at every occurrence when all hours are
 * selected. Wall-clock times skipped by a gap fire at the gap's end.
 * Returns -2 when nothing fires within `days` days.
 */
static int64_t
reference_next_in_zone(const struct cron_schedule *schedule, int64_t after,
    int days)
{
	bool every_hour = (schedule->hours & 0xffffff) == 0xffffff;
	int64_t start = (after >= 0 ? after / 60 : (after - 59) / 60) * 60 +
	    60;
	int64_t time, wall, skipped, previous = 0, latest = INT64_MIN;
	bool fires;

	for (time = start - 2 * DAY_SECONDS;
	    time < start + (int64_t)days * DAY_SECONDS; time += 60) {
		wall = local_wall(time, NULL);
		if (time >= start) {
			fires = wall_matches(schedule, wall) &&
			    (wall > latest || every_hour);
			for (skipped = previous + 60; skipped < wall;
			    skipped += 60)
				if (wall_matches(schedule, skipped))
					fires = true;
			if (fires)
				return time;
		}
		if (wall > latest)
			latest = wall;
		previous = wall;
	}
	return -2;
}

/* Picks a time within 36 hours of a clock change of the zone in TZ. */
static int64_t
time_near_change(void)
{
	int64_t year_start, time, changes[16];
	int32_t offset, previous;
	int count = 0;

	/* Any year in 1980-2060; January 1 is close enough. */
	year_start = INT64_C(315532800) + random_between(0, 80) *
	    INT64_C(31556952);
	local_wall(year_start, &previous);
	for (time = year_start + 3600; time < year_start + 366 * DAY_SECONDS &&
	    count < 16; time += 3600) {
		local_wall(time, &offset);
		if (offset != previous)
			changes[count++] = time;
		previous = offset;
	}
	if (count == 0)
		return year_start + random_between(0, 365 * DAY_SECONDS);
	return changes[random_between(0, count - 1)] +
	    random_between(-36 * 3600, 36 * 3600);
}

static int
command_fuzz_zone(long cases, uint64_t seed, char **zones)
{
	struct cron_schedule schedule;
	char expression[768], buffer[3][64];
	const char *zone;
	int64_t after, got, expected;
	int32_t offset;
	long done = 0, attempts;
	int zone_count = 0;

	if (zones[0] == NULL)
		zones = (char **)fuzz_zones;
	while (zones[zone_count] != NULL)
		zone_count++;

	random_state = seed * 2 + 1;
	for (attempts = 0; done < cases && attempts < cases * 20; attempts++) {
		zone = zones[random_between(0, zone_count - 1)];
		if (setenv("TZ", zone, 1) == -1)
			return 2;
		tzset();

		random_expression(expression, sizeof(expression), true);
		if (cron_parse(expression, &schedule, NULL) == -1)
			continue;
		if (random_between(0, 3) == 0)
			after = random_between(INT64_C(315532800),
			    INT64_C(2840140800));
		else
			after = time_near_change();

		/* The reference needs offsets in whole minutes. */
		local_wall(after, &offset);
		if (offset % 60 != 0)
			continue;

		got = cron_next_in_zone(&schedule, zone, after);
		expected = reference_next_in_zone(&schedule, after,
		    REFERENCE_ZONE_DAYS);
		if (expected == -2 && got > after +
		    (REFERENCE_ZONE_DAYS - 1) * DAY_SECONDS) {
			done++;
			continue;
		}
		if (got != expected) {
			printf("mismatch: \"%s\" in %s after %s: got %s, "
			    "expected %s\n", expression, zone,
			    format_time(after, buffer[0], sizeof(buffer[0])),
			    format_time(got, buffer[1], sizeof(buffer[1])),
			    expected == -2 ? "none within the search" :
			    format_time(expected, buffer[2],
			    sizeof(buffer[2])));
			return 1;
		}
		done++;
	}
	printf("ok: %ld cases agree\n", done);
	return done == cases ? 0 : 1;
}

static double
elapsed_ns(const struct timespec *start, const struct timespec *end)
{
	return (double)(end->tv_sec - start->tv_sec) * 1e9 +
	    (double)(end->tv_nsec - start->tv_nsec);
}

static const char *const bench_expressions[] = {
	"*/15 * * * *", "0 0 * * *", "30 2 * * 1-5", "0 9-17 * * mon-fri",
	"0 0 1 * *", "0 0 29 2 *", "5,35 */2 1,15 * *", "@weekly"
};

#define BENCH_SCHEDULES \
	(sizeof(bench_expressions) / sizeof(bench_expressions[0]))

/*
 * Returns the mean nanoseconds per call of `calls` calls over the bench
 * schedules, in `zone` or, when it is NULL, of cron_next(). The start
 * times are spread over 2027-2036.
 */
static double
bench_calls(const struct cron_schedule *schedules, long calls,
    const char *zone, int64_t *sum)
{
	const int64_t base = INT64_C(1798761600);	/* 2027-01-01 */
	struct timespec start, end;
	const struct cron_schedule *schedule;
	int64_t after;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < calls; i++) {
		schedule = &schedules[(size_t)i % BENCH_SCHEDULES];
		after = base + (i * 7919 * 61) % (10 * 365 * DAY_SECONDS);
		if (zone == NULL)
			*sum += cron_next(schedule, after);
		else
			*sum += cron_next_in_zone(schedule, zone, after);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	return elapsed_ns(&start, &end) / (double)calls;
}

/* Runs the "bench" command; `which` is "utc", "zone" or NULL for both. */
static int
command_bench(long calls, const char *which)
{
	struct cron_schedule schedules[BENCH_SCHEDULES];
	int64_t sum = 0;
	size_t i;

	if (calls < 1)
		return 2;
	for (i = 0; i < BENCH_SCHEDULES; i++)
		if (cron_parse(bench_expressions[i], &schedules[i], NULL) == -1)
			return 2;

	if (which == NULL || strcmp(which, "utc") == 0)
		printf("cron_next: %.1f ns/call (%ld calls, %zu schedules)\n",
		    bench_calls(schedules, calls, NULL, &sum), calls,
		    BENCH_SCHEDULES);
	if (which == NULL || strcmp(which, "zone") == 0)
		printf("cron_next_in_zone Europe/Berlin: %.1f ns/call "
		    "(%ld calls, %zu schedules)\n",
		    bench_calls(schedules, calls, "Europe/Berlin", &sum),
		    calls, BENCH_SCHEDULES);

	/* Printing the sum keeps the compiler from dropping the calls. */
	fprintf(stderr, "checksum %" PRId64 "\n", sum);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *command = argc > 1 ? argv[1] : "";

	if (strcmp(command, "--help") == 0) {
		fputs(USAGE, stdout);
		return 0;
	}
	if (strcmp(command, "parse") == 0 && argc == 3)
		return command_parse(argv[2]);
	if (strcmp(command, "masks") == 0 && argc == 3)
		return command_masks(argv[2]);
	if (strcmp(command, "next") == 0 && (argc == 5 || argc == 6))
		return command_next(argv[2], argv[3], argv[4],
		    argc == 6 ? argv[5] : NULL);
	if (strcmp(command, "zone") == 0 && argc == 3)
		return command_zone(argv[2]);
	if (strcmp(command, "fuzz") == 0 && argc == 4)
		return command_fuzz(strtol(argv[2], NULL, 10),
		    strtoull(argv[3], NULL, 10));
	if (strcmp(command, "fuzz-zone") == 0 && argc >= 4)
		return command_fuzz_zone(strtol(argv[2], NULL, 10),
		    strtoull(argv[3], NULL, 10), argv + 4);
	if (strcmp(command, "bench") == 0 && (argc == 3 || argc == 4))
		return command_bench(strtol(argv[2], NULL, 10),
		    argc == 4 ? argv[3] : NULL);

	fputs(USAGE, stderr);
	return 2;
}
