/*
 * check_outbox.c - the acknowledgement outbox: queue, take, retry, give up,
 * recover after a crash, count for the caps.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <sqlite3.h>

#include "outbox.h"
#include "store.h"
#include "tickets.h"
#include "check_run.h"

static char *tmpdir, *path;
static struct store *store;
static struct ticket ticket;

static void
setup(void)
{
	char err[256] = "";
	struct ticket_new n = { .customer_address = "c@example.net", .urgency = "normal",
	    .message_id = "m1@example.net", .received_at = 1000 };

	tmpdir = g_dir_make_tmp("check_outbox-XXXXXX", NULL);
	path = g_build_filename(tmpdir, "triage.db", NULL);
	store = store_open(path, NULL, err, sizeof(err));
	ck_assert_msg(store != NULL, "%s", err);
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_create(store, &n, "T-", &ticket), 0);
	ck_assert_int_eq(store_commit(store), 0);
}

static void
teardown(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

	store_close(store);
	ck_assert_int_eq(system(cmd), 0);
	g_free(cmd);
	g_free(path);
	g_free(tmpdir);
}

static char *
peek(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *value = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
		value = g_strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

static void
assert_peek(const char *sql, const char *want)
{
	char *got = peek(sql);

	ck_assert_msg(g_strcmp0(got, want) == 0, "%s: got %s, want %s", sql, got, want);
	g_free(got);
}

static void
queue(const char *recipient, const char *id, int64_t now)
{
	static const char message[] = "From: support@example.com\r\n\r\nHello\r\n";

	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(outbox_queue(store, ticket.id, now, recipient, id, message,
	    sizeof(message) - 1), 0);
	ck_assert_int_eq(store_commit(store), 0);
}

START_TEST(test_take_send)
{
	struct outbox_item item;

	queue("c@example.net", "ack1@example.com", 2000);
	assert_peek("SELECT ack_state FROM tickets", "queued");
	ck_assert_int_eq(outbox_take(store, 1999, &item), 0);	/* not due yet */
	ck_assert_int_eq(outbox_take(store, 2000, &item), 1);
	ck_assert_str_eq(item.recipient, "c@example.net");
	ck_assert_str_eq(item.message_id, "ack1@example.com");
	ck_assert_uint_eq(item.message_len, 36);
	ck_assert(memcmp(item.message, "From: support", 13) == 0);
	ck_assert_int_eq(item.attempts, 0);
	assert_peek("SELECT state FROM outbox", "sending");
	/* Taken once: not handed out twice. */
	{
		struct outbox_item again;

		ck_assert_int_eq(outbox_take(store, 5000, &again), 0);
	}
	ck_assert_int_eq(outbox_sent(store, &item, 2001, "250 accepted"), 0);
	assert_peek("SELECT state || ' ' || sent_at || ' ' || last_reply FROM outbox",
	    "sent 2001 250 accepted");
	assert_peek("SELECT ack_state FROM tickets", "sent");
	assert_peek("SELECT message_id FROM events WHERE kind = 'acknowledged'", "ack1@example.com");
	outbox_item_clear(&item);
	/* The acknowledgement's Message-ID threads replies to it onto the ticket. */
	{
		struct ticket found;

		ck_assert_int_eq(tickets_find_by_message_id(store, "ack1@example.com", &found), 1);
		ck_assert_int_eq(found.id, ticket.id);
	}
}
END_TEST

START_TEST(test_retry_then_give_up)
{
	struct outbox_item item;
	int64_t when = 0;

	queue("c@example.net", "ack1@example.com", 2000);
	ck_assert_int_eq(outbox_take(store, 2000, &item), 1);
	ck_assert_int_eq(outbox_retry(store, &item, 2030, "connection refused"), 0);
	outbox_item_clear(&item);
	assert_peek("SELECT state || ' ' || attempts || ' ' || last_reply FROM outbox",
	    "queued 1 connection refused");
	ck_assert_int_eq(outbox_next_due(store, &when), 1);
	ck_assert_int_eq(when, 2030);
	ck_assert_int_eq(outbox_take(store, 2029, &item), 0);
	ck_assert_int_eq(outbox_take(store, 2030, &item), 1);
	ck_assert_int_eq(item.attempts, 1);
	ck_assert_int_eq(outbox_retry(store, &item, 0, "550 no such user"), 0);
	outbox_item_clear(&item);
	assert_peek("SELECT state || ' ' || attempts FROM outbox", "failed 2");
	assert_peek("SELECT ack_state FROM tickets", "failed");
	ck_assert_int_eq(outbox_next_due(store, &when), 0);
	ck_assert_int_eq(outbox_take(store, 99999, &item), 0);
}
END_TEST

START_TEST(test_recover_interrupted)
{
	struct outbox_item item;

	queue("c@example.net", "ack1@example.com", 2000);
	queue("d@example.net", "ack2@example.com", 2000);
	ck_assert_int_eq(outbox_take(store, 2000, &item), 1);
	outbox_item_clear(&item);
	/* A crash here: the first is "sending", the second still queued. */
	ck_assert_int_eq(outbox_recover(store), 1);
	assert_peek("SELECT state FROM outbox WHERE message_id = 'ack1@example.com'", "failed");
	assert_peek("SELECT state FROM outbox WHERE message_id = 'ack2@example.com'", "queued");
	ck_assert_int_eq(outbox_recover(store), 0);
}
END_TEST

START_TEST(test_counts)
{
	int n = -1;

	queue("c@example.net", "a1@x", 1000);
	queue("c@example.net", "a2@x", 5000);
	queue("d@example.net", "a3@x", 5000);
	ck_assert_int_eq(outbox_count_to(store, "c@example.net", 4000, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(outbox_count_to(store, "c@example.net", 0, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(outbox_count_to(store, "e@example.net", 0, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(outbox_count_all(store, 4000, &n), 0);
	ck_assert_int_eq(n, 2);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_take_send);
	tcase_add_test(tc, test_retry_then_give_up);
	tcase_add_test(tc, test_recover_interrupted);
	tcase_add_test(tc, test_counts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(outbox_suite());
}
