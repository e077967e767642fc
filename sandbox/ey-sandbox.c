/* Placeholder: the stand-in for Engine Yard answers 404 to everything. */
#include <string.h>

#include "fcgi.h"

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		while (fcgi_accept() == 0)
			fcgi_respond_error(404, NULL, "not implemented");
	return 0;
}
