/*
 * bench/report.c - how long the supervisors' reports take on a big store.
 *
 * Usage: bench-report [TICKETS [PATH]]   (default 1,000,000 in a temporary file)
 *
 * With PATH the database is kept there, and an existing one is reused as
 * it is (to time a change of query without building it again).
 *
 * Builds a database of TICKETS tickets received over a year, with the
 * spread a busy help desk has: four urgencies (5/20/55/20 %) due 1h, 4h,
 * 1d, 3d after receipt, four personality types, six languages, ten topics,
 * a third complaints, twenty agents, about 80 % answered (most within the
 * SLA, a long tail beyond it), most answered ones resolved, some follow-ups,
 * and the rules each message fired. One transaction, prepared statements.
 * Then it times, over the whole year, the report with each grouping, the
 * overdue check and the themes, each the median of three runs, against a
 * plain SELECT count(*) FROM tickets in the same run; the last line is the
 * slowest report (target: under 2 s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>
#include <sqlite3.h>

#include "report.h"
#include "store.h"

#define RUNS 3
#define YEAR (365 * 86400)

static void
die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench-report: %s: %s\n", what, db != NULL ? sqlite3_errmsg(db) : "");
	exit(1);
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		die(db, sql);
	return stmt;
}

static void
step(sqlite3 *db, sqlite3_stmt *stmt)
{
	if (sqlite3_step(stmt) != SQLITE_DONE)
		die(db, "insert");
	sqlite3_reset(stmt);
}

static void
event(sqlite3 *db, sqlite3_stmt *stmt, gint64 ticket, gint64 at, const char *kind,
    const char *actor)
{
	sqlite3_bind_int64(stmt, 1, ticket);
	sqlite3_bind_int64(stmt, 2, at);
	sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
	if (actor != NULL)
		sqlite3_bind_text(stmt, 4, actor, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, 4);
	step(db, stmt);
}

/* Writes n tickets received in [now - YEAR, now) with their events and rules. */
static void
build(const char *path, long n, gint64 now, long *events, long *rules)
{
	static const char *const urgencies[] = { "critical", "high", "normal", "low" };
	static const int urgency_pct[] = { 5, 25, 80, 100 };	/* cumulative */
	static const gint64 sla[] = { 3600, 4 * 3600, 86400, 3 * 86400 };
	static const char *const personalities[] = { "analytical", "personal", "functional",
	    "intuitive" };
	static const char *const languages[] = { "en", "en", "en", "sv", "de", "nb", "da", "bg" };
	static const char *const topics[] = { "billing", "delivery", "defect", "account",
	    "refund", "login", "shipping", "warranty", "privacy", "other" };
	GRand *rand = g_rand_new_with_seed(20240601);
	sqlite3 *db;
	sqlite3_stmt *ticket, *ev, *rule;
	gint64 step_s = YEAR / n > 0 ? YEAR / n : 1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(db, path);
	/* Only the bench's own file: a crash here loses nothing anyone needs. */
	sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "begin");
	ticket = prepare(db,
	    "INSERT INTO tickets (id, ref, message_id, customer_address, subject, language, "
	    "urgency, personality, topic, complaint, score, received_at, due_at, ack_state, "
	    "first_response_at, first_response_by, resolved_at, contact_count, last_contact_at) "
	    "VALUES (?1, printf('T-%06d', ?1), printf('<%d@example.net>', ?1), "
	    "printf('c%d@example.net', ?2), 'Where is my order?', ?3, ?4, ?5, ?6, ?7, 1.5, ?8, "
	    "?9, 'sent', ?10, ?11, ?12, ?13, ?14)");
	ev = prepare(db, "INSERT INTO events (ticket_id, at, kind, actor) VALUES (?1, ?2, ?3, ?4)");
	rule = prepare(db, "INSERT INTO ticket_rules (ticket_id, at, rule) VALUES (?1, ?2, ?3)");
	for (long i = 1; i <= n; i++) {
		gint64 received = now - YEAR + (i - 1) * step_s + g_rand_int_range(rand, 0, (gint32)step_s);
		int pct = g_rand_int_range(rand, 0, 100), u = 0, topic = g_rand_int_range(rand, 0, 10);
		bool complaint = g_rand_int_range(rand, 0, 3) == 0;
		gint64 due, first = 0, resolved = 0, followup = 0, last_contact = received;
		char agent[32];

		while (pct >= urgency_pct[u])
			u++;
		due = received + sla[u];
		/* ~80 % answered (fewer of the last days' tickets): 85 % of those within the SLA. */
		if (g_rand_int_range(rand, 0, 100) < 80 && received + 600 < now) {
			double f = g_rand_int_range(rand, 0, 100) < 85 ?
			    g_rand_double_range(rand, 0.02, 1.0) : g_rand_double_range(rand, 1.0, 4.0);

			first = received + (gint64)(f * (double)sla[u]);
			if (first > now)
				first = 0;
		}
		g_snprintf(agent, sizeof(agent), "agent%02d@example.com", g_rand_int_range(rand, 0, 20));
		if (g_rand_int_range(rand, 0, 100) < 15) {
			followup = received + g_rand_int_range(rand, 600, 2 * 86400);
			if (followup < now)
				last_contact = followup;
			else
				followup = 0;
		}
		/*
		 * Answered ones are resolved within days; unanswered ones are
		 * closed too (spam, duplicates, solved by the customer), within
		 * two weeks: the open backlog is the last weeks' tickets.
		 */
		if (first != 0 && g_rand_int_range(rand, 0, 100) < 97)
			resolved = MAX(first, last_contact) + g_rand_int_range(rand, 60, 3 * 86400);
		else if (g_rand_int_range(rand, 0, 100) < 98)
			resolved = last_contact + g_rand_int_range(rand, 86400, 14 * 86400);
		if (resolved > now)
			resolved = 0;
		sqlite3_bind_int64(ticket, 1, i);
		sqlite3_bind_int(ticket, 2, g_rand_int_range(rand, 0, 200000));
		sqlite3_bind_text(ticket, 3, languages[g_rand_int_range(rand, 0, 8)], -1, SQLITE_STATIC);
		sqlite3_bind_text(ticket, 4, urgencies[u], -1, SQLITE_STATIC);
		sqlite3_bind_text(ticket, 5, personalities[g_rand_int_range(rand, 0, 4)], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ticket, 6, topics[topic], -1, SQLITE_STATIC);
		sqlite3_bind_int(ticket, 7, complaint);
		sqlite3_bind_int64(ticket, 8, received);
		sqlite3_bind_int64(ticket, 9, due);
		if (first != 0) {
			sqlite3_bind_int64(ticket, 10, first);
			sqlite3_bind_text(ticket, 11, agent, -1, SQLITE_TRANSIENT);
		} else {
			sqlite3_bind_null(ticket, 10);
			sqlite3_bind_null(ticket, 11);
		}
		if (resolved != 0)
			sqlite3_bind_int64(ticket, 12, resolved);
		else
			sqlite3_bind_null(ticket, 12);
		sqlite3_bind_int(ticket, 13, followup != 0 ? 2 : 1);
		sqlite3_bind_int64(ticket, 14, last_contact);
		step(db, ticket);

		event(db, ev, i, received, "received", NULL);
		(*events)++;
		if (followup != 0) {
			event(db, ev, i, followup, "customer_followup", NULL);
			(*events)++;
		}
		if (first != 0) {
			event(db, ev, i, first, "agent_reply", agent);
			(*events)++;
		}
		if (resolved != 0) {
			event(db, ev, i, resolved, "resolved", agent);
			(*events)++;
		}
		/* One to three rules a message, from a vocabulary of 40, skewed by topic. */
		for (int r = g_rand_int_range(rand, 1, 4); r > 0; r--) {
			char name[32];

			g_snprintf(name, sizeof(name), "en.%s.%d", topics[topic],
			    g_rand_int_range(rand, 0, 4));
			sqlite3_bind_int64(rule, 1, i);
			sqlite3_bind_int64(rule, 2, received);
			sqlite3_bind_text(rule, 3, name, -1, SQLITE_TRANSIENT);
			step(db, rule);
			(*rules)++;
		}
	}
	sqlite3_finalize(ticket);
	sqlite3_finalize(ev);
	sqlite3_finalize(rule);
	if (sqlite3_exec(db, "UPDATE counters SET value = (SELECT max(id) FROM tickets) "
	    "WHERE name = 'ticket'", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "ANALYZE", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "commit");
	sqlite3_close(db);
	g_rand_free(rand);
}

enum job { BASELINE, REPORT, OVERDUE, THEMES };

/* Runs one job once; its time in seconds. */
static double
run_once(struct store *store, sqlite3 *plain, enum job job, int by, gint64 now, gint64 period)
{
	gint64 start = g_get_monotonic_time();
	GError *error = NULL;
	int rc = 0;

	switch (job) {
	case BASELINE: {
		sqlite3_stmt *stmt = prepare(plain, "SELECT count(*) FROM tickets");

		rc = sqlite3_step(stmt) == SQLITE_ROW ? 0 : -1;
		sqlite3_finalize(stmt);
		break;
	}
	case REPORT: {
		struct report *r;

		rc = report_build(store, now - period, now, (enum report_by)by, &r, &error);
		report_free(r);
		break;
	}
	case OVERDUE: {
		struct overdue *o;

		rc = report_overdue(store, now, 1800, 7 * 86400, &o, &error);
		report_overdue_free(o);
		break;
	}
	case THEMES: {
		GArray *topics;
		GPtrArray *rules;

		rc = report_themes(store, now - period, now, 5, &topics, &rules, &error);
		if (rc == 0) {
			g_array_unref(topics);
			g_ptr_array_unref(rules);
		}
		break;
	}
	}
	if (rc != 0) {
		fprintf(stderr, "bench-report: %s\n", error != NULL ? error->message : "failed");
		exit(1);
	}
	return (double)(g_get_monotonic_time() - start) / 1e6;
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
run_median(struct store *store, sqlite3 *plain, enum job job, int by, gint64 now, gint64 period)
{
	double t[RUNS];

	for (int i = 0; i < RUNS; i++)
		t[i] = run_once(store, plain, job, by, now, period);
	qsort(t, RUNS, sizeof(t[0]), compare_double);
	return t[RUNS / 2];
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000, events = 0, rules = 0;
	char *dir = argc > 2 ? NULL : g_dir_make_tmp("bench-report-XXXXXX", NULL);
	char *path = argc > 2 ? g_strdup(argv[2]) : g_build_filename(dir, "triage.db", NULL);
	char *cmd, err[256];
	bool reuse = argc > 2 && g_file_test(path, G_FILE_TEST_EXISTS);
	struct store_options opts;
	struct store *store;
	sqlite3 *plain;
	gint64 now = 1735689600, start;	/* 2025-01-01: the year 2024 */
	double baseline, slowest = 0, slowest_month = 0;
	char name[64], slowest_name[64] = "", xm[32], xy[32];

	if (n < 1 || (dir == NULL && argc <= 2)) {
		fprintf(stderr, "usage: bench-report [TICKETS]\n");
		return 64;
	}
	/* Created (or brought to the latest schema) by the store itself. */
	if ((store = store_open(path, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench-report: %s\n", err);
		return 1;
	}
	store_close(store);
	if (!reuse) {
		start = g_get_monotonic_time();
		build(path, n, now, &events, &rules);
		printf("built %ld tickets, %ld events, %ld rule hits over a year in %.1f s\n", n,
		    events, rules, (double)(g_get_monotonic_time() - start) / 1e6);
	}

	store_options_default(&opts);
	opts.read_only = 1;
	if ((store = store_open(path, &opts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench-report: %s\n", err);
		return 1;
	}
	if (sqlite3_open_v2(path, &plain, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die(plain, path);
	(void)run_once(store, plain, BASELINE, 0, now, 0);	/* warm the page cache */
	baseline = run_median(store, plain, BASELINE, 0, now, 0);
	printf("%-28s %9s %9s %9s %9s\n", "median of 3, ms (x count)", "30 days", "", "365 days",
	    "");
	printf("%-28s %9.1f %9s\n", "SELECT count(*) FROM tickets", baseline * 1e3, "(1x)");
	for (int job = REPORT; job <= THEMES; job++) {
		for (int by = 0; by <= (job == REPORT ? REPORT_BY_WEEK : 0); by++) {
			/* The overdue check has no period: it looks at now. */
			double month = run_median(store, plain, (enum job)job, by, now, 30 * 86400);
			double year = job == OVERDUE ? month :
			    run_median(store, plain, (enum job)job, by, now, YEAR);

			if (job == REPORT)
				g_snprintf(name, sizeof(name), "report --by %s", report_by_name(by));
			else
				g_strlcpy(name, job == OVERDUE ? "overdue" : "themes", sizeof(name));
			g_snprintf(xm, sizeof(xm), "(%.0fx)", month / baseline);
			g_snprintf(xy, sizeof(xy), "(%.0fx)", year / baseline);
			printf("%-28s %9.1f %9s %9.1f %9s\n", name, month * 1e3, xm, year * 1e3, xy);
			if (month > slowest_month)
				slowest_month = month;
			if (year > slowest) {
				slowest = year;
				g_strlcpy(slowest_name, name, sizeof(slowest_name));
			}
		}
	}
	printf("slowest: %.0f ms over 30 days; %.0f ms over a year (%s); target 2000 ms\n",
	    slowest_month * 1e3, slowest * 1e3, slowest_name);
	sqlite3_close(plain);
	store_close(store);
	if (dir != NULL) {
		cmd = g_strdup_printf("rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench-report: could not remove %s\n", dir);
		g_free(cmd);
	}
	g_free(path);
	g_free(dir);
	return 0;
}
