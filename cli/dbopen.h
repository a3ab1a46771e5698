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

#endif
