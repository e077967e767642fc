#include <stdio.h>
#include <string.h>

#include "output.h"

/*
 * Bytes that need no quoting anywhere in a shell assignment's value. "~"
 * is missing because the shell expands it after "=" and ":".
 */
static const char plain_bytes[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,@%+=";

void
output_pair(const char *key, const char *value)
{
	const char *p;

	if (value == NULL)
		value = "";
	if (strspn(value, plain_bytes) == strlen(value)) {
		printf("%s=%s\n", key, value);
		return;
	}

	printf("%s='", key);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	fputs("'\n", stdout);
}

void
output_pair_int(const char *key, int64_t value)
{
	printf("%s=%lld\n", key, (long long)value);
}

void
output_pair_json(const char *key, json_object *value)
{
	if (value == NULL)
		output_pair(key, NULL);
	else if (json_object_is_type(value, json_type_string))
		output_pair(key, json_object_get_string(value));
	else
		output_pair(key, json_object_to_json_string_ext(value,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int
output_is_shell_name(const char *name)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_";

	if (name[0] == '\0' || strchr(first, name[0]) == NULL)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == strlen(name);
}

void
output_json_line(json_object *value)
{
	printf("%s\n", json_object_to_json_string_ext(value,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}
