#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "timefmt.h"

static const char *log_component = "chronatog";
static int log_syslog;

void
log_open(const char *component, int use_syslog)
{
	log_component = component;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(component, LOG_PID, LOG_DAEMON);
}

static const char *
level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void
log_message(int level, const char *format, ...)
{
	char line[2048], now[TIMEFMT_RFC3339_SIZE], *p;
	va_list args;

	va_start(args, format);
	vsnprintf(line, sizeof(line), format, args);
	va_end(args);

	/* Values from requests must not start lines of their own. */
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';

	if (log_syslog) {
		syslog(level, "%s", line);
		return;
	}
	timefmt_rfc3339(time(NULL), now);
	fprintf(stderr, "%s %s %s: %s\n", now, level_name(level),
	    log_component, line);
}
