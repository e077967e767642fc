/*
 * freeport: prints a TCP port on 127.0.0.1 that was free a moment ago,
 * for tests that must tell a server which port to listen on.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(void)
{
	struct sockaddr_in address;
	socklen_t length = sizeof(address);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&address, 0, sizeof(address));
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&address,
	    sizeof(address)) < 0 || getsockname(fd,
	    (struct sockaddr *)&address, &length) < 0) {
		perror("freeport");
		return 1;
	}
	printf("%d\n", ntohs(address.sin_port));
	close(fd);
	return 0;
}
