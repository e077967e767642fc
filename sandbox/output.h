/*
 * Output of the commands of ey-sandbox: "key=value" lines that a POSIX
 * shell can `eval`, and JSON lines for `jq`.
 */
#ifndef EY_SANDBOX_OUTPUT_H
#define EY_SANDBOX_OUTPUT_H

#include <stdint.h>

#include <json-c/json.h>

/*
 * Prints "key=value". A value with any byte other than letters, digits
 * and - _ . / : , @ % + = is put in single quotes, each ' inside written
 * as '\''. NULL prints as an empty value.
 */
void output_pair(const char *key, const char *value);

void output_pair_int(const char *key, int64_t value);

/*
 * Prints `value` as output_pair() does: strings as they are, null as
 * empty, anything else as JSON text ("true", "42", ...).
 */
void output_pair_json(const char *key, json_object *value);

/* Returns whether `name` can be a shell variable name. */
int output_is_shell_name(const char *name);

/* Prints `value` as JSON on one line. */
void output_json_line(json_object *value);

#endif
