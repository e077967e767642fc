/* UTF-8 checks for text that came from outside, such as callback responses. */
#ifndef CHRONATOG_UTF8_H
#define CHRONATOG_UTF8_H

#include <stddef.h>

/*
 * Replaces, in place, every byte of `text` that is not part of a valid
 * UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF) and every NUL with '?', so that the text can be stored
 * as SQLite TEXT and written as a JSON string. Returns the number of
 * bytes replaced.
 */
size_t utf8_sanitize(char *text, size_t length);

#endif
