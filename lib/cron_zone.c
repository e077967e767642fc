/*
 * Cron schedules in IANA time zones.
 *
 * Zones come from the system zone database: TZif files (RFC 8536) under
 * CRON_ZONEINFO_DIR, read here directly, with the POSIX TZ string at the
 * end of each file giving the rules after its last listed transition.
 * Reading them here keeps cron_next_in_zone() away from TZ, tzset() and
 * the C library's process-wide time zone state, and makes it fast.
 *
 * A schedule's fields are local wall-clock times. The search turns each
 * wall-clock time that cron_next() finds into the instants at which it
 * occurs, and keeps the earliest instant after the given time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cron.h"

#ifndef CRON_ZONEINFO_DIR
#define CRON_ZONEINFO_DIR "/usr/share/zoneinfo"
#endif

/* Room to spare: the longest IANA name in tzdata 2026f has 30 bytes. */
#define ZONE_NAME_MAX 64

/* Far above real files: the largest in tzdata 2026f has 3872 bytes. */
#define ZONE_FILE_MAX (1024 * 1024)

/* Loaded zones kept per thread, and for how long, in seconds. */
#define ZONE_CACHE_SIZE 16
#define ZONE_CACHE_SECONDS 300

/* RFC 8536 recommends UT offsets within -89999..93599 seconds. */
#define OFFSET_MIN (-89999)
#define OFFSET_MAX 93599

#define DAY_SECONDS 86400

/*
 * Times more than 2^40 seconds (about 34,800 years) from 1970 are
 * rejected before any arithmetic on them can overflow.
 */
#define TIME_LIMIT (INT64_C(1) << 40)

/*
 * Maximum number of wall-clock times one search examines. Near a clock
 * change it needs one per matching minute over about two hours, and
 * elsewhere one.
 */
#define SEARCH_STEPS 4096

/* A date in a POSIX TZ rule, and the local time of the change on it. */
struct rule_date {
	enum {
		RULE_JULIAN_NO_LEAP,	/* Jn: day 1-365, never February 29 */
		RULE_DAY_OF_YEAR,	/* n: day 0-365, counting February 29 */
		RULE_MONTH_WEEK		/* Mm.w.d: weekday d of week w */
	} kind;
	int day;
	int month;
	int week;		/* 1-5, where 5 means the last */
	int weekday;		/* 0-6, Sunday is 0 */
	int32_t time;		/* seconds after local midnight */
};

/* The rule of a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
struct zone_rule {
	int32_t standard_offset;	/* seconds east of UTC */
	int32_t dst_offset;
	bool has_dst;
	struct rule_date start;		/* in standard time */
	struct rule_date end;		/* in daylight-saving time */
};

struct zone {
	char name[ZONE_NAME_MAX + 1];
	time_t loaded;
	size_t transition_count;
	int64_t *transitions;		/* ascending Unix times */
	uint8_t *transition_types;	/* index into types */
	size_t type_count;
	int32_t type_offsets[256];	/* seconds east of UTC */
	bool has_rule;			/* else the last type stays in force */
	struct zone_rule rule;
};

struct zone_cache {
	struct zone *zones[ZONE_CACHE_SIZE];
	size_t next;			/* the slot to reuse next */
};

/* The header counts of a TZif data block. */
struct tzif_counts {
	uint64_t ut_indicators;
	uint64_t standard_indicators;
	uint64_t leap_seconds;
	uint64_t transitions;
	uint64_t types;
	uint64_t characters;
};

/* The instants at which one local wall-clock time occurs. */
struct local_instants {
	int count;		/* 2 when clocks go back over it */
	int64_t instants[2];	/* ascending */
	bool in_gap;		/* skipped when clocks went forward */
	int64_t gap_end;	/* then: the first instant after the gap */
	int32_t offset_max;	/* largest offset within a day of it */
	bool steady;		/* no offset change within a day of it */
};

/*
 * Each thread keeps its own zones, so no locking is needed.
 * NOTE: a thread's zones are not freed when the thread exits.
 */
static _Thread_local struct zone_cache cache;

static int64_t
floor_divide(int64_t a, int64_t b)
{
	int64_t quotient = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		quotient--;
	return quotient;
}

/* Returns the day of the week of a day number, Sunday being 0. */
static int
weekday_of(int64_t days)
{
	int64_t weekday = (days + 4) % 7;	/* 1970-01-01 was a Thursday */

	return (int)(weekday < 0 ? weekday + 7 : weekday);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Reads up to 3 digits into `value`, which must lie in min..max. */
static const char *
parse_tz_number(const char *p, int min, int max, int *value)
{
	int digits = 0;

	*value = 0;
	while (is_digit(*p) && digits < 3) {
		*value = *value * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || *value < min || *value > max)
		return NULL;
	return p;
}

/*
 * Parses a time or offset into seconds. Offsets allow up to 24 hours,
 * and rule times up to 167 (TZif version 3).
 *
 *   time = [ "+" / "-" ] hours [ ":" minutes [ ":" seconds ] ]
 */
static const char *
parse_tz_time(const char *p, int max_hours, int32_t *seconds)
{
	int sign = 1, hours, minutes = 0, secs = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if ((p = parse_tz_number(p, 0, max_hours, &hours)) == NULL)
		return NULL;
	if (*p == ':' &&
	    (p = parse_tz_number(p + 1, 0, 59, &minutes)) != NULL &&
	    *p == ':')
		p = parse_tz_number(p + 1, 0, 59, &secs);
	if (p == NULL)
		return NULL;
	*seconds = sign * (hours * 3600 + minutes * 60 + secs);
	return p;
}

/* Skips a zone abbreviation: 3 or more letters, or "<" ... ">". */
static const char *
skip_tz_name(const char *p)
{
	const char *start;

	if (*p == '<') {
		start = ++p;
		while (is_letter(*p) || is_digit(*p) || *p == '+' || *p == '-')
			p++;
		if (*p != '>' || p - start < 3)
			return NULL;
		return p + 1;
	}
	start = p;
	while (is_letter(*p))
		p++;
	return p - start < 3 ? NULL : p;
}

/*
 *   date = "J" 1-365 / 0-365 / "M" month "." week "." weekday
 *   rule-date = date [ "/" time ]        ; the time defaults to 02:00
 */
static const char *
parse_rule_date(const char *p, struct rule_date *date)
{
	if (*p == 'J') {
		date->kind = RULE_JULIAN_NO_LEAP;
		p = parse_tz_number(p + 1, 1, 365, &date->day);
	} else if (*p == 'M') {
		date->kind = RULE_MONTH_WEEK;
		p = parse_tz_number(p + 1, 1, 12, &date->month);
		if (p != NULL && *p == '.')
			p = parse_tz_number(p + 1, 1, 5, &date->week);
		else
			p = NULL;
		if (p != NULL && *p == '.')
			p = parse_tz_number(p + 1, 0, 6, &date->weekday);
		else
			p = NULL;
	} else {
		date->kind = RULE_DAY_OF_YEAR;
		p = parse_tz_number(p, 0, 365, &date->day);
	}
	if (p == NULL)
		return NULL;

	date->time = 2 * 3600;
	if (*p == '/')
		p = parse_tz_time(p + 1, 167, &date->time);
	return p;
}

/*
 * Parses the POSIX TZ string at the end of a TZif file. Offsets there
 * count west of UTC, so "CET-1" is one hour east. Returns 0 or -1.
 *
 *   tz = std offset [ dst [ offset ] "," rule-date "," rule-date ]
 */
static int
parse_tz_string(const char *p, struct zone_rule *rule)
{
	int32_t seconds;

	if ((p = skip_tz_name(p)) == NULL ||
	    (p = parse_tz_time(p, 24, &seconds)) == NULL)
		return -1;
	rule->standard_offset = -seconds;
	rule->has_dst = false;
	if (*p == '\0')
		return 0;

	if ((p = skip_tz_name(p)) == NULL)
		return -1;
	rule->dst_offset = rule->standard_offset + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = parse_tz_time(p, 24, &seconds)) == NULL)
			return -1;
		rule->dst_offset = -seconds;
	}

	/*
	 * POSIX leaves a missing rule to the implementation. zic always
	 * writes one, so a missing rule is an error here.
	 */
	if (*p != ',' ||
	    (p = parse_rule_date(p + 1, &rule->start)) == NULL ||
	    *p != ',' ||
	    (p = parse_rule_date(p + 1, &rule->end)) == NULL ||
	    *p != '\0')
		return -1;
	rule->has_dst = true;
	return 0;
}

/* Returns the local time, in seconds since the epoch, of a rule date. */
static int64_t
rule_date_seconds(const struct rule_date *date, int64_t year)
{
	int64_t days, first;
	int64_t february = cron_days_from_civil(year, 2, 1);
	bool leap = cron_days_from_civil(year, 3, 1) - february == 29;
	int length, day;

	switch (date->kind) {
	case RULE_JULIAN_NO_LEAP:
		days = cron_days_from_civil(year, 1, 1) + date->day - 1;
		if (leap && date->day >= 60)
			days++;
		break;
	case RULE_DAY_OF_YEAR:
		days = cron_days_from_civil(year, 1, 1) + date->day;
		break;
	default:
		first = cron_days_from_civil(year, (unsigned)date->month, 1);
		length = (int)(date->month == 12 ? 31 :
		    cron_days_from_civil(year, (unsigned)date->month + 1, 1) -
		    first);
		day = (date->weekday - weekday_of(first) + 7) % 7 +
		    7 * (date->week - 1);
		if (day >= length)
			day -= 7;	/* week 5 is the last in the month */
		days = first + day;
		break;
	}
	return days * DAY_SECONDS + date->time;
}

/*
 * Returns the offset that `rule` gives at `time`: the one set by the
 * latest change at or before it, among the changes of the year around
 * it. A start and an end at the same instant mean daylight-saving time
 * all year, so the start wins a tie.
 */
static int32_t
rule_offset(const struct zone_rule *rule, int64_t time)
{
	int64_t year, candidate, start, end, latest = INT64_MIN;
	unsigned month, day;
	bool dst = false;

	if (!rule->has_dst)
		return rule->standard_offset;

	cron_civil_from_days(floor_divide(time + rule->standard_offset,
	    DAY_SECONDS), &year, &month, &day);
	for (candidate = year - 1; candidate <= year + 1; candidate++) {
		start = rule_date_seconds(&rule->start, candidate) -
		    rule->standard_offset;
		end = rule_date_seconds(&rule->end, candidate) -
		    rule->dst_offset;
		if (end <= time && end > latest) {
			latest = end;
			dst = false;
		}
		if (start <= time && start >= latest) {
			latest = start;
			dst = true;
		}
	}
	return dst ? rule->dst_offset : rule->standard_offset;
}

/* Returns the offset east of UTC, in seconds, that `zone` has at `time`. */
static int32_t
zone_offset(const struct zone *zone, int64_t time)
{
	size_t count = zone->transition_count, low, high, middle;

	/* RFC 8536: type 0 applies before the first transition. */
	if (count == 0 || time < zone->transitions[0]) {
		if (count == 0 && zone->has_rule)
			return rule_offset(&zone->rule, time);
		return zone->type_offsets[0];
	}
	if (time >= zone->transitions[count - 1] && zone->has_rule)
		return rule_offset(&zone->rule, time);

	/* Find the last transition at or before `time`. */
	low = 0;
	high = count;
	while (high - low > 1) {
		middle = low + (high - low) / 2;
		if (zone->transitions[middle] <= time)
			low = middle;
		else
			high = middle;
	}
	return zone->type_offsets[zone->transition_types[low]];
}

static uint32_t
read_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
read_i64(const unsigned char *p)
{
	return (int64_t)((uint64_t)read_u32(p) << 32 | read_u32(p + 4));
}

/*
 * Reads the 44-byte header at `offset`: "TZif", a version byte, 15
 * reserved bytes and six 32-bit counts. Returns the version, or -1.
 */
static int
read_tzif_header(const unsigned char *data, size_t size, size_t offset,
    struct tzif_counts *counts)
{
	const unsigned char *p = data + offset;

	if (offset > size || size - offset < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	counts->ut_indicators = read_u32(p + 20);
	counts->standard_indicators = read_u32(p + 24);
	counts->leap_seconds = read_u32(p + 28);
	counts->transitions = read_u32(p + 32);
	counts->types = read_u32(p + 36);
	counts->characters = read_u32(p + 40);
	return p[4] == '\0' ? 1 : p[4] - '0';
}

/* Returns the size of a data block whose times have `time_size` bytes. */
static uint64_t
tzif_block_size(const struct tzif_counts *counts, uint64_t time_size)
{
	return counts->transitions * (time_size + 1) + counts->types * 6 +
	    counts->characters + counts->leap_seconds * (time_size + 4) +
	    counts->standard_indicators + counts->ut_indicators;
}

/* The problem parse_tzif() returns for a file that is not TZif at all. */
static const char NOT_TZIF[] = "not a TZif file";

/*
 * Fills `zone` from the TZif file in `data`. Returns NULL, or what is
 * wrong with the file. Version 1 files have 32-bit times and no TZ
 * string; later versions repeat the data with 64-bit times and add one.
 */
static const char *
parse_tzif(struct zone *zone, const unsigned char *data, size_t size)
{
	struct tzif_counts counts;
	const unsigned char *p, *end = data + size, *newline;
	uint64_t time_size = 4, block;
	size_t offset = 0, i;
	char tz_string[128];
	int version;

	if ((version = read_tzif_header(data, size, 0, &counts)) < 1)
		return NOT_TZIF;
	if (version >= 2) {
		offset = 44 + (size_t)tzif_block_size(&counts, 4);
		if (tzif_block_size(&counts, 4) > size ||
		    read_tzif_header(data, size, offset, &counts) < 2)
			return "the second header is missing";
		time_size = 8;
	}

	block = tzif_block_size(&counts, time_size);
	if (block > size - offset - 44)
		return "the file is shorter than its header says";
	if (counts.types == 0 || counts.types > 256)
		return "the number of local time types is not 1-256";
	if (counts.leap_seconds != 0)
		return "the file counts leap seconds, as the files under "
		    "right/ do, which is not supported";

	zone->transition_count = (size_t)counts.transitions;
	zone->type_count = (size_t)counts.types;
	zone->transitions = malloc((zone->transition_count + 1) *
	    sizeof(*zone->transitions));
	zone->transition_types = malloc(zone->transition_count + 1);
	if (zone->transitions == NULL || zone->transition_types == NULL)
		return "out of memory";

	p = data + offset + 44;
	for (i = 0; i < zone->transition_count; i++, p += time_size) {
		zone->transitions[i] = time_size == 8 ? read_i64(p) :
		    (int32_t)read_u32(p);
		if (i > 0 && zone->transitions[i] <= zone->transitions[i - 1])
			return "the transition times are not ascending";
	}
	for (i = 0; i < zone->transition_count; i++, p++) {
		if (*p >= zone->type_count)
			return "a transition has an unknown local time type";
		zone->transition_types[i] = *p;
	}
	/* A type is a 32-bit offset, a DST flag and an abbreviation index. */
	for (i = 0; i < zone->type_count; i++, p += 6) {
		zone->type_offsets[i] = (int32_t)read_u32(p);
		if (zone->type_offsets[i] < OFFSET_MIN ||
		    zone->type_offsets[i] > OFFSET_MAX)
			return "a local time type has an offset beyond "
			    "26 hours";
	}

	/* After the data block: "\n", the TZ string, "\n". */
	zone->has_rule = false;
	p = data + offset + 44 + block;
	if (version < 2 || p >= end || *p != '\n')
		return NULL;
	p++;
	newline = memchr(p, '\n', (size_t)(end - p));
	if (newline == NULL || (size_t)(newline - p) >= sizeof(tz_string))
		return "the TZ string lacks its final newline or is too long";
	if (newline == p)
		return NULL;
	memcpy(tz_string, p, (size_t)(newline - p));
	tz_string[newline - p] = '\0';
	if (parse_tz_string(tz_string, &zone->rule) == -1)
		return "the TZ string is invalid";
	zone->has_rule = true;
	return NULL;
}

static void
zone_free(struct zone *zone)
{
	if (zone == NULL)
		return;
	free(zone->transitions);
	free(zone->transition_types);
	free(zone);
}

/*
 * Rejects names that are not IANA zone names before they reach the file
 * system: paths, "..", and characters outside letters, digits, "_", "+",
 * "-" and "/".
 */
static int
check_zone_name(const char *name, struct error *error)
{
	size_t length, i;

	length = strlen(name);
	if (length == 0)
		return error_set(error, "time zone name is empty");
	if (length > ZONE_NAME_MAX)
		return error_set(error, "time zone name is too long: %zu "
		    "bytes, the maximum is %d", length, ZONE_NAME_MAX);

	for (i = 0; i < length; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= 0x20 || c >= 0x7f)
			return error_set(error, "time zone name contains an "
			    "invalid character (byte 0x%02x at offset %zu)",
			    c, i);
	}
	if (strstr(name, "..") != NULL)
		return error_set(error, "time zone \"%s\" is invalid: it must "
		    "not contain \"..\"", name);
	if (name[0] == '/')
		return error_set(error, "time zone \"%s\" is invalid: use an "
		    "IANA name such as Europe/Berlin, not a path", name);
	for (i = 0; i < length; i++) {
		char c = name[i];

		if (!is_letter(c) && !is_digit(c) && c != '_' && c != '+' &&
		    c != '-' && c != '/')
			return error_set(error, "time zone \"%s\" is invalid: "
			    "character '%c' is not allowed; IANA names use "
			    "letters, digits, '_', '+', '-' and '/'", name, c);
	}
	if (name[length - 1] == '/' || strstr(name, "//") != NULL)
		return error_set(error, "time zone \"%s\" is invalid: it has "
		    "an empty part between slashes", name);
	if (strcmp(name, "localtime") == 0)
		return error_set(error, "time zone \"localtime\" is not an "
		    "IANA name but this machine's own zone; name a zone "
		    "such as Europe/Berlin");
	return 0;
}

/* Reads the whole file at `path`, up to ZONE_FILE_MAX bytes. */
static int
read_zone_file(const char *name, const char *path, unsigned char **data,
    size_t *size, struct error *error)
{
	struct stat status;
	unsigned char *buffer;
	size_t done = 0;
	ssize_t count;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && (errno == ENOENT || errno == ENOTDIR))
		return error_set(error, "unknown time zone \"%s\": expected an "
		    "IANA name such as Europe/Berlin (names are "
		    "case-sensitive)", name);
	if (fd == -1)
		return error_set(error, "cannot open time zone file %s: %s",
		    path, strerror(errno));
	if (fstat(fd, &status) == -1 || !S_ISREG(status.st_mode) ||
	    status.st_size > ZONE_FILE_MAX) {
		close(fd);
		return error_set(error, "unknown time zone \"%s\": %s is not a "
		    "zone file", name, path);
	}

	buffer = malloc((size_t)status.st_size + 1);
	if (buffer == NULL) {
		close(fd);
		return error_set(error, "out of memory reading %s", path);
	}
	while (done < (size_t)status.st_size) {
		count = read(fd, buffer + done, (size_t)status.st_size - done);
		if (count == -1 && errno == EINTR)
			continue;
		if (count <= 0)
			break;
		done += (size_t)count;
	}
	close(fd);

	*data = buffer;
	*size = done;
	return 0;
}

/* Loads the zone `name`, whose name check_zone_name() has accepted. */
static struct zone *
zone_load(const char *name, struct error *error)
{
	char path[sizeof(CRON_ZONEINFO_DIR) + 1 + ZONE_NAME_MAX + 1];
	unsigned char *data = NULL;
	struct zone *zone;
	const char *problem;
	size_t size = 0;

	snprintf(path, sizeof(path), "%s/%s", CRON_ZONEINFO_DIR, name);
	if (read_zone_file(name, path, &data, &size, error) == -1)
		return NULL;

	zone = calloc(1, sizeof(*zone));
	if (zone == NULL) {
		free(data);
		error_set(error, "out of memory loading time zone \"%s\"",
		    name);
		return NULL;
	}
	memcpy(zone->name, name, strlen(name) + 1);

	problem = parse_tzif(zone, data, size);
	free(data);
	if (problem == NOT_TZIF) {
		error_set(error, "unknown time zone \"%s\": %s is not a zone "
		    "file", name, path);
		zone_free(zone);
		return NULL;
	}
	if (problem != NULL) {
		error_set(error, "time zone \"%s\" cannot be used: %s: %s",
		    name, path, problem);
		zone_free(zone);
		return NULL;
	}
	return zone;
}

/*
 * Returns the zone `name` from this thread's cache, loading it when it is
 * missing or was loaded more than ZONE_CACHE_SECONDS ago, so that an
 * updated zone database takes effect without a restart.
 */
static const struct zone *
zone_find(const char *name, struct error *error)
{
	time_t now = time(NULL);
	struct zone *zone;
	size_t i, slot;

	if (check_zone_name(name, error) == -1)
		return NULL;

	for (i = 0; i < ZONE_CACHE_SIZE; i++) {
		zone = cache.zones[i];
		if (zone == NULL || strcmp(zone->name, name) != 0)
			continue;
		if (now >= zone->loaded &&
		    now - zone->loaded < ZONE_CACHE_SECONDS)
			return zone;
		zone_free(zone);
		cache.zones[i] = NULL;
	}

	if ((zone = zone_load(name, error)) == NULL)
		return NULL;
	zone->loaded = now;

	for (slot = 0; slot < ZONE_CACHE_SIZE; slot++)
		if (cache.zones[slot] == NULL)
			break;
	if (slot == ZONE_CACHE_SIZE) {
		slot = cache.next;
		cache.next = (cache.next + 1) % ZONE_CACHE_SIZE;
		zone_free(cache.zones[slot]);
	}
	cache.zones[slot] = zone;
	return zone;
}

/*
 * Finds the instants at which the wall-clock time `wall` (local seconds
 * since the epoch) occurs. The offsets a day before and a day after it
 * bracket every instant it can have.
 * NOTE: this assumes at most one offset change within those two days.
 * Since 1970 no zone in tzdata 2026f has two changes closer than 6.9
 * days. Before 1970, a wall-clock time near such a pair may be missed.
 */
static void
resolve_local_time(const struct zone *zone, int64_t wall,
    struct local_instants *local)
{
	int32_t before = zone_offset(zone, wall - DAY_SECONDS);
	int32_t after = zone_offset(zone, wall + DAY_SECONDS);
	int64_t low, high, middle, swap;

	local->count = 0;
	local->in_gap = false;
	local->offset_max = before > after ? before : after;
	local->steady = before == after;

	if (zone_offset(zone, wall - before) == before)
		local->instants[local->count++] = wall - before;
	if (after != before && zone_offset(zone, wall - after) == after)
		local->instants[local->count++] = wall - after;
	if (local->count == 2 && local->instants[0] > local->instants[1]) {
		swap = local->instants[0];
		local->instants[0] = local->instants[1];
		local->instants[1] = swap;
	}
	if (local->count > 0 || after <= before)
		return;

	/*
	 * Clocks went forward over `wall`. The change lies between the
	 * instants `wall` would have in either offset, so bisect for the
	 * first instant whose wall-clock time is later than `wall`.
	 */
	low = wall - after;
	high = wall - before;
	while (high - low > 1) {
		middle = low + (high - low) / 2;
		if (middle + zone_offset(zone, middle) > wall)
			high = middle;
		else
			low = middle;
	}
	local->in_gap = true;
	local->gap_end = high;
}

static void
keep_earliest(int64_t instant, int64_t after, int64_t *best, bool *found)
{
	if (instant > after && (!*found || instant < *best)) {
		*best = instant;
		*found = true;
	}
}

/*
 * Walks the wall-clock times that match, in order, from the earliest one
 * an instant after `after` can show, and keeps the earliest instant.
 * Wall-clock order is instant order except across a change of offset, so
 * the walk stops only when no later wall-clock time can beat the best.
 */
static int64_t
zone_next(const struct zone *zone, const struct cron_schedule *schedule,
    int64_t after)
{
	struct local_instants local;
	int32_t now = zone_offset(zone, after);
	int32_t later = zone_offset(zone, after + DAY_SECONDS);
	bool every_hour = (schedule->hours & 0xffffff) == 0xffffff;
	bool found = false;
	int64_t wall, best = -1;
	int step;

	/*
	 * When clocks go back within a day, later instants show earlier
	 * wall-clock times than `after` does.
	 */
	wall = after + (now < later ? now : later);

	for (step = 0; step < SEARCH_STEPS; step++) {
		wall = cron_next(schedule, wall);
		if (wall == -1)
			break;
		resolve_local_time(zone, wall, &local);
		if (found && wall - local.offset_max >= best)
			break;

		if (local.in_gap) {
			keep_earliest(local.gap_end, after, &best, &found);
		} else if (local.count > 0) {
			keep_earliest(local.instants[0], after, &best, &found);
			if (every_hour && local.count == 2)
				keep_earliest(local.instants[1], after, &best,
				    &found);
		}

		/*
		 * With one offset for a day either side, any later
		 * wall-clock time occurs later than this one.
		 */
		if (found && local.steady)
			break;
	}
	return found ? best : -1;
}

int
cron_zone_check(const char *zone, struct error *error)
{
	if (zone == NULL || strcmp(zone, "UTC") == 0)
		return 0;
	return zone_find(zone, error) == NULL ? -1 : 0;
}

int64_t
cron_next_in_zone(const struct cron_schedule *schedule, const char *zone,
    int64_t after)
{
	const struct zone *loaded;

	if (zone == NULL || strcmp(zone, "UTC") == 0)
		return cron_next(schedule, after);
	if (after < -TIME_LIMIT || after > TIME_LIMIT)
		return -1;
	if ((loaded = zone_find(zone, NULL)) == NULL)
		return -1;
	return zone_next(loaded, schedule, after);
}
