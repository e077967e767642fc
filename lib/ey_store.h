/*
 * Chronatog's records about Engine Yard: the partner credentials and
 * the service registrations.
 */
#ifndef CHRONATOG_EY_STORE_H
#define CHRONATOG_EY_STORE_H

#include <sqlite3.h>

#include "authhmac.h"
#include "error.h"

/* Maximum length of an auth_id or auth_key, in bytes. */
#define EY_CREDENTIAL_MAX 256

/*
 * Stores partner credentials, replacing the key of an existing auth_id.
 * Both must be 1 to EY_CREDENTIAL_MAX printable ASCII characters without
 * spaces or ":". Returns 0 or -1.
 */
int ey_credentials_save(sqlite3 *db, const char *auth_id,
    const char *auth_key, int64_t now, struct error *error);

/*
 * Loads the newest credentials into malloc'ed `*auth_id` and `*auth_key`,
 * which the caller frees. Returns 1, 0 when none are saved, or -1.
 */
int ey_credentials_load(sqlite3 *db, char **auth_id, char **auth_key,
    struct error *error);

/*
 * An authhmac_lookup_fn over the saved credentials; the context is the
 * sqlite3 handle.
 */
int ey_credentials_lookup(void *db, const char *auth_id, char **auth_key,
    struct error *error);

/* Records a registration: the URL used and the service URL returned. */
int ey_service_save(sqlite3 *db, const char *registration_url,
    const char *url, int64_t now, struct error *error);

/*
 * Loads into malloc'ed `*url` the service URL of the newest registration.
 * Returns 1, 0 when there is none, or -1.
 */
int ey_service_load(sqlite3 *db, char **url, struct error *error);

/* Forgets the registration with service URL `url`. */
int ey_service_delete(sqlite3 *db, const char *url, struct error *error);

#endif
