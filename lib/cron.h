/*
 * Cron expressions: parsing and next-time computation.
 *
 * Five fields (minute hour day-of-month month day-of-week) with the
 * semantics of Vixie cron as cronie implements them, plus the @yearly,
 * @annually, @monthly, @weekly, @daily, @midnight and @hourly macros.
 * Each field is stored as a bit mask so that finding the next time is a
 * handful of mask lookups rather than a minute-by-minute scan.
 */
#ifndef CHRONATOG_CRON_H
#define CHRONATOG_CRON_H

#include <stdint.h>

#include "error.h"

/* Maximum length of an expression, in bytes, without the final NUL. */
#define CRON_EXPRESSION_MAX 256

/* A parsed schedule. Bit i of a mask set means value i matches. */
struct cron_schedule {
	uint64_t minutes;	/* bits 0-59 */
	uint32_t hours;		/* bits 0-23 */
	uint32_t days_of_month;	/* bits 1-31 */
	uint16_t months;	/* bits 1-12 */
	uint8_t days_of_week;	/* bits 0-6, Sunday is 0 */
	/*
	 * Day-of-month and day-of-week fields that start with '*'. When
	 * neither does, a day matches if either field matches; otherwise
	 * both must match (cronie's DOM_STAR and DOW_STAR rule).
	 */
	unsigned dom_star : 1;
	unsigned dow_star : 1;
};

/*
 * Parses `expression` into `schedule`. Returns 0 on success. On failure
 * returns -1, leaves `schedule` unchanged and sets `error` to a one-line
 * message naming the field and the problem, for example
 * "minute field: value 61 is out of range 0-59". Rejects @reboot,
 * six-field (seconds) syntax, schedules that can never fire, such as
 * "0 0 30 2 *", and the few that fire less often than once in 30 years
 * (February 29 restricted to some days of the week).
 */
int cron_parse(const char *expression, struct cron_schedule *schedule,
    struct error *error);

/*
 * Returns the first time that matches `schedule` strictly after `after`,
 * both as Unix seconds in UTC, always on a whole minute. Returns -1 when
 * no time matches within the next 30 years, which cron_parse() already
 * rules out for schedules it accepted, or when `after` lies outside the
 * years 1 to 9999.
 */
int64_t cron_next(const struct cron_schedule *schedule, int64_t after);

/*
 * Returns 0 when `zone` names an IANA time zone in this machine's zone
 * database (for example "Europe/Berlin" or "UTC"), else -1 with a message
 * in `error`. NULL means UTC, as in cron_next_in_zone().
 */
int cron_zone_check(const char *zone, struct error *error);

/*
 * Like cron_next(), but the schedule is read as wall-clock time in the
 * IANA zone `zone` (NULL or "UTC" means UTC). A local time skipped by a
 * daylight-saving gap fires once, at the first instant after the gap.
 * A local time that occurs twice when clocks go back fires at its first
 * occurrence only, unless the hour field selects all 24 hours. Such a
 * schedule is an interval in real time, so it fires in both passes.
 * Results are whole minutes of local time. Returns -1 when nothing
 * matches or the zone is unknown.
 */
int64_t cron_next_in_zone(const struct cron_schedule *schedule,
    const char *zone, int64_t after);

/*
 * Civil-date arithmetic on the proleptic Gregorian calendar, shared by
 * cron.c and cron_zone.c. Day 0 is 1970-01-01. These are Howard Hinnant's
 * days_from_civil and civil_from_days algorithms
 * (http://howardhinnant.github.io/date_algorithms.html), exact for years
 * within +-10^15, far beyond what the cron code passes.
 */
static inline int64_t
cron_days_from_civil(int64_t year, unsigned month, unsigned day)
{
	int64_t era;
	unsigned year_of_era, day_of_year, day_of_era;

	/* Count years from March so that February 29 ends the year. */
	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	year_of_era = (unsigned)(year - era * 400);
	day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 +
	    day - 1;
	day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 +
	    day_of_year;
	return era * 146097 + (int64_t)day_of_era - 719468;
}

static inline void
cron_civil_from_days(int64_t days, int64_t *year, unsigned *month,
    unsigned *day)
{
	int64_t era;
	unsigned day_of_era, year_of_era, day_of_year, march_month;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = (unsigned)(days - era * 146097);
	year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
	    day_of_era / 146096) / 365;
	day_of_year = day_of_era -
	    (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	march_month = (5 * day_of_year + 2) / 153;
	*day = day_of_year - (153 * march_month + 2) / 5 + 1;
	*month = march_month < 10 ? march_month + 3 : march_month - 9;
	*year = (int64_t)year_of_era + era * 400 + (*month <= 2);
}

#endif
