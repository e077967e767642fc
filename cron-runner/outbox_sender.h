/*
 * Sending the outbox, the calls to Engine Yard that the web programs
 * and commands queued. The daemon sends from a thread of its own, so a
 * slow EY never delays a callback; --once sends after the callbacks.
 */
#ifndef CHRONATOG_RUNNER_OUTBOX_SENDER_H
#define CHRONATOG_RUNNER_OUTBOX_SENDER_H

#include <signal.h>
#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

/*
 * Queues the usage messages that are due (see usage_queue_messages()),
 * then sends every outbox row due at `now`, in batches, with the saved
 * partner credentials, and records each outcome. Returns the number of
 * rows handled, 0 when no credentials are saved, or -1 on a database
 * error.
 */
int outbox_send_due(sqlite3 *db, int64_t now, struct error *error);

/*
 * Starts a thread that opens `db_path` and calls outbox_send_due() about
 * once a second until `*stop` is set. Returns 0 or -1.
 */
int outbox_thread_start(const char *db_path, volatile sig_atomic_t *stop,
    struct error *error);

/*
 * Waits for the thread from outbox_thread_start() to finish, which takes
 * as long as the request it is sending (at most EY_CLIENT_TIMEOUT).
 */
void outbox_thread_join(void);

#endif
