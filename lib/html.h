/*
 * HTML output: escaping of every value written into a page, and the
 * frame of an HTML5 page. A page is written to a memory stream
 * (open_memstream) and sent once it is complete, so that a failure half
 * way through can still become an error page.
 */
#ifndef CHRONATOG_HTML_H
#define CHRONATOG_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* A page being written: `out` writes into `text`. */
struct html_buffer {
	FILE *out;
	char *text;		/* valid after html_buffer_finish() */
	size_t length;
};

/*
 * Opens a memory stream for a page. Returns 0, or -1 with `error` set
 * when memory runs out. Free with html_buffer_free().
 */
int html_buffer_open(struct html_buffer *buffer, struct error *error);

/*
 * Closes the stream so that `text` and `length` hold the page. Returns
 * 0, or -1 with `error` set when a write failed (out of memory).
 */
int html_buffer_finish(struct html_buffer *buffer, struct error *error);

/* Closes the stream if still open and frees the text. */
void html_buffer_free(struct html_buffer *buffer);

/*
 * Writes `text` to `out` with &, <, >, " and ' replaced by character
 * references, which makes it safe as element content and inside a
 * quoted attribute value. NULL writes nothing.
 */
void html_escape(FILE *out, const char *text);

/*
 * Writes element `name` (such as "td" or "h1", written by the caller)
 * around the escaped `text`.
 */
void html_element(FILE *out, const char *name, const char *text);

/*
 * Writes a page start in English: doctype, head with UTF-8, a viewport
 * for small screens, the escaped `title`, a link to the stylesheet at
 * `stylesheet` (trusted markup, not escaped) and the opening <body>.
 */
void html_begin_page(FILE *out, const char *title, const char *stylesheet);

/* Closes what html_begin_page() opened. */
void html_end_page(FILE *out);

#endif
