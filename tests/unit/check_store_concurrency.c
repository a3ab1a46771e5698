/*
 * check_store_concurrency.c - 16 threads write tickets and events at once,
 * each on its own connection, for TRIAGE_CONCURRENCY_SECONDS (default 10),
 * as the milter's workers do. No SQLITE_BUSY may reach a caller (the busy
 * timeout and BEGIN IMMEDIATE absorb the contention), and the counts in the
 * database are exactly what the threads committed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <sqlite3.h>

#include "store.h"
#include "tickets.h"
#include "check_run.h"

#define WRITERS 16

struct writer {
	const char *path;
	gint64 deadline;	/* monotonic microseconds */
	unsigned index;
	long committed;		/* tickets committed, each with three events */
	char error[256];	/* the first failure, or "" */
};

static gpointer
write_tickets(gpointer data)
{
	struct writer *w = data;
	char err[256] = "";
	struct store *store = store_open(w->path, NULL, err, sizeof(err));

	if (store == NULL) {
		g_snprintf(w->error, sizeof(w->error), "open: %s", err);
		return NULL;
	}
	while (g_get_monotonic_time() < w->deadline) {
		char message_id[64], reply_id[64];
		struct ticket_new n = { .customer_address = "c@example.net", .urgency = "normal",
		    .message_id = message_id, .received_at = 1000 + w->committed,
		    .due_at = 90000 };
		struct ticket t;

		g_snprintf(message_id, sizeof(message_id), "<%u.%ld@example.net>", w->index,
		    w->committed);
		g_snprintf(reply_id, sizeof(reply_id), "<r%u.%ld@example.com>", w->index,
		    w->committed);
		if (store_begin(store) != 0 || tickets_create(store, &n, "T-", &t) != 0 ||
		    tickets_add_event(store, t.id, n.received_at + 1, EVENT_ACKNOWLEDGED, NULL,
		    NULL, NULL) != 0 ||
		    tickets_agent_reply(store, &t, n.received_at + 60, "agent@example.com",
		    reply_id) != 0 ||
		    store_commit(store) != 0) {
			g_snprintf(w->error, sizeof(w->error), "after %ld tickets: %s", w->committed,
			    store_errmsg(store));
			store_rollback(store);
			break;
		}
		w->committed++;
	}
	store_close(store);
	return NULL;
}

static long
count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long value = -1;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

START_TEST(test_sixteen_writers)
{
	char *dir = g_dir_make_tmp("check_concurrency-XXXXXX", NULL);
	char *path = g_build_filename(dir, "triage.db", NULL);
	const char *env = getenv("TRIAGE_CONCURRENCY_SECONDS");
	int seconds = env != NULL ? atoi(env) : 10;
	struct writer writers[WRITERS];
	GThread *threads[WRITERS];
	char err[256] = "", *cmd;
	struct store *first;
	long total = 0;

	/* Created and migrated once, before the race. */
	first = store_open(path, NULL, err, sizeof(err));
	ck_assert_msg(first != NULL, "%s", err);
	store_close(first);
	for (unsigned i = 0; i < WRITERS; i++) {
		writers[i] = (struct writer){ .path = path, .index = i,
		    .deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC };
		threads[i] = g_thread_new("writer", write_tickets, &writers[i]);
	}
	for (unsigned i = 0; i < WRITERS; i++) {
		g_thread_join(threads[i]);
		ck_assert_msg(writers[i].error[0] == '\0', "writer %u: %s", i, writers[i].error);
		ck_assert_msg(writers[i].committed > 0, "writer %u committed nothing", i);
		total += writers[i].committed;
	}
	printf("%d writers, %d s: %ld tickets (%ld/s), each with 3 events\n", WRITERS, seconds,
	    total, total / (seconds > 0 ? seconds : 1));
	ck_assert_int_eq(count(path, "SELECT count(*) FROM tickets"), total);
	ck_assert_int_eq(count(path, "SELECT count(*) FROM events"), 3 * total);
	ck_assert_int_eq(count(path, "SELECT count(DISTINCT ref) FROM tickets"), total);
	ck_assert_int_eq(count(path, "SELECT max(id) FROM tickets"), total);
	ck_assert_int_eq(count(path, "SELECT count(*) FROM tickets WHERE first_response_at IS NULL"),
	    0);
	ck_assert_int_eq(count(path, "SELECT count(*) FROM pragma_integrity_check "
	    "WHERE integrity_check != 'ok'"), 0);
	cmd = g_strdup_printf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	g_free(cmd);
	g_free(path);
	g_free(dir);
}
END_TEST

static Suite *
concurrency_suite(void)
{
	Suite *s = suite_create("store concurrency");
	TCase *tc = tcase_create("writers");

	/* The writers run for the configured time; allow them that and more. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sixteen_writers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(concurrency_suite());
}
