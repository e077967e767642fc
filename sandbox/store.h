/*
 * The database of ey-sandbox, the stand-in for Engine Yard (EY): its
 * settings and the one partner's credentials, what the partner registered
 * (services), what the sandbox created on the partner's side (service
 * accounts and provisioned services), and what the partner sent
 * (messages, invoices, and every request with its status).
 *
 * The schema is ey-sandbox's own, kept in store.c and applied on open
 * with CREATE TABLE IF NOT EXISTS. Times are integer Unix seconds. A
 * function that returns int returns 0 on success and -1 with `error`
 * set on failure, unless its comment says otherwise.
 */
#ifndef EY_SANDBOX_STORE_H
#define EY_SANDBOX_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "error.h"

/* Database file when neither --db nor $EY_SANDBOX_DB names one. */
#define STORE_DEFAULT_PATH "var/ey-sandbox.db"

/* The id of the only partner; registration URLs carry it. */
#define STORE_PARTNER_ID 1

/* Settings stored by `init`: the base URL and the partner's credentials. */
struct store_settings {
	char *base_url;		/* public base URL, no trailing slash */
	int64_t partner_id;
	char *auth_id;
	char *auth_key;		/* wiped by store_settings_free() */
};

/* A service account: one customer's sign-up for a service. */
struct store_account {
	int64_t id;
	int64_t service_id;
	int64_t partner_id;
	char *name;
	/*
	 * The service_account object that the partner returned, merged with
	 * its later updates, or NULL until the partner responds.
	 */
	json_object *partner_fields;
	int64_t created_at;
	int64_t cancelled_at;	/* 0 while the account is active */
};

/* A provisioned service: the add-on activated on one app environment. */
struct store_provisioned {
	int64_t id;
	int64_t account_id;
	int64_t app_id;
	char *app_name;
	int64_t environment_id;
	char *environment_name;
	char *framework_env;	/* "production", "staging", ... */
	char *aws_region;
	/* The provisioned_service object the partner returned, or NULL. */
	json_object *partner_fields;
	int64_t created_at;
	int64_t deprovisioned_at;	/* 0 while active */
};

/* A message from the partner to a customer, as validated by the API. */
struct store_message {
	int64_t account_id;
	int64_t provisioned_id;	/* 0 for a message about the account */
	const char *message_type;	/* "status", "notification", "alert" */
	const char *subject;
	const char *body;		/* NULL when absent */
	/* "request" when POSTed, "response" when part of a response */
	const char *source;
};

/* An invoice from the partner, as validated by the API. */
struct store_invoice {
	int64_t account_id;
	int64_t total_amount_cents;
	const char *line_item_description;
	const char *unique_id;		/* NULL when absent */
};

/* A request that `serve` received, with the status of its response. */
struct store_request {
	const char *method;
	const char *path;
	const char *query;
	const char *content_type;	/* NULL when absent */
	const char *body;		/* NULL when empty */
	size_t body_length;
	int status;
	const char *authentication_error;	/* reason of a 401, or NULL */
};

/* Called with each row of a listing; a non-zero return stops the walk. */
typedef int store_row_fn(json_object *row, void *context);

/*
 * Opens the database at `path`, creating the file when needed, and
 * creates any missing table. Close the handle with sqlite3_close().
 */
int store_open(const char *path, sqlite3 **db, struct error *error);

/*
 * Loads the settings into `settings`, to be freed with
 * store_settings_free(). Returns 1 when found, 0 when `init` has not run
 * yet, or -1 with `error` set.
 */
int store_load_settings(sqlite3 *db, struct store_settings *settings,
    struct error *error);

/* Frees the strings of `settings`, wiping the key, and zeroes it. */
void store_settings_free(struct store_settings *settings);

/*
 * Stores the base URL and the partner STORE_PARTNER_ID with `auth_id`
 * and `auth_key`, replacing what an earlier `init` stored.
 */
int store_save_settings(sqlite3 *db, const char *base_url,
    const char *auth_id, const char *auth_key, int64_t now,
    struct error *error);

/*
 * Services. `fields` is the JSON object the partner sent, without "url".
 * The getters set `*fields` to a new object that the caller puts, and
 * return 1 when found, 0 when not, or -1.
 */
int store_service_create(sqlite3 *db, int64_t partner_id,
    json_object *fields, int64_t now, int64_t *service_id,
    struct error *error);
int store_service_get(sqlite3 *db, int64_t partner_id, int64_t service_id,
    json_object **fields, struct error *error);
int store_service_latest(sqlite3 *db, int64_t partner_id,
    int64_t *service_id, json_object **fields, struct error *error);
int store_service_update(sqlite3 *db, int64_t service_id,
    json_object *fields, int64_t now, struct error *error);

/*
 * Deletes a service with its accounts, their provisioned services,
 * messages and invoices. Returns 1 when deleted, 0 when not found, or -1.
 */
int store_service_delete(sqlite3 *db, int64_t partner_id,
    int64_t service_id, struct error *error);

/*
 * Calls `each` with {"id": ..., "fields": {...}} for every service of
 * the partner, oldest first.
 */
int store_service_list(sqlite3 *db, int64_t partner_id, store_row_fn *each,
    void *context, struct error *error);

/* Service accounts. The getter returns 1 when found, 0 when not, or -1. */
int store_account_create(sqlite3 *db, int64_t service_id, const char *name,
    int64_t now, int64_t *account_id, struct error *error);
int store_account_get(sqlite3 *db, int64_t account_id,
    struct store_account *account, struct error *error);
void store_account_free(struct store_account *account);
int store_account_set_partner_fields(sqlite3 *db, int64_t account_id,
    json_object *fields, struct error *error);
int store_account_cancel(sqlite3 *db, int64_t account_id, int64_t now,
    struct error *error);
int store_account_delete(sqlite3 *db, int64_t account_id,
    struct error *error);

/*
 * Provisioned services. Creating one finds or creates the account's app
 * and environment of those names, so that their ids stay the same across
 * activations, and fills `*provisioned` (free it with
 * store_provisioned_free()). The getter returns 1 when found, 0 when
 * not, or -1.
 */
int store_provisioned_create(sqlite3 *db, int64_t account_id,
    const char *app_name, const char *environment_name,
    const char *framework_env, const char *aws_region, int64_t now,
    struct store_provisioned *provisioned, struct error *error);
int store_provisioned_get(sqlite3 *db, int64_t provisioned_id,
    struct store_provisioned *provisioned, struct error *error);
void store_provisioned_free(struct store_provisioned *provisioned);
int store_provisioned_set_partner_fields(sqlite3 *db,
    int64_t provisioned_id, json_object *fields, struct error *error);
int store_provisioned_deprovision(sqlite3 *db, int64_t provisioned_id,
    int64_t now, struct error *error);
int store_provisioned_delete(sqlite3 *db, int64_t provisioned_id,
    struct error *error);

/* Stores a message and sets `*message_id`. */
int store_message_add(sqlite3 *db, const struct store_message *message,
    int64_t now, int64_t *message_id, struct error *error);

/*
 * Stores an invoice unless the account already has one with the same
 * unique_id. Sets `*invoice_id` to the new or the earlier invoice and
 * `*created` to whether it is new.
 */
int store_invoice_add(sqlite3 *db, const struct store_invoice *invoice,
    int64_t now, int64_t *invoice_id, int *created, struct error *error);

/*
 * Sets `*invoice` to a new {"id", "total_amount_cents",
 * "line_item_description", "unique_id", "received_at"} object. Returns 1
 * when found, 0 when not, or -1.
 */
int store_invoice_get(sqlite3 *db, int64_t invoice_id, json_object **invoice,
    struct error *error);

/* Records a request that `serve` responded to. */
int store_request_add(sqlite3 *db, const struct store_request *request,
    int64_t now, struct error *error);

/*
 * Steps `statement` (bound by the caller, finalized here either way) and
 * calls `each` with every row as a JSON object keyed by column name.
 * INTEGER, REAL and NULL columns become numbers and null, others
 * strings, except that integer columns whose name ends in "_at" are
 * Unix times and become RFC 3339 strings. The row is put after `each`
 * returns, so `each` takes a reference to keep it.
 */
int store_each_row(sqlite3 *db, sqlite3_stmt *statement, store_row_fn *each,
    void *context, struct error *error);

/*
 * Parses `text`, a JSON object stored by this module, into `*object`.
 * NULL `text` gives NULL.
 */
int store_parse_json(const char *text, json_object **object,
    struct error *error);

#endif
