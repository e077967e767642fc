/*
 * Callback signatures in the Standard Webhooks scheme
 * (https://www.standardwebhooks.com): each callback carries
 *
 *   webhook-id:        the delivery id, the same for every attempt
 *   webhook-timestamp: Unix seconds when the attempt was sent
 *   webhook-signature: "v1," + Base64 of HMAC-SHA256 over
 *                      "<id>.<timestamp>.<body>"
 *
 * keyed with the Base64-decoded part of the scheduler's secret after
 * its "whsec_" prefix.
 */
#ifndef CHRONATOG_WEBHOOK_H
#define CHRONATOG_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* "whsec_" and Base64 of 24 random bytes, with the NUL. */
#define WEBHOOK_SECRET_SIZE 39

/* "v1," and Base64 of a SHA-256 digest, with the NUL. */
#define WEBHOOK_SIGNATURE_SIZE 48

/* Writes a new random secret into `out`. Returns 0 or -1. */
int webhook_secret_new(char out[WEBHOOK_SECRET_SIZE], struct error *error);

/*
 * Writes the webhook-signature value for one delivery into `out`.
 * Returns 0, or -1 when `secret` is not "whsec_" followed by Base64.
 */
int webhook_sign(const char *secret, const char *id, int64_t timestamp,
    const char *body, size_t body_length, char out[WEBHOOK_SIGNATURE_SIZE],
    struct error *error);

#endif
