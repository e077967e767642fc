#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "crypto.h"
#include "webhook.h"

#define SECRET_PREFIX "whsec_"
#define SECRET_BYTES 24

/* Maximum secret key length, in bytes after Base64 decoding. */
#define KEY_MAX 64

int
webhook_secret_new(char out[WEBHOOK_SECRET_SIZE], struct error *error)
{
	uint8_t key[SECRET_BYTES];

	if (crypto_random_bytes(key, sizeof(key), error) < 0)
		return -1;
	memcpy(out, SECRET_PREFIX, strlen(SECRET_PREFIX));
	base64_encode(key, sizeof(key), out + strlen(SECRET_PREFIX));
	explicit_bzero(key, sizeof(key));
	return 0;
}

int
webhook_sign(const char *secret, const char *id, int64_t timestamp,
    const char *body, size_t body_length, char out[WEBHOOK_SIGNATURE_SIZE],
    struct error *error)
{
	uint8_t key[KEY_MAX], digest[CRYPTO_SHA256_SIZE];
	char *message = NULL, *grown;
	long key_length;
	int prefix_length, rc = -1;

	if (strncmp(secret, SECRET_PREFIX, strlen(SECRET_PREFIX)) != 0)
		return error_set(error, "webhook secret does not start with "
		    SECRET_PREFIX);
	secret += strlen(SECRET_PREFIX);
	key_length = base64_decode(secret, strlen(secret), key, sizeof(key));
	if (key_length <= 0)
		return error_set(error, "webhook secret is not valid Base64");

	/* The signed content: "<id>.<timestamp>.<body>". */
	prefix_length = asprintf(&message, "%s.%lld.", id,
	    (long long)timestamp);
	if (prefix_length < 0)
		return error_set(error, "out of memory");
	grown = realloc(message, (size_t)prefix_length + body_length);
	if (grown == NULL) {
		error_set(error, "out of memory");
		goto done;
	}
	message = grown;
	memcpy(message + prefix_length, body, body_length);

	if (crypto_hmac_sha256(key, (size_t)key_length, message,
	    (size_t)prefix_length + body_length, digest, error) < 0)
		goto done;
	memcpy(out, "v1,", 3);
	base64_encode(digest, sizeof(digest), out + 3);
	rc = 0;

done:
	explicit_bzero(key, sizeof(key));
	free(message);
	return rc;
}
