/*
 * The schema migrations from sql/, compiled into the library by
 * tools/embed-sql. Version N brings the database to PRAGMA user_version N.
 */
#ifndef CHRONATOG_MIGRATIONS_H
#define CHRONATOG_MIGRATIONS_H

struct migration {
	int version;
	const char *name;	/* file name without ".sql" */
	const char *sql;
};

/* Migrations in ascending version order, starting at 1 with no gaps. */
extern const struct migration migrations[];
extern const int migration_count;

#endif
