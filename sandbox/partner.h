/*
 * The calls from ey-sandbox to the partner, signed with the partner's
 * credentials with ey_request(), and the handling of their responses
 * that the commands share. Functions that fail print why on standard
 * error. No transaction may stay open across a call, because the
 * partner may call `serve` while it handles the call, and `serve` must
 * be able to write then.
 */
#ifndef EY_SANDBOX_PARTNER_H
#define EY_SANDBOX_PARTNER_H

#include <stdint.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "ey_client.h"
#include "routes.h"
#include "store.h"

/* Returns the string field `key` of `object`, or NULL. */
const char *partner_field_string(json_object *object, const char *key);

/* Adds field `key` with the URL of `route`. Returns 0, or -1. */
int partner_add_url(json_object *object, const char *key,
    const struct store_settings *settings, const struct route *route);

/*
 * Stores the message that the partner put in its response `json`, if
 * any. Prints a warning and stores nothing when the message is invalid.
 */
void partner_store_message(sqlite3 *db, json_object *json,
    int64_t account_id, int64_t provisioned_id);

/* Prints the type and subject of the message in response `json`. */
void partner_print_message(json_object *json);

/*
 * POSTs `body` to `url` with the partner's credentials. On a 2xx response
 * whose JSON has an object under `key`, fills `response` (free it with
 * ey_response_free()) and returns 0. Otherwise prints why and returns -1.
 */
int partner_post(const struct store_settings *settings, const char *url,
    json_object *body, const char *key, struct ey_response *response);

/*
 * Sends DELETE to `url` with the partner's credentials and sets
 * `*status` to the response's HTTP status. Returns 0 on a 2xx status.
 * Otherwise prints why and returns -1.
 */
int partner_delete(const struct store_settings *settings, const char *url,
    long *status);

/*
 * Loads account `account_id` into `account` and checks that it is active
 * and has `url_key`, whose value it returns. Prints why and returns NULL
 * otherwise. The caller frees `account` either way.
 */
const char *partner_active_account_url(sqlite3 *db, int64_t account_id,
    struct store_account *account, const char *url_key);

#endif
