#include <stdint.h>

#include "utf8.h"

/*
 * Returns the length of the valid UTF-8 sequence at `s` (at most `left`
 * bytes), or 0 when it is invalid. Ranges from RFC 3629, section 4.
 */
static size_t
sequence_length(const uint8_t *s, size_t left)
{
	size_t length, i;
	uint8_t low = 0x80, high = 0xbf;

	if (s[0] >= 0x01 && s[0] <= 0x7f)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		length = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		length = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		length = 4;
	else
		return 0;
	if (length > left)
		return 0;

	/* The second byte's range rules out overlong and surrogate forms. */
	if (s[0] == 0xe0)
		low = 0xa0;
	else if (s[0] == 0xed)
		high = 0x9f;
	else if (s[0] == 0xf0)
		low = 0x90;
	else if (s[0] == 0xf4)
		high = 0x8f;
	if (s[1] < low || s[1] > high)
		return 0;
	for (i = 2; i < length; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return length;
}

size_t
utf8_sanitize(char *text, size_t length)
{
	uint8_t *s = (uint8_t *)text;
	size_t i = 0, step, replaced = 0;

	while (i < length) {
		step = sequence_length(s + i, length - i);
		if (step == 0) {
			s[i] = '?';
			replaced++;
			step = 1;
		}
		i += step;
	}
	return replaced;
}
