#include <string.h>

#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
base64_encode(const uint8_t *data, size_t length, char *out)
{
	size_t i, n = 0;
	uint32_t group;

	for (i = 0; i + 2 < length; i += 3) {
		group = data[i] << 16 | data[i + 1] << 8 | data[i + 2];
		out[n++] = alphabet[group >> 18 & 63];
		out[n++] = alphabet[group >> 12 & 63];
		out[n++] = alphabet[group >> 6 & 63];
		out[n++] = alphabet[group & 63];
	}

	if (i < length) {
		group = data[i] << 16;
		if (i + 1 < length)
			group |= data[i + 1] << 8;
		out[n++] = alphabet[group >> 18 & 63];
		out[n++] = alphabet[group >> 12 & 63];
		out[n++] = i + 1 < length ? alphabet[group >> 6 & 63] : '=';
		out[n++] = '=';
	}

	out[n] = '\0';
	return n;
}

/* Returns the 6-bit value of a Base64 character, or -1. */
static int
decode_char(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(alphabet, c);
	return p == NULL ? -1 : (int)(p - alphabet);
}

long
base64_decode(const char *text, size_t length, uint8_t *out,
    size_t out_size)
{
	size_t i, n = 0, padding = 0;
	int v[4], k;

	if (length % 4 != 0)
		return -1;

	for (i = 0; i < length; i += 4) {
		for (k = 0; k < 4; k++) {
			char c = text[i + k];

			/* '=' may only end the last group: "xx==" or "xxx=". */
			if (c == '=' && i + 4 == length && k >= 2 &&
			    (k == 3 || text[i + 3] == '=')) {
				v[k] = 0;
				padding++;
				continue;
			}
			v[k] = decode_char(c);
			if (v[k] < 0 || padding > 0)
				return -1;
		}

		if (n + 3 - padding > out_size)
			return -1;
		out[n++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (padding < 2)
			out[n++] = (uint8_t)(v[1] << 4 | v[2] >> 2);
		if (padding < 1)
			out[n++] = (uint8_t)(v[2] << 6 | v[3]);
	}
	return (long)n;
}
