/*
 * dbopen.c - which database a `triage` subcommand works on, and opening it.
 */
#include "dbopen.h"

#include <stdio.h>
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

int
cli_parse_options(const char *command, const char *usage, struct cli_db_options *opts,
    const GOptionEntry *more, const GOptionEntry *more2, int *argc, char ***argv)
{
	const GOptionEntry db_entries[] = {
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &opts->db,
		    "the database (default: see triage(1))", "PATH" },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opts->config,
		    "take the database from this triage-milter.conf", "CONF" },
		{ NULL },
	};
	GOptionContext *context = g_option_context_new(usage);
	GError *error = NULL;
	int status = 0;

	g_option_context_add_main_entries(context, db_entries, NULL);
	if (more != NULL)
		g_option_context_add_main_entries(context, more, NULL);
	if (more2 != NULL)
		g_option_context_add_main_entries(context, more2, NULL);
	if (!g_option_context_parse(context, argc, argv, &error)) {
		fprintf(stderr, "triage %s: %s\n", command, error->message);
		g_error_free(error);
		status = 64;	/* EX_USAGE */
	}
	g_option_context_free(context);
	return status;
}

void
cli_db_options_clear(struct cli_db_options *opts)
{
	g_clear_pointer(&opts->db, g_free);
	g_clear_pointer(&opts->config, g_free);
}
