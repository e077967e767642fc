/*
 * Standard Base64 (RFC 4648 section 4, with '=' padding), which none of
 * libgcrypt, json-c or libcurl exposes. Used for HTTP Basic credentials
 * and for HMAC signatures.
 */
#ifndef CHRONATOG_BASE64_H
#define CHRONATOG_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Bytes base64_encode() writes for `length` input bytes, with the NUL. */
#define BASE64_ENCODED_SIZE(length) ((((length) + 2) / 3) * 4 + 1)

/*
 * Encodes `length` bytes of `data` into `out`, which must hold at least
 * BASE64_ENCODED_SIZE(length) bytes, and NUL-terminates it. Returns the
 * length of the text.
 */
size_t base64_encode(const uint8_t *data, size_t length, char *out);

/*
 * Decodes `length` characters of `text` into `out` (at most `out_size`
 * bytes). Padding is required and no whitespace is allowed. Returns the
 * number of bytes decoded, or -1 when the text is not valid Base64 or
 * does not fit.
 */
long base64_decode(const char *text, size_t length, uint8_t *out,
    size_t out_size);

#endif
