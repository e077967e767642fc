#include <pthread.h>
#include <string.h>

#include <gcrypt.h>

#include "crypto.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;
static struct error init_error;

static void
init_gcrypt(void)
{
	gcry_error_t rc;

	/* Another library in this process may have initialised it. */
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return;

	if (gcry_check_version(GCRYPT_VERSION) == NULL) {
		init_result = error_set(&init_error,
		    "libgcrypt %s is older than %s, the version Chronatog "
		    "was built with", gcry_check_version(NULL),
		    GCRYPT_VERSION);
		return;
	}

	rc = gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	if (rc == 0)
		rc = gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	if (rc != 0)
		init_result = error_set(&init_error,
		    "libgcrypt initialisation failed: %s", gcry_strerror(rc));
}

int
crypto_init(struct error *error)
{
	if (pthread_once(&init_once, init_gcrypt) != 0)
		return error_set(error, "libgcrypt initialisation failed");
	if (init_result != 0)
		return error_set(error, "%s", init_error.message);
	return 0;
}

static void
hex_encode(const uint8_t *data, size_t length, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < length; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * length] = '\0';
}

/* Writes the hex digest of `data` under `algorithm` (a GCRY_MD_*). */
static int
digest_hex(int algorithm, const void *data, size_t length, char *out,
    struct error *error)
{
	gcry_md_hd_t md;
	gcry_error_t rc;
	const uint8_t *digest;

	if (crypto_init(error) == -1)
		return -1;

	rc = gcry_md_open(&md, algorithm, 0);
	if (rc != 0)
		return error_set(error, "%s digest failed: %s",
		    gcry_md_algo_name(algorithm), gcry_strerror(rc));

	gcry_md_write(md, data, length);
	digest = gcry_md_read(md, algorithm);
	if (digest != NULL)
		hex_encode(digest, gcry_md_get_algo_dlen(algorithm), out);
	gcry_md_close(md);

	if (digest == NULL)
		return error_set(error, "%s digest failed",
		    gcry_md_algo_name(algorithm));
	return 0;
}

int
crypto_md5_hex(const void *data, size_t length,
    char out[CRYPTO_MD5_HEX_SIZE], struct error *error)
{
	return digest_hex(GCRY_MD_MD5, data, length, out, error);
}

int
crypto_sha256_hex(const void *data, size_t length,
    char out[CRYPTO_SHA256_HEX_SIZE], struct error *error)
{
	return digest_hex(GCRY_MD_SHA256, data, length, out, error);
}

/* Writes the HMAC of `data` under `algorithm` (a GCRY_MAC_HMAC_*). */
static int
hmac(int algorithm, const void *key, size_t key_length, const void *data,
    size_t length, uint8_t *out, size_t out_size, struct error *error)
{
	gcry_mac_hd_t mac;
	gcry_error_t rc;
	size_t out_length = out_size;

	if (crypto_init(error) == -1)
		return -1;

	rc = gcry_mac_open(&mac, algorithm, 0, NULL);
	if (rc != 0)
		return error_set(error, "%s failed: %s",
		    gcry_mac_algo_name(algorithm), gcry_strerror(rc));

	rc = gcry_mac_setkey(mac, key, key_length);
	if (rc != 0)
		goto cleanup;

	rc = gcry_mac_write(mac, data, length);
	if (rc != 0)
		goto cleanup;

	rc = gcry_mac_read(mac, out, &out_length);
	if (rc == 0 && out_length != out_size)
		rc = gcry_error(GPG_ERR_INV_LENGTH);

cleanup:
	gcry_mac_close(mac);
	if (rc != 0)
		return error_set(error, "%s failed: %s",
		    gcry_mac_algo_name(algorithm), gcry_strerror(rc));
	return 0;
}

int
crypto_hmac_sha1(const void *key, size_t key_length, const void *data,
    size_t length, uint8_t out[CRYPTO_SHA1_SIZE], struct error *error)
{
	return hmac(GCRY_MAC_HMAC_SHA1, key, key_length, data, length, out,
	    CRYPTO_SHA1_SIZE, error);
}

int
crypto_hmac_sha256(const void *key, size_t key_length, const void *data,
    size_t length, uint8_t out[CRYPTO_SHA256_SIZE], struct error *error)
{
	return hmac(GCRY_MAC_HMAC_SHA256, key, key_length, data, length, out,
	    CRYPTO_SHA256_SIZE, error);
}

int
crypto_random_bytes(void *out, size_t length, struct error *error)
{
	if (crypto_init(error) == -1)
		return -1;
	gcry_randomize(out, length, GCRY_STRONG_RANDOM);
	return 0;
}

int
crypto_random_hex(char *out, size_t digits, struct error *error)
{
	uint8_t bytes[32];
	char hex[2 * sizeof(bytes) + 1];
	size_t done, chunk;

	if (crypto_init(error) == -1)
		return -1;

	for (done = 0; done < digits; done += chunk) {
		chunk = digits - done;
		if (chunk > 2 * sizeof(bytes))
			chunk = 2 * sizeof(bytes);

		gcry_randomize(bytes, (chunk + 1) / 2, GCRY_STRONG_RANDOM);
		hex_encode(bytes, (chunk + 1) / 2, hex);
		memcpy(out + done, hex, chunk);
	}
	out[digits] = '\0';

	explicit_bzero(bytes, sizeof(bytes));
	explicit_bzero(hex, sizeof(hex));
	return 0;
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a;
	const volatile uint8_t *y = b;
	uint8_t difference = 0;
	size_t i;

	for (i = 0; i < n; i++)
		difference |= x[i] ^ y[i];
	return difference == 0;
}
