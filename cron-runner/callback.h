/*
 * Calling callbacks: one libcurl multi handle drives every HTTP request
 * in flight, so a single thread keeps hundreds of calls going.
 */
#ifndef CHRONATOG_RUNNER_CALLBACK_H
#define CHRONATOG_RUNNER_CALLBACK_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "run.h"

struct callbacks;

/*
 * Creates the multi handle. `config` sets the timeouts, the response cap
 * and whether private addresses are allowed; it must outlive the
 * result. `base_url` is the public URL that job URLs in callback bodies
 * start with. Returns NULL with a message on failure.
 */
struct callbacks *callbacks_new(const struct config *config,
    const char *base_url, struct error *error);

/*
 * Starts the POST for `run`, taking over its strings (the caller's copy
 * is zeroed). Returns 0, or -1 with a message, in which case the run is
 * left with the caller.
 */
int callbacks_start(struct callbacks *callbacks, struct run *run,
    struct error *error);

/* Returns the number of calls started and not yet collected. */
size_t callbacks_in_flight(const struct callbacks *callbacks);

/*
 * Moves the calls forward, waiting up to `timeout_ms` for network
 * activity. Returns 0, or -1 when libcurl fails.
 */
int callbacks_poll(struct callbacks *callbacks, int timeout_ms,
    struct error *error);

/*
 * Moves one finished call into `*run`, with its outcome filled in (the
 * caller frees it with run_clear()). Returns 1, or 0 when none finished.
 */
int callbacks_collect(struct callbacks *callbacks, struct run *run);

/* Stops any calls still in flight and frees everything. */
void callbacks_free(struct callbacks *callbacks);

#endif
