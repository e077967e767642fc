/*
 * Logging: one line per event on standard error, or to syslog after
 * log_open() with use_syslog set. Lines read
 * "2026-12-04T15:00:00Z error chronatog-runner: job 42: connection
 * refused".
 */
#ifndef CHRONATOG_LOG_H
#define CHRONATOG_LOG_H

#include <syslog.h>

/* Sets the component name shown in every line; copies nothing. */
void log_open(const char *component, int use_syslog);

/* Logs at a syslog level (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). */
void log_message(int level, const char *format, ...)
    __attribute__((format(__printf__, 2, 3)));

#endif
