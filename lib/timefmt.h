/* RFC 3339 timestamps in UTC, the form every API and command uses. */
#ifndef CHRONATOG_TIMEFMT_H
#define CHRONATOG_TIMEFMT_H

#include <stdint.h>

#include "error.h"

/* Bytes needed for "YYYY-MM-DDTHH:MM:SSZ" with its NUL. */
#define TIMEFMT_RFC3339_SIZE 32

/* Writes `seconds` (Unix time) as "2028-02-29T00:00:00Z" into `out`. */
void timefmt_rfc3339(int64_t seconds, char out[TIMEFMT_RFC3339_SIZE]);

/*
 * Parses an RFC 3339 date-time ("2026-12-04T15:00:00Z", lowercase t and z,
 * fractional seconds, which are dropped, and "+01:00" offsets accepted)
 * into Unix seconds. Returns 0, or -1 with a message.
 */
int timefmt_parse_rfc3339(const char *text, int64_t *seconds,
    struct error *error);

/* Returns the current Unix time in milliseconds. */
int64_t timefmt_now_ms(void);

#endif
