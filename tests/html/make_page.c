/*
 * make_page.c - writes report pages from hand-built figures, for
 * tests/html/render.sh to open in a browser. It links cli/report_html.c
 * alone, not the store: the page is tested apart from the SQL behind it.
 *
 *   make_page FILE          twelve weeks by topic, with hostile group names
 *   make_page --empty FILE  a period without tickets
 *   make_page               renders both in memory: 0 when both render
 *                           (so it is a test of its own when listed in TESTS)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "report_html.h"

static void
row_free(gpointer p)
{
	struct report_row *row = p;

	g_free(row->group);
	g_free(row);
}

static struct report_row *
row_new(const char *group, long tickets, long complaints, long answered, long open,
    double median, double p90, double p95, double max, double within_sla, double within_half)
{
	struct report_row *row = g_new0(struct report_row, 1);

	row->group = g_strdup(group);
	row->tickets = tickets;
	row->complaints = complaints;
	row->answered = answered;
	row->open = open;
	row->median = median;
	row->p90 = p90;
	row->p95 = p95;
	row->max = max;
	row->within_sla = within_sla;
	row->within_half_sla = within_half;
	return row;
}

/* Twelve weeks of 2024 by topic; week 8 had no answers (the agents were away). */
static void
fixture_full(struct report *r, struct report_histogram h[4])
{
	static const struct {
		long tickets, answered;
		double median, within_sla;
		long backlog;
	} weeks[12] = {
		{ 41, 39, 2.1 * 3600, 0.95, 6 },
		{ 38, 37, 1.8 * 3600, 0.97, 4 },
		{ 52, 47, 3.4 * 3600, 0.87, 11 },
		{ 45, 44, 2.4 * 3600, 0.93, 7 },
		{ 60, 51, 5.2 * 3600, 0.78, 19 },
		{ 48, 47, 2.9 * 3600, 0.91, 12 },
		{ 44, 43, 2.2 * 3600, 0.96, 8 },
		{ 12, 0, -1, -1, 20 },
		{ 57, 55, 4.0 * 3600, 0.89, 14 },
		{ 43, 42, 2.0 * 3600, 0.98, 6 },
		{ 40, 39, 1.9 * 3600, 0.97, 5 },
		{ 39, 36, 2.3 * 3600, 0.94, 7 },
	};
	static const char *const urgencies[4] = { "critical", "high", "normal", "low" };
	static const long buckets[4][7] = {
		{ 21, 9, 3, 1, 0, 0, 0 },
		{ 18, 40, 31, 8, 3, 1, 0 },
		{ 12, 55, 96, 61, 44, 17, 4 },
		{ 1, 6, 19, 25, 38, 22, 7 },
	};

	memset(r, 0, sizeof(*r));
	r->since = 1704067200;			/* 2024-01-01 */
	r->until = r->since + 12 * 7 * 86400;	/* 2024-03-25, exclusive */
	r->by = REPORT_BY_TOPIC;
	r->rows = g_ptr_array_new_with_free_func(row_free);
	g_ptr_array_add(r->rows, row_new("billing", 142, 31, 138, 4, 2.0 * 3600, 7.5 * 3600,
	    11 * 3600, 2.5 * 86400, 0.93, 0.71));
	g_ptr_array_add(r->rows, row_new("delivery", 121, 44, 113, 9, 3.1 * 3600, 14 * 3600,
	    20 * 3600, 3.2 * 86400, 0.86, 0.55));
	g_ptr_array_add(r->rows, row_new("login", 97, 12, 95, 3, 40 * 60, 3 * 3600, 5 * 3600,
	    26 * 3600, 0.97, 0.88));
	g_ptr_array_add(r->rows, row_new("refund", 78, 40, 70, 8, 4.5 * 3600, 20 * 3600,
	    30 * 3600, 4 * 86400, 0.81, 0.46));
	g_ptr_array_add(r->rows, row_new("<script>alert(1)</script>", 23, 2, 23, 0, 1.2 * 3600,
	    4 * 3600, 6 * 3600, 9 * 3600, 1.0, 0.9));
	g_ptr_array_add(r->rows, row_new("\"><svg onload=alert(2)>", 11, 1, 10, 1, 5 * 3600,
	    9 * 3600, 9 * 3600, 12 * 3600, 0.9, 0.6));
	g_ptr_array_add(r->rows, row_new("a-very-long-topic-name-from-a-rule-file-that-rambles",
	    4, 0, 3, 1, 30 * 60, 50 * 60, 50 * 60, 50 * 60, 1.0, 1.0));
	g_ptr_array_add(r->rows, row_new("other", 52, 9, 49, 3, 2.6 * 3600, 10 * 3600,
	    16 * 3600, 2 * 86400, 0.90, 0.62));
	r->total = (struct report_row){ .group = (char *)"all", .tickets = 528, .complaints = 139,
	    .answered = 501, .open = 29, .median = 2.5 * 3600, .p90 = 11 * 3600,
	    .p95 = 19 * 3600, .max = 4 * 86400, .within_sla = 0.91, .within_half_sla = 0.64 };
	r->weeks = g_array_new(FALSE, TRUE, sizeof(struct report_week));
	for (int i = 0; i < 12; i++) {
		struct report_week w = { .tickets = weeks[i].tickets, .answered = weeks[i].answered,
		    .median = weeks[i].median, .within_sla = weeks[i].within_sla,
		    .backlog = weeks[i].backlog };

		snprintf(w.week, sizeof(w.week), "2024-W%02d", i + 1);
		g_array_append_val(r->weeks, w);
	}
	r->weekly_median_cv = 0.32;
	r->backlog_now = 9;
	for (int i = 0; i < 4; i++) {
		g_strlcpy(h[i].urgency, urgencies[i], sizeof(h[i].urgency));
		memcpy(h[i].buckets, buckets[i], sizeof(h[i].buckets));
	}
}

/* No tickets: every figure missing, no weeks, no rows, empty histograms. */
static void
fixture_empty(struct report *r, struct report_histogram h[4])
{
	static const char *const urgencies[4] = { "critical", "high", "normal", "low" };

	memset(r, 0, sizeof(*r));
	r->since = 1704067200;
	r->until = r->since + 7 * 86400;
	r->by = REPORT_BY_URGENCY;
	r->rows = g_ptr_array_new_with_free_func(row_free);
	r->total = (struct report_row){ .group = (char *)"all", .median = -1, .p90 = -1,
	    .p95 = -1, .max = -1, .within_sla = -1, .within_half_sla = -1 };
	r->weeks = g_array_new(FALSE, TRUE, sizeof(struct report_week));
	r->weekly_median_cv = -1;
	memset(h, 0, 4 * sizeof(*h));
	for (int i = 0; i < 4; i++)
		g_strlcpy(h[i].urgency, urgencies[i], sizeof(h[i].urgency));
}

static void
fixture_free(struct report *r)
{
	g_ptr_array_free(r->rows, TRUE);
	g_array_free(r->weeks, TRUE);
}

/* Writes one page to out; 0 or 1 after a message. */
static int
write_page(FILE *out, bool empty, const char *name)
{
	struct report r;
	struct report_histogram h[4];
	GError *error = NULL;
	int rc;

	if (empty)
		fixture_empty(&r, h);
	else
		fixture_full(&r, h);
	rc = report_html_write(out, &r, h, empty ? "Support report: a quiet week" :
	    "Support report: first quarter <2024> & \"more\"", &error);
	if (rc != 0) {
		fprintf(stderr, "make_page: %s: %s\n", name, error->message);
		g_error_free(error);
	}
	fixture_free(&r);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	bool empty = argc > 1 && strcmp(argv[1], "--empty") == 0;
	const char *path = argc > 1 + empty ? argv[1 + empty] : NULL;
	FILE *out;
	int status = 0;

	if (argc > 2 + empty) {
		fprintf(stderr, "usage: make_page [--empty] [FILE]\n");
		return 64;
	}
	if (path == NULL) {
		/* A smoke test: both pages render and write. */
		for (int e = 0; e < 2; e++) {
			char *buf = NULL;
			size_t len = 0;

			out = open_memstream(&buf, &len);
			if (out == NULL) {
				perror("make_page: open_memstream");
				return 1;
			}
			status |= write_page(out, e, e ? "empty page" : "full page");
			fclose(out);
			if (len < 1000 || strstr(buf, "</html>") == NULL)
				status = 1;
			printf("make_page: %s page, %zu bytes\n", e ? "empty" : "full", len);
			free(buf);
		}
		return status;
	}
	out = fopen(path, "w");
	if (out == NULL) {
		perror(path);
		return 1;
	}
	status = write_page(out, empty, path);
	if (fclose(out) != 0 && status == 0) {
		perror(path);
		status = 1;
	}
	return status;
}
