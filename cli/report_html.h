/*
 * report_html.h - `triage report --html FILE`: the report as one page.
 *
 * The page stands alone: inline CSS and inline SVG drawn here, no script,
 * no font, no image, nothing fetched (a Content-Security-Policy meta tag
 * forbids it too). It is UTF-8 HTML5 written as polyglot markup, so it is
 * also well-formed XML; every string that comes from the database is
 * escaped. Each chart has an SVG <title> and <desc> and is followed by a
 * table of the numbers it draws.
 *
 * The charts, each a <figure> with this id:
 *   chart-response  first response time per urgency: small multiples over
 *                   the seven buckets of struct report_histogram;
 *   chart-sla       share answered within SLA per week, against
 *                   REPORT_HTML_SLA_TARGET, above the weekly medians;
 *   chart-backlog   unresolved tickets at the end of each week;
 *   chart-groups    tickets, answered and complaints per row of the report.
 */
#ifndef TRIAGE_CLI_REPORT_HTML_H
#define TRIAGE_CLI_REPORT_HTML_H

#include <stdio.h>
#include <glib.h>

#include "report.h"

/* The share answered within SLA the weekly chart marks as the target. */
#define REPORT_HTML_SLA_TARGET 0.90

/*
 * The chart of groups draws at most this many rows (the first ones, in the
 * report's order); the table after it lists them all.
 */
#define REPORT_HTML_CHART_GROUPS_MAX 60

/*
 * Writes the page for report to out: the whole page in one write, then a
 * flush. histograms holds 4 entries, critical first, or is NULL (the chart
 * then says there is no data). title is plain text (NULL: "Support
 * report"). Nothing is kept: report, histograms and out stay the caller's.
 * Returns 0, or -1 with errno and *error set when out cannot be written.
 */
int report_html_write(FILE *out, const struct report *report,
    const struct report_histogram histograms[4], const char *title, GError **error);

#endif
