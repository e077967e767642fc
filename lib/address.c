#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "address.h"

/* An IPv4 block: network address and prefix length. */
struct block {
	uint32_t network;
	int prefix;
	const char *kind;
};

#define IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* IANA special-purpose blocks a public callback never needs. */
static const struct block ipv4_blocks[] = {
	{ IPV4(0, 0, 0, 0), 8, "unspecified" },
	{ IPV4(10, 0, 0, 0), 8, "private" },
	{ IPV4(100, 64, 0, 0), 10, "shared (carrier-grade NAT)" },
	{ IPV4(127, 0, 0, 0), 8, "loopback" },
	{ IPV4(169, 254, 0, 0), 16, "link-local" },
	{ IPV4(172, 16, 0, 0), 12, "private" },
	{ IPV4(192, 0, 0, 0), 24, "IETF protocol assignment" },
	{ IPV4(192, 168, 0, 0), 16, "private" },
	{ IPV4(198, 18, 0, 0), 15, "benchmarking" },
	{ IPV4(224, 0, 0, 0), 4, "multicast" },
	{ IPV4(240, 0, 0, 0), 4, "reserved" },
};

static const char *
ipv4_forbidden(uint32_t address)
{
	size_t i;
	uint32_t mask;

	for (i = 0; i < sizeof(ipv4_blocks) / sizeof(ipv4_blocks[0]); i++) {
		mask = ~(uint32_t)0 << (32 - ipv4_blocks[i].prefix);
		if ((address & mask) == ipv4_blocks[i].network)
			return ipv4_blocks[i].kind;
	}
	return NULL;
}

/* Reads four bytes of `bytes` as a host-order IPv4 address. */
static uint32_t
ipv4_at(const uint8_t *bytes)
{
	return IPV4(bytes[0], bytes[1], bytes[2], bytes[3]);
}

static const char *
ipv6_forbidden(const struct in6_addr *address)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	static const uint8_t nat64[12] = { 0, 0x64, 0xff, 0x9b };
	const uint8_t *b = address->s6_addr;

	if (IN6_IS_ADDR_UNSPECIFIED(address))
		return "unspecified";
	if (IN6_IS_ADDR_LOOPBACK(address))
		return "loopback";
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return ipv4_forbidden(ipv4_at(b + 12));
	if (b[0] == 0x20 && b[1] == 0x02)	/* 6to4, 2002::/16 */
		return ipv4_forbidden(ipv4_at(b + 2));
	if ((b[0] & 0xfe) == 0xfc)
		return "private (unique local)";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "link-local";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return "site-local";
	if (b[0] == 0xff)
		return "multicast";
	/* The rest of ::/8 contains IPv4-compatible and reserved addresses. */
	if (b[0] == 0)
		return "reserved";
	return NULL;
}

const char *
address_forbidden(const struct sockaddr *address)
{
	const struct sockaddr_in *v4;
	const struct sockaddr_in6 *v6;

	switch (address->sa_family) {
	case AF_INET:
		v4 = (const struct sockaddr_in *)address;
		return ipv4_forbidden(ntohl(v4->sin_addr.s_addr));
	case AF_INET6:
		v6 = (const struct sockaddr_in6 *)address;
		return ipv6_forbidden(&v6->sin6_addr);
	default:
		return "not IP";
	}
}

const char *
address_forbidden_literal(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;
	char text[INET6_ADDRSTRLEN + 2];
	size_t length = strlen(host);

	if (length >= 2 && host[0] == '[' && host[length - 1] == ']') {
		if (length - 2 >= sizeof(text))
			return NULL;
		memcpy(text, host + 1, length - 2);
		text[length - 2] = '\0';
		host = text;
	}

	/* inet_aton() also reads the forms "127.1" and "0x7f000001". */
	if (inet_aton(host, &v4) != 0)
		return ipv4_forbidden(ntohl(v4.s_addr));
	if (inet_pton(AF_INET6, host, &v6) == 1)
		return ipv6_forbidden(&v6);
	return NULL;
}
