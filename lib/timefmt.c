#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

void
timefmt_rfc3339(int64_t seconds, char out[TIMEFMT_RFC3339_SIZE])
{
	time_t t = (time_t)seconds;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, TIMEFMT_RFC3339_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads exactly `digits` decimal digits from `*p` into `*value`. */
static int
read_number(const char **p, int digits, int *value)
{
	int i;

	*value = 0;
	for (i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*value = *value * 10 + ((*p)[i] - '0');
	}
	*p += digits;
	return 0;
}

/* Consumes `c` (compared case-insensitively) from `*p`. */
static int
expect(const char **p, char c)
{
	if (tolower((unsigned char)**p) != tolower((unsigned char)c))
		return -1;
	(*p)++;
	return 0;
}

/*
 * date-time = full-date "T" partial-time time-offset
 * full-date = year "-" month "-" day
 * partial-time = hour ":" minute ":" second ["." 1*digit]
 * time-offset = "Z" / ("+" / "-") hour ":" minute
 */
int
timefmt_parse_rfc3339(const char *text, int64_t *seconds,
    struct error *error)
{
	const char *p = text;
	int year, month, day, hour, minute, second, offset_h, offset_m;
	int sign = 0;
	struct tm tm;

	if (read_number(&p, 4, &year) < 0 || expect(&p, '-') < 0 ||
	    read_number(&p, 2, &month) < 0 || expect(&p, '-') < 0 ||
	    read_number(&p, 2, &day) < 0 || expect(&p, 'T') < 0 ||
	    read_number(&p, 2, &hour) < 0 || expect(&p, ':') < 0 ||
	    read_number(&p, 2, &minute) < 0 || expect(&p, ':') < 0 ||
	    read_number(&p, 2, &second) < 0)
		goto invalid;

	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto invalid;
		while (isdigit((unsigned char)*p))
			p++;
	}

	offset_h = offset_m = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (read_number(&p, 2, &offset_h) < 0 ||
		    expect(&p, ':') < 0 || read_number(&p, 2, &offset_m) < 0 ||
		    offset_h > 23 || offset_m > 59)
			goto invalid;
	} else {
		goto invalid;
	}
	if (*p != '\0')
		goto invalid;

	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
	    minute > 59 || second > 60)
		goto invalid;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second == 60 ? 59 : second;
	*seconds = (int64_t)timegm(&tm);

	/* timegm() normalises 31 April to 1 May; reject such dates. */
	if (tm.tm_mday != day)
		goto invalid;

	*seconds -= (int64_t)sign * (offset_h * 3600 + offset_m * 60);
	return 0;

invalid:
	return error_set(error, "invalid time '%s': expected RFC 3339 such "
	    "as 2026-12-04T15:00:00Z", text);
}

int64_t
timefmt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
