#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

int
html_buffer_open(struct html_buffer *buffer, struct error *error)
{
	memset(buffer, 0, sizeof(*buffer));
	buffer->out = open_memstream(&buffer->text, &buffer->length);
	if (buffer->out == NULL)
		return error_set(error, "cannot open a memory stream: %s",
		    strerror(errno));
	return 0;
}

int
html_buffer_finish(struct html_buffer *buffer, struct error *error)
{
	int failed;

	failed = ferror(buffer->out);
	if (fclose(buffer->out) != 0)
		failed = 1;
	buffer->out = NULL;
	if (failed || buffer->text == NULL)
		return error_set(error, "cannot write the page: out of memory");
	return 0;
}

void
html_buffer_free(struct html_buffer *buffer)
{
	if (buffer->out != NULL)
		fclose(buffer->out);
	free(buffer->text);
	memset(buffer, 0, sizeof(*buffer));
}

void
html_escape(FILE *out, const char *text)
{
	const char *p;
	size_t plain;

	if (text == NULL)
		return;
	for (p = text; *p != '\0'; p++) {
		plain = strcspn(p, "&<>\"'");
		fwrite(p, 1, plain, out);
		p += plain;
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			/* The end of the text. */
			return;
		}
	}
}

void
html_element(FILE *out, const char *name, const char *text)
{
	fprintf(out, "<%s>", name);
	html_escape(out, text);
	fprintf(out, "</%s>", name);
}

void
html_begin_page(FILE *out, const char *title, const char *stylesheet)
{
	fputs("<!doctype html>\n"
	    "<html lang=\"en\">\n"
	    "<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n", out);
	html_element(out, "title", title);
	fprintf(out, "\n<link rel=\"stylesheet\" href=\"%s\">\n"
	    "</head>\n"
	    "<body>\n", stylesheet);
}

void
html_end_page(FILE *out)
{
	fputs("</body>\n</html>\n", out);
}
