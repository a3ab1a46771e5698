/*
 * check_tickets.c - tickets, events, threading, views and migrations.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <sqlite3.h>

#include "store.h"
#include "tickets.h"
#include "check_run.h"

static char *tmpdir, *path;
static struct store *store;

static void
setup(void)
{
	char err[256] = "";

	tmpdir = g_dir_make_tmp("check_tickets-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmpdir);
	path = g_build_filename(tmpdir, "triage.db", NULL);
	store = store_open(path, NULL, err, sizeof(err));
	ck_assert_msg(store != NULL, "%s", err);
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

/* The first column of the first row of sql, on a separate connection, as text. */
static char *
peek(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *value = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
	    sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
		value = g_strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

static int
peek_int(const char *sql)
{
	char *text = peek(sql);
	int value = text != NULL ? atoi(text) : -1;

	g_free(text);
	return value;
}

static struct ticket
create(const char *message_id, const char *urgency, int64_t received, int64_t due)
{
	struct ticket_new n = {
		.message_id = message_id, .queue_id = "ABC123", .customer_address = "c@example.net",
		.customer_name = "Cleo", .subject = "Broken", .language = "en",
		.urgency = urgency, .personality = "analytical", .topic = "defect",
		.complaint = true, .score = 3.5, .received_at = received, .due_at = due,
	};
	struct ticket t;

	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_msg(tickets_create(store, &n, "T-", &t) == 0, "%s", store_errmsg(store));
	ck_assert_int_eq(store_commit(store), 0);
	return t;
}

START_TEST(test_create_numbers_and_finds)
{
	struct ticket a = create("<m1@example.net>", "normal", 1000, 5000);
	struct ticket b = create("<m2@example.net>", "low", 2000, 0);
	struct ticket found;

	ck_assert_str_eq(a.ref, "T-000001");
	ck_assert_str_eq(b.ref, "T-000002");
	ck_assert_int_eq(tickets_find_by_ref(store, "T-000002", &found), 1);
	ck_assert_int_eq(found.id, b.id);
	ck_assert_str_eq(found.urgency, "low");
	ck_assert_int_eq(found.due_at, 0);
	ck_assert_int_eq(found.contact_count, 1);
	ck_assert_int_eq(tickets_find_by_ref(store, "T-000003", &found), 0);
	ck_assert_int_eq(tickets_find_by_message_id(store, "<m1@example.net>", &found), 1);
	ck_assert_int_eq(found.id, a.id);
	ck_assert_int_eq(found.due_at, 5000);
	ck_assert_int_eq(tickets_find_by_message_id(store, "<nope@example.net>", &found), 0);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM events WHERE kind = 'received'"), 2);
	ck_assert_int_eq(peek_int("SELECT contact_count FROM tickets WHERE ref = 'T-000001'"), 1);
}
END_TEST

START_TEST(test_thread_by_event_message_id)
{
	struct ticket a = create("<m1@example.net>", "normal", 1000, 5000);
	struct ticket found;

	/* An acknowledgement's or an agent's Message-ID threads replies to it. */
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_add_event(store, a.id, 1001, EVENT_ACKNOWLEDGED, NULL,
	    "<ack1@support.example.com>", NULL), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(tickets_find_by_message_id(store, "<ack1@support.example.com>", &found), 1);
	ck_assert_int_eq(found.id, a.id);
}
END_TEST

START_TEST(test_followup_raises_urgency)
{
	struct ticket t = create("<m1@example.net>", "normal", 1000, 90000);

	ck_assert_int_eq(store_begin(store), 0);
	/* Raised one level; the new due time is earlier and wins. */
	ck_assert_int_eq(tickets_customer_followup(store, &t, 2000, "<m2@example.net>",
	    tickets_urgency_raise(t.urgency), 16400), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_str_eq(t.urgency, "high");
	ck_assert_int_eq(t.due_at, 16400);
	ck_assert_int_eq(t.contact_count, 2);
	ck_assert_int_eq(peek_int("SELECT due_at FROM tickets WHERE id = 1"), 16400);
	ck_assert_int_eq(peek_int("SELECT contact_count FROM tickets WHERE id = 1"), 2);
	ck_assert_int_eq(peek_int("SELECT last_contact_at FROM tickets WHERE id = 1"), 2000);
	{
		char *detail = peek("SELECT detail FROM events WHERE kind = 'urgency_raised'");

		ck_assert_str_eq(detail, "normal -> high");
		g_free(detail);
	}
	/* A later due time never pushes the promise back. */
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_customer_followup(store, &t, 3000, "<m3@example.net>",
	    "critical", 99999), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_str_eq(t.urgency, "critical");
	ck_assert_int_eq(t.due_at, 16400);
	/* Critical stays critical: a follow-up is counted, nothing raised. */
	ck_assert_str_eq(tickets_urgency_raise("critical"), "critical");
	ck_assert_ptr_null(tickets_urgency_raise("urgent"));
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_customer_followup(store, &t, 4000, "<m4@example.net>",
	    tickets_urgency_raise(t.urgency), 5000), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(t.contact_count, 4);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM events WHERE kind = 'urgency_raised'"), 2);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM events WHERE kind = 'customer_followup'"), 3);
}
END_TEST

START_TEST(test_first_response_once)
{
	struct ticket t = create("<m1@example.net>", "high", 1000, 15400);
	char *by;

	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_agent_reply(store, &t, 1600, "ann@example.com", "<r1@x>"), 0);
	ck_assert_int_eq(tickets_agent_reply(store, &t, 1900, "bob@example.com", "<r2@x>"), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(t.first_response_at, 1600);
	ck_assert_int_eq(peek_int("SELECT first_response_at FROM tickets"), 1600);
	by = peek("SELECT first_response_by FROM tickets");
	ck_assert_str_eq(by, "ann@example.com");
	g_free(by);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM events WHERE kind = 'agent_reply'"), 2);
	ck_assert_int_eq(peek_int("SELECT response_seconds FROM v_response_times"), 600);
	ck_assert_int_eq(peek_int("SELECT within_sla FROM v_response_times"), 1);
}
END_TEST

START_TEST(test_resolve_once)
{
	struct ticket t = create("<m1@example.net>", "low", 1000, 0);

	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_resolve(store, &t, 5000, "ann@example.com", "<r@x>"), 0);
	ck_assert_int_eq(tickets_resolve(store, &t, 6000, "bob@example.com", "<r2@x>"), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(t.resolved_at, 5000);
	ck_assert_int_eq(peek_int("SELECT resolved_at FROM tickets"), 5000);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM events WHERE kind = 'resolved'"), 1);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM v_open"), 0);
}
END_TEST

START_TEST(test_views_open_and_overdue)
{
	int64_t now = g_get_real_time() / G_USEC_PER_SEC;
	char *ref;

	create("<late@x>", "high", now - 7200, now - 3600);	/* due an hour ago */
	create("<fine@x>", "normal", now - 60, now + 86400);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM v_open"), 2);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM v_overdue"), 1);
	ref = peek("SELECT ref FROM v_overdue");
	ck_assert_str_eq(ref, "T-000001");
	g_free(ref);
	ck_assert_int_ge(peek_int("SELECT minutes_overdue FROM v_overdue"), 59);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM v_tickets WHERE complaint = 'yes'"), 2);
	{
		char *received = peek("SELECT received_utc FROM v_tickets WHERE ref = 'T-000002'");
		GDateTime *dt = g_date_time_new_from_unix_utc(now - 60);
		char *want = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");

		ck_assert_str_eq(received, want);
		g_free(received);
		g_free(want);
		g_date_time_unref(dt);
	}
}
END_TEST

START_TEST(test_purge_never_reuses_numbers)
{
	struct ticket t;
	int deleted = -1;

	struct ticket old1 = create("<old1@x>", "low", 1000, 0), recent;

	create("<old2@x>", "low", 2000, 0);
	recent = create("<new@x>", "low", 9000, 0);
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_add_rule(store, old1.id, 1000, "EN_REFUND_DEMAND"), 0);
	ck_assert_int_eq(tickets_add_rule(store, recent.id, 9000, "EN_LATE_DELIVERY"), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM ticket_rules"), 2);
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_purge(store, 5000, &deleted), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(deleted, 2);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM tickets"), 1);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM events"), 1);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM ticket_rules WHERE rule = 'EN_LATE_DELIVERY'"), 1);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM ticket_rules"), 1);
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_purge(store, 10000, &deleted), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(deleted, 1);
	t = create("<after@x>", "low", 11000, 0);
	ck_assert_str_eq(t.ref, "T-000004");
}
END_TEST

START_TEST(test_ref_in_text)
{
	char ref[TICKET_REF_MAX];

	ck_assert(tickets_ref_in_text("Re: [T-000123] Broken kettle", "T-", ref));
	ck_assert_str_eq(ref, "T-000123");
	ck_assert(tickets_ref_in_text("SV: ärende T-42 igen", "T-", ref));
	ck_assert_str_eq(ref, "T-000042");
	ck_assert(tickets_ref_in_text("XT-5 then (T-7)", "T-", ref));
	ck_assert_str_eq(ref, "T-000007");
	ck_assert(!tickets_ref_in_text("ABT-000123", "T-", ref));
	ck_assert(!tickets_ref_in_text("T-12a", "T-", ref));
	ck_assert(!tickets_ref_in_text("T- 12", "T-", ref));
	ck_assert(!tickets_ref_in_text("T-1234567890123456789", "T-", ref));
	ck_assert(!tickets_ref_in_text(NULL, "T-", ref));
	ck_assert(tickets_ref_in_text("Re: [SUP#0099] x", "SUP#", ref));
	ck_assert_str_eq(ref, "SUP#000099");
}
END_TEST

START_TEST(test_create_rejects_bad_input)
{
	struct ticket_new n = { .customer_address = "c@x", .urgency = "urgent", .received_at = 1 };
	struct ticket t;

	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_create(store, &n, "T-", &t), -1);
	n.urgency = "low";
	n.customer_address = NULL;
	ck_assert_int_eq(tickets_create(store, &n, "T-", &t), -1);
	store_rollback(store);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM tickets"), 0);
}
END_TEST

/* A database made by schema 1 (tests/fixtures/schema-v1.sql) migrates. */
START_TEST(test_migrate_from_v1)
{
	char *fixture = g_build_filename(TESTS_SRCDIR, "fixtures", "schema-v1.sql", NULL);
	char *old = g_build_filename(tmpdir, "v1.db", NULL);
	char *sql, err[256] = "";
	sqlite3 *db;
	struct store *migrated;
	struct ticket t, found;

	ck_assert(g_file_get_contents(fixture, &sql, NULL, NULL));
	ck_assert_int_eq(sqlite3_open(old, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	g_free(sql);

	migrated = store_open(old, NULL, err, sizeof(err));
	ck_assert_msg(migrated != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(migrated), store_schema_version_latest());
	/* Old rows are all there, threading works on them, numbering goes on past them. */
	ck_assert_int_eq(tickets_find_by_message_id(migrated, "<r7@example.com>", &found), 1);
	ck_assert_str_eq(found.ref, "T-000007");
	ck_assert_int_eq(found.first_response_at, 1700002000);
	{
		struct ticket_new n = { .customer_address = "n@x", .urgency = "low",
		    .received_at = 1800000000 };

		ck_assert_int_eq(store_begin(migrated), 0);
		ck_assert_int_eq(tickets_create(migrated, &n, "T-", &t), 0);
		ck_assert_int_eq(store_commit(migrated), 0);
		ck_assert_str_eq(t.ref, "T-000008");
	}
	store_close(migrated);
	g_free(path);
	path = g_strdup(old);	/* peek at the migrated file */
	ck_assert_int_eq(peek_int("SELECT count(*) FROM v_response_times"), 1);
	ck_assert_int_eq(peek_int("SELECT last_contact_at FROM tickets WHERE id = 1"), 1700000000);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM events"), 4);
	g_free(old);
	g_free(fixture);
}
END_TEST

/*
 * A database left at every earlier schema version, with a ticket and an
 * event in it, migrates to the latest: the rows survive, threading finds
 * them, new tickets can be made, the views answer.
 */
START_TEST(test_migrate_from_every_version)
{
	int latest = store_schema_version_latest();

	for (int v = 1; v < latest; v++) {
		char *old = g_strdup_printf("%s/v%d.db", tmpdir, v);
		struct store_options opts;
		struct store *at_v, *migrated;
		struct ticket t, found;
		char err[256] = "";
		char *saved_path = path;

		store_options_default(&opts);
		opts.schema_version = v;
		at_v = store_open(old, &opts, err, sizeof(err));
		ck_assert_msg(at_v != NULL, "v%d: %s", v, err);
		ck_assert_int_eq(store_schema_version(at_v), v);
		store_close(at_v);
		path = old;	/* peek() at this file */
		g_free(peek("INSERT INTO tickets (id, ref, message_id, customer_address, urgency, "
		    "received_at) VALUES (5, 'T-000005', 'old@example.net', 'c@example.net', "
		    "'normal', 1000) RETURNING id"));
		g_free(peek("INSERT INTO events (ticket_id, at, kind, message_id) VALUES "
		    "(5, 1001, 'agent_reply', 'reply@example.com') RETURNING id"));
		ck_assert_int_eq(peek_int("SELECT count(*) FROM tickets"), 1);

		migrated = store_open(old, NULL, err, sizeof(err));
		ck_assert_msg(migrated != NULL, "from v%d: %s", v, err);
		ck_assert_int_eq(store_schema_version(migrated), latest);
		ck_assert_int_eq(tickets_find_by_message_id(migrated, "reply@example.com", &found), 1);
		ck_assert_str_eq(found.ref, "T-000005");
		{
			struct ticket_new n = { .customer_address = "n@x", .urgency = "low",
			    .received_at = 2000 };

			ck_assert_int_eq(store_begin(migrated), 0);
			ck_assert_msg(tickets_create(migrated, &n, "T-", &t) == 0, "from v%d: %s", v,
			    store_errmsg(migrated));
			ck_assert_int_eq(store_commit(migrated), 0);
		}
		store_close(migrated);
		ck_assert_int_eq(peek_int("SELECT count(*) FROM v_tickets"), 2);
		ck_assert_int_eq(peek_int("SELECT count(DISTINCT ref) FROM tickets"), 2);
		path = saved_path;
		g_free(old);
	}
}
END_TEST

/* StoreText: the customer's text is kept only when given. */
START_TEST(test_store_text)
{
	struct ticket_new n = { .customer_address = "c@x", .urgency = "low", .received_at = 1,
	    .text = "Hej, var är paketet?" };
	struct ticket t;
	char *text;

	create("<plain@x>", "low", 1, 0);
	ck_assert_int_eq(store_begin(store), 0);
	ck_assert_int_eq(tickets_create(store, &n, "T-", &t), 0);
	ck_assert_int_eq(store_commit(store), 0);
	ck_assert_int_eq(peek_int("SELECT count(*) FROM tickets WHERE customer_text IS NULL"), 1);
	text = peek("SELECT customer_text FROM tickets WHERE ref = 'T-000002'");
	ck_assert_str_eq(text, "Hej, var är paketet?");
	g_free(text);
}
END_TEST

static Suite *
tickets_suite(void)
{
	Suite *s = suite_create("tickets");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_numbers_and_finds);
	tcase_add_test(tc, test_thread_by_event_message_id);
	tcase_add_test(tc, test_followup_raises_urgency);
	tcase_add_test(tc, test_first_response_once);
	tcase_add_test(tc, test_resolve_once);
	tcase_add_test(tc, test_views_open_and_overdue);
	tcase_add_test(tc, test_purge_never_reuses_numbers);
	tcase_add_test(tc, test_ref_in_text);
	tcase_add_test(tc, test_create_rejects_bad_input);
	tcase_add_test(tc, test_migrate_from_v1);
	tcase_add_test(tc, test_migrate_from_every_version);
	tcase_add_test(tc, test_store_text);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(tickets_suite());
}
