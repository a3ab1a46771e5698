/*
 * check_store.c - opening and migrating the SQLite store.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <sqlite3.h>

#include "store.h"
#include "check_run.h"

static char *tmpdir;

static void
setup(void)
{
	tmpdir = g_dir_make_tmp("check_store-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmpdir);
}

static void
teardown(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

	ck_assert_int_eq(system(cmd), 0);
	g_free(cmd);
	g_free(tmpdir);
}

static char *
db_path(void)
{
	return g_build_filename(tmpdir, "triage.db", NULL);
}

/* Runs one query on a separate connection and returns its first integer. */
static int
peek_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int value = -1;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

START_TEST(test_create_and_reopen)
{
	char *path = db_path();
	char err[256] = "";
	struct store *store = store_open(path, NULL, err, sizeof(err));

	ck_assert_msg(store != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(store), store_schema_version_latest());
	ck_assert_int_ge(store_schema_version_latest(), 1);
	store_close(store);

	/* Reopening is a no-op migration, and WAL stays on. */
	store = store_open(path, NULL, err, sizeof(err));
	ck_assert_msg(store != NULL, "%s", err);
	store_close(store);
	ck_assert_int_eq(peek_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('tickets','events')"), 2);
	ck_assert_int_eq(peek_int(path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
	g_free(path);
}
END_TEST

START_TEST(test_newer_schema_refused)
{
	char *path = db_path();
	char err[256] = "";
	sqlite3 *db;
	struct store *store;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	store = store_open(path, NULL, err, sizeof(err));
	ck_assert_ptr_null(store);
	ck_assert_msg(strstr(err, "newer") != NULL, "error was: %s", err);
	/* Refusing must not have touched it. */
	ck_assert_int_eq(peek_int(path, "PRAGMA user_version"), 999);
	g_free(path);
}
END_TEST

START_TEST(test_not_a_database)
{
	char *path = db_path();
	char err[256] = "";

	ck_assert(g_file_set_contents(path, "this is not sqlite, just text\n", -1, NULL));
	ck_assert_ptr_null(store_open(path, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, path) != NULL, "error names no file: %s", err);
	g_free(path);
}
END_TEST

START_TEST(test_read_only_missing)
{
	char *path = db_path();
	struct store_options opts;
	char err[256] = "";

	store_options_default(&opts);
	opts.read_only = 1;
	ck_assert_ptr_null(store_open(path, &opts, err, sizeof(err)));
	ck_assert(err[0] != '\0');
	ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
	g_free(path);
}
END_TEST

START_TEST(test_unwritable_directory)
{
	char *path = g_build_filename(tmpdir, "no-such-dir", "triage.db", NULL);
	char err[256] = "";

	ck_assert_ptr_null(store_open(path, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "cannot open") != NULL, "error was: %s", err);
	g_free(path);
}
END_TEST

START_TEST(test_events_cascade_declared)
{
	char *path = db_path();
	char err[256] = "";
	struct store *store = store_open(path, NULL, err, sizeof(err));

	ck_assert_msg(store != NULL, "%s", err);
	store_close(store);
	/* Events die with their ticket (the store turns foreign_keys on). */
	ck_assert_int_eq(peek_int(path,
	    "SELECT count(*) FROM pragma_foreign_key_list('events') WHERE \"table\" = 'tickets' AND on_delete = 'CASCADE'"), 1);
	g_free(path);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_and_reopen);
	tcase_add_test(tc, test_newer_schema_refused);
	tcase_add_test(tc, test_not_a_database);
	tcase_add_test(tc, test_read_only_missing);
	tcase_add_test(tc, test_unwritable_directory);
	tcase_add_test(tc, test_events_cascade_declared);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(store_suite());
}
