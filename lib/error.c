#include <stdio.h>

#include "error.h"

int
error_setv(struct error *error, const char *format, va_list args)
{
	if (error != NULL)
		vsnprintf(error->message, sizeof(error->message), format,
		    args);
	return -1;
}

int
error_set(struct error *error, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	error_setv(error, format, args);
	va_end(args);
	return -1;
}

void
error_add(json_object *messages, const char *format, ...)
{
	char text[1024];
	va_list args;

	va_start(args, format);
	vsnprintf(text, sizeof(text), format, args);
	va_end(args);
	json_object_array_add(messages, json_object_new_string(text));
}
