/*
 * Which network addresses a callback may reach. By default callbacks may
 * not reach loopback, private, shared (carrier-grade NAT), link-local
 * (which includes the 169.254.169.254 cloud metadata service), multicast,
 * reserved or unspecified addresses, so that a job cannot be used to
 * probe the network Chronatog runs in.
 */
#ifndef CHRONATOG_ADDRESS_H
#define CHRONATOG_ADDRESS_H

#include <sys/socket.h>

/*
 * Returns NULL when `address` is a public address a callback may reach,
 * else a short description of its class ("loopback", "private", ...).
 * IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged by the IPv4
 * address they carry. Families other than IPv4 and IPv6 are "not IP".
 */
const char *address_forbidden(const struct sockaddr *address);

/*
 * Like address_forbidden() for a literal address in text ("127.0.0.1",
 * "::1", with or without brackets). Returns NULL for text that is not
 * a literal address, since host names are judged after resolution.
 */
const char *address_forbidden_literal(const char *host);

#endif
