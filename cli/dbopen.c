/*
 * dbopen.c - which database a `triage` subcommand works on, and opening it.
 */
#include "dbopen.h"

#include <stdlib.h>

#include "conf.h"

char *
cli_db_path(const char *db_option, const char *config_option, GError **error)
{
	const char *env = getenv("TRIAGE_DB");

	if (db_option != NULL)
		return g_strdup(db_option);
	if (config_option != NULL) {
		/* The filter's own settings file: the same parser, the same errors. */
		struct config *config = config_load(config_option, error);
		char *path;

		if (config == NULL)
			return NULL;
		path = g_strdup(config->database);
		config_unref(config);
		return path;
	}
	if (env != NULL && *env != '\0')
		return g_strdup(env);
	return g_strdup("triage.db");
}

struct store *
cli_store_open(const char *db_option, const char *config_option, bool read_only,
    GError **error)
{
	struct store_options opts;
	struct store *store;
	char *path = cli_db_path(db_option, config_option, error);
	char err[512] = "";

	if (path == NULL)
		return NULL;
	store_options_default(&opts);
	opts.read_only = read_only;
	if (!read_only && !g_file_test(path, G_FILE_TEST_EXISTS)) {
		/* A typo in --db must not quietly start a second, empty database. */
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
		    "no database at %s (the filter creates it; --db or -c names another)", path);
		g_free(path);
		return NULL;
	}
	store = store_open(path, &opts, err, sizeof(err));
	if (store == NULL)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s", err);
	g_free(path);
	return store;
}
