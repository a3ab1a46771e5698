/*
 * report.c - the supervisors' figures, computed by SQL over the store.
 *
 * Every number `triage report`, `overdue`, `themes`, `ticket` and the HTML
 * page show is computed here, so they agree with each other and with the
 * tests. Statements are prepared on the connection for each call (a report
 * runs once per process; the store's kept slots are for the filter's hot
 * path) and only ever bind values: the little SQL that varies (the
 * grouping expression) is chosen from constant text in this file.
 *
 * Percentiles are nearest-rank, with integer arithmetic so that no
 * floating-point rounding can move a rank: the p-th percentile of n sorted
 * values is the one at rank ceil(p * n / 100) = (p * n + 99) / 100.
 * The median is the 50th percentile in that sense: for an even n it is
 * the lower of the two middle values, a time some ticket really waited.
 */
#include "report.h"

#include <math.h>
#include <string.h>
#include <sqlite3.h>

#include "store_int.h"

#define REPORT_ERROR (g_quark_from_static_string("triage-report"))

/*
 * The Monday (a Unix day number) of the ISO week holding Unix time col:
 * day 0, 1970-01-01, was a Thursday, so (day + 3) % 7 is 0 on Mondays.
 * Integer division: times before 1970 are not supported.
 */
#define SQL_MONDAY(col) "((" col ") / 86400 - ((" col ") / 86400 + 3) % 7)"

/*
 * ISO 8601 week label of col, YYYY-Www: the week belongs to the year of its
 * Thursday, and is numbered by that Thursday's day of the year. (SQLite
 * has %V and %G only from 3.46.) report_week_label() is the same in C.
 */
#define SQL_THURSDAY(col) "((" SQL_MONDAY(col) " + 3) * 86400)"
#define SQL_ISO_WEEK(col) \
	"(strftime('%Y', " SQL_THURSDAY(col) ", 'unixepoch') || '-W' || " \
	"printf('%02d', (CAST(strftime('%j', " SQL_THURSDAY(col) ", 'unixepoch') AS INTEGER)" \
	" - 1) / 7 + 1))"

static const struct {
	const char *name;
	const char *key;	/* the group's name, as SQL over tickets */
	const char *order;	/* how groups sort, before their names */
} groupings[] = {
	[REPORT_BY_NONE] = { "none", "'all'", "0" },
	[REPORT_BY_URGENCY] = { "urgency", "urgency",
	    "CASE urgency WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END" },
	[REPORT_BY_PERSONALITY] = { "personality", "IFNULL(personality, '(none)')",
	    "personality IS NULL" },
	[REPORT_BY_LANGUAGE] = { "language", "IFNULL(language, '(none)')", "language IS NULL" },
	[REPORT_BY_TOPIC] = { "topic", "IFNULL(topic, '(none)')", "topic IS NULL" },
	[REPORT_BY_AGENT] = { "agent", "IFNULL(first_response_by, '(none)')",
	    "first_response_by IS NULL" },
	[REPORT_BY_DAY] = { "day", "strftime('%Y-%m-%d', received_at, 'unixepoch')", "0" },
	[REPORT_BY_WEEK] = { "week", SQL_ISO_WEEK("received_at"), "0" },
};
#define GROUPINGS ((int)(sizeof(groupings) / sizeof(groupings[0])))

int
report_by_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < GROUPINGS; i++)
		if (strcmp(name, groupings[i].name) == 0)
			return i;
	return -1;
}

const char *
report_by_name(enum report_by by)
{
	return (int)by >= 0 && (int)by < GROUPINGS ? groupings[by].name : "?";
}

/* Sets *error from the connection's last error, saying what was being done. */
static int
db_error(struct store *store, const char *what, GError **error)
{
	g_set_error(error, REPORT_ERROR, sqlite3_errcode(store->db), "%s: %s", what,
	    sqlite3_errmsg(store->db));
	return -1;
}

/*
 * A read transaction, so that the several statements of one report see one
 * snapshot while the filter writes (WAL). Inside a caller's transaction
 * there is nothing to begin; *began says whether we did.
 */
static int
snapshot_begin(struct store *store, bool *began, GError **error)
{
	*began = false;
	if (!sqlite3_get_autocommit(store->db))
		return 0;
	if (sqlite3_exec(store->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(store, "begin", error);
	*began = true;
	return 0;
}

static void
snapshot_end(struct store *store, bool began)
{
	/* Nothing was written: ending a read transaction cannot lose anything. */
	if (began && !sqlite3_get_autocommit(store->db))
		(void)sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
}

static sqlite3_stmt *
prepare(struct store *store, const char *sql, const char *what, GError **error)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		db_error(store, what, error);
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

/* A column that may be NULL, as a double: -1 for NULL. */
static double
column_or_none(sqlite3_stmt *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL ? -1.0 :
	    sqlite3_column_double(stmt, col);
}

static char *
column_dup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	return text != NULL ? g_strdup((const char *)text) : NULL;
}

/* Floor division, so that the C buckets agree with SQL_MONDAY for t >= 0. */
static gint64
monday_of(gint64 t)
{
	gint64 day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);

	return day - ((day % 7 + 7 + 3) % 7);
}

void
report_week_label(gint64 t, char week[12])
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);

	if (dt == NULL) {
		g_strlcpy(week, "?", 12);
		return;
	}
	g_snprintf(week, 12, "%04d-W%02d", g_date_time_get_week_numbering_year(dt) % 10000,
	    g_date_time_get_week_of_year(dt));
	g_date_time_unref(dt);
}

static void
row_free(gpointer data)
{
	struct report_row *row = data;

	g_free(row->group);
	g_free(row);
}

/*
 * The grouped figures. One scan of the period's tickets (t); the answered
 * ones ranked within their group (r) give the percentiles (p); the counts
 * and shares come from t directly (a). A ticket with no due time never
 * counts as within its SLA, as in the view v_response_times.
 */
static int
query_rows(struct store *store, gint64 since, gint64 until, enum report_by by, GPtrArray *rows,
    GError **error)
{
	char *sql = g_strdup_printf(
	    "WITH t AS (SELECT %s AS g, %s AS o, complaint, resolved_at, received_at, due_at,"
	    "    first_response_at, first_response_at - received_at AS frt"
	    "  FROM tickets WHERE received_at >= ?1 AND received_at < ?2),"
	    " r AS (SELECT g, frt, row_number() OVER w AS rn, count(*) OVER w AS n"
	    "  FROM t WHERE frt IS NOT NULL WINDOW w AS (PARTITION BY g ORDER BY frt"
	    "  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),"
	    " p AS (SELECT g,"
	    "  max(CASE WHEN rn = (50 * n + 99) / 100 THEN frt END) AS p50,"
	    "  max(CASE WHEN rn = (90 * n + 99) / 100 THEN frt END) AS p90,"
	    "  max(CASE WHEN rn = (95 * n + 99) / 100 THEN frt END) AS p95,"
	    "  max(frt) AS pmax FROM r GROUP BY g),"
	    " a AS (SELECT g, min(o) AS o, count(*) AS tickets, sum(complaint <> 0) AS complaints,"
	    "  count(frt) AS answered, sum(resolved_at IS NULL) AS open,"
	    "  avg(CASE WHEN frt IS NULL THEN NULL"
	    "    WHEN first_response_at <= due_at THEN 1.0 ELSE 0.0 END) AS sla,"
	    "  avg(CASE WHEN frt IS NULL THEN NULL"
	    "    WHEN 2 * frt <= due_at - received_at THEN 1.0 ELSE 0.0 END) AS half"
	    "  FROM t GROUP BY g)"
	    " SELECT a.g, a.tickets, a.complaints, a.answered, a.open, p.p50, p.p90, p.p95, p.pmax,"
	    "  a.sla, a.half FROM a LEFT JOIN p ON p.g = a.g ORDER BY a.o, a.g",
	    groupings[by].key, groupings[by].order);
	sqlite3_stmt *stmt = prepare(store, sql, "report", error);
	int rc;

	g_free(sql);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, until);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct report_row *row = g_new0(struct report_row, 1);

		row->group = column_dup(stmt, 0);
		if (row->group == NULL)
			row->group = g_strdup("");
		row->tickets = sqlite3_column_int64(stmt, 1);
		row->complaints = sqlite3_column_int64(stmt, 2);
		row->answered = sqlite3_column_int64(stmt, 3);
		row->open = sqlite3_column_int64(stmt, 4);
		row->median = column_or_none(stmt, 5);
		row->p90 = column_or_none(stmt, 6);
		row->p95 = column_or_none(stmt, 7);
		row->max = column_or_none(stmt, 8);
		row->within_sla = column_or_none(stmt, 9);
		row->within_half_sla = column_or_none(stmt, 10);
		g_ptr_array_add(rows, row);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "report", error);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Binds times to ?1, ?2, ?3, as many as the statement has. */
static void
bind_times(sqlite3_stmt *stmt, gint64 a, gint64 b, gint64 c)
{
	const gint64 values[3] = { a, b, c };
	int n = sqlite3_bind_parameter_count(stmt);

	for (int i = 0; i < n && i < 3; i++)
		sqlite3_bind_int64(stmt, i + 1, values[i]);
}

/* Runs a statement (times bound to ?1, ?2) that returns one integer. */
static int
query_count(struct store *store, const char *sql, gint64 a, gint64 b, long *out,
    GError **error)
{
	sqlite3_stmt *stmt = prepare(store, sql, "report", error);
	int rc;

	if (stmt == NULL)
		return -1;
	bind_times(stmt, a, b, 0);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		db_error(store, "report", error);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * The weeks of the period, each one a bucket [max(since, Monday),
 * min(until, next Monday)), every week present even when empty so that a
 * quiet week shows. The backlog at a bucket's end is the tickets received
 * before it less those resolved before it (a ticket is resolved after it
 * is received): counts before the period plus running sums over the
 * buckets. A ticket reopened and still open counts as never resolved: the
 * store keeps only the last resolution.
 */
static int
query_weeks(struct store *store, gint64 since, gint64 until, GArray *weeks, GError **error)
{
	static const char *const per_week =
	    "WITH t AS (SELECT " SQL_MONDAY("received_at") " AS wk, received_at, due_at,"
	    "    first_response_at, first_response_at - received_at AS frt"
	    "  FROM tickets WHERE received_at >= ?1 AND received_at < ?2),"
	    " r AS (SELECT wk, frt, row_number() OVER w AS rn, count(*) OVER w AS n"
	    "  FROM t WHERE frt IS NOT NULL WINDOW w AS (PARTITION BY wk ORDER BY frt"
	    "  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),"
	    " p AS (SELECT wk, max(CASE WHEN rn = (50 * n + 99) / 100 THEN frt END) AS p50"
	    "  FROM r GROUP BY wk),"
	    " a AS (SELECT wk, count(*) AS tickets, count(frt) AS answered,"
	    "  avg(CASE WHEN frt IS NULL THEN NULL"
	    "    WHEN first_response_at <= due_at THEN 1.0 ELSE 0.0 END) AS sla"
	    "  FROM t GROUP BY wk)"
	    " SELECT a.wk, a.tickets, a.answered, p.p50, a.sla FROM a LEFT JOIN p ON p.wk = a.wk";
	static const char *const resolved_per_week =
	    "SELECT " SQL_MONDAY("resolved_at") ", count(*) FROM tickets"
	    " WHERE resolved_at >= ?1 AND resolved_at < ?2 GROUP BY 1";
	gint64 first = monday_of(since), last = monday_of(until - 1);
	long received_before, resolved_before, *resolved;
	sqlite3_stmt *stmt;
	long running = 0;
	int rc;

	for (gint64 day = first; day <= last; day += 7) {
		struct report_week w = { .median = -1, .within_sla = -1 };

		report_week_label(day * 86400, w.week);
		g_array_append_val(weeks, w);
	}
	if ((stmt = prepare(store, per_week, "weekly report", error)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, until);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		gint64 i = (sqlite3_column_int64(stmt, 0) - first) / 7;
		struct report_week *w;

		if (i < 0 || i >= (gint64)weeks->len)
			continue;	/* cannot happen for times after 1970 */
		w = &g_array_index(weeks, struct report_week, i);
		w->tickets = sqlite3_column_int64(stmt, 1);
		w->answered = sqlite3_column_int64(stmt, 2);
		w->median = column_or_none(stmt, 3);
		w->within_sla = column_or_none(stmt, 4);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "weekly report", error);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return -1;

	if (query_count(store, "SELECT count(*) FROM tickets WHERE received_at < ?1",
	    since, 0, &received_before, error) != 0 ||
	    query_count(store, "SELECT count(*) FROM tickets WHERE resolved_at < ?1",
	    since, 0, &resolved_before, error) != 0)
		return -1;
	resolved = g_new0(long, weeks->len);
	if ((stmt = prepare(store, resolved_per_week, "weekly backlog", error)) == NULL) {
		g_free(resolved);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, until);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		gint64 i = (sqlite3_column_int64(stmt, 0) - first) / 7;

		if (i >= 0 && i < (gint64)weeks->len)
			resolved[i] = sqlite3_column_int64(stmt, 1);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "weekly backlog", error);
	sqlite3_finalize(stmt);
	running = received_before - resolved_before;
	for (guint i = 0; rc == SQLITE_DONE && i < weeks->len; i++) {
		struct report_week *w = &g_array_index(weeks, struct report_week, i);

		running += w->tickets - resolved[i];
		w->backlog = running;
	}
	g_free(resolved);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Population standard deviation over mean of the weekly medians of the
 * weeks with answers; -1 with fewer than two. All medians 0 is perfectly
 * steady: 0.
 */
static double
weekly_cv(GArray *weeks)
{
	double sum = 0, sumsq = 0, mean, var;
	int n = 0;

	for (guint i = 0; i < weeks->len; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);

		if (w->median < 0)
			continue;
		sum += w->median;
		n++;
	}
	if (n < 2)
		return -1;
	mean = sum / n;
	for (guint i = 0; i < weeks->len; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);

		if (w->median >= 0)
			sumsq += (w->median - mean) * (w->median - mean);
	}
	var = sumsq / n;
	if (mean <= 0)
		return 0;
	return sqrt(var) / mean;
}

int
report_build(struct store *store, gint64 since, gint64 until, enum report_by by,
    struct report **out, GError **error)
{
	struct report *r;
	GPtrArray *total;
	bool began;

	*out = NULL;
	if ((int)by < 0 || (int)by >= GROUPINGS) {
		g_set_error(error, REPORT_ERROR, 0, "unknown grouping %d", (int)by);
		return -1;
	}
	if (since < 0 || since >= until) {
		g_set_error(error, REPORT_ERROR, 0, "empty period: since must be before until");
		return -1;
	}
	r = g_new0(struct report, 1);
	r->since = since;
	r->until = until;
	r->by = by;
	r->rows = g_ptr_array_new_with_free_func(row_free);
	r->weeks = g_array_new(FALSE, TRUE, sizeof(struct report_week));
	total = g_ptr_array_new_with_free_func(row_free);
	/* Without a grouping the one row is the total: one sort of the period, not two. */
	if (snapshot_begin(store, &began, error) != 0 ||
	    query_rows(store, since, until, by, r->rows, error) != 0 ||
	    (by != REPORT_BY_NONE &&
	    query_rows(store, since, until, REPORT_BY_NONE, total, error) != 0) ||
	    query_weeks(store, since, until, r->weeks, error) != 0 ||
	    query_count(store, "SELECT count(*) FROM tickets WHERE resolved_at IS NULL",
	    0, 0, &r->backlog_now, error) != 0) {
		snapshot_end(store, began);
		g_ptr_array_unref(total);
		report_free(r);
		return -1;
	}
	if (by == REPORT_BY_NONE && r->rows->len > 0) {
		struct report_row *all = g_ptr_array_index(r->rows, 0);

		r->total = *all;
		r->total.group = g_strdup(all->group);
	} else if (total->len > 0) {
		struct report_row *all = g_ptr_array_index(total, 0);

		r->total = *all;
		all->group = NULL;	/* moved */
	} else {
		r->total = (struct report_row){ .median = -1, .p90 = -1, .p95 = -1, .max = -1,
		    .within_sla = -1, .within_half_sla = -1 };
		r->total.group = g_strdup("all");
	}
	snapshot_end(store, began);
	g_ptr_array_unref(total);
	r->weekly_median_cv = weekly_cv(r->weeks);
	*out = r;
	return 0;
}

void
report_free(struct report *report)
{
	if (report == NULL)
		return;
	if (report->rows != NULL)
		g_ptr_array_unref(report->rows);
	if (report->weeks != NULL)
		g_array_unref(report->weeks);
	g_free(report->total.group);
	g_free(report);
}

int
report_histograms(struct store *store, gint64 since, gint64 until,
    struct report_histogram histograms[4], GError **error)
{
	static const char *const urgencies[4] = { "critical", "high", "normal", "low" };
	/* Bucket bounds in seconds: 15m 1h 4h 8h 1d 3d, as report.h lists them. */
	static const char *const sql =
	    "SELECT urgency, CASE WHEN frt < 900 THEN 0 WHEN frt < 3600 THEN 1"
	    "  WHEN frt < 14400 THEN 2 WHEN frt < 28800 THEN 3 WHEN frt < 86400 THEN 4"
	    "  WHEN frt < 259200 THEN 5 ELSE 6 END AS bucket, count(*)"
	    " FROM (SELECT urgency, first_response_at - received_at AS frt FROM tickets"
	    "  WHERE received_at >= ?1 AND received_at < ?2 AND first_response_at IS NOT NULL)"
	    " GROUP BY 1, 2";
	sqlite3_stmt *stmt;
	int rc;

	memset(histograms, 0, 4 * sizeof(histograms[0]));
	for (int i = 0; i < 4; i++)
		g_strlcpy(histograms[i].urgency, urgencies[i], sizeof(histograms[i].urgency));
	if ((stmt = prepare(store, sql, "histograms", error)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, until);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *urgency = (const char *)sqlite3_column_text(stmt, 0);
		int bucket = sqlite3_column_int(stmt, 1);

		for (int i = 0; i < 4; i++)
			if (urgency != NULL && strcmp(urgency, urgencies[i]) == 0 &&
			    bucket >= 0 && bucket < 7)
				histograms[i].buckets[bucket] = sqlite3_column_int64(stmt, 2);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "histograms", error);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
theme_rule_free(gpointer data)
{
	struct theme_rule *rule = data;

	g_free(rule->rule);
	g_free(rule);
}

int
report_themes(struct store *store, gint64 since, gint64 until, unsigned top_rules,
    GArray **topics, GPtrArray **rules, GError **error)
{
	/*
	 * Complaints per week and topic (c); the keys are those weeks and the
	 * week after each (k), so that a topic falling to none shows as 0
	 * against last week's count, not as silence.
	 */
	static const char *const topic_sql =
	    "WITH c AS (SELECT " SQL_MONDAY("received_at") " AS wk,"
	    "    IFNULL(topic, '(none)') AS topic, count(*) AS n FROM tickets"
	    "  WHERE complaint <> 0 AND received_at >= ?1 AND received_at < ?2 GROUP BY 1, 2),"
	    " k AS (SELECT wk, topic FROM c UNION SELECT wk + 7, topic FROM c WHERE wk + 7 <= ?4)"
	    " SELECT k.wk, k.topic, IFNULL(c.n, 0),"
	    "  CASE WHEN k.wk - 7 < ?3 THEN -1 ELSE IFNULL(p.n, 0) END"
	    " FROM k LEFT JOIN c ON c.wk = k.wk AND c.topic = k.topic"
	    " LEFT JOIN c AS p ON p.wk = k.wk - 7 AND p.topic = k.topic"
	    " ORDER BY k.wk, IFNULL(c.n, 0) DESC, k.topic";
	/* Rules by the complaint tickets (not messages) that fired them, per week. */
	static const char *const rule_sql =
	    "WITH c AS (SELECT " SQL_MONDAY("r.at") " AS wk, r.rule,"
	    "    count(DISTINCT r.ticket_id) AS n"
	    "  FROM ticket_rules r JOIN tickets t ON t.id = r.ticket_id"
	    "  WHERE t.complaint <> 0 AND r.at >= ?1 AND r.at < ?2 GROUP BY 1, 2),"
	    " x AS (SELECT wk, rule, n, row_number() OVER (PARTITION BY wk"
	    "  ORDER BY n DESC, rule) AS rn FROM c)"
	    " SELECT wk, rule, n FROM x WHERE rn <= ?3 ORDER BY wk, rn";
	sqlite3_stmt *stmt;
	int rc;

	*topics = NULL;
	*rules = NULL;
	if (since < 0 || since >= until) {
		g_set_error(error, REPORT_ERROR, 0, "empty period: since must be before until");
		return -1;
	}
	if ((stmt = prepare(store, topic_sql, "themes", error)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, until);
	sqlite3_bind_int64(stmt, 3, monday_of(since));
	sqlite3_bind_int64(stmt, 4, monday_of(until - 1));
	*topics = g_array_new(FALSE, TRUE, sizeof(struct theme_row));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct theme_row row = { .complaints = 0 };
		const unsigned char *topic = sqlite3_column_text(stmt, 1);

		report_week_label(sqlite3_column_int64(stmt, 0) * 86400, row.week);
		g_strlcpy(row.topic, topic != NULL ? (const char *)topic : "", sizeof(row.topic));
		row.complaints = sqlite3_column_int64(stmt, 2);
		row.previous = sqlite3_column_int64(stmt, 3);
		g_array_append_val(*topics, row);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "themes", error);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((stmt = prepare(store, rule_sql, "themes", error)) == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, until);
	sqlite3_bind_int64(stmt, 3, top_rules);
	*rules = g_ptr_array_new_with_free_func(theme_rule_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct theme_rule *rule = g_new0(struct theme_rule, 1);

		report_week_label(sqlite3_column_int64(stmt, 0) * 86400, rule->week);
		rule->rule = column_dup(stmt, 1);
		rule->count = sqlite3_column_int64(stmt, 2);
		g_ptr_array_add(*rules, rule);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "themes", error);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
fail:
	g_array_unref(*topics);
	*topics = NULL;
	if (*rules != NULL)
		g_ptr_array_unref(*rules);
	*rules = NULL;
	return -1;
}

/* --- overdue ------------------------------------------------------------- */

static void
overdue_item_free(gpointer data)
{
	struct overdue_item *item = data;

	g_free(item->customer);
	g_free(item);
}

/*
 * The classes, most urgent first. Every statement returns: id, ref,
 * urgency, customer, received, due, resolved, since. Unresolved tickets are
 * found through the index on (resolved_at, due_at), resolved ones by its
 * range on resolved_at; events by (ticket_id, at).
 */
static const char *const overdue_sql[OVERDUE_CLASSES] = {
	[OVERDUE_PAST_DUE] =
	    "SELECT id, ref, urgency, customer_address, received_at, due_at, 0, due_at"
	    " FROM tickets WHERE resolved_at IS NULL AND due_at < ?1"
	    " AND first_response_at IS NULL AND received_at <= ?1 ORDER BY due_at, id",
	[OVERDUE_DUE_SOON] =
	    "SELECT id, ref, urgency, customer_address, received_at, due_at, 0, due_at"
	    " FROM tickets WHERE resolved_at IS NULL AND due_at >= ?1 AND due_at <= ?1 + ?2"
	    " AND first_response_at IS NULL AND received_at <= ?1 ORDER BY due_at, id",
	/* The first follow-up after the last agent reply (or any, with none). */
	[OVERDUE_FOLLOWUP] =
	    "SELECT * FROM (SELECT t.id, t.ref, t.urgency, t.customer_address, t.received_at,"
	    "   IFNULL(t.due_at, 0), 0,"
	    "   (SELECT min(f.at) FROM events f WHERE f.ticket_id = t.id"
	    "    AND f.kind = 'customer_followup' AND f.at > IFNULL((SELECT max(a.at) FROM events a"
	    "     WHERE a.ticket_id = t.id AND a.kind = 'agent_reply'), -1)) AS since"
	    "  FROM tickets t WHERE t.resolved_at IS NULL)"
	    " WHERE since IS NOT NULL AND since <= ?1 ORDER BY since, id",
	/* Resolved lately, and nothing from an agent since the customer last wrote. */
	[OVERDUE_UNCLOSED] =
	    "SELECT t.id, t.ref, t.urgency, t.customer_address, t.received_at,"
	    "  IFNULL(t.due_at, 0), t.resolved_at, IFNULL(t.last_contact_at, t.received_at)"
	    " FROM tickets t WHERE t.resolved_at >= ?1 - ?3 AND t.resolved_at <= ?1"
	    " AND NOT EXISTS (SELECT 1 FROM events a WHERE a.ticket_id = t.id"
	    "  AND a.kind = 'agent_reply' AND a.at >= IFNULL(t.last_contact_at, t.received_at))"
	    " ORDER BY 8, t.id",
};

int
report_overdue(struct store *store, gint64 now, gint64 within, gint64 lookback,
    struct overdue **out, GError **error)
{
	struct overdue *o = g_new0(struct overdue, 1);
	GHashTable *seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	int rc = SQLITE_DONE;
	bool began;

	*out = NULL;
	o->now = now;
	o->items = g_ptr_array_new_with_free_func(overdue_item_free);
	if (snapshot_begin(store, &began, error) != 0)
		rc = SQLITE_ERROR;
	for (int c = 0; rc == SQLITE_DONE && c < OVERDUE_CLASSES; c++) {
		sqlite3_stmt *stmt = prepare(store, overdue_sql[c], "overdue", error);

		if (stmt == NULL) {
			rc = SQLITE_ERROR;
			break;
		}
		bind_times(stmt, now, within, lookback);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			gint64 id = sqlite3_column_int64(stmt, 0);
			struct overdue_item *item;
			const unsigned char *text;

			/* Listed once, in the most urgent class. */
			if (g_hash_table_contains(seen, &id))
				continue;
			g_hash_table_add(seen, g_memdup2(&id, sizeof(id)));
			item = g_new0(struct overdue_item, 1);
			item->what = (enum overdue_class)c;
			text = sqlite3_column_text(stmt, 1);
			g_strlcpy(item->ref, text != NULL ? (const char *)text : "", sizeof(item->ref));
			text = sqlite3_column_text(stmt, 2);
			g_strlcpy(item->urgency, text != NULL ? (const char *)text : "",
			    sizeof(item->urgency));
			item->customer = column_dup(stmt, 3);
			item->received_at = sqlite3_column_int64(stmt, 4);
			item->due_at = sqlite3_column_int64(stmt, 5);
			item->resolved_at = sqlite3_column_int64(stmt, 6);
			item->since = sqlite3_column_int64(stmt, 7);
			item->late = now - item->since;
			o->counts[c]++;
			g_ptr_array_add(o->items, item);
		}
		if (rc != SQLITE_DONE)
			db_error(store, "overdue", error);
		sqlite3_finalize(stmt);
	}
	snapshot_end(store, began);
	g_hash_table_unref(seen);
	if (rc != SQLITE_DONE) {
		report_overdue_free(o);
		return -1;
	}
	*out = o;
	return 0;
}

void
report_overdue_free(struct overdue *overdue)
{
	if (overdue == NULL)
		return;
	g_ptr_array_unref(overdue->items);
	g_free(overdue);
}

/* --- one ticket's timeline ------------------------------------------------ */

static void
timeline_event_free(gpointer data)
{
	struct timeline_event *e = data;

	g_free(e->kind);
	g_free(e->actor);
	g_free(e->message_id);
	g_free(e->detail);
	g_free(e);
}

static void
timeline_rule_free(gpointer data)
{
	struct timeline_rule *r = data;

	g_free(r->rule);
	g_free(r);
}

void
report_timeline_free(struct timeline *t)
{
	if (t == NULL)
		return;
	g_free(t->ref);
	g_free(t->message_id);
	g_free(t->queue_id);
	g_free(t->customer_address);
	g_free(t->customer_name);
	g_free(t->subject);
	g_free(t->language);
	g_free(t->urgency);
	g_free(t->personality);
	g_free(t->topic);
	g_free(t->ack_state);
	g_free(t->first_response_by);
	if (t->events != NULL)
		g_ptr_array_unref(t->events);
	if (t->rules != NULL)
		g_ptr_array_unref(t->rules);
	g_free(t);
}

int
report_timeline(struct store *store, const char *ref, struct timeline **out, GError **error)
{
	static const char *const ticket_sql =
	    "SELECT id, ref, message_id, queue_id, customer_address, customer_name, subject,"
	    " language, urgency, personality, topic, ack_state, first_response_by, complaint,"
	    " score, contact_count, received_at, IFNULL(due_at, 0), IFNULL(first_response_at, 0),"
	    " IFNULL(resolved_at, 0), IFNULL(last_contact_at, 0) FROM tickets WHERE ref = ?1";
	/* Events in time order; those at the same second in the order written. */
	static const char *const event_sql =
	    "SELECT at, kind, actor, message_id, detail FROM events WHERE ticket_id = ?1"
	    " ORDER BY at, id";
	static const char *const rule_sql =
	    "SELECT at, rule FROM ticket_rules WHERE ticket_id = ?1 ORDER BY at, rowid";
	struct timeline *t;
	sqlite3_stmt *stmt;
	gint64 id;
	int rc;

	*out = NULL;
	if ((stmt = prepare(store, ticket_sql, "ticket", error)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, ref, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			db_error(store, "ticket", error);
		sqlite3_finalize(stmt);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	t = g_new0(struct timeline, 1);
	id = sqlite3_column_int64(stmt, 0);
	t->ref = column_dup(stmt, 1);
	t->message_id = column_dup(stmt, 2);
	t->queue_id = column_dup(stmt, 3);
	t->customer_address = column_dup(stmt, 4);
	t->customer_name = column_dup(stmt, 5);
	t->subject = column_dup(stmt, 6);
	t->language = column_dup(stmt, 7);
	t->urgency = column_dup(stmt, 8);
	t->personality = column_dup(stmt, 9);
	t->topic = column_dup(stmt, 10);
	t->ack_state = column_dup(stmt, 11);
	t->first_response_by = column_dup(stmt, 12);
	t->complaint = sqlite3_column_int(stmt, 13) != 0;
	t->score = sqlite3_column_double(stmt, 14);
	t->contact_count = sqlite3_column_int64(stmt, 15);
	t->received_at = sqlite3_column_int64(stmt, 16);
	t->due_at = sqlite3_column_int64(stmt, 17);
	t->first_response_at = sqlite3_column_int64(stmt, 18);
	t->resolved_at = sqlite3_column_int64(stmt, 19);
	t->last_contact_at = sqlite3_column_int64(stmt, 20);
	sqlite3_finalize(stmt);
	t->events = g_ptr_array_new_with_free_func(timeline_event_free);
	t->rules = g_ptr_array_new_with_free_func(timeline_rule_free);

	if ((stmt = prepare(store, event_sql, "ticket events", error)) == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct timeline_event *e = g_new0(struct timeline_event, 1);

		e->at = sqlite3_column_int64(stmt, 0);
		e->kind = column_dup(stmt, 1);
		e->actor = column_dup(stmt, 2);
		e->message_id = column_dup(stmt, 3);
		e->detail = column_dup(stmt, 4);
		g_ptr_array_add(t->events, e);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "ticket events", error);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((stmt = prepare(store, rule_sql, "ticket rules", error)) == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct timeline_rule *r = g_new0(struct timeline_rule, 1);

		r->at = sqlite3_column_int64(stmt, 0);
		r->rule = column_dup(stmt, 1);
		g_ptr_array_add(t->rules, r);
	}
	if (rc != SQLITE_DONE)
		db_error(store, "ticket rules", error);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		goto fail;
	*out = t;
	return 1;
fail:
	report_timeline_free(t);
	return -1;
}
