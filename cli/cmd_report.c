/*
 * cmd_report.c - the supervisors' read-only subcommands: `triage report`,
 * `triage themes` and `triage ticket` (`triage overdue` is in
 * cmd_overdue.c), and what they share. Every figure comes from db/report.c;
 * this file only reads options and writes what it is given.
 *
 *   triage report [--since DATE] [--until DATE] [--by GROUPING] [--csv|--json]
 *   triage themes [--since DATE] [--until DATE] [--top N]
 *   triage ticket T-000123
 *
 * All take --db PATH or -c CONF and open the database read-only, so they
 * are safe while the filter writes. Exit status: 0, 1 (no such ticket, no
 * database, a database error), 64 (a usage error).
 */
#include "cmd_report.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "commands.h"
#include "dbopen.h"
#include "jsonout.h"
#include "report.h"
#include "report_html.h"

#define EX_USAGE 64
#define DEFAULT_DAYS 30

bool
cli_parse_time(const char *text, gint64 *out)
{
	int y, m, d, n = 0;
	GDateTime *dt = NULL;

	if (text == NULL)
		return false;
	if (strlen(text) == 10 && sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 &&
	    isdigit((unsigned char)text[0]) && text[4] == '-' && text[7] == '-') {
		/* g_date_time_new_utc() refuses 2024-02-30 and month 13. */
		dt = g_date_time_new_utc(y, m, d, 0, 0, 0);
	} else if (strlen(text) > 10 && strlen(text) < 64) {
		char copy[64];
		GTimeZone *utc = g_time_zone_new_utc();

		/* "2024-03-04 10:00:00" is as common as the T form. */
		g_strlcpy(copy, text, sizeof(copy));
		if (copy[10] == ' ')
			copy[10] = 'T';
		dt = g_date_time_new_from_iso8601(copy, utc);
		g_time_zone_unref(utc);
	}
	if (dt == NULL)
		return false;
	*out = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return true;
}

bool
cli_parse_duration(const char *text, gint64 *out)
{
	const gint64 limit = (gint64)10 * 366 * 86400;
	gint64 total = 0;
	const char *p = text;

	if (text == NULL || *text == '\0')
		return false;
	while (*p != '\0') {
		gint64 n = 0, unit;

		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (*p++ - '0');
			if (n > limit)
				return false;
		}
		switch (*p) {
		case '\0':
			/* A bare number is seconds, but only on its own ("30", not "1h30"). */
			if (p - text != (ptrdiff_t)strlen(text))
				return false;
			unit = 1;
			if (total != 0)
				return false;
			break;
		case 's': unit = 1; p++; break;
		case 'm': unit = 60; p++; break;
		case 'h': unit = 3600; p++; break;
		case 'd': unit = 86400; p++; break;
		default:
			return false;
		}
		total += n * unit;
		if (total > limit)
			return false;
	}
	*out = total;
	return true;
}

const char *
cli_format_duration(double seconds, char *buf, size_t len)
{
	gint64 s;

	if (seconds < 0) {
		g_strlcpy(buf, "-", len);
		return buf;
	}
	s = (gint64)(seconds + 0.5);
	if (s < 60)
		g_snprintf(buf, len, "%" G_GINT64_FORMAT "s", s);
	else if (s < 3600)
		g_snprintf(buf, len, "%" G_GINT64_FORMAT "m %02ds", s / 60, (int)(s % 60));
	else if (s < 86400)
		g_snprintf(buf, len, "%" G_GINT64_FORMAT "h %02dm", s / 3600, (int)(s % 3600 / 60));
	else
		g_snprintf(buf, len, "%" G_GINT64_FORMAT "d %02dh", s / 86400,
		    (int)(s % 86400 / 3600));
	return buf;
}

const char *
cli_format_time(gint64 t, char *buf, size_t len)
{
	GDateTime *dt = t != 0 ? g_date_time_new_from_unix_utc(t) : NULL;
	char *text;

	if (dt == NULL) {
		g_strlcpy(buf, "-", len);
		return buf;
	}
	text = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
	g_strlcpy(buf, text, len);
	g_free(text);
	g_date_time_unref(dt);
	return buf;
}

void
cli_put_safe(FILE *out, const char *text)
{
	if (text == NULL) {
		fputc('-', out);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

/* --- options -------------------------------------------------------------- */

static struct cli_db_options db_options;
static char *opt_since, *opt_until;

static const GOptionEntry period_entries[] = {
	{ "since", 0, 0, G_OPTION_ARG_STRING, &opt_since,
	    "tickets received from DATE on (YYYY-MM-DD, UTC, or ISO 8601; default: 30 days "
	    "before --until)", "DATE" },
	{ "until", 0, 0, G_OPTION_ARG_STRING, &opt_until,
	    "tickets received before DATE (default: now)", "DATE" },
	{ NULL },
};

/* Parses argv with entries plus --db, -c (and --since, --until); 0, or EX_USAGE. */
static int
parse(const char *command, const char *args, const GOptionEntry *entries, bool period,
    int *argc, char ***argv)
{
	return cli_parse_options(command, args, &db_options, period ? period_entries : NULL,
	    entries, argc, argv);
}

/* The period from --since and --until; 0, or EX_USAGE after a message. */
static int
period(const char *command, gint64 *since, gint64 *until)
{
	*until = g_get_real_time() / G_USEC_PER_SEC;
	if (opt_until != NULL && !cli_parse_time(opt_until, until)) {
		fprintf(stderr, "triage %s: --until %s: not a date (YYYY-MM-DD or ISO 8601)\n",
		    command, opt_until);
		return EX_USAGE;
	}
	*since = *until - DEFAULT_DAYS * 86400;
	if (opt_since != NULL && !cli_parse_time(opt_since, since)) {
		fprintf(stderr, "triage %s: --since %s: not a date (YYYY-MM-DD or ISO 8601)\n",
		    command, opt_since);
		return EX_USAGE;
	}
	if (*since < 0 || *since >= *until) {
		fprintf(stderr, "triage %s: the period is empty: --since must be before --until\n",
		    command);
		return EX_USAGE;
	}
	return 0;
}

static struct store *
open_store(const char *command)
{
	GError *error = NULL;
	struct store *store = cli_store_open(db_options.db, db_options.config, true, &error);

	if (store == NULL) {
		fprintf(stderr, "triage %s: %s\n", command, error->message);
		g_error_free(error);
	}
	return store;
}

static void
free_options(void)
{
	cli_db_options_clear(&db_options);
	g_clear_pointer(&opt_since, g_free);
	g_clear_pointer(&opt_until, g_free);
}

/* --- triage report ---------------------------------------------------------- */

static const char *
format_share(double share, char *buf, size_t len)
{
	if (share < 0)
		g_strlcpy(buf, "-", len);
	else
		g_snprintf(buf, len, "%.1f%%", share * 100.0);
	return buf;
}

static void
print_row(const struct report_row *row, int width)
{
	char d[4][32], s[2][16];

	fputs("  ", stdout);
	cli_put_safe(stdout, row->group);
	printf("%*s %7ld %10ld %8ld %6ld %9s %9s %9s %9s %7s %9s\n",
	    width - (int)g_utf8_strlen(row->group, -1), "", row->tickets, row->complaints,
	    row->answered, row->open,
	    cli_format_duration(row->median, d[0], sizeof(d[0])),
	    cli_format_duration(row->p90, d[1], sizeof(d[1])),
	    cli_format_duration(row->p95, d[2], sizeof(d[2])),
	    cli_format_duration(row->max, d[3], sizeof(d[3])),
	    format_share(row->within_sla, s[0], sizeof(s[0])),
	    format_share(row->within_half_sla, s[1], sizeof(s[1])));
}

static void
report_table(const struct report *r)
{
	char a[32], b[32], d[32], s[16];
	int width = 5;

	for (guint i = 0; i < r->rows->len; i++) {
		const struct report_row *row = g_ptr_array_index(r->rows, i);

		width = MAX(width, (int)g_utf8_strlen(row->group, -1));
	}
	printf("Tickets received %s to %s UTC", cli_format_time(r->since, a, sizeof(a)),
	    cli_format_time(r->until, b, sizeof(b)));
	if (r->by != REPORT_BY_NONE)
		printf(", by %s", report_by_name(r->by));
	printf("\nFirst response: median, p90, p95, max (nearest rank); share answered within "
	    "the SLA, and within half of it\n\n");
	printf("  %-*s %7s %10s %8s %6s %9s %9s %9s %9s %7s %9s\n", width,
	    r->by != REPORT_BY_NONE ? report_by_name(r->by) : "", "tickets", "complaints",
	    "answered", "open", "median", "p90", "p95", "max", "in SLA", "in SLA/2");
	if (r->by != REPORT_BY_NONE)
		for (guint i = 0; i < r->rows->len; i++)
			print_row(g_ptr_array_index(r->rows, i), width);
	print_row(&r->total, width);

	printf("\nWeek by week\n\n  %-8s %7s %8s %9s %7s %7s\n", "week", "tickets", "answered",
	    "median", "in SLA", "backlog");
	for (guint i = 0; i < r->weeks->len; i++) {
		const struct report_week *w = &g_array_index(r->weeks, struct report_week, i);

		printf("  %-8s %7ld %8ld %9s %7s %7ld\n", w->week, w->tickets, w->answered,
		    cli_format_duration(w->median, d, sizeof(d)),
		    format_share(w->within_sla, s, sizeof(s)), w->backlog);
	}
	if (r->weekly_median_cv < 0)
		printf("\nWeekly medians: too few weeks with answers to judge consistency\n");
	else
		printf("\nWeekly medians vary by %.2f (coefficient of variation; lower is "
		    "steadier)\n", r->weekly_median_cv);
	printf("Open backlog now: %ld\n", r->backlog_now);
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
static void
csv_field(const char *text, bool last)
{
	if (text != NULL && strpbrk(text, ",\"\r\n") != NULL) {
		putchar('"');
		for (const char *p = text; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	} else if (text != NULL) {
		fputs(text, stdout);
	}
	fputs(last ? "\r\n" : ",", stdout);
}

static void
csv_number(double value, bool integral, bool last)
{
	char buf[32] = "";

	/* Durations and shares of nothing answered are empty fields, not -1. */
	if (value >= 0) {
		if (integral)
			g_snprintf(buf, sizeof(buf), "%.0f", value);
		else
			g_snprintf(buf, sizeof(buf), "%.4f", value);
	}
	csv_field(buf, last);
}

static void
csv_row(const char *section, const struct report_row *row, double backlog, double cv)
{
	csv_field(section, false);
	csv_field(row->group, false);
	csv_number(row->tickets, true, false);
	csv_number(row->complaints, true, false);
	csv_number(row->answered, true, false);
	csv_number(row->open, true, false);
	csv_number(row->median, true, false);
	csv_number(row->p90, true, false);
	csv_number(row->p95, true, false);
	csv_number(row->max, true, false);
	csv_number(row->within_sla, false, false);
	csv_number(row->within_half_sla, false, false);
	csv_number(backlog, true, false);
	csv_number(cv, false, true);
}

/*
 * One table: the groups (section "group"), the whole period ("total", with
 * the backlog now and the weekly consistency) and the weeks ("week").
 * Durations in seconds, shares 0..1; empty where there is nothing.
 */
static void
report_csv(const struct report *r)
{
	fputs("section,group,tickets,complaints,answered,open,median_seconds,p90_seconds,"
	    "p95_seconds,max_seconds,within_sla,within_half_sla,backlog,weekly_median_cv\r\n",
	    stdout);
	for (guint i = 0; r->by != REPORT_BY_NONE && i < r->rows->len; i++)
		csv_row("group", g_ptr_array_index(r->rows, i), -1, -1);
	csv_row("total", &r->total, r->backlog_now, r->weekly_median_cv);
	for (guint i = 0; i < r->weeks->len; i++) {
		const struct report_week *w = &g_array_index(r->weeks, struct report_week, i);
		struct report_row row = { .group = (char *)w->week, .tickets = w->tickets,
		    .complaints = -1, .answered = w->answered, .open = -1, .median = w->median,
		    .p90 = -1, .p95 = -1, .max = -1, .within_sla = w->within_sla,
		    .within_half_sla = -1 };

		csv_row("week", &row, w->backlog, -1);
	}
}

static void
json_number(JsonBuilder *b, const char *name, double value, bool integral)
{
	json_builder_set_member_name(b, name);
	if (value < 0)
		json_builder_add_null_value(b);
	else if (integral)
		json_builder_add_int_value(b, (gint64)value);
	else
		json_builder_add_double_value(b, value);
}

static void
json_time(JsonBuilder *b, const char *name, gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *text = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");

	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, text);
	g_free(text);
	g_date_time_unref(dt);
}

static void
json_row(JsonBuilder *b, const struct report_row *row)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "group");
	json_builder_add_string_value(b, row->group);
	json_number(b, "tickets", row->tickets, true);
	json_number(b, "complaints", row->complaints, true);
	json_number(b, "answered", row->answered, true);
	json_number(b, "open", row->open, true);
	json_builder_set_member_name(b, "first_response_seconds");
	json_builder_begin_object(b);
	json_number(b, "median", row->median, true);
	json_number(b, "p90", row->p90, true);
	json_number(b, "p95", row->p95, true);
	json_number(b, "max", row->max, true);
	json_builder_end_object(b);
	json_number(b, "within_sla", row->within_sla, false);
	json_number(b, "within_half_sla", row->within_half_sla, false);
	json_builder_end_object(b);
}

static void
report_json(const struct report *r)
{
	JsonBuilder *b = json_builder_new();
	char *text;

	json_builder_begin_object(b);
	json_time(b, "since", r->since);
	json_time(b, "until", r->until);
	json_builder_set_member_name(b, "by");
	json_builder_add_string_value(b, report_by_name(r->by));
	json_builder_set_member_name(b, "groups");
	json_builder_begin_array(b);
	for (guint i = 0; r->by != REPORT_BY_NONE && i < r->rows->len; i++)
		json_row(b, g_ptr_array_index(r->rows, i));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "total");
	json_row(b, &r->total);
	json_builder_set_member_name(b, "weeks");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->weeks->len; i++) {
		const struct report_week *w = &g_array_index(r->weeks, struct report_week, i);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "week");
		json_builder_add_string_value(b, w->week);
		json_number(b, "tickets", w->tickets, true);
		json_number(b, "answered", w->answered, true);
		json_number(b, "median_seconds", w->median, true);
		json_number(b, "within_sla", w->within_sla, false);
		json_number(b, "backlog", w->backlog, true);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_number(b, "weekly_median_cv", r->weekly_median_cv, false);
	json_number(b, "backlog_now", r->backlog_now, true);
	json_builder_end_object(b);
	text = jsonout_finish(b, true);
	printf("%s\n", text);
	g_free(text);
}

/* Writes the HTML page to path ("-": standard output); 0, or 1 after a message. */
static int
report_html(struct store *store, const struct report *report, gint64 since, gint64 until,
    const char *path)
{
	struct report_histogram histograms[4];
	GError *error = NULL;
	FILE *fp;
	int rc;

	if (report_histograms(store, since, until, histograms, &error) != 0) {
		fprintf(stderr, "triage report: %s\n", error->message);
		g_error_free(error);
		return 1;
	}
	if ((fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w")) == NULL) {
		fprintf(stderr, "triage report: %s: %s\n", path, g_strerror(errno));
		return 1;
	}
	rc = report_html_write(fp, report, histograms, NULL, &error);
	if (fp != stdout && fclose(fp) != 0 && rc == 0) {
		int e = errno;

		g_set_error(&error, G_FILE_ERROR, g_file_error_from_errno(e), "%s", g_strerror(e));
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "triage report: %s: %s\n", path, error->message);
		g_error_free(error);
		return 1;
	}
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	char *by_name = NULL, *html = NULL;
	gboolean csv = FALSE, json = FALSE;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by_name,
		    "one row per urgency, personality, language, topic, agent, day or week", "GROUPING" },
		{ "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "CSV (RFC 4180), durations in seconds", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON object, durations in seconds",
		    NULL },
		{ "html", 0, 0, G_OPTION_ARG_FILENAME, &html,
		    "one self-contained HTML page with charts ('-': standard output)", "FILE" },
		{ NULL },
	};
	struct report *report = NULL;
	struct store *store = NULL;
	GError *error = NULL;
	gint64 since, until;
	int status, by = REPORT_BY_NONE;

	if ((status = parse("report", "- first response times, SLA shares, spread, backlog",
	    entries, true, &argc, &argv)) != 0)
		goto out;
	status = EX_USAGE;
	if (argc != 1) {
		fprintf(stderr, "triage report: unexpected argument '%s'\n", argv[1]);
		goto out;
	}
	if (csv + json + (html != NULL) > 1) {
		fprintf(stderr, "triage report: one of --csv, --json, --html\n");
		goto out;
	}
	if (by_name != NULL && ((by = report_by_from_name(by_name)) < 0 ||
	    by == REPORT_BY_NONE)) {
		fprintf(stderr, "triage report: --by %s: not one of urgency, personality, language, "
		    "topic, agent, day, week\n", by_name);
		goto out;
	}
	if ((status = period("report", &since, &until)) != 0)
		goto out;
	status = 1;
	if ((store = open_store("report")) == NULL)
		goto out;
	if (report_build(store, since, until, (enum report_by)by, &report, &error) != 0) {
		fprintf(stderr, "triage report: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	if (html != NULL) {
		if (report_html(store, report, since, until, html) != 0)
			goto out;
	} else if (csv) {
		report_csv(report);
	} else if (json) {
		report_json(report);
	} else {
		report_table(report);
	}
	status = 0;
out:
	report_free(report);
	store_close(store);
	g_free(by_name);
	g_free(html);
	free_options();
	return status;
}

/* --- triage themes ---------------------------------------------------------- */

int
cmd_themes(int argc, char **argv)
{
	int top = 5;
	const GOptionEntry entries[] = {
		{ "top", 0, 0, G_OPTION_ARG_INT, &top,
		    "the N rules fired most on complaints each week (default 5)", "N" },
		{ NULL },
	};
	struct store *store = NULL;
	GArray *topics = NULL;
	GPtrArray *rules = NULL;
	GError *error = NULL;
	gint64 since, until;
	int status;

	if ((status = parse("themes", "- what customers complain about, week by week", entries,
	    true, &argc, &argv)) != 0)
		goto out;
	status = EX_USAGE;
	if (argc != 1) {
		fprintf(stderr, "triage themes: unexpected argument '%s'\n", argv[1]);
		goto out;
	}
	if (top < 0 || top > 1000) {
		fprintf(stderr, "triage themes: --top %d: between 0 and 1000\n", top);
		goto out;
	}
	if ((status = period("themes", &since, &until)) != 0)
		goto out;
	status = 1;
	if ((store = open_store("themes")) == NULL)
		goto out;
	if (report_themes(store, since, until, (unsigned)top, &topics, &rules, &error) != 0) {
		fprintf(stderr, "triage themes: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	{
		char a[32], b[32];

		printf("Complaints received %s to %s UTC, by topic and week\n"
		    "(change: on the week before)\n\n", cli_format_time(since, a, sizeof(a)),
		    cli_format_time(until, b, sizeof(b)));
	}
	printf("  %-8s %-16s %10s %7s\n", "week", "topic", "complaints", "change");
	for (guint i = 0; i < topics->len; i++) {
		const struct theme_row *row = &g_array_index(topics, struct theme_row, i);
		char change[32] = "";

		if (row->previous >= 0)
			g_snprintf(change, sizeof(change), "%+ld", row->complaints - row->previous);
		printf("  %-8s ", row->week);
		cli_put_safe(stdout, row->topic);
		printf("%*s %10ld %7s\n", 16 - (int)g_utf8_strlen(row->topic, -1), "",
		    row->complaints, change);
	}
	if (topics->len == 0)
		printf("  (no complaints)\n");
	printf("\nRules fired most on complaints (tickets a week)\n\n");
	printf("  %-8s %7s  %s\n", "week", "tickets", "rule");
	for (guint i = 0; i < rules->len; i++) {
		const struct theme_rule *rule = g_ptr_array_index(rules, i);

		printf("  %-8s %7ld  ", rule->week, rule->count);
		cli_put_safe(stdout, rule->rule);
		putchar('\n');
	}
	if (rules->len == 0)
		printf("  (none)\n");
	status = 0;
out:
	if (topics != NULL)
		g_array_unref(topics);
	if (rules != NULL)
		g_ptr_array_unref(rules);
	store_close(store);
	free_options();
	return status;
}

/* --- triage ticket ---------------------------------------------------------- */

static void
field(const char *label, const char *value)
{
	printf("%-16s ", label);
	cli_put_safe(stdout, value);
	putchar('\n');
}

static void
field_time(const char *label, gint64 t)
{
	char buf[32];

	printf("%-16s %s%s\n", label, cli_format_time(t, buf, sizeof(buf)), t != 0 ? " UTC" : "");
}

static void
print_timeline(const struct timeline *t)
{
	char buf[32], d[32];

	field("Ticket", t->ref);
	printf("%-16s ", "Customer");
	if (t->customer_name != NULL) {
		cli_put_safe(stdout, t->customer_name);
		fputs(" <", stdout);
		cli_put_safe(stdout, t->customer_address);
		fputs(">\n", stdout);
	} else {
		cli_put_safe(stdout, t->customer_address);
		putchar('\n');
	}
	field("Subject", t->subject);
	field("Urgency", t->urgency);
	field("Personality", t->personality);
	field("Topic", t->topic);
	field("Language", t->language);
	field("Complaint", t->complaint ? "yes" : "no");
	printf("%-16s %.2f\n", "Score", t->score);
	field("Message-ID", t->message_id);
	field("Queue ID", t->queue_id);
	field_time("Received", t->received_at);
	field_time("Due", t->due_at);
	field("Acknowledgement", t->ack_state);
	printf("%-16s ", "First response");
	if (t->first_response_at != 0) {
		printf("%s UTC by ", cli_format_time(t->first_response_at, buf, sizeof(buf)));
		cli_put_safe(stdout, t->first_response_by);
		printf(", after %s, %s\n",
		    cli_format_duration((double)(t->first_response_at - t->received_at), d,
		    sizeof(d)), t->due_at != 0 && t->first_response_at <= t->due_at ?
		    "within the SLA" : "late");
	} else {
		printf("none yet\n");
	}
	field_time("Resolved", t->resolved_at);
	printf("%-16s %ld, the last %s UTC\n", "Contacts", t->contact_count,
	    cli_format_time(t->last_contact_at != 0 ? t->last_contact_at : t->received_at, buf,
	    sizeof(buf)));

	printf("\nEvents (UTC)\n");
	for (guint i = 0; i < t->events->len; i++) {
		const struct timeline_event *e = g_ptr_array_index(t->events, i);

		printf("  %s  %-17s ", cli_format_time(e->at, buf, sizeof(buf)),
		    e->kind != NULL ? e->kind : "-");
		cli_put_safe(stdout, e->actor);
		fputs("  ", stdout);
		cli_put_safe(stdout, e->message_id);
		if (e->detail != NULL) {
			fputs("  ", stdout);
			cli_put_safe(stdout, e->detail);
		}
		putchar('\n');
	}
	printf("\nRules fired (UTC)\n");
	for (guint i = 0; i < t->rules->len; i++) {
		const struct timeline_rule *r = g_ptr_array_index(t->rules, i);

		printf("  %s  ", cli_format_time(r->at, buf, sizeof(buf)));
		cli_put_safe(stdout, r->rule);
		putchar('\n');
	}
	if (t->rules->len == 0)
		printf("  (none recorded)\n");
}

int
cmd_ticket(int argc, char **argv)
{
	struct store *store = NULL;
	struct timeline *t = NULL;
	GError *error = NULL;
	char ref[64];
	int status, found;

	if ((status = parse("ticket", "T-000123 - a ticket's fields, events and rules", NULL,
	    false, &argc, &argv)) != 0)
		goto out;
	status = EX_USAGE;
	if (argc != 2 || strlen(argv[1]) >= sizeof(ref)) {
		fprintf(stderr, "triage ticket: name one ticket (T-000123)\n");
		goto out;
	}
	status = 1;
	if ((store = open_store("ticket")) == NULL)
		goto out;
	g_strlcpy(ref, argv[1], sizeof(ref));
	found = report_timeline(store, ref, &t, &error);
	if (found == 0) {
		/* As a subject would carry it: "T-123" is T-000123. */
		size_t digits = strspn(ref + strcspn(ref, "0123456789"), "0123456789");
		size_t prefix = strcspn(ref, "0123456789");

		if (prefix > 0 && digits > 0 && digits < 7 && ref[prefix + digits] == '\0') {
			char padded[64];

			g_snprintf(padded, sizeof(padded), "%.*s%06d", (int)prefix, ref,
			    atoi(ref + prefix));
			found = report_timeline(store, padded, &t, &error);
		}
	}
	if (found < 0) {
		fprintf(stderr, "triage ticket: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	if (found == 0) {
		fprintf(stderr, "triage ticket: no ticket ");
		cli_put_safe(stderr, ref);
		fputc('\n', stderr);
		goto out;
	}
	print_timeline(t);
	status = 0;
out:
	report_timeline_free(t);
	store_close(store);
	free_options();
	return status;
}
