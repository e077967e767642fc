/*
 * Error messages handed up from the library to the program that reports
 * them. Library functions fill a caller-provided struct error and return
 * -1; only programs print or log the message.
 */
#ifndef CHRONATOG_ERROR_H
#define CHRONATOG_ERROR_H

#include <stdarg.h>

#include <json-c/json.h>

#define ERROR_MESSAGE_MAX 512

struct error {
	char message[ERROR_MESSAGE_MAX];
};

/*
 * Formats a message into `error` (which may be NULL, to discard it) and
 * returns -1, so that a failing function can end with
 * `return error_set(error, "...", ...);`.
 */
int error_set(struct error *error, const char *format, ...)
    __attribute__((format(__printf__, 2, 3)));

/* Like error_set() with a va_list. */
int error_setv(struct error *error, const char *format, va_list args);

/*
 * Appends a formatted message to the JSON array `messages`, the list a
 * 400 response carries as "error_messages".
 */
void error_add(json_object *messages, const char *format, ...)
    __attribute__((format(__printf__, 2, 3)));

#endif
