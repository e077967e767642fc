/*
 * Hashes, HMAC, random tokens and constant-time comparison, built on
 * libgcrypt. Every function here that uses libgcrypt initialises it on
 * first use, so callers need not call crypto_init() themselves, but a
 * program may call it early to fail fast.
 */
#ifndef CHRONATOG_CRYPTO_H
#define CHRONATOG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Bytes of the hex digests below, with the NUL. */
#define CRYPTO_MD5_HEX_SIZE	33
#define CRYPTO_SHA256_HEX_SIZE	65

/* Bytes of HMAC-SHA1 and HMAC-SHA256 digests. */
#define CRYPTO_SHA1_SIZE	20
#define CRYPTO_SHA256_SIZE	32

/*
 * Initialises libgcrypt once per process. It checks that the run-time
 * library is at least the version compiled against, disables secure
 * memory, which nothing here allocates, and marks initialisation as
 * finished. When another part of the process has already finished
 * initialisation, it leaves libgcrypt as it is. Safe to call from several
 * threads and many times. Returns 0, or -1 with `error` set when the
 * library is too old or initialisation fails.
 */
int crypto_init(struct error *error);

/*
 * Writes the lowercase hex MD5 digest of `length` bytes of `data` into
 * `out`, NUL-terminated. Returns 0, or -1 with `error` set when libgcrypt
 * fails (MD5 is unavailable in FIPS mode).
 */
int crypto_md5_hex(const void *data, size_t length,
    char out[CRYPTO_MD5_HEX_SIZE], struct error *error);

/*
 * Writes the lowercase hex SHA-256 digest of `length` bytes of `data`
 * into `out`, NUL-terminated. Returns 0, or -1 with `error` set.
 */
int crypto_sha256_hex(const void *data, size_t length,
    char out[CRYPTO_SHA256_HEX_SIZE], struct error *error);

/*
 * Computes the HMAC-SHA1 of `length` bytes of `data` keyed with
 * `key_length` bytes of `key` into `out`. Returns 0, or -1 with `error`
 * set. The message never contains the key.
 */
int crypto_hmac_sha1(const void *key, size_t key_length, const void *data,
    size_t length, uint8_t out[CRYPTO_SHA1_SIZE], struct error *error);

/*
 * Writes the HMAC-SHA256 of `length` bytes of `data` under `key` into
 * `out`. Returns 0, or -1 with `error` set.
 */
int crypto_hmac_sha256(const void *key, size_t key_length, const void *data,
    size_t length, uint8_t out[CRYPTO_SHA256_SIZE], struct error *error);

/*
 * Fills `length` bytes of `out` from libgcrypt's strong random
 * generator. Returns 0, or -1 with `error` set.
 */
int crypto_random_bytes(void *out, size_t length, struct error *error);

/*
 * Writes `digits` random lowercase hex digits from libgcrypt's strong
 * random generator into `out`, which must hold `digits` + 1 bytes, and
 * NUL-terminates it. Returns 0, or -1 with `error` set.
 */
int crypto_random_hex(char *out, size_t digits, struct error *error);

/*
 * Compares `n` bytes of `a` and `b` in time that depends only on `n`, so
 * that a timing attacker learns nothing about where they differ. Returns
 * 1 when they are equal, 0 otherwise. The length itself is not hidden:
 * compare lengths first, which is safe when they are not secret.
 */
int crypto_equal(const void *a, const void *b, size_t n);

#endif
