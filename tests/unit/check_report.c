/*
 * check_report.c - the supervisors' figures (db/report.c) on small
 * databases whose every expected number is worked out by hand below.
 *
 * Times: T0 = 2024-01-01 00:00:00 UTC, a Monday, the first day of ISO week
 * 2024-W01. Percentiles are nearest-rank: rank ceil(p/100 * n), 1-based.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <sqlite3.h>

#include "report.h"
#include "store.h"
#include "check_run.h"

#define T0 1704067200	/* 2024-01-01 00:00:00 UTC, Monday */
#define DAY 86400
#define WEEK (7 * DAY)

static char *tmpdir, *path;
static struct store *store;
static sqlite3 *db;

static void
setup(void)
{
	char err[256] = "";
	struct store *create;

	tmpdir = g_dir_make_tmp("check_report-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmpdir);
	path = g_build_filename(tmpdir, "triage.db", NULL);
	/* The store makes the schema; the rows go in by plain SQL, as they would be read. */
	create = store_open(path, NULL, err, sizeof(err));
	ck_assert_msg(create != NULL, "%s", err);
	store_close(create);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
}

static void
teardown(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

	store_close(store);
	store = NULL;
	sqlite3_close(db);
	ck_assert_int_eq(system(cmd), 0);
	g_free(cmd);
	g_free(path);
	g_free(tmpdir);
}

/* Opens the store read-only, as the reports do, once the rows are in. */
static void
open_reader(void)
{
	struct store_options opts;
	char err[256] = "";

	store_options_default(&opts);
	opts.read_only = 1;
	store = store_open(path, &opts, err, sizeof(err));
	ck_assert_msg(store != NULL, "%s", err);
}

static void
exec(const char *sql)
{
	char *err = NULL;

	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s: %s", sql, err);
}

/*
 * A ticket. frt < 0: never answered; resolved 0: open; due 0: none.
 * Text arguments may be NULL.
 */
struct tk {
	int id;
	const char *urgency;
	gint64 received, due;
	gint64 frt;
	const char *by;
	gint64 resolved;
	int complaint;
	const char *topic, *personality, *language;
	gint64 last_contact;	/* 0: received */
	int end;		/* set by TK(), so that the fields before may be left out */
};
#define TK(...) (&(struct tk){ __VA_ARGS__, .end = 0 })

static void
add(const struct tk *t)
{
	char *sql = sqlite3_mprintf(
	    "INSERT INTO tickets (id, ref, customer_address, urgency, personality, language, "
	    "topic, complaint, received_at, due_at, first_response_at, first_response_by, "
	    "resolved_at, last_contact_at) VALUES (%d, printf('T-%%06d', %d), "
	    "'c%d@example.net', %Q, %Q, %Q, %Q, %d, %lld, NULLIF(%lld, 0), "
	    "CASE WHEN %lld < 0 THEN NULL ELSE %lld END, %Q, NULLIF(%lld, 0), %lld)",
	    t->id, t->id, t->id, t->urgency != NULL ? t->urgency : "normal", t->personality,
	    t->language, t->topic, t->complaint, (long long)t->received, (long long)t->due,
	    (long long)t->frt, (long long)(t->received + t->frt), t->by, (long long)t->resolved,
	    (long long)(t->last_contact != 0 ? t->last_contact : t->received));

	exec(sql);
	sqlite3_free(sql);
}

static void
add_event(int ticket, gint64 at, const char *kind, const char *actor)
{
	char *sql = sqlite3_mprintf("INSERT INTO events (ticket_id, at, kind, actor) "
	    "VALUES (%d, %lld, %Q, %Q)", ticket, (long long)at, kind, actor);

	exec(sql);
	sqlite3_free(sql);
}

static void
add_rule(int ticket, gint64 at, const char *rule)
{
	char *sql = sqlite3_mprintf("INSERT INTO ticket_rules (ticket_id, at, rule) "
	    "VALUES (%d, %lld, %Q)", ticket, (long long)at, rule);

	exec(sql);
	sqlite3_free(sql);
}

static const struct report_row *
row_named(const struct report *r, const char *group)
{
	for (guint i = 0; i < r->rows->len; i++) {
		const struct report_row *row = g_ptr_array_index(r->rows, i);

		if (strcmp(row->group, group) == 0)
			return row;
	}
	ck_abort_msg("no row %s", group);
	return NULL;
}

#define ck_assert_share(got, want) \
	ck_assert_msg(fabs((got) - (want)) < 1e-9, "share: got %.6f, want %.6f", (double)(got), \
	    (double)(want))

START_TEST(test_by_names)
{
	ck_assert_int_eq(report_by_from_name("urgency"), REPORT_BY_URGENCY);
	ck_assert_int_eq(report_by_from_name("agent"), REPORT_BY_AGENT);
	ck_assert_int_eq(report_by_from_name("week"), REPORT_BY_WEEK);
	ck_assert_int_eq(report_by_from_name("Week"), -1);
	ck_assert_int_eq(report_by_from_name("month"), -1);
	ck_assert_int_eq(report_by_from_name(NULL), -1);
	ck_assert_str_eq(report_by_name(REPORT_BY_TOPIC), "topic");
	for (int by = REPORT_BY_NONE; by <= REPORT_BY_WEEK; by++)
		ck_assert_int_eq(report_by_from_name(report_by_name(by)), by);
}
END_TEST

START_TEST(test_week_labels)
{
	char week[12];

	/* Sunday 2024-01-07 23:59:59 is the last second of 2024-W01; Monday starts W02. */
	report_week_label(T0 + WEEK - 1, week);
	ck_assert_str_eq(week, "2024-W01");
	report_week_label(T0 + WEEK, week);
	ck_assert_str_eq(week, "2024-W02");
	/* Monday 2024-12-30 belongs to 2025-W01 (its Thursday is 2025-01-02). */
	report_week_label(1735516800, week);
	ck_assert_str_eq(week, "2025-W01");
	/* Sunday 2021-01-03 belongs to 2020-W53. */
	report_week_label(1609632000, week);
	ck_assert_str_eq(week, "2020-W53");
	/* Sunday 2023-12-31 is 2023-W52. */
	report_week_label(T0 - 1, week);
	ck_assert_str_eq(week, "2023-W52");
}
END_TEST

/*
 * The percentile fixture, all received on 2024-01-01, period = that week:
 *
 *   critical  1 answered: 600 s, due 900 s       -> within SLA, not within half (1200 > 900)
 *   high      2 answered: 100, 300 s, due 1h     -> both within, both within half
 *   normal   10 answered: 60 120 180 240 240 240 360 420 1800 3601 s, due 1h
 *             + 1 unanswered
 *             within SLA: all but 3601 (> 3600)  -> 9/10
 *             within half (frt <= 1800, 1800 counts) -> 9/10
 *   low       2 unanswered
 *
 * Nearest rank:
 *   n=1  (critical): every percentile is the one value, 600.
 *   n=2  (high):     median rank ceil(1.0)=1 -> 100; p90 ceil(1.8)=2 -> 300;
 *                    p95 ceil(1.9)=2 -> 300.
 *   n=10 (normal):   median rank 5 -> 240 (a tie over ranks 4-6); p90 rank 9
 *                    -> 1800; p95 rank ceil(9.5)=10 -> 3601; max 3601.
 *   all, n=13: 60 100 120 180 240 240 240 300 360 420 600 1800 3601:
 *                    median rank ceil(6.5)=7 -> 240; p90 ceil(11.7)=12 -> 1800;
 *                    p95 ceil(12.35)=13 -> 3601; within SLA 1+2+9 = 12/13;
 *                    within half 0+2+9 = 11/13.
 * Tickets 1+2+11+2 = 16; complaints: critical 1, normal 2 = 3.
 * Open: high 1 (one resolved), normal 1 (the unanswered), low 2 = 4.
 * Agents: ann answered critical and the first five normal (60..240, 240),
 * bob both high, cyd the other five normal; the 3 unanswered are "(none)".
 *   ann: 60 120 180 240 240 600: median rank 3 -> 180; p90 ceil(5.4)=6 -> 600.
 *   cyd: 240 360 420 1800 3601: median rank ceil(2.5)=3 -> 420; p95 rank 5 -> 3601.
 */
static void
percentile_fixture(void)
{
	static const gint64 normal[10] = { 60, 120, 180, 240, 240, 240, 360, 420, 1800, 3601 };
	gint64 at = T0 + 3600;
	int id = 1;

	exec("BEGIN");
	add(TK(id++, "critical", at, at + 900, 600, "ann", at + 7200, 1, "billing",
	    "analytical", "en"));
	add(TK(id++, "high", at, at + 3600, 100, "bob", at + 7200, 0, "delivery",
	    "personal", "sv"));
	add(TK(id++, "high", at, at + 3600, 300, "bob", 0, 0, "delivery", "personal",
	    "sv"));
	for (int i = 0; i < 10; i++)
		add(TK(id++, "normal", at, at + 3600, normal[i], i < 5 ? "ann" : "cyd",
		    at + 7200, i < 2, "billing", "functional", "en"));
	add(TK(id++, "normal", at, at + 3600, -1, NULL, 0, 0, NULL, "functional",
	    "de"));
	add(TK(id++, "low", at, at + 3 * DAY, -1, NULL, 0, 0, "other", NULL, NULL));
	add(TK(id++, "low", at, at + 3 * DAY, -1, NULL, 0, 0, "other", NULL, NULL));
	/* Outside the period on both sides: must not count. */
	add(TK(id++, "normal", T0 - 1, T0 + 3600, 1, "ann", 0, 1, "billing",
	    "functional", "en"));
	add(TK(id++, "normal", T0 + WEEK, T0 + WEEK + 3600, 1, "ann", 0, 1, "billing",
	    "functional", "en"));
	exec("COMMIT");
	open_reader();
}

START_TEST(test_percentiles_by_urgency)
{
	struct report *r;
	GError *error = NULL;
	const struct report_row *row;

	percentile_fixture();
	ck_assert_msg(report_build(store, T0, T0 + WEEK, REPORT_BY_URGENCY, &r, &error) == 0,
	    "%s", error != NULL ? error->message : "");
	ck_assert_int_eq(r->rows->len, 4);
	/* critical, high, normal, low: in that order, not by name. */
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 0))->group, "critical");
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 1))->group, "high");
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 2))->group, "normal");
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 3))->group, "low");

	row = row_named(r, "critical");		/* n = 1 */
	ck_assert_int_eq(row->tickets, 1);
	ck_assert_int_eq(row->answered, 1);
	ck_assert_int_eq(row->complaints, 1);
	ck_assert_int_eq(row->open, 0);
	ck_assert_int_eq((int)row->median, 600);
	ck_assert_int_eq((int)row->p90, 600);
	ck_assert_int_eq((int)row->p95, 600);
	ck_assert_int_eq((int)row->max, 600);
	ck_assert_share(row->within_sla, 1.0);
	ck_assert_share(row->within_half_sla, 0.0);

	row = row_named(r, "high");		/* n = 2 */
	ck_assert_int_eq(row->tickets, 2);
	ck_assert_int_eq(row->open, 1);
	ck_assert_int_eq((int)row->median, 100);
	ck_assert_int_eq((int)row->p90, 300);
	ck_assert_int_eq((int)row->p95, 300);
	ck_assert_int_eq((int)row->max, 300);
	ck_assert_share(row->within_sla, 1.0);
	ck_assert_share(row->within_half_sla, 1.0);

	row = row_named(r, "normal");		/* n = 10, with ties */
	ck_assert_int_eq(row->tickets, 11);
	ck_assert_int_eq(row->answered, 10);
	ck_assert_int_eq(row->complaints, 2);
	ck_assert_int_eq(row->open, 1);
	ck_assert_int_eq((int)row->median, 240);
	ck_assert_int_eq((int)row->p90, 1800);
	ck_assert_int_eq((int)row->p95, 3601);
	ck_assert_int_eq((int)row->max, 3601);
	ck_assert_share(row->within_sla, 0.9);
	ck_assert_share(row->within_half_sla, 0.9);

	row = row_named(r, "low");		/* none answered */
	ck_assert_int_eq(row->tickets, 2);
	ck_assert_int_eq(row->answered, 0);
	ck_assert_int_eq(row->open, 2);
	ck_assert(row->median < 0 && row->p90 < 0 && row->p95 < 0 && row->max < 0);
	ck_assert(row->within_sla < 0 && row->within_half_sla < 0);

	ck_assert_str_eq(r->total.group, "all");
	ck_assert_int_eq(r->total.tickets, 16);
	ck_assert_int_eq(r->total.answered, 13);
	ck_assert_int_eq(r->total.complaints, 3);
	ck_assert_int_eq(r->total.open, 4);
	ck_assert_int_eq((int)r->total.median, 240);
	ck_assert_int_eq((int)r->total.p90, 1800);
	ck_assert_int_eq((int)r->total.p95, 3601);
	ck_assert_int_eq((int)r->total.max, 3601);
	ck_assert_share(r->total.within_sla, 12.0 / 13.0);
	ck_assert_share(r->total.within_half_sla, 11.0 / 13.0);
	/* Open now, whenever received: the 4 above and the two outside the period. */
	ck_assert_int_eq(r->backlog_now, 6);
	report_free(r);

	/* Without a grouping: the same total, as the one row. */
	ck_assert_int_eq(report_build(store, T0, T0 + WEEK, REPORT_BY_NONE, &r, &error), 0);
	ck_assert_int_eq(r->rows->len, 1);
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 0))->group, "all");
	ck_assert_int_eq(r->total.tickets, 16);
	ck_assert_int_eq((int)r->total.median, 240);
	report_free(r);
}
END_TEST

START_TEST(test_group_by_agent_and_others)
{
	struct report *r;
	GError *error = NULL;
	const struct report_row *row;

	percentile_fixture();
	ck_assert_int_eq(report_build(store, T0, T0 + WEEK, REPORT_BY_AGENT, &r, &error), 0);
	/* Named agents by name, then the unanswered under "(none)", last. */
	ck_assert_int_eq(r->rows->len, 4);
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 0))->group, "ann");
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 3))->group, "(none)");
	row = row_named(r, "ann");
	ck_assert_int_eq(row->tickets, 6);
	ck_assert_int_eq((int)row->median, 180);
	ck_assert_int_eq((int)row->p90, 600);
	row = row_named(r, "cyd");
	ck_assert_int_eq(row->tickets, 5);
	ck_assert_int_eq((int)row->median, 420);
	ck_assert_int_eq((int)row->p95, 3601);
	ck_assert_share(row->within_sla, 0.8);	/* 3601 of the five is late */
	row = row_named(r, "(none)");
	ck_assert_int_eq(row->tickets, 3);
	ck_assert_int_eq(row->answered, 0);
	ck_assert(row->median < 0);
	report_free(r);

	/* NULL personality, language, topic: "(none)", after the named ones. */
	ck_assert_int_eq(report_build(store, T0, T0 + WEEK, REPORT_BY_PERSONALITY, &r, &error), 0);
	ck_assert_int_eq(r->rows->len, 4);
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 0))->group, "analytical");
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 3))->group, "(none)");
	ck_assert_int_eq(row_named(r, "functional")->tickets, 11);
	ck_assert_int_eq(row_named(r, "(none)")->tickets, 2);
	report_free(r);
	ck_assert_int_eq(report_build(store, T0, T0 + WEEK, REPORT_BY_LANGUAGE, &r, &error), 0);
	ck_assert_int_eq(row_named(r, "en")->tickets, 11);
	ck_assert_int_eq(row_named(r, "de")->tickets, 1);
	ck_assert_int_eq(row_named(r, "(none)")->tickets, 2);
	report_free(r);
	ck_assert_int_eq(report_build(store, T0, T0 + WEEK, REPORT_BY_TOPIC, &r, &error), 0);
	ck_assert_int_eq(r->rows->len, 4);	/* billing, delivery, other, (none) */
	ck_assert_int_eq(row_named(r, "billing")->tickets, 11);
	ck_assert_int_eq(row_named(r, "billing")->complaints, 3);
	ck_assert_int_eq(row_named(r, "(none)")->tickets, 1);
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 3))->group, "(none)");
	report_free(r);
}
END_TEST

/*
 * Day and week buckets at UTC boundaries: 23:59:59 and the next 00:00:00
 * are different days; Sunday 23:59:59 and Monday 00:00:00 different weeks.
 */
START_TEST(test_day_and_week_boundaries)
{
	struct report *r;
	GError *error = NULL;

	exec("BEGIN");
	add(TK(1, "normal", T0 + 2 * DAY - 1, T0 + 3 * DAY, 60, "ann", 0, 0));
	add(TK(2, "normal", T0 + 2 * DAY, T0 + 3 * DAY, 120, "ann", 0, 0));
	add(TK(3, "normal", T0 + WEEK - 1, T0 + 8 * DAY, 180, "ann", 0, 0));
	add(TK(4, "normal", T0 + WEEK, T0 + 8 * DAY, 240, "ann", 0, 0));
	/* 2024-12-30, Monday of 2025-W01 */
	add(TK(5, "normal", 1735516800, 1735516800 + DAY, 300, "ann", 0, 0));
	exec("COMMIT");
	open_reader();

	ck_assert_int_eq(report_build(store, T0, 1735689600, REPORT_BY_DAY, &r, &error), 0);
	ck_assert_int_eq(r->rows->len, 5);
	ck_assert_int_eq(row_named(r, "2024-01-02")->tickets, 1);
	ck_assert_int_eq((int)row_named(r, "2024-01-02")->median, 60);
	ck_assert_int_eq(row_named(r, "2024-01-03")->tickets, 1);
	ck_assert_int_eq(row_named(r, "2024-01-07")->tickets, 1);
	ck_assert_int_eq(row_named(r, "2024-01-08")->tickets, 1);
	/* Oldest first. */
	ck_assert_str_eq(((struct report_row *)g_ptr_array_index(r->rows, 0))->group, "2024-01-02");
	report_free(r);

	ck_assert_int_eq(report_build(store, T0, 1735689600, REPORT_BY_WEEK, &r, &error), 0);
	ck_assert_int_eq(r->rows->len, 3);
	ck_assert_int_eq(row_named(r, "2024-W01")->tickets, 3);
	/* 60 120 180: median rank 2 -> 120 */
	ck_assert_int_eq((int)row_named(r, "2024-W01")->median, 120);
	ck_assert_int_eq(row_named(r, "2024-W02")->tickets, 1);
	ck_assert_int_eq(row_named(r, "2025-W01")->tickets, 1);
	/* The SQL and the C labels agree: the same weeks in r->weeks. */
	ck_assert_str_eq(g_array_index(r->weeks, struct report_week, 0).week, "2024-W01");
	ck_assert_int_eq(g_array_index(r->weeks, struct report_week, 0).tickets, 3);
	ck_assert_str_eq(g_array_index(r->weeks, struct report_week, r->weeks->len - 1).week,
	    "2025-W01");
	ck_assert_int_eq(g_array_index(r->weeks, struct report_week, r->weeks->len - 1).tickets, 1);
	ck_assert_int_eq(r->weeks->len, 53);	/* 2024-W01 .. 2024-W52, 2025-W01 */
	report_free(r);
}
END_TEST

/*
 * Weeks of the period 2024-01-01 .. 2024-01-29 (W01-W04):
 *   before: X received 2023-12-20, open; Y received 2023-12-21, resolved in W03.
 *   W01: two answered in 600 and 1200 s (due 1h): median rank 1 -> 600, SLA 2/2;
 *        one resolved in W01, the other in W03.
 *   W02: one answered in 1800 s, due 1000 s: median 1800, SLA 0/1; open.
 *   W03: one unanswered, open.  W04: nothing.
 * Backlog at each week's end = received before it - resolved before it:
 *   W01: 4 - 1 = 3; W02: 5 - 1 = 4; W03: 6 - 3 = 3; W04: 6 - 3 = 3.
 * Weekly medians with answers: 600, 1800: mean 1200, population sd 600,
 * CV 0.5. Open now: X, the W02 and the W03 ticket = 3.
 */
START_TEST(test_weeks_backlog_and_cv)
{
	struct report *r;
	GError *error = NULL;
	const struct report_week *w;

	exec("BEGIN");
	add(TK(1, "normal", T0 - 12 * DAY, T0, -1, NULL, 0, 0));
	add(TK(2, "normal", T0 - 11 * DAY, T0, -1, NULL, T0 + 15 * DAY, 0));
	add(TK(3, "normal", T0 + DAY, T0 + DAY + 3600, 600, "ann", T0 + 2 * DAY, 0));
	add(TK(4, "normal", T0 + DAY, T0 + DAY + 3600, 1200, "ann", T0 + 16 * DAY, 0));
	add(TK(5, "normal", T0 + 8 * DAY, T0 + 8 * DAY + 1000, 1800, "ann", 0, 0));
	add(TK(6, "normal", T0 + 15 * DAY, T0 + 16 * DAY, -1, NULL, 0, 0));
	exec("COMMIT");
	open_reader();

	ck_assert_int_eq(report_build(store, T0, T0 + 4 * WEEK, REPORT_BY_NONE, &r, &error), 0);
	ck_assert_int_eq(r->weeks->len, 4);
	w = &g_array_index(r->weeks, struct report_week, 0);
	ck_assert_str_eq(w->week, "2024-W01");
	ck_assert_int_eq(w->tickets, 2);
	ck_assert_int_eq(w->answered, 2);
	ck_assert_int_eq((int)w->median, 600);
	ck_assert_share(w->within_sla, 1.0);
	ck_assert_int_eq(w->backlog, 3);
	w = &g_array_index(r->weeks, struct report_week, 1);
	ck_assert_int_eq(w->tickets, 1);
	ck_assert_int_eq((int)w->median, 1800);
	ck_assert_share(w->within_sla, 0.0);
	ck_assert_int_eq(w->backlog, 4);
	w = &g_array_index(r->weeks, struct report_week, 2);
	ck_assert_int_eq(w->tickets, 1);
	ck_assert_int_eq(w->answered, 0);
	ck_assert(w->median < 0 && w->within_sla < 0);
	ck_assert_int_eq(w->backlog, 3);
	w = &g_array_index(r->weeks, struct report_week, 3);
	ck_assert_str_eq(w->week, "2024-W04");
	ck_assert_int_eq(w->tickets, 0);
	ck_assert_int_eq(w->backlog, 3);
	ck_assert_share(r->weekly_median_cv, 0.5);
	ck_assert_int_eq(r->backlog_now, 3);
	ck_assert_int_eq(r->total.tickets, 4);
	report_free(r);

	/* One week with answers is too few to speak of consistency. */
	ck_assert_int_eq(report_build(store, T0, T0 + WEEK, REPORT_BY_NONE, &r, &error), 0);
	ck_assert(r->weekly_median_cv < 0);
	/* A period starting mid-week: the first bucket is [since, next Monday). */
	report_free(r);
	ck_assert_int_eq(report_build(store, T0 + DAY + 1, T0 + 2 * WEEK, REPORT_BY_NONE, &r,
	    &error), 0);
	ck_assert_int_eq(r->weeks->len, 2);
	ck_assert_int_eq(g_array_index(r->weeks, struct report_week, 0).tickets, 0);
	/*
	 * 3 and 4 came a second before since, so the first bucket is empty; its
	 * backlog is received before Jan 8 (X, Y, 3, 4) less resolved (3): 3.
	 */
	ck_assert_int_eq(g_array_index(r->weeks, struct report_week, 0).backlog, 3);
	report_free(r);
}
END_TEST

START_TEST(test_empty_period_and_bad_grouping)
{
	struct report *r = NULL;
	GError *error = NULL;

	open_reader();
	ck_assert_int_eq(report_build(store, T0, T0, REPORT_BY_NONE, &r, &error), -1);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(error);
	g_clear_error(&error);
	ck_assert_int_eq(report_build(store, T0, T0 + DAY, (enum report_by)99, &r, &error), -1);
	g_clear_error(&error);
	/* Nothing received: zeros and "none" everywhere, one week. */
	ck_assert_int_eq(report_build(store, T0, T0 + DAY, REPORT_BY_URGENCY, &r, &error), 0);
	ck_assert_int_eq(r->rows->len, 0);
	ck_assert_int_eq(r->total.tickets, 0);
	ck_assert(r->total.median < 0 && r->total.within_sla < 0);
	ck_assert_int_eq(r->weeks->len, 1);
	report_free(r);
}
END_TEST

START_TEST(test_histograms)
{
	struct report_histogram h[4];
	GError *error = NULL;

	exec("BEGIN");
	/* Bucket edges: 899 in [0,15m), 900 in [15m,1h), 3600 in [1h,4h), 3 days in [3d,inf). */
	add(TK(1, "critical", T0, T0 + 900, 899, "ann", 0, 0));
	add(TK(2, "critical", T0, T0 + 900, 900, "ann", 0, 0));
	add(TK(3, "normal", T0, T0 + DAY, 3600, "ann", 0, 0));
	add(TK(4, "low", T0, T0 + DAY, 3 * DAY, "ann", 0, 0));
	add(TK(5, "low", T0, T0 + DAY, -1, NULL, 0, 0));
	exec("COMMIT");
	open_reader();
	ck_assert_int_eq(report_histograms(store, T0, T0 + WEEK, h, &error), 0);
	ck_assert_str_eq(h[0].urgency, "critical");
	ck_assert_int_eq(h[0].buckets[0], 1);
	ck_assert_int_eq(h[0].buckets[1], 1);
	ck_assert_int_eq(h[1].buckets[0] + h[1].buckets[6], 0);
	ck_assert_int_eq(h[2].buckets[2], 1);
	ck_assert_str_eq(h[3].urgency, "low");
	ck_assert_int_eq(h[3].buckets[6], 1);
	ck_assert_int_eq(h[3].buckets[5], 0);
}
END_TEST

/*
 * Overdue at now N = 2024-01-01 12:00, within 30m, lookback 7d:
 *   1 past due by 60 s, unanswered            -> PAST_DUE, late 60
 *   2 due at N + 1800 exactly                 -> DUE_SOON, late -1800
 *   3 due at N + 1801                          -> nothing
 *   4 answered, then the customer wrote again  -> FOLLOWUP since the follow-up
 *   5 the customer wrote, then the answer      -> nothing
 *   6 unanswered, due tomorrow, wrote again    -> FOLLOWUP
 *   7 resolved, last contact after the last reply -> UNCLOSED
 *   8 resolved, reply at the last contact      -> nothing
 *   9 like 7 but resolved 8 days ago           -> nothing (before the lookback)
 *  10 past due and wrote again                 -> PAST_DUE only (listed once)
 *  11 due at N exactly: not yet past           -> DUE_SOON, late 0
 *  12 past due but resolved                    -> nothing
 */
START_TEST(test_overdue)
{
	const gint64 n = T0 + 12 * 3600;
	struct overdue *o;
	GError *error = NULL;
	const struct overdue_item *item;

	exec("BEGIN");
	add(TK(1, "high", n - 7200, n - 60, -1, NULL, 0, 0));
	add(TK(2, "normal", n - 7200, n + 1800, -1, NULL, 0, 0));
	add(TK(3, "normal", n - 7200, n + 1801, -1, NULL, 0, 0));
	add(TK(4, "normal", n - 7200, n + 3600, 600, "ann", 0, 0, .last_contact = n - 3000));
	add_event(4, n - 6600, "agent_reply", "ann");
	add_event(4, n - 3000, "customer_followup", NULL);
	add(TK(5, "normal", n - 7200, n + 3600, 600, "ann", 0, 0, .last_contact = n - 7000));
	add_event(5, n - 7000, "customer_followup", NULL);
	add_event(5, n - 6600, "agent_reply", "ann");
	add(TK(6, "low", n - 7200, n + DAY, -1, NULL, 0, 0, .last_contact = n - 100));
	add_event(6, n - 100, "customer_followup", NULL);
	add(TK(7, "normal", n - 9000, n, 1000, "ann", n - 3600, 0, .last_contact = n - 7200));
	add_event(7, n - 8000, "agent_reply", "ann");
	add_event(7, n - 7200, "customer_followup", NULL);
	add(TK(8, "normal", n - 9000, n, 1000, "ann", n - 3600, 0, .last_contact = n - 7200));
	add_event(8, n - 7200, "agent_reply", "ann");
	add(TK(9, "normal", n - 9 * DAY, n, 1000, "ann", n - 8 * DAY, 0,
	    .last_contact = n - 9 * DAY + 5000));
	add_event(9, n - 9 * DAY + 1000, "agent_reply", "ann");
	add(TK(10, "critical", n - 7200, n - 3600, -1, NULL, 0, 0, .last_contact = n - 600));
	add_event(10, n - 600, "customer_followup", NULL);
	add(TK(11, "normal", n - 7200, n, -1, NULL, 0, 0));
	add(TK(12, "normal", n - 7200, n - 60, -1, NULL, n - 30, 0));
	add_event(12, n - 30, "agent_reply", "ann");
	exec("COMMIT");
	open_reader();

	ck_assert_msg(report_overdue(store, n, 1800, 7 * DAY, &o, &error) == 0, "%s",
	    error != NULL ? error->message : "");
	ck_assert_int_eq(o->counts[OVERDUE_PAST_DUE], 2);
	ck_assert_int_eq(o->counts[OVERDUE_DUE_SOON], 2);
	ck_assert_int_eq(o->counts[OVERDUE_FOLLOWUP], 2);
	ck_assert_int_eq(o->counts[OVERDUE_UNCLOSED], 1);
	ck_assert_int_eq(o->items->len, 7);
	/* Past due, the longest overdue first: 10 (due N-3600), then 1 (due N-60). */
	item = g_ptr_array_index(o->items, 0);
	ck_assert_str_eq(item->ref, "T-000010");
	ck_assert_int_eq(item->what, OVERDUE_PAST_DUE);
	ck_assert_int_eq(item->late, 3600);
	ck_assert_str_eq(item->urgency, "critical");
	ck_assert_str_eq(item->customer, "c10@example.net");
	item = g_ptr_array_index(o->items, 1);
	ck_assert_str_eq(item->ref, "T-000001");
	ck_assert_int_eq(item->late, 60);
	/* Due soon, soonest first: 11 (now), 2 (in 30 min). */
	item = g_ptr_array_index(o->items, 2);
	ck_assert_str_eq(item->ref, "T-000011");
	ck_assert_int_eq(item->what, OVERDUE_DUE_SOON);
	ck_assert_int_eq(item->late, 0);
	item = g_ptr_array_index(o->items, 3);
	ck_assert_str_eq(item->ref, "T-000002");
	ck_assert_int_eq(item->late, -1800);
	/* Follow-ups, waiting longest first: 4 (since N-3000), 6 (since N-100). */
	item = g_ptr_array_index(o->items, 4);
	ck_assert_str_eq(item->ref, "T-000004");
	ck_assert_int_eq(item->what, OVERDUE_FOLLOWUP);
	ck_assert_int_eq(item->since, n - 3000);
	ck_assert_int_eq(item->late, 3000);
	item = g_ptr_array_index(o->items, 5);
	ck_assert_str_eq(item->ref, "T-000006");
	item = g_ptr_array_index(o->items, 6);
	ck_assert_str_eq(item->ref, "T-000007");
	ck_assert_int_eq(item->what, OVERDUE_UNCLOSED);
	ck_assert_int_eq(item->resolved_at, n - 3600);
	ck_assert_int_eq(item->late, 7200);
	report_overdue_free(o);

	/* Earlier, nothing was late yet: 1 was due in 59 min, beyond a 30 min warning. */
	ck_assert_int_eq(report_overdue(store, n - 3601, 1800, 7 * DAY, &o, &error), 0);
	ck_assert_int_eq(o->counts[OVERDUE_PAST_DUE], 0);
	/* 10 is due at N-3600: in 1 s. */
	ck_assert_int_eq(o->counts[OVERDUE_DUE_SOON], 1);
	report_overdue_free(o);
}
END_TEST

/*
 * Themes over 2024-01-01 .. 2024-01-22 (W01-W03):
 *   W01: billing complaints 2, delivery 1 (and a billing non-complaint)
 *   W02: billing 3
 *   W03: delivery 1
 *   2023-W52: billing 1 (before the period: not counted, not "previous")
 * Rows, most complaints first within a week:
 *   W01 billing 2 (prev -1), delivery 1 (-1)
 *   W02 billing 3 (prev 2), delivery 0 (prev 1)
 *   W03 delivery 1 (prev 0), billing 0 (prev 3)
 * Rules (complaint tickets, each counted once a week):
 *   W01 r.angry 2 (tickets 1, 3), r.refund 2 (1, 2; 1 fired it twice; the
 *       non-complaint ticket 4 does not count) -> tie, by name: angry, refund
 *   W02 r.late 3, r.refund 1
 */
START_TEST(test_themes)
{
	GArray *topics;
	GPtrArray *rules;
	GError *error = NULL;
	const struct theme_row *row;
	const struct theme_rule *rule;

	exec("BEGIN");
	add(TK(1, "normal", T0 + 3600, 0, -1, NULL, 0, 1, "billing"));
	add(TK(2, "normal", T0 + 3600, 0, -1, NULL, 0, 1, "billing"));
	add(TK(3, "normal", T0 + 3600, 0, -1, NULL, 0, 1, "delivery"));
	add(TK(4, "normal", T0 + 3600, 0, -1, NULL, 0, 0, "billing"));
	for (int i = 5; i <= 7; i++)
		add(TK(i, "normal", T0 + WEEK + 3600, 0, -1, NULL, 0, 1, "billing"));
	add(TK(8, "normal", T0 + 2 * WEEK + 3600, 0, -1, NULL, 0, 1, "delivery"));
	add(TK(9, "normal", T0 - 3 * DAY, 0, -1, NULL, 0, 1, "billing"));
	add_rule(1, T0 + 3600, "r.refund");
	add_rule(1, T0 + 7200, "r.refund");
	add_rule(1, T0 + 3600, "r.angry");
	add_rule(2, T0 + 3600, "r.refund");
	add_rule(3, T0 + 3600, "r.angry");
	add_rule(4, T0 + 3600, "r.refund");
	add_rule(4, T0 + 3600, "r.other");
	for (int i = 5; i <= 7; i++)
		add_rule(i, T0 + WEEK + 3600, "r.late");
	add_rule(5, T0 + WEEK + 3600, "r.refund");
	add_rule(9, T0 - 3 * DAY, "r.late");
	exec("COMMIT");
	open_reader();

	ck_assert_msg(report_themes(store, T0, T0 + 3 * WEEK, 5, &topics, &rules, &error) == 0,
	    "%s", error != NULL ? error->message : "");
	ck_assert_int_eq(topics->len, 6);
	row = &g_array_index(topics, struct theme_row, 0);
	ck_assert_str_eq(row->week, "2024-W01");
	ck_assert_str_eq(row->topic, "billing");
	ck_assert_int_eq(row->complaints, 2);
	ck_assert_int_eq(row->previous, -1);
	row = &g_array_index(topics, struct theme_row, 1);
	ck_assert_str_eq(row->topic, "delivery");
	ck_assert_int_eq(row->complaints, 1);
	ck_assert_int_eq(row->previous, -1);
	row = &g_array_index(topics, struct theme_row, 2);
	ck_assert_str_eq(row->week, "2024-W02");
	ck_assert_str_eq(row->topic, "billing");
	ck_assert_int_eq(row->complaints, 3);
	ck_assert_int_eq(row->previous, 2);
	row = &g_array_index(topics, struct theme_row, 3);
	ck_assert_str_eq(row->topic, "delivery");
	ck_assert_int_eq(row->complaints, 0);
	ck_assert_int_eq(row->previous, 1);
	row = &g_array_index(topics, struct theme_row, 4);
	ck_assert_str_eq(row->week, "2024-W03");
	ck_assert_str_eq(row->topic, "delivery");
	ck_assert_int_eq(row->complaints, 1);
	ck_assert_int_eq(row->previous, 0);
	row = &g_array_index(topics, struct theme_row, 5);
	ck_assert_str_eq(row->topic, "billing");
	ck_assert_int_eq(row->complaints, 0);
	ck_assert_int_eq(row->previous, 3);

	ck_assert_int_eq(rules->len, 4);
	rule = g_ptr_array_index(rules, 0);
	ck_assert_str_eq(rule->week, "2024-W01");
	ck_assert_str_eq(rule->rule, "r.angry");
	ck_assert_int_eq(rule->count, 2);
	rule = g_ptr_array_index(rules, 1);
	ck_assert_str_eq(rule->rule, "r.refund");
	ck_assert_int_eq(rule->count, 2);
	rule = g_ptr_array_index(rules, 2);
	ck_assert_str_eq(rule->week, "2024-W02");
	ck_assert_str_eq(rule->rule, "r.late");
	ck_assert_int_eq(rule->count, 3);
	rule = g_ptr_array_index(rules, 3);
	ck_assert_str_eq(rule->rule, "r.refund");
	ck_assert_int_eq(rule->count, 1);
	g_array_unref(topics);
	g_ptr_array_unref(rules);

	/* --top 1: the first of each week only. */
	ck_assert_int_eq(report_themes(store, T0, T0 + 3 * WEEK, 1, &topics, &rules, &error), 0);
	ck_assert_int_eq(rules->len, 2);
	ck_assert_str_eq(((struct theme_rule *)g_ptr_array_index(rules, 0))->rule, "r.angry");
	ck_assert_str_eq(((struct theme_rule *)g_ptr_array_index(rules, 1))->rule, "r.late");
	g_array_unref(topics);
	g_ptr_array_unref(rules);
}
END_TEST

START_TEST(test_timeline)
{
	struct timeline *t = NULL;
	GError *error = NULL;
	const struct timeline_event *e;

	exec("BEGIN");
	add(TK(1, "high", T0, T0 + 3600, 600, "ann", T0 + 900, 1, "billing",
	    "analytical", "en"));
	/* Written out of time order, and two at the same second: time, then as written. */
	add_event(1, T0 + 900, "resolved", "ann");
	add_event(1, T0, "received", "c1@example.net");
	add_event(1, T0 + 600, "agent_reply", "ann");
	add_event(1, T0 + 600, "urgency_raised", NULL);
	add_rule(1, T0, "en.billing.refund");
	exec("COMMIT");
	open_reader();

	ck_assert_int_eq(report_timeline(store, "T-000002", &t, &error), 0);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(report_timeline(store, "T-000001", &t, &error), 1);
	ck_assert_str_eq(t->ref, "T-000001");
	ck_assert_str_eq(t->urgency, "high");
	ck_assert_str_eq(t->first_response_by, "ann");
	ck_assert(t->complaint);
	ck_assert_ptr_null(t->subject);
	ck_assert_int_eq(t->first_response_at, T0 + 600);
	ck_assert_int_eq(t->resolved_at, T0 + 900);
	ck_assert_int_eq(t->events->len, 4);
	e = g_ptr_array_index(t->events, 0);
	ck_assert_str_eq(e->kind, "received");
	e = g_ptr_array_index(t->events, 1);
	ck_assert_str_eq(e->kind, "agent_reply");
	e = g_ptr_array_index(t->events, 2);
	ck_assert_str_eq(e->kind, "urgency_raised");
	ck_assert_ptr_null(e->actor);
	e = g_ptr_array_index(t->events, 3);
	ck_assert_str_eq(e->kind, "resolved");
	ck_assert_int_eq(t->rules->len, 1);
	ck_assert_str_eq(((struct timeline_rule *)g_ptr_array_index(t->rules, 0))->rule,
	    "en.billing.refund");
	report_timeline_free(t);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_by_names);
	tcase_add_test(tc, test_week_labels);
	tcase_add_test(tc, test_percentiles_by_urgency);
	tcase_add_test(tc, test_group_by_agent_and_others);
	tcase_add_test(tc, test_day_and_week_boundaries);
	tcase_add_test(tc, test_weeks_backlog_and_cv);
	tcase_add_test(tc, test_empty_period_and_bad_grouping);
	tcase_add_test(tc, test_histograms);
	tcase_add_test(tc, test_overdue);
	tcase_add_test(tc, test_themes);
	tcase_add_test(tc, test_timeline);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(report_suite());
}
