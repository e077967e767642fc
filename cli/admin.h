/* What the files of chronatog-admin share. */
#ifndef CHRONATOG_ADMIN_H
#define CHRONATOG_ADMIN_H

#include <sqlite3.h>

#include "config.h"

/* Settings from the global options, shared by every command. */
struct admin {
	const char *config_path;
	struct config config;
};

/*
 * Opens the configured database, applying migrations, or prints why it
 * cannot. Returns 0 or -1.
 */
int admin_open_db(struct admin *admin, sqlite3 **db);

/*
 * The Engine Yard commands. Each takes the command's arguments (argv[0]
 * is its name) and returns the exit status.
 */
int admin_save_creds(struct admin *admin, int argc, char **argv);
int admin_list_services(struct admin *admin, int argc, char **argv);
int admin_register_service(struct admin *admin, int argc, char **argv);
int admin_update_service(struct admin *admin, int argc, char **argv);
int admin_deregister_service(struct admin *admin, int argc, char **argv);
int admin_reset_auth(struct admin *admin, int argc, char **argv);
int admin_bill(struct admin *admin, int argc, char **argv);

#endif
