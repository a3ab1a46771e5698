/*
 * cmd_tickets.c - `triage resolve` and `triage purge`: the two subcommands
 * that change the store (everything else only reads it).
 *
 *   triage resolve [--db PATH | -c CONF] [--by WHO] T-000123...
 *   triage purge --older-than DAYS [--db PATH | -c CONF] [--dry-run]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "commands.h"
#include "dbopen.h"
#include "tickets.h"

/* --db and -c, shared by both subcommands of this file. */
static struct cli_db_options db_options;

/* Parses argv with entries plus --db and -c; 0, or 64 after a message. */
static int
parse(const char *command, const char *args, const char *summary, const GOptionEntry *entries,
    int *argc, char ***argv)
{
	char *usage = g_strdup_printf("%s - %s", args, summary);
	int status = cli_parse_options(command, usage, &db_options, entries, NULL, argc, argv);

	g_free(usage);
	return status;
}

int
cmd_resolve(int argc, char **argv)
{
	char *by = NULL;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "who resolved it (default: $USER)", "WHO" },
		{ NULL },
	};
	struct store *store;
	GError *error = NULL;
	int status, missing = 0;
	const char *actor;

	if ((status = parse("resolve", "T-NNNNNN...", "mark tickets resolved", entries, &argc,
	    &argv)) != 0)
		return status;
	if (argc < 2) {
		fprintf(stderr, "triage resolve: name at least one ticket (T-000123)\n");
		return 64;
	}
	actor = by != NULL ? by : getenv("USER") != NULL ? getenv("USER") : "triage";
	store = cli_store_open(db_options.db, db_options.config, false, &error);
	if (store == NULL) {
		fprintf(stderr, "triage resolve: %s\n", error->message);
		g_error_free(error);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct ticket t;
		int found;

		if (store_begin(store) != 0) {
			fprintf(stderr, "triage resolve: %s\n", store_errmsg(store));
			status = 1;
			break;
		}
		found = tickets_find_by_ref(store, argv[i], &t);
		if (found == 1 && t.resolved_at != 0) {
			printf("%s was already resolved\n", t.ref);
		} else if (found == 1 &&
		    tickets_resolve(store, &t, g_get_real_time() / G_USEC_PER_SEC, actor, NULL) == 0 &&
		    store_commit(store) == 0) {
			printf("%s resolved\n", t.ref);
			continue;
		} else if (found == 0) {
			fprintf(stderr, "triage resolve: no ticket %s\n", argv[i]);
			missing++;
		} else {
			fprintf(stderr, "triage resolve: %s: %s\n", argv[i], store_errmsg(store));
			status = 1;
		}
		store_rollback(store);
	}
	store_close(store);
	g_free(by);
	return status != 0 ? status : missing > 0 ? 1 : 0;
}

int
cmd_purge(int argc, char **argv)
{
	int days = -1;
	gboolean dry_run = FALSE;
	const GOptionEntry entries[] = {
		{ "older-than", 0, 0, G_OPTION_ARG_INT, &days,
		    "delete tickets received more than DAYS days ago, with their events", "DAYS" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		    "count what would go, delete nothing", NULL },
		{ NULL },
	};
	struct store *store;
	GError *error = NULL;
	int status, deleted = 0;
	gint64 before;

	if ((status = parse("purge", "--older-than DAYS", "delete old tickets", entries, &argc,
	    &argv)) != 0)
		return status;
	if (days < 0 || argc != 1) {
		fprintf(stderr, "triage purge: --older-than DAYS (0 or more) is required\n");
		return 64;
	}
	before = g_get_real_time() / G_USEC_PER_SEC - (gint64)days * 86400;
	store = cli_store_open(db_options.db, db_options.config, false, &error);
	if (store == NULL) {
		fprintf(stderr, "triage purge: %s\n", error->message);
		g_error_free(error);
		return 1;
	}
	/* A dry run deletes inside a transaction and rolls it back. */
	if (store_begin(store) != 0 || tickets_purge(store, before, &deleted) != 0 ||
	    (dry_run ? (store_rollback(store), 0) : store_commit(store)) != 0) {
		fprintf(stderr, "triage purge: %s\n", store_errmsg(store));
		status = 1;
	} else {
		GDateTime *cutoff = g_date_time_new_from_unix_utc(before);
		char *when = g_date_time_format(cutoff, "%Y-%m-%d %H:%M:%S UTC");

		printf("%s %d ticket%s received before %s\n", dry_run ? "would delete" : "deleted",
		    deleted, deleted == 1 ? "" : "s", when);
		g_free(when);
		g_date_time_unref(cutoff);
	}
	store_close(store);
	return status;
}
