/*
 * Cron expression parser and next-time computation in UTC. Time zones are
 * in cron_zone.c, which builds on cron_next().
 *
 * The syntax and meaning follow cronie (src/entry.c and src/cron.c). A few
 * expressions that cronie loads but that cannot work as written are
 * rejected here instead:
 *   - A range whose start is after its end, such as "30-10". cronie
 *     selects nothing for it, except that an end of 0 means 7. That
 *     exception is kept here, for the day-of-week field only ("fri-sun").
 *   - A step larger than the span of its field, such as 60 for minutes.
 *     cronie warns and selects only the first value of the range.
 *   - A schedule that never fires, or fires less than once in 30 years.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cron.h"

#define FIELD_COUNT 5

/* How far ahead cron_next() looks before it gives up. */
#define SEARCH_YEARS 30

/* Unix times of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define AFTER_MIN INT64_C(-62135596800)
#define AFTER_MAX INT64_C(253402300799)

/* A `first_day` in cron_next() that is yet to be computed. */
#define UNKNOWN_DAY INT64_MIN

/* Bits 0-6 of a day-of-week mask. */
#define ALL_WEEKDAYS 0x7f

enum field_index {
	FIELD_MINUTE,
	FIELD_HOUR,
	FIELD_DAY_OF_MONTH,
	FIELD_MONTH,
	FIELD_DAY_OF_WEEK
};

struct field {
	const char *name;
	int min;
	int max;
	const char *const *names;	/* of min, min + 1, ..., or NULL */
	const char *name_hint;		/* the names as a range, for messages */
};

/* A piece of the expression: not NUL-terminated. */
struct span {
	const char *text;
	size_t length;
};

static const char *const month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec", NULL
};

static const char *const weekday_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL
};

static const struct field fields[FIELD_COUNT] = {
	{ "minute", 0, 59, NULL, NULL },
	{ "hour", 0, 23, NULL, NULL },
	{ "day-of-month", 1, 31, NULL, NULL },
	{ "month", 1, 12, month_names, "jan-dec" },
	/* 7 is Sunday as well as 0, as in cronie. */
	{ "day-of-week", 0, 7, weekday_names, "sun-sat" },
};

struct macro {
	const char *name;
	const char *expansion;
};

/* The macros cronie accepts, lowercase only as in cronie. */
static const struct macro macros[] = {
	{ "@yearly", "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

/* Days in each month of a common year; index 0 is unused. */
static const unsigned month_lengths[13] = {
	0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

static int parse_fields(const char *, size_t, struct cron_schedule *,
    struct error *);

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_digits(struct span s)
{
	size_t i;

	for (i = 0; i < s.length; i++)
		if (s.text[i] < '0' || s.text[i] > '9')
			return false;
	return s.length > 0;
}

static bool
is_letters(struct span s)
{
	size_t i;

	for (i = 0; i < s.length; i++) {
		char c = s.text[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return s.length > 0;
}

/* Returns the value of a string of digits, or 100000 if it is larger. */
static int
digits_value(struct span s)
{
	int value = 0;
	size_t i;

	for (i = 0; i < s.length; i++) {
		value = value * 10 + (s.text[i] - '0');
		if (value >= 100000)
			return 100000;
	}
	return value;
}

static bool
is_leap_year(int64_t year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static unsigned
month_length(int64_t year, unsigned month)
{
	if (month == 2 && is_leap_year(year))
		return 29;
	return month_lengths[month];
}

/* Returns the day of the week of a day number, Sunday being 0. */
static unsigned
weekday_of(int64_t days)
{
	int64_t weekday = (days + 4) % 7;	/* 1970-01-01 was a Thursday */

	return (unsigned)(weekday < 0 ? weekday + 7 : weekday);
}

static int64_t
floor_divide(int64_t a, int64_t b)
{
	int64_t quotient = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		quotient--;
	return quotient;
}

/*
 * The parser below reads this grammar (ABNF, RFC 5234):
 *
 *   expression = *blank ( macro / fields ) *blank
 *   macro      = "@yearly" / "@annually" / "@monthly" / "@weekly" /
 *                "@daily" / "@midnight" / "@hourly"      ; lowercase
 *   fields     = field 4( 1*blank field )
 *                ; minute hour day-of-month month day-of-week
 *   field      = item *( "," item )
 *   item       = ( "*" / range / value ) [ "/" step ]
 *                ; a lone value takes no step
 *   range      = value "-" value
 *   value      = 1*DIGIT / name
 *   name       = 3ALPHA  ; jan-dec or sun-sat in any case, only in
 *                        ; the month and day-of-week fields
 *   step       = 1*DIGIT
 *   blank      = " " / HTAB
 */

/* Parses a `value` into `value`, which must lie within the field. */
static int
parse_value(const struct field *field, struct span s, int *value,
    struct error *error)
{
	int i;

	if (is_digits(s)) {
		*value = digits_value(s);
		if (*value < field->min || *value > field->max)
			return error_set(error,
			    "%s field: value %.*s is out of range %d-%d",
			    field->name, (int)s.length, s.text, field->min,
			    field->max);
		return 0;
	}

	if (field->names != NULL && is_letters(s)) {
		for (i = 0; field->names[i] != NULL; i++) {
			if (s.length == 3 &&
			    strncasecmp(s.text, field->names[i], 3) == 0) {
				*value = field->min + i;
				return 0;
			}
		}
		return error_set(error,
		    "%s field: unknown name \"%.*s\"; use %s or %d-%d",
		    field->name, (int)s.length, s.text, field->name_hint,
		    field->min, field->max);
	}

	if (field->names == NULL && is_letters(s))
		return error_set(error, "%s field: invalid value \"%.*s\"; "
		    "names are allowed only in the month and day-of-week "
		    "fields", field->name, (int)s.length, s.text);
	return error_set(error, "%s field: invalid value \"%.*s\"",
	    field->name, (int)s.length, s.text);
}

/*
 * Parses a `step`. A step may not exceed the span of the field, because
 * a larger one selects only the first value of the range.
 */
static int
parse_step(const struct field *field, struct span s, int *step,
    struct error *error)
{
	int max_step = field->max - field->min;

	if (s.length == 0)
		return error_set(error, "%s field: missing step after \"/\"",
		    field->name);
	if (!is_digits(s))
		return error_set(error,
		    "%s field: step \"%.*s\" is not a number", field->name,
		    (int)s.length, s.text);

	*step = digits_value(s);
	if (*step < 1 || *step > max_step)
		return error_set(error,
		    "%s field: step %.*s is out of range 1-%d", field->name,
		    (int)s.length, s.text, max_step);
	return 0;
}

/* Parses an `item` and sets the bits of its values in `bits`. */
static int
parse_item(const struct field *field, struct span item, uint64_t *bits,
    struct error *error)
{
	const char *slash, *dash;
	struct span range, step_text, first_text, last_text;
	int first, last, step, value;

	slash = memchr(item.text, '/', item.length);
	range.text = item.text;
	range.length = item.length;
	if (slash != NULL)
		range.length = (size_t)(slash - item.text);

	if (range.length == 1 && range.text[0] == '*') {
		first = field->min;
		last = field->max;
	} else if ((dash = memchr(range.text, '-', range.length)) != NULL) {
		first_text.text = range.text;
		first_text.length = (size_t)(dash - range.text);
		last_text.text = dash + 1;
		last_text.length = range.length - first_text.length - 1;
		if (first_text.length == 0 || last_text.length == 0)
			return error_set(error,
			    "%s field: invalid range \"%.*s\"", field->name,
			    (int)range.length, range.text);
		if (parse_value(field, first_text, &first, error) == -1 ||
		    parse_value(field, last_text, &last, error) == -1)
			return -1;

		/* cronie reads an end of 0 as 7 so that "fri-sun" works. */
		if (first > last && last == 0 &&
		    field == &fields[FIELD_DAY_OF_WEEK])
			last = 7;
		if (first > last)
			return error_set(error,
			    "%s field: range \"%.*s\" starts after it ends",
			    field->name, (int)range.length, range.text);
	} else {
		if (range.length == 0)
			return error_set(error,
			    "%s field: invalid item \"%.*s\"", field->name,
			    (int)item.length, item.text);
		if (parse_value(field, range, &first, error) == -1)
			return -1;
		if (slash != NULL)
			return error_set(error,
			    "%s field: \"%.*s\" is invalid: a step must "
			    "follow \"*\" or a range, as in \"%d-%d%.*s\"",
			    field->name, (int)item.length, item.text, first,
			    field->max, (int)(item.length - range.length),
			    slash);
		last = first;
	}

	step = 1;
	if (slash != NULL) {
		step_text.text = slash + 1;
		step_text.length = item.length - range.length - 1;
		if (parse_step(field, step_text, &step, error) == -1)
			return -1;
	}

	for (value = first; value <= last; value += step)
		*bits |= UINT64_C(1) << value;
	return 0;
}

/* Parses a `field` into a mask of its values. */
static int
parse_field(const struct field *field, struct span text, uint64_t *bits,
    struct error *error)
{
	struct span item;
	const char *end = text.text + text.length;
	const char *comma;

	*bits = 0;
	item.text = text.text;
	for (;;) {
		comma = memchr(item.text, ',', (size_t)(end - item.text));
		if (comma != NULL)
			item.length = (size_t)(comma - item.text);
		else
			item.length = (size_t)(end - item.text);
		if (item.length == 0)
			return error_set(error,
			    "%s field: empty item in list \"%.*s\"",
			    field->name, (int)text.length, text.text);
		if (parse_item(field, item, bits, error) == -1)
			return -1;
		if (comma == NULL)
			return 0;
		item.text = comma + 1;
	}
}

/*
 * Returns the largest number of years between two February 29ths that
 * fall on one of `days_of_week`. The pattern repeats every 400 years.
 */
static int
february_29_max_gap(uint8_t days_of_week)
{
	int year, first = -1, previous = -1, max_gap = 0;

	for (year = 2000; year < 2400; year += 4) {
		unsigned weekday;

		if (!is_leap_year(year))
			continue;
		weekday = weekday_of(cron_days_from_civil(year, 2, 29));
		if (!(days_of_week >> weekday & 1))
			continue;
		if (first < 0)
			first = year;
		else if (year - previous > max_gap)
			max_gap = year - previous;
		previous = year;
	}
	if (first + 400 - previous > max_gap)
		max_gap = first + 400 - previous;
	return max_gap;
}

/*
 * Rejects a schedule that never fires, or fires so rarely that
 * cron_next() would not find the next time. Only the rule where both day
 * fields must match can do either, because under the other rule every
 * week has a matching day.
 */
static int
check_schedule_fires(const struct cron_schedule *schedule,
    struct error *error)
{
	uint32_t usable_days = 0, days;
	bool only_february_29 = true;
	char list[64] = "";
	size_t used = 0;
	unsigned month, day;
	int gap;

	if (!schedule->dom_star && !schedule->dow_star)
		return 0;

	/* February counts 29 days, because leap years have them. */
	for (month = 1; month <= 12; month++) {
		if (!(schedule->months >> month & 1))
			continue;
		days = schedule->days_of_month &
		    (uint32_t)((UINT64_C(2) << (month == 2 ? 29 :
		    month_lengths[month])) - 2);
		usable_days |= days;
		if (days != 0 && !(month == 2 && days == UINT32_C(1) << 29))
			only_february_29 = false;
	}

	if (usable_days == 0) {
		for (day = 1; day <= 31; day++) {
			if (!(schedule->days_of_month >> day & 1))
				continue;
			used += (size_t)snprintf(list + used,
			    sizeof(list) - used, "%s%u", used == 0 ? "" : ", ",
			    day);
			if (used >= sizeof(list))
				break;
		}
		if (strchr(list, ',') == NULL)
			return error_set(error, "schedule never fires: "
			    "no selected month has day %s", list);
		return error_set(error, "schedule never fires: "
		    "no selected month has any of days %s", list);
	}

	if (only_february_29 && schedule->days_of_week != ALL_WEEKDAYS) {
		gap = february_29_max_gap(schedule->days_of_week);
		if (gap > SEARCH_YEARS)
			return error_set(error, "schedule fires too rarely: "
			    "February 29 falls on a selected day of the week "
			    "only once in %d years at worst, and a schedule "
			    "must fire at least once in %d years", gap,
			    SEARCH_YEARS);
	}
	return 0;
}

/* Parses a `macro`, followed by the text `rest`, which must be empty. */
static int
parse_macro(struct span word, struct span rest,
    struct cron_schedule *schedule, struct error *error)
{
	const char *expansion;
	size_t i;

	if (word.length == 7 && strncmp(word.text, "@reboot", 7) == 0)
		return error_set(error, "@reboot is not supported because "
		    "Chronatog has no boot event; use a time schedule such "
		    "as @daily");

	expansion = NULL;
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
		if (strlen(macros[i].name) == word.length &&
		    strncmp(macros[i].name, word.text, word.length) == 0)
			expansion = macros[i].expansion;
	}

	if (expansion == NULL) {
		for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
			if (strlen(macros[i].name) == word.length &&
			    strncasecmp(macros[i].name, word.text,
			    word.length) == 0)
				return error_set(error,
				    "unknown macro \"%.*s\"; macros are "
				    "lowercase, as in \"%s\"", (int)word.length,
				    word.text, macros[i].name);
		}
		return error_set(error, "unknown macro \"%.*s\"; expected "
		    "@yearly, @annually, @monthly, @weekly, @daily, "
		    "@midnight or @hourly", (int)word.length, word.text);
	}

	if (rest.length > 0)
		return error_set(error, "unexpected text after %.*s: \"%.*s\"",
		    (int)word.length, word.text, (int)rest.length, rest.text);
	return parse_fields(expansion, strlen(expansion), schedule, error);
}

/* Parses `fields` or a `macro` from `text`, which has no outer blanks. */
static int
parse_fields(const char *text, size_t length, struct cron_schedule *schedule,
    struct error *error)
{
	struct span words[FIELD_COUNT], rest;
	const char *p = text, *end = text + length;
	size_t count = 0, i;
	uint64_t bits[FIELD_COUNT];

	while (p < end) {
		const char *start = p;

		while (p < end && !is_blank(*p))
			p++;
		if (count < FIELD_COUNT) {
			words[count].text = start;
			words[count].length = (size_t)(p - start);
		}
		count++;
		while (p < end && is_blank(*p))
			p++;
	}
	if (count == 0)
		return error_set(error, "expression is empty");

	if (words[0].text[0] == '@') {
		p = words[0].text + words[0].length;
		while (p < end && is_blank(*p))
			p++;
		rest.text = p;
		rest.length = (size_t)(end - p);
		return parse_macro(words[0], rest, schedule, error);
	}

	if (count == 6)
		return error_set(error, "expression has 6 fields, but 5 are "
		    "needed (minute hour day-of-month month day-of-week); "
		    "a seconds field is not supported");
	if (count == 7)
		return error_set(error, "expression has 7 fields, but 5 are "
		    "needed (minute hour day-of-month month day-of-week); "
		    "seconds and year fields are not supported");
	if (count != FIELD_COUNT)
		return error_set(error, "expression has %zu field%s, but 5 are "
		    "needed (minute hour day-of-month month day-of-week)",
		    count, count == 1 ? "" : "s");

	for (i = 0; i < FIELD_COUNT; i++)
		if (parse_field(&fields[i], words[i], &bits[i], error) == -1)
			return -1;

	schedule->minutes = bits[FIELD_MINUTE];
	schedule->hours = (uint32_t)bits[FIELD_HOUR];
	schedule->days_of_month = (uint32_t)bits[FIELD_DAY_OF_MONTH];
	schedule->months = (uint16_t)bits[FIELD_MONTH];
	schedule->days_of_week = (uint8_t)((bits[FIELD_DAY_OF_WEEK] |
	    bits[FIELD_DAY_OF_WEEK] >> 7) & ALL_WEEKDAYS);
	schedule->dom_star = words[FIELD_DAY_OF_MONTH].text[0] == '*';
	schedule->dow_star = words[FIELD_DAY_OF_WEEK].text[0] == '*';
	return check_schedule_fires(schedule, error);
}

int
cron_parse(const char *expression, struct cron_schedule *schedule,
    struct error *error)
{
	struct cron_schedule parsed;
	size_t length, i, start, end;

	if (expression == NULL)
		return error_set(error, "expression is missing");

	length = strlen(expression);
	if (length > CRON_EXPRESSION_MAX)
		return error_set(error, "expression is too long: %zu bytes, "
		    "the maximum is %d", length, CRON_EXPRESSION_MAX);

	for (i = 0; i < length; i++) {
		unsigned char c = (unsigned char)expression[i];

		if (c != '\t' && (c < 0x20 || c > 0x7e))
			return error_set(error, "expression contains an "
			    "invalid character (byte 0x%02x at offset %zu); "
			    "only printable ASCII, spaces and tabs are "
			    "allowed", c, i);
	}

	start = 0;
	while (start < length && is_blank(expression[start]))
		start++;
	end = length;
	while (end > start && is_blank(expression[end - 1]))
		end--;
	if (start == end)
		return error_set(error, "expression is empty");

	memset(&parsed, 0, sizeof(parsed));
	if (parse_fields(expression + start, end - start, &parsed, error) == -1)
		return -1;
	*schedule = parsed;
	return 0;
}

/*
 * Returns the days of a month that match the day rule, as bits 1-31.
 * `first_day` is the day number of the month's first day.
 */
static uint64_t
matching_days(const struct cron_schedule *schedule, int64_t year,
    unsigned month, int64_t first_day)
{
	unsigned first_weekday, length;
	uint64_t week, by_weekday, days;

	/* Bit i of `week` is set when day i + 1 has a selected weekday. */
	first_weekday = weekday_of(first_day);
	week = ((unsigned)schedule->days_of_week >> first_weekday |
	    (unsigned)schedule->days_of_week << (7 - first_weekday)) &
	    ALL_WEEKDAYS;

	/* Five copies of the week, one every 7 bits, cover 35 days. */
	by_weekday = week * UINT64_C(0x10204081) << 1;

	if (schedule->dom_star || schedule->dow_star)
		days = schedule->days_of_month & by_weekday;
	else
		days = schedule->days_of_month | by_weekday;

	length = month_length(year, month);
	return days & ((UINT64_C(2) << length) - 2);
}

/*
 * Walks forward from the minute after `after`: each step either accepts
 * the current month, day, hour and minute, or jumps to the next candidate
 * for that unit and resets the smaller ones. A step never goes backwards,
 * and every month change re-checks the whole date.
 */
int64_t
cron_next(const struct cron_schedule *schedule, int64_t after)
{
	int64_t minute_number, day_number, first_day, year, last_year;
	unsigned month, day, hour, minute, minute_of_day;
	uint64_t later;

	if (after < AFTER_MIN || after > AFTER_MAX)
		return -1;

	minute_number = floor_divide(after, 60) + 1;
	day_number = floor_divide(minute_number, 1440);
	minute_of_day = (unsigned)(minute_number - day_number * 1440);
	hour = minute_of_day / 60;
	minute = minute_of_day % 60;
	cron_civil_from_days(day_number, &year, &month, &day);
	first_day = day_number - (day - 1);
	last_year = year + SEARCH_YEARS;

	for (;;) {
		if (year > last_year)
			return -1;

		/* Month: the bits at or above `month`; month may be 13. */
		later = schedule->months & ~((UINT64_C(1) << month) - 1);
		if (later == 0) {
			year++;
			month = 1;
			day = 1;
			hour = 0;
			minute = 0;
			first_day = UNKNOWN_DAY;
			continue;
		}
		if ((unsigned)__builtin_ctzll(later) != month) {
			month = (unsigned)__builtin_ctzll(later);
			day = 1;
			hour = 0;
			minute = 0;
			first_day = UNKNOWN_DAY;
		}

		/* Day: `day` may be 32 after the last hour of day 31. */
		if (first_day == UNKNOWN_DAY)
			first_day = cron_days_from_civil(year, month, 1);
		later = matching_days(schedule, year, month, first_day) &
		    ~((UINT64_C(1) << day) - 1);
		if (later == 0) {
			first_day += month_length(year, month);
			month++;
			day = 1;
			hour = 0;
			minute = 0;
			continue;
		}
		if ((unsigned)__builtin_ctzll(later) != day) {
			day = (unsigned)__builtin_ctzll(later);
			hour = 0;
			minute = 0;
		}

		/* Hour: `hour` may be 24 after the last minute of 23. */
		later = schedule->hours & ~((UINT64_C(1) << hour) - 1);
		if (later == 0) {
			day++;
			hour = 0;
			minute = 0;
			continue;
		}
		if ((unsigned)__builtin_ctzll(later) != hour) {
			hour = (unsigned)__builtin_ctzll(later);
			minute = 0;
		}

		later = schedule->minutes & ~((UINT64_C(1) << minute) - 1);
		if (later == 0) {
			hour++;
			minute = 0;
			continue;
		}
		minute = (unsigned)__builtin_ctzll(later);

		return ((first_day + day - 1) * 1440 + hour * 60 + minute) * 60;
	}
}
