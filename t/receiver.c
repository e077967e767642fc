/*
 * receiver: the HTTP server that tests point callbacks at. It listens on
 * a loopback port (a free one with --port-file, which gets its number)
 * and appends one JSON line per request to a log: {"method", "path",
 * "headers", "body"}, with header names in lowercase. Each connection is served by a child
 * process, so slow responses (--delay-ms) do not hold up other requests.
 *
 * usage: receiver (--port N | --port-file FILE) --log FILE
 *                 [--status CODE] [--delay-ms N] [--header 'Name: value']
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#define REQUEST_MAX 1048576

static const char *log_path;
static int answer_status = 204;
static long delay_ms;
static const char *extra_header = "";	/* "Name: value\r\n" or "" */

/* Reads until the end of the headers and Content-Length body bytes. */
static ssize_t
read_request(int fd, char *buffer, size_t size, char **body)
{
	size_t used = 0;
	ssize_t got;
	char *end, *length;
	long content_length = 0;

	for (;;) {
		got = read(fd, buffer + used, size - 1 - used);
		if (got <= 0)
			return -1;
		used += (size_t)got;
		buffer[used] = '\0';
		if ((end = strstr(buffer, "\r\n\r\n")) != NULL)
			break;
		if (used == size - 1)
			return -1;
	}

	*end = '\0';
	length = strcasestr(buffer, "\r\ncontent-length:");
	if (length != NULL)
		content_length = strtol(length + 17, NULL, 10);
	*body = end + 4;
	while ((size_t)(*body - buffer) + (size_t)content_length > used) {
		if (used == size - 1)
			return -1;
		got = read(fd, buffer + used, size - 1 - used);
		if (got <= 0)
			return -1;
		used += (size_t)got;
	}
	(*body)[content_length] = '\0';
	return content_length;
}

/* Appends the request as one JSON line to the log. */
static void
log_request(char *head, const char *body, ssize_t body_length)
{
	json_object *entry = json_object_new_object();
	json_object *headers = json_object_new_object();
	char *line, *saveptr, *colon, *p, *method, *path;
	const char *text;
	int fd;

	line = strtok_r(head, "\r\n", &saveptr);
	method = strtok(line, " ");
	path = strtok(NULL, " ");
	while ((line = strtok_r(NULL, "\r\n", &saveptr)) != NULL) {
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		for (p = line; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (p = colon + 1; *p == ' '; p++)
			;
		json_object_object_add(headers, line,
		    json_object_new_string(p));
	}

	json_object_object_add(entry, "method",
	    json_object_new_string(method != NULL ? method : ""));
	json_object_object_add(entry, "path",
	    json_object_new_string(path != NULL ? path : ""));
	json_object_object_add(entry, "headers", headers);
	json_object_object_add(entry, "body",
	    json_object_new_string_len(body, (int)body_length));

	text = json_object_to_json_string_ext(entry, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		/* One write per line keeps lines from children whole. */
		char *record;
		int length = asprintf(&record, "%s\n", text);

		if (length > 0 && write(fd, record, (size_t)length) < 0)
			perror("receiver: write log");
		free(record);
		close(fd);
	}
	json_object_put(entry);
}

static void
serve(int fd)
{
	static char buffer[REQUEST_MAX];
	char response[2048], *body = NULL;
	ssize_t body_length;
	struct timespec delay;

	body_length = read_request(fd, buffer, sizeof(buffer), &body);
	if (body_length < 0)
		return;
	if (delay_ms > 0) {
		delay.tv_sec = delay_ms / 1000;
		delay.tv_nsec = delay_ms % 1000 * 1000000;
		nanosleep(&delay, NULL);
	}
	log_request(buffer, body, body_length);

	/* 204 and 304 responses carry no body. */
	if (answer_status == 204 || answer_status == 304)
		snprintf(response, sizeof(response), "HTTP/1.1 %d Test\r\n%s"
		    "Connection: close\r\n\r\n", answer_status,
		    extra_header);
	else
		snprintf(response, sizeof(response), "HTTP/1.1 %d Test\r\n%s"
		    "Content-Type: text/plain\r\nContent-Length: 3\r\n"
		    "Connection: close\r\n\r\nok\n", answer_status,
		    extra_header);
	if (write(fd, response, strlen(response)) < 0)
		perror("receiver: write response");
}

int
main(int argc, char **argv)
{
	const char *port_file = NULL;
	int port = 0;
	struct sockaddr_in address;
	socklen_t length = sizeof(address);
	int listener, fd, i, one = 1;
	FILE *file;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: receiver (--port N | --port-file FILE) --log FILE "
		    "[--status CODE] [--delay-ms N] [--header 'Name: value']\n"
		    "Listens on 127.0.0.1 and appends each request to the log "
		    "as a JSON line.\n");
		return 0;
	}
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port-file") == 0)
			port_file = argv[i + 1];
		else if (strcmp(argv[i], "--port") == 0)
			port = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--log") == 0)
			log_path = argv[i + 1];
		else if (strcmp(argv[i], "--status") == 0)
			answer_status = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--delay-ms") == 0)
			delay_ms = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--header") == 0 &&
		    strlen(argv[i + 1]) < 1000)
			asprintf((char **)&extra_header, "%s\r\n", argv[i + 1]);
		else
			break;
	}
	if (i != argc || (port_file == NULL && port == 0) ||
	    log_path == NULL) {
		fprintf(stderr, "usage: receiver (--port N | --port-file FILE) "
		    "--log FILE [--status CODE] [--delay-ms N] "
		    "[--header 'Name: value']\n");
		return 2;
	}

	listener = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&address, 0, sizeof(address));
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	address.sin_port = htons((uint16_t)port);
	if (bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(listener, 1024) < 0 ||
	    getsockname(listener, (struct sockaddr *)&address, &length) < 0) {
		perror("receiver: listen");
		return 1;
	}

	if ((file = fopen(log_path, "a")) == NULL) {
		fprintf(stderr, "receiver: cannot open log %s: %s\n", log_path,
		    strerror(errno));
		return 1;
	}
	fclose(file);

	signal(SIGCHLD, SIG_IGN);
	if (port_file != NULL) {
		if ((file = fopen(port_file, "w")) == NULL) {
			perror("receiver: port file");
			return 1;
		}
		fprintf(file, "%d\n", ntohs(address.sin_port));
		fclose(file);
	}
	fprintf(stderr, "receiver: listening on 127.0.0.1:%d, logging to %s\n",
	    ntohs(address.sin_port), log_path);

	for (;;) {
		if ((fd = accept(listener, NULL, NULL)) < 0)
			continue;
		if (fork() == 0) {
			close(listener);
			serve(fd);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
}
