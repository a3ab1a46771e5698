/*
 * dbopen.h - which database a `triage` subcommand works on, and opening it.
 */
#ifndef TRIAGE_CLI_DBOPEN_H
#define TRIAGE_CLI_DBOPEN_H

#include <stdbool.h>
#include <glib.h>

#include "store.h"

/*
 * The database path: db_option (--db) if given; else the Database setting
 * of config_option (-c, a triage-milter.conf); else $TRIAGE_DB; else
 * "triage.db" in the working directory, where the quick start's filter
 * writes it. Returns a new string, or NULL with *error (a bad -c file).
 */
char *cli_db_path(const char *db_option, const char *config_option, GError **error);

/*
 * Opens that database: read-only for reports (safe while the filter
 * writes; a missing file is an error, not a new empty database), or
 * read-write for commands that change tickets. NULL with *error.
 */
struct store *cli_store_open(const char *db_option, const char *config_option, bool read_only,
    GError **error);

/* The --db and -c options every database subcommand takes. */
struct cli_db_options {
	char *db;		/* --db PATH, or NULL */
	char *config;		/* -c CONF, or NULL */
};

/*
 * Parses argv for `triage command` with the --db and -c options (into
 * opts) and up to two more option tables (NULL for none). usage is what
 * --help shows after the command. Returns 0, or 64 (EX_USAGE) after
 * printing "triage COMMAND: why" to standard error.
 */
int cli_parse_options(const char *command, const char *usage, struct cli_db_options *opts,
    const GOptionEntry *more, const GOptionEntry *more2, int *argc, char ***argv);

/* Frees what cli_parse_options() stored in opts. */
void cli_db_options_clear(struct cli_db_options *opts);

#endif
