/*
 * report_html.c - the supervisors' report as one self-contained HTML page,
 * with its charts drawn here as inline SVG.
 *
 * The page is built in memory and written in one go, so a failure writes
 * nothing half-way through a tag. It is polyglot markup (HTML5 that is also
 * well-formed XML): void elements are closed, only the five XML entities
 * are used, and the CSS holds no '<' or '&'. That lets the tests parse the
 * whole page, and each SVG stays valid if someone copies it out.
 *
 * Numbers in attributes are formatted with g_ascii_formatd(): a caller that
 * set a locale with a decimal comma must not break the drawing.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "report_html.h"

/* Figures the report marks as missing are negative (-1) or, defensively, not finite. */
#define MISSING(v) (!isfinite(v) || (v) < 0)

/* A weekly-median coefficient of variation below this reads as "steady". */
#define CV_STEADY 0.25

/* Group names longer than this (in characters) are cut in the chart, not in the table. */
#define LABEL_CHARS_MAX 24

#define N_BUCKETS 7
#define N_URGENCIES 4

/* Okabe-Ito colours: told apart with the common colour-vision deficiencies. */
#define COLOUR_BLUE "#0072b2"
#define COLOUR_SKY "#56b4e9"
#define COLOUR_ORANGE "#e69f00"
#define COLOUR_VERMILLION "#d55e00"
#define COLOUR_GREY "#9aa5b1"
#define COLOUR_INK "#1f2933"
#define COLOUR_MUTED "#52606d"
#define COLOUR_RULE "#d9e2ec"

static const char *const bucket_labels[N_BUCKETS] = {
	"<15m", "15m-1h", "1-4h", "4-8h", "8h-1d", "1-3d", ">3d",
};

/* ---- text ---------------------------------------------------------------- */

/*
 * Appends s escaped for HTML text and attribute values alike. Bytes that
 * are not UTF-8 and control characters XML forbids (the database holds
 * whatever a mail header held) become U+FFFD, so the page stays well-formed.
 */
static void
esc(GString *out, const char *s)
{
	char *valid;

	if (s == NULL)
		return;
	valid = g_utf8_make_valid(s, -1);
	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		switch (c) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\'': g_string_append(out, "&#39;"); break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			    (c >= 0x7f && c <= 0x9f))
				g_string_append(out, "\xef\xbf\xbd");
			else
				g_string_append_len(out, p, g_utf8_next_char(p) - p);
		}
	}
	g_free(valid);
}

/* Appends v with at most one decimal, dot as separator, no trailing ".0". */
static void
num(GString *out, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	size_t len;

	if (!isfinite(v))
		v = 0;
	g_ascii_formatd(buf, sizeof(buf), "%.1f", v);
	len = strlen(buf);
	if (len > 2 && strcmp(buf + len - 2, ".0") == 0)
		buf[len - 2] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	g_string_append(out, buf);
}

/*
 * Writes a duration in seconds the way a supervisor reads it: "45 s",
 * "12 min", "3 h 20 min", "2 d 4 h"; an en dash when missing. Returns buf.
 */
static const char *
duration_text(char *buf, size_t size, double secs)
{
	long m, h;

	if (MISSING(secs)) {
		g_strlcpy(buf, "\xe2\x80\x93", size);
		return buf;
	}
	if (secs > 1e9)		/* ~30 years: keeps lround() in range */
		secs = 1e9;
	if (secs < 59.5) {
		snprintf(buf, size, "%ld s", lround(secs));
		return buf;
	}
	m = lround(secs / 60);
	if (m < 60) {
		snprintf(buf, size, "%ld min", m);
	} else if (m < 48 * 60) {
		if (m % 60 != 0)
			snprintf(buf, size, "%ld h %ld min", m / 60, m % 60);
		else
			snprintf(buf, size, "%ld h", m / 60);
	} else {
		h = lround(secs / 3600);
		if (h % 24 != 0)
			snprintf(buf, size, "%ld d %ld h", h / 24, h % 24);
		else
			snprintf(buf, size, "%ld d", h / 24);
	}
	return buf;
}

/* Writes a share (0..1) as "92.3%"; an en dash when missing. Returns buf. */
static const char *
share_text(char *buf, size_t size, double share)
{
	size_t len;

	if (MISSING(share)) {
		g_strlcpy(buf, "\xe2\x80\x93", size);
		return buf;
	}
	g_ascii_formatd(buf, size > 2 ? size - 1 : size, "%.1f", MIN(share, 1.0) * 100);
	len = strlen(buf);
	if (len + 1 < size) {
		buf[len] = '%';
		buf[len + 1] = '\0';
	}
	return buf;
}

/* Writes a share (0..1) as a whole percentage, "90%", for round figures like the target. */
static const char *
percent_text(char *buf, size_t size, double share)
{
	if (!isfinite(share))
		g_strlcpy(buf, "\xe2\x80\x93", size);
	else
		snprintf(buf, size, "%ld%%", lround(CLAMP(share, 0.0, 10.0) * 100));
	return buf;
}

/* A copy of a fixed-size field from the database that may lack its NUL. */
static char *
field_dup(const char *field, size_t size)
{
	return g_strndup(field, size);
}

/* The name of week i, a new string. */
static char *
week_name(const GArray *weeks, guint i)
{
	const struct report_week *w = &g_array_index(weeks, struct report_week, i);

	return field_dup(w->week, sizeof(w->week));
}

/* The first LABEL_CHARS_MAX characters of s (valid UTF-8 or not), "…" if cut. */
static char *
label_cut(const char *s)
{
	char *valid = g_utf8_make_valid(s != NULL ? s : "", -1);
	char *cut;

	if (g_utf8_strlen(valid, -1) <= LABEL_CHARS_MAX)
		return valid;
	cut = g_utf8_substring(valid, 0, LABEL_CHARS_MAX - 1);
	g_free(valid);
	valid = g_strconcat(cut, "\xe2\x80\xa6", NULL);
	g_free(cut);
	return valid;
}

static const struct {
	const char *noun;	/* in sentences */
	const char *heading;	/* in the table header */
} by_names[] = {
	[REPORT_BY_NONE] = { "group", "Group" },
	[REPORT_BY_URGENCY] = { "urgency", "Urgency" },
	[REPORT_BY_PERSONALITY] = { "personality type", "Personality type" },
	[REPORT_BY_LANGUAGE] = { "language", "Language" },
	[REPORT_BY_TOPIC] = { "topic", "Topic" },
	[REPORT_BY_AGENT] = { "agent", "Agent" },
	[REPORT_BY_DAY] = { "day", "Day" },
	[REPORT_BY_WEEK] = { "week", "Week" },
};

/* The names of the grouping here, not report_by_name(): the page links only to report.h's types. */
static unsigned
by_index(enum report_by by)
{
	return (unsigned)by < G_N_ELEMENTS(by_names) ? (unsigned)by : REPORT_BY_NONE;
}

/* ---- scales ---------------------------------------------------------------- */

/*
 * The step of an axis from 0 to at least max with at most `ticks` steps: 1,
 * 2, 2.5 or 5 times a power of ten (whole numbers only when integer).
 */
static double
nice_step(double max, int ticks, bool integer)
{
	static const double mults[] = { 1, 2, 2.5, 5, 10 };
	double raw, mag;

	if (!isfinite(max) || max <= 0)
		max = 1;
	raw = max / ticks;
	mag = pow(10, floor(log10(raw)));
	for (size_t i = 0; i < G_N_ELEMENTS(mults); i++) {
		double step = mults[i] * mag;

		if (integer && step < 1)
			continue;
		if (integer && floor(step) != step)
			continue;
		if (step >= raw)
			return step;
	}
	return integer && mag < 1 ? 1 : 10 * mag;
}

/* The top of the axis: max rounded up to a whole step, never 0. */
static double
nice_top(double max, double step)
{
	double top = isfinite(max) && max > 0 ? ceil(max / step - 1e-9) * step : step;

	return top > 0 ? top : step;
}

/* How to label an axis of durations: in minutes, hours or days. */
struct time_unit {
	double seconds;
	const char *suffix;
};

static struct time_unit
time_unit_for(double max_seconds)
{
	if (max_seconds < 2 * 3600)
		return (struct time_unit){ 60, " min" };
	if (max_seconds < 3 * 86400)
		return (struct time_unit){ 3600, " h" };
	return (struct time_unit){ 86400, " d" };
}

/* ---- SVG ------------------------------------------------------------------- */

/* Opens an <svg> with its accessible name (title) and description (desc). */
static void
svg_begin(GString *out, const char *id, int width, int height, const char *title,
    const char *desc)
{
	g_string_append_printf(out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" class=\"chart\""
	    " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
	    " aria-labelledby=\"%s-title %s-desc\""
	    " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
	    " font-size=\"11\" fill=\"" COLOUR_MUTED "\">\n",
	    id, width, height, width, height, id, id);
	g_string_append_printf(out, "<title id=\"%s-title\">", id);
	esc(out, title);
	g_string_append_printf(out, "</title>\n<desc id=\"%s-desc\">", id);
	esc(out, desc);
	g_string_append(out, "</desc>\n");
}

static void
svg_end(GString *out)
{
	g_string_append(out, "</svg>\n");
}

/* A <text> at (x, y); attrs are extra constant attributes or "". */
static void
svg_text(GString *out, double x, double y, const char *anchor, const char *attrs,
    const char *text)
{
	g_string_append(out, "<text x=\"");
	num(out, x);
	g_string_append(out, "\" y=\"");
	num(out, y);
	g_string_append_printf(out, "\" text-anchor=\"%s\"%s%s>", anchor, *attrs ? " " : "", attrs);
	esc(out, text);
	g_string_append(out, "</text>\n");
}

static void
svg_line(GString *out, double x1, double y1, double x2, double y2, const char *attrs)
{
	g_string_append(out, "<line x1=\"");
	num(out, x1);
	g_string_append(out, "\" y1=\"");
	num(out, y1);
	g_string_append(out, "\" x2=\"");
	num(out, x2);
	g_string_append(out, "\" y2=\"");
	num(out, y2);
	g_string_append_printf(out, "\" %s/>\n", attrs);
}

/* A <rect> with a tooltip (its own <title>). Negative sizes become 0. */
static void
svg_rect(GString *out, double x, double y, double w, double h, const char *fill,
    const char *tip)
{
	g_string_append(out, "<rect x=\"");
	num(out, x);
	g_string_append(out, "\" y=\"");
	num(out, y);
	g_string_append(out, "\" width=\"");
	num(out, MAX(w, 0));
	g_string_append(out, "\" height=\"");
	num(out, MAX(h, 0));
	g_string_append_printf(out, "\" fill=\"%s\">", fill);
	if (tip != NULL) {
		g_string_append(out, "<title>");
		esc(out, tip);
		g_string_append(out, "</title>");
	}
	g_string_append(out, "</rect>\n");
}

/* Horizontal grid lines and labels of a value axis from 0 to top. */
static void
svg_value_axis(GString *out, double left, double right, double y0, double height, double top,
    double step, double unit, const char *suffix)
{
	for (int i = 0; i * step <= top + step * 1e-6; i++) {
		double v = i * step, y = y0 - v / top * height;
		GString *label = g_string_new(NULL);

		svg_line(out, left, y, right, y, i == 0 ?
		    "stroke=\"" COLOUR_MUTED "\" stroke-width=\"1\"" :
		    "stroke=\"" COLOUR_RULE "\" stroke-width=\"1\"");
		num(label, v / unit);
		g_string_append(label, suffix);
		svg_text(out, left - 5, y + 4, "end", "", label->str);
		g_string_free(label, TRUE);
	}
}

/* Week labels under a weekly chart: as many as fit, always the first. */
static void
svg_week_labels(GString *out, const GArray *weeks, double left, double slot, double y)
{
	guint every = (guint)ceil(54.0 / MAX(slot, 1.0));

	if (every < 1)
		every = 1;
	for (guint i = 0; i < weeks->len; i += every) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);
		char *name = field_dup(w->week, sizeof(w->week));

		svg_text(out, left + (i + 0.5) * slot, y, "middle", "", name);
		g_free(name);
	}
}

/* ---- chart 1: first response time per urgency -------------------------------- */

static long
histogram_answered(const struct report_histogram *h)
{
	long n = 0;

	for (int b = 0; b < N_BUCKETS; b++)
		n += MAX(h->buckets[b], 0);
	return n;
}

/* One panel of the small multiples; shares are drawn against the same top for all four. */
static void
chart_response_panel(GString *out, int index, const struct report_histogram *h, double top,
    double step)
{
	enum { W = 320, H = 220, LEFT = 42, RIGHT = 10, TOP = 44, BOTTOM = 30 };
	const double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM, y0 = H - BOTTOM;
	const double slot = pw / N_BUCKETS;
	char *urgency = field_dup(h->urgency, sizeof(h->urgency));
	long n = histogram_answered(h);
	GString *title = g_string_new(NULL), *desc = g_string_new(NULL), *sub = g_string_new(NULL);
	char id[32], pct[16];

	snprintf(id, sizeof(id), "chart-response-%d", index);
	g_string_printf(title, "First response time, %s", urgency);
	if (n == 0) {
		g_string_printf(desc, "No answered %s tickets in the period.", urgency);
		g_string_assign(sub, "no answered tickets");
	} else {
		g_string_printf(desc, "%ld answered %s tickets by first response time:", n, urgency);
		for (int b = 0; b < N_BUCKETS; b++)
			g_string_append_printf(desc, "%s %s: %ld (%s)", b ? "," : "", bucket_labels[b],
			    MAX(h->buckets[b], 0),
			    share_text(pct, sizeof(pct), (double)MAX(h->buckets[b], 0) / n));
		g_string_append(desc, ".");
		g_string_printf(sub, "%ld answered \xc2\xb7 %s within 1 h", n,
		    percent_text(pct, sizeof(pct),
		    (double)(MAX(h->buckets[0], 0) + MAX(h->buckets[1], 0)) / n));
	}
	svg_begin(out, id, W, H, title->str, desc->str);
	svg_text(out, LEFT, 16, "start", "font-size=\"13\" font-weight=\"600\" fill=\"" COLOUR_INK "\"",
	    urgency);
	svg_text(out, LEFT, 32, "start", "", sub->str);
	svg_value_axis(out, LEFT, W - RIGHT, y0, ph, top, step, 1, "%");
	for (int b = 0; b < N_BUCKETS; b++) {
		long count = MAX(h->buckets[b], 0);
		double share = n > 0 ? (double)count / n * 100 : 0;
		double bh = share / top * ph, x = LEFT + b * slot;
		GString *tip = g_string_new(NULL), *label = g_string_new(NULL);

		if (count > 0) {
			g_string_printf(tip, "%s, %s: %ld tickets (%s)", urgency, bucket_labels[b],
			    count, share_text(pct, sizeof(pct), share / 100));
			svg_rect(out, x + slot * 0.14, y0 - bh, slot * 0.72, bh, COLOUR_BLUE, tip->str);
			g_string_printf(label, "%ld", count);
			svg_text(out, x + slot / 2, y0 - bh - 3, "middle",
			    "font-size=\"10\" fill=\"" COLOUR_INK "\"", label->str);
		}
		svg_text(out, x + slot / 2, y0 + 14, "middle", "font-size=\"10\"", bucket_labels[b]);
		g_string_free(tip, TRUE);
		g_string_free(label, TRUE);
	}
	if (n == 0)
		svg_text(out, LEFT + pw / 2, TOP + ph / 2, "middle", "", "No answered tickets");
	svg_end(out);
	g_string_free(title, TRUE);
	g_string_free(desc, TRUE);
	g_string_free(sub, TRUE);
	g_free(urgency);
}

static void
chart_response(GString *out, const struct report_histogram *histograms)
{
	double max_share = 0, step, top;

	g_string_append(out, "<figure id=\"chart-response\">\n<div class=\"multiples\">\n");
	if (histograms == NULL) {
		/* Still a chart, so the page has the same shape with or without data. */
		struct report_histogram none = { .urgency = "all" };

		step = nice_step(100, 4, false);
		chart_response_panel(out, 0, &none, 100, step);
	} else {
		for (int i = 0; i < N_URGENCIES; i++) {
			long n = histogram_answered(&histograms[i]);

			for (int b = 0; b < N_BUCKETS && n > 0; b++)
				max_share = MAX(max_share, (double)MAX(histograms[i].buckets[b], 0) / n);
		}
		/* One scale for all four panels: small multiples are compared by eye. */
		step = nice_step(max_share > 0 ? max_share * 100 : 100, 4, false);
		top = max_share > 0 ? MIN(nice_top(max_share * 100, step), 100) : 100;
		for (int i = 0; i < N_URGENCIES; i++)
			chart_response_panel(out, i, &histograms[i], top, step);
	}
	g_string_append(out, "</div>\n<figcaption>How long customers waited for a first human "
	    "answer, per urgency: the share of each urgency's answered tickets in each time "
	    "bucket (numbers on the bars are tickets). The buckets widen to the right. All four "
	    "panels share one scale.</figcaption>\n</figure>\n");
}

static void
table_response(GString *out, const struct report_histogram *histograms)
{
	g_string_append(out, "<div class=\"table-wrap\"><table id=\"table-response\">\n"
	    "<caption>Answered tickets by first response time and urgency</caption>\n"
	    "<thead><tr><th scope=\"col\">Urgency</th>");
	for (int b = 0; b < N_BUCKETS; b++) {
		g_string_append(out, "<th scope=\"col\" class=\"n\">");
		esc(out, bucket_labels[b]);
		g_string_append(out, "</th>");
	}
	g_string_append(out, "<th scope=\"col\" class=\"n\">Answered</th></tr></thead>\n<tbody>\n");
	if (histograms == NULL)
		g_string_append(out, "<tr><td colspan=\"9\">No data.</td></tr>\n");
	for (int i = 0; histograms != NULL && i < N_URGENCIES; i++) {
		char *urgency = field_dup(histograms[i].urgency, sizeof(histograms[i].urgency));

		g_string_append(out, "<tr><th scope=\"row\">");
		esc(out, urgency);
		g_string_append(out, "</th>");
		for (int b = 0; b < N_BUCKETS; b++)
			g_string_append_printf(out, "<td class=\"n\">%ld</td>",
			    MAX(histograms[i].buckets[b], 0));
		g_string_append_printf(out, "<td class=\"n\">%ld</td></tr>\n",
		    histogram_answered(&histograms[i]));
		g_free(urgency);
	}
	g_string_append(out, "</tbody>\n</table></div>\n");
}

/* ---- chart 2: SLA achievement and median per week ------------------------------- */

static void
chart_sla(GString *out, const struct report *report)
{
	enum { W = 720, H = 400, LEFT = 56, RIGHT = 76 };
	enum { TOP1 = 52, H1 = 150, TOP2 = 256, H2 = 100, LABELS = 374 };
	const GArray *weeks = report->weeks;
	const guint n = weeks != NULL ? weeks->len : 0;
	const double pw = W - LEFT - RIGHT, slot = n > 0 ? pw / n : pw;
	const double y1 = TOP1 + H1, y2 = TOP2 + H2;
	GString *desc = g_string_new(NULL), *tip = g_string_new(NULL), *path = g_string_new(NULL);
	char pct[16], pct2[16], dur[32], dur2[32];
	double max_median = MISSING(report->total.median) ? 0 : report->total.median;
	double lo = 2, hi = -1, mlo = -1, mhi = -1, step, top;
	guint lo_i = 0, hi_i = 0, with_answers = 0, met = 0;
	struct time_unit unit;
	bool pen_down = false;

	for (guint i = 0; i < n; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);

		if (!MISSING(w->within_sla)) {
			with_answers++;
			if (w->within_sla >= REPORT_HTML_SLA_TARGET)
				met++;
			if (w->within_sla < lo)
				lo = w->within_sla, lo_i = i;
			if (w->within_sla > hi)
				hi = w->within_sla, hi_i = i;
		}
		if (!MISSING(w->median)) {
			max_median = MAX(max_median, w->median);
			mlo = mlo < 0 ? w->median : MIN(mlo, w->median);
			mhi = MAX(mhi, w->median);
		}
	}
	if (with_answers == 0) {
		g_string_printf(desc, "%u weeks, none with answered tickets.", n);
	} else {
		char *wlo = week_name(weeks, lo_i);
		char *whi = week_name(weeks, hi_i);

		g_string_printf(desc, "Share of answered tickets with a first response within SLA, "
		    "%u weeks: from %s (%s) to %s (%s); %u of %u weeks with answers met the "
		    "target of %s.", n, share_text(pct, sizeof(pct), lo), wlo,
		    share_text(pct2, sizeof(pct2), hi), whi, met, with_answers,
		    percent_text(dur2, sizeof(dur2), REPORT_HTML_SLA_TARGET));
		g_string_append_printf(desc, " Weekly median first response from %s to %s.",
		    duration_text(dur, sizeof(dur), mlo), duration_text(dur2, sizeof(dur2), mhi));
		g_free(wlo);
		g_free(whi);
	}
	g_string_append(out, "<figure id=\"chart-sla\">\n<div class=\"chart-wrap\">\n");
	svg_begin(out, "chart-sla-svg", W, H, "First responses within SLA, per week", desc->str);

	/* Legend: colour is never alone, the target line and the table say it too. */
	svg_rect(out, LEFT, 8, 10, 10, COLOUR_BLUE, NULL);
	svg_text(out, LEFT + 14, 17, "start", "", "met the target");
	svg_rect(out, LEFT + 110, 8, 10, 10, COLOUR_ORANGE, NULL);
	svg_text(out, LEFT + 124, 17, "start", "", "below the target");
	svg_line(out, LEFT + 234, 13, LEFT + 256, 13,
	    "stroke=\"" COLOUR_INK "\" stroke-width=\"2\"");
	svg_text(out, LEFT + 260, 17, "start", "", "weekly median");
	svg_line(out, LEFT + 352, 13, LEFT + 374, 13,
	    "stroke=\"" COLOUR_MUTED "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
	svg_text(out, LEFT + 378, 17, "start", "", "period median");

	/* Top panel: the share within SLA, on a full 0-100% axis. */
	svg_text(out, LEFT, TOP1 - 10, "start", "font-weight=\"600\" fill=\"" COLOUR_INK "\"",
	    "Answered within SLA");
	svg_value_axis(out, LEFT, W - RIGHT, y1, H1, 100, 25, 1, "%");
	for (guint i = 0; i < n; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);
		char *week = field_dup(w->week, sizeof(w->week));
		double x = LEFT + i * slot;

		if (MISSING(w->within_sla)) {
			g_string_printf(tip, "%s: no answered tickets", week);
			svg_text(out, x + slot / 2, y1 - 4, "middle", "", "\xe2\x80\x93");
		} else {
			double share = MIN(w->within_sla, 1.0), bh = share * H1;

			g_string_printf(tip, "%s: %s within SLA (%ld answered)", week,
			    share_text(pct, sizeof(pct), share), w->answered);
			svg_rect(out, x + slot * 0.15, y1 - bh, MAX(slot * 0.7, 1), bh,
			    share >= REPORT_HTML_SLA_TARGET ? COLOUR_BLUE : COLOUR_ORANGE, tip->str);
		}
		g_free(week);
	}
	svg_line(out, LEFT, y1 - REPORT_HTML_SLA_TARGET * H1, W - RIGHT,
	    y1 - REPORT_HTML_SLA_TARGET * H1,
	    "stroke=\"" COLOUR_INK "\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"");
	g_string_printf(tip, "target %s", percent_text(pct, sizeof(pct), REPORT_HTML_SLA_TARGET));
	svg_text(out, W - RIGHT + 4, y1 - REPORT_HTML_SLA_TARGET * H1 + 4, "start",
	    "fill=\"" COLOUR_INK "\"", tip->str);

	/* Bottom panel: the weekly median, broken where a week had no answers. */
	svg_text(out, LEFT, TOP2 - 10, "start", "font-weight=\"600\" fill=\"" COLOUR_INK "\"",
	    "Median first response");
	if (max_median <= 0)
		max_median = 3600;	/* nothing answered: an hour's scale, not a fraction of a minute */
	unit = time_unit_for(max_median);
	step = nice_step(max_median / unit.seconds, 4, false);
	top = nice_top(max_median / unit.seconds, step);
	svg_value_axis(out, LEFT, W - RIGHT, y2, H2, top, step, 1, unit.suffix);
	for (guint i = 0; i < n; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);

		if (MISSING(w->median)) {
			pen_down = false;
			continue;
		}
		g_string_append_c(path, pen_down ? 'L' : 'M');
		num(path, LEFT + (i + 0.5) * slot);
		g_string_append_c(path, ' ');
		num(path, y2 - w->median / unit.seconds / top * H2);
		g_string_append_c(path, ' ');
		pen_down = true;
	}
	if (path->len > 0)
		g_string_append_printf(out, "<path d=\"%s\" fill=\"none\" stroke=\"" COLOUR_INK "\""
		    " stroke-width=\"2\" stroke-linejoin=\"round\"/>\n", g_strchomp(path->str));
	for (guint i = 0; i < n; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);
		char *week;

		if (MISSING(w->median))
			continue;
		week = field_dup(w->week, sizeof(w->week));
		g_string_append(out, "<circle cx=\"");
		num(out, LEFT + (i + 0.5) * slot);
		g_string_append(out, "\" cy=\"");
		num(out, y2 - w->median / unit.seconds / top * H2);
		g_string_append(out, "\" r=\"3.5\" fill=\"" COLOUR_INK "\"><title>");
		g_string_printf(tip, "%s: median first response %s", week,
		    duration_text(dur, sizeof(dur), w->median));
		esc(out, tip->str);
		g_string_append(out, "</title></circle>\n");
		g_free(week);
	}
	if (!MISSING(report->total.median)) {
		double y = y2 - report->total.median / unit.seconds / top * H2;

		svg_line(out, LEFT, y, W - RIGHT, y, "stroke=\"" COLOUR_MUTED "\" stroke-width=\"1.5\""
		    " stroke-dasharray=\"4 3\"");
		svg_text(out, W - RIGHT + 4, y + 4, "start", "",
		    duration_text(dur, sizeof(dur), report->total.median));
	}
	if (n == 0) {
		svg_text(out, LEFT + pw / 2, TOP1 + H1 / 2, "middle", "", "No weeks in the period");
		svg_text(out, LEFT + pw / 2, TOP2 + H2 / 2, "middle", "", "No weeks in the period");
	} else {
		svg_week_labels(out, weeks, LEFT, slot, LABELS);
	}
	svg_end(out);
	g_string_printf(tip, "</div>\n<figcaption>Each week's share of answered tickets that "
	    "got a first human answer within the promised time, against the target of %s "
	    "(dashed); below, each week's median first response and, dashed, the median of the "
	    "whole period. A week without answers has no bar and no point.</figcaption>\n"
	    "</figure>\n", percent_text(pct, sizeof(pct), REPORT_HTML_SLA_TARGET));
	g_string_append(out, tip->str);
	g_string_free(desc, TRUE);
	g_string_free(tip, TRUE);
	g_string_free(path, TRUE);
}

static void
table_sla(GString *out, const struct report *report)
{
	const GArray *weeks = report->weeks;
	char pct[16], dur[32];

	g_string_append(out, "<div class=\"table-wrap\"><table id=\"table-sla\">\n"
	    "<caption>First responses per week</caption>\n"
	    "<thead><tr><th scope=\"col\">Week</th><th scope=\"col\" class=\"n\">Tickets</th>"
	    "<th scope=\"col\" class=\"n\">Answered</th>"
	    "<th scope=\"col\" class=\"n\">Within SLA</th>"
	    "<th scope=\"col\" class=\"n\">Median first response</th></tr></thead>\n<tbody>\n");
	if (weeks == NULL || weeks->len == 0)
		g_string_append(out, "<tr><td colspan=\"5\">No weeks in the period.</td></tr>\n");
	for (guint i = 0; weeks != NULL && i < weeks->len; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);
		char *week = field_dup(w->week, sizeof(w->week));

		g_string_append(out, "<tr><th scope=\"row\">");
		esc(out, week);
		g_string_append_printf(out, "</th><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
		    "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n", w->tickets, w->answered,
		    share_text(pct, sizeof(pct), w->within_sla),
		    duration_text(dur, sizeof(dur), w->median));
		g_free(week);
	}
	g_string_append(out, "</tbody>\n</table></div>\n");
}

/* ---- chart 3: backlog per week -------------------------------------------------- */

static void
chart_backlog(GString *out, const struct report *report)
{
	enum { W = 720, H = 260, LEFT = 56, RIGHT = 24, TOP = 24, BOTTOM = 40 };
	const GArray *weeks = report->weeks;
	const guint n = weeks != NULL ? weeks->len : 0;
	const double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM, y0 = H - BOTTOM;
	const double slot = n > 0 ? pw / n : pw;
	GString *desc = g_string_new(NULL), *line = g_string_new(NULL), *tip = g_string_new(NULL);
	long max = 0, min = -1;
	guint max_i = 0, min_i = 0;
	double step, top;

	for (guint i = 0; i < n; i++) {
		long b = MAX(g_array_index(weeks, struct report_week, i).backlog, 0);

		if (b > max || i == 0)
			max = b, max_i = i;
		if (min < 0 || b < min)
			min = b, min_i = i;
	}
	if (n == 0) {
		g_string_printf(desc, "No weeks in the period. Unresolved now: %ld.",
		    MAX(report->backlog_now, 0));
	} else {
		const struct report_week *last = &g_array_index(weeks, struct report_week, n - 1);
		char *wmin = week_name(weeks, min_i);
		char *wmax = week_name(weeks, max_i);
		char *wlast = field_dup(last->week, sizeof(last->week));

		g_string_printf(desc, "Unresolved tickets at the end of each week, %u weeks: from %ld "
		    "(%s) to %ld (%s); %ld at the end of %s. Unresolved now: %ld.", n, min, wmin, max,
		    wmax, MAX(last->backlog, 0), wlast, MAX(report->backlog_now, 0));
		g_free(wmin);
		g_free(wmax);
		g_free(wlast);
	}
	step = nice_step((double)max, 4, true);
	top = nice_top((double)max, step);

	g_string_append(out, "<figure id=\"chart-backlog\">\n<div class=\"chart-wrap\">\n");
	svg_begin(out, "chart-backlog-svg", W, H, "Backlog at the end of each week", desc->str);
	svg_value_axis(out, LEFT, W - RIGHT, y0, ph, top, step, 1, "");
	for (guint i = 0; i < n; i++) {
		long b = MAX(g_array_index(weeks, struct report_week, i).backlog, 0);

		g_string_append_c(line, i == 0 ? 'M' : 'L');
		num(line, LEFT + (i + 0.5) * slot);
		g_string_append_c(line, ' ');
		num(line, y0 - b / top * ph);
		g_string_append_c(line, ' ');
	}
	if (n > 0) {
		/* The area under the line, closed along the axis. */
		g_string_append(out, "<path d=\"");
		g_string_append(out, line->str);
		g_string_append(out, "L");
		num(out, LEFT + (n - 0.5) * slot);
		g_string_append(out, " ");
		num(out, y0);
		g_string_append(out, " L");
		num(out, LEFT + 0.5 * slot);
		g_string_append(out, " ");
		num(out, y0);
		g_string_append(out, " Z\" fill=\"" COLOUR_SKY "\" fill-opacity=\"0.35\" stroke=\"none\"/>\n");
		g_string_append_printf(out, "<path d=\"%s\" fill=\"none\" stroke=\"" COLOUR_BLUE "\""
		    " stroke-width=\"2\" stroke-linejoin=\"round\"/>\n", g_strchomp(line->str));
	}
	for (guint i = 0; i < n; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);
		char *week = field_dup(w->week, sizeof(w->week));
		long b = MAX(w->backlog, 0);
		double x = LEFT + (i + 0.5) * slot, y = y0 - b / top * ph;

		g_string_append(out, "<circle cx=\"");
		num(out, x);
		g_string_append(out, "\" cy=\"");
		num(out, y);
		g_string_append(out, "\" r=\"3\" fill=\"" COLOUR_BLUE "\"><title>");
		g_string_printf(tip, "%s: %ld unresolved at the end of the week", week, b);
		esc(out, tip->str);
		g_string_append(out, "</title></circle>\n");
		/* Label the last week and the highest: the two numbers people ask for. */
		if (i == n - 1 || i == max_i) {
			g_string_printf(tip, "%ld", b);
			svg_text(out, x, y - 7, "middle", "font-weight=\"600\" fill=\"" COLOUR_INK "\"",
			    tip->str);
		}
		g_free(week);
	}
	if (n == 0)
		svg_text(out, LEFT + pw / 2, TOP + ph / 2, "middle", "", "No weeks in the period");
	else
		svg_week_labels(out, weeks, LEFT, slot, y0 + 18);
	svg_end(out);
	g_string_printf(tip, "</div>\n<figcaption>Tickets received up to the end of each week and "
	    "still unresolved then. Unresolved now, whenever received: %ld.</figcaption>\n"
	    "</figure>\n", MAX(report->backlog_now, 0));
	g_string_append(out, tip->str);
	g_string_free(desc, TRUE);
	g_string_free(line, TRUE);
	g_string_free(tip, TRUE);
}

static void
table_backlog(GString *out, const struct report *report)
{
	const GArray *weeks = report->weeks;

	g_string_append(out, "<div class=\"table-wrap\"><table id=\"table-backlog\">\n"
	    "<caption>Backlog per week</caption>\n"
	    "<thead><tr><th scope=\"col\">Week</th><th scope=\"col\" class=\"n\">Received</th>"
	    "<th scope=\"col\" class=\"n\">Unresolved at week end</th></tr></thead>\n<tbody>\n");
	if (weeks == NULL || weeks->len == 0)
		g_string_append(out, "<tr><td colspan=\"3\">No weeks in the period.</td></tr>\n");
	for (guint i = 0; weeks != NULL && i < weeks->len; i++) {
		const struct report_week *w = &g_array_index(weeks, struct report_week, i);
		char *week = field_dup(w->week, sizeof(w->week));

		g_string_append(out, "<tr><th scope=\"row\">");
		esc(out, week);
		g_string_append_printf(out, "</th><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
		    "</tr>\n", w->tickets, MAX(w->backlog, 0));
		g_free(week);
	}
	g_string_append(out, "</tbody>\n</table></div>\n");
}

/* ---- chart 4: tickets per group --------------------------------------------------- */

static void
chart_groups(GString *out, const struct report *report)
{
	enum { W = 720, LABEL_RIGHT = 176, LEFT = 184, RIGHT = 56, TOP = 34, BOTTOM = 28 };
	enum { BAR = 9, GAP = 1, ROW = 3 * BAR + 2 * GAP + 13 };
	static const struct {
		const char *name, *colour;
	} series[] = {
		{ "tickets", COLOUR_GREY },
		{ "answered", COLOUR_BLUE },
		{ "complaints", COLOUR_VERMILLION },
	};
	const GPtrArray *rows = report->rows;
	const guint n = rows != NULL ? rows->len : 0;
	const guint drawn = MIN(n, REPORT_HTML_CHART_GROUPS_MAX);
	const unsigned by = by_index(report->by);
	const double pw = W - LEFT - RIGHT;
	const int note = drawn < n ? 18 : 0;
	const int height = TOP + (int)MAX(drawn, 1) * ROW + BOTTOM + note;
	GString *desc = g_string_new(NULL), *tip = g_string_new(NULL);
	long max = 0;
	guint max_i = 0;
	double step, top;

	for (guint i = 0; i < n; i++) {
		const struct report_row *r = rows->pdata[i];

		if (r->tickets > max)
			max = r->tickets, max_i = i;
	}
	if (n == 0) {
		g_string_assign(desc, "No tickets in the period.");
	} else {
		const struct report_row *r = rows->pdata[max_i];

		g_string_printf(desc, "Tickets received, answered and complaints per %s, %u groups"
		    "%s. Most tickets: %s (%ld received, %ld answered, %ld complaints).",
		    by_names[by].noun, n, drawn < n ? " (the chart shows the first ones)" : "",
		    r->group != NULL ? r->group : "", MAX(r->tickets, 0), MAX(r->answered, 0),
		    MAX(r->complaints, 0));
	}
	step = nice_step((double)max, 5, true);
	top = nice_top((double)max, step);

	g_string_append(out, "<figure id=\"chart-groups\">\n<div class=\"chart-wrap\">\n");
	g_string_printf(tip, "Tickets per %s", by_names[by].noun);
	svg_begin(out, "chart-groups-svg", W, height, tip->str, desc->str);
	for (size_t s = 0; s < G_N_ELEMENTS(series); s++) {
		svg_rect(out, LEFT + s * 110, 8, 10, 10, series[s].colour, NULL);
		svg_text(out, LEFT + s * 110 + 14, 17, "start", "", series[s].name);
	}
	/* Vertical grid with its labels under the last row. */
	for (int i = 0; i * step <= top + step * 1e-6; i++) {
		double x = LEFT + i * step / top * pw;

		svg_line(out, x, TOP - 4, x, TOP + MAX(drawn, 1) * ROW - 6, i == 0 ?
		    "stroke=\"" COLOUR_MUTED "\" stroke-width=\"1\"" :
		    "stroke=\"" COLOUR_RULE "\" stroke-width=\"1\"");
		g_string_printf(tip, "%ld", (long)(i * step));
		svg_text(out, x, TOP + MAX(drawn, 1) * ROW + 8, "middle", "", tip->str);
	}
	for (guint i = 0; i < drawn; i++) {
		const struct report_row *r = rows->pdata[i];
		const long values[3] = { MAX(r->tickets, 0), MAX(r->answered, 0),
		    MAX(r->complaints, 0) };
		const double y = TOP + i * ROW;
		char *label = label_cut(r->group);

		g_string_append(out, "<g><title>");
		g_string_printf(tip, "%s: %ld tickets, %ld answered, %ld complaints",
		    r->group != NULL ? r->group : "", values[0], values[1], values[2]);
		esc(out, tip->str);
		g_string_append(out, "</title>\n");
		svg_text(out, LABEL_RIGHT, y + 1.5 * BAR + GAP + 4, "end",
		    "font-size=\"12\" fill=\"" COLOUR_INK "\"", label);
		for (int s = 0; s < 3; s++) {
			double bar_y = y + s * (BAR + GAP), w = values[s] / top * pw;

			svg_rect(out, LEFT, bar_y, w, BAR, series[s].colour, NULL);
			g_string_printf(tip, "%ld", values[s]);
			svg_text(out, LEFT + w + 3, bar_y + BAR - 1, "start", "font-size=\"9\"",
			    tip->str);
		}
		g_string_append(out, "</g>\n");
		g_free(label);
	}
	if (n == 0)
		svg_text(out, LEFT + pw / 2, TOP + ROW / 2.0 + 2, "middle", "",
		    "No tickets in the period");
	if (note) {
		g_string_printf(tip, "The first %u of %u groups; the table lists all.", drawn, n);
		svg_text(out, LEFT, height - 6, "start", "font-style=\"italic\"", tip->str);
	}
	svg_end(out);
	g_string_printf(tip, "</div>\n<figcaption>Tickets received in the period per %s, how many "
	    "of them got a first response, and how many were complaints.</figcaption>\n"
	    "</figure>\n", by_names[by].noun);
	g_string_append(out, tip->str);
	g_string_free(desc, TRUE);
	g_string_free(tip, TRUE);
}

/* One row of the per-group table, its name in a row header. */
static void
table_groups_row(GString *out, const char *name, const struct report_row *r)
{
	char a[32], b[32], c[32], d[32], e[16], f[16];

	g_string_append(out, "<tr><th scope=\"row\">");
	esc(out, name);
	g_string_append_printf(out, "</th><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
	    "<td class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%s</td>"
	    "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
	    "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n", r->tickets, r->complaints,
	    r->answered, r->open, duration_text(a, sizeof(a), r->median),
	    duration_text(b, sizeof(b), r->p90), duration_text(c, sizeof(c), r->p95),
	    duration_text(d, sizeof(d), r->max), share_text(e, sizeof(e), r->within_sla),
	    share_text(f, sizeof(f), r->within_half_sla));
}

static void
table_groups(GString *out, const struct report *report)
{
	const GPtrArray *rows = report->rows;

	g_string_append_printf(out, "<div class=\"table-wrap\"><table id=\"table-groups\">\n"
	    "<caption>Tickets and first response times per %s</caption>\n"
	    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\" class=\"n\">Tickets</th>"
	    "<th scope=\"col\" class=\"n\">Complaints</th>"
	    "<th scope=\"col\" class=\"n\">Answered</th><th scope=\"col\" class=\"n\">Open</th>"
	    "<th scope=\"col\" class=\"n\">Median</th><th scope=\"col\" class=\"n\">p90</th>"
	    "<th scope=\"col\" class=\"n\">p95</th><th scope=\"col\" class=\"n\">Max</th>"
	    "<th scope=\"col\" class=\"n\">Within SLA</th>"
	    "<th scope=\"col\" class=\"n\">Within half SLA</th></tr></thead>\n<tbody>\n",
	    by_names[by_index(report->by)].noun, by_names[by_index(report->by)].heading);
	if (rows == NULL || rows->len == 0)
		g_string_append(out, "<tr><td colspan=\"11\">No tickets in the period.</td></tr>\n");
	for (guint i = 0; rows != NULL && i < rows->len; i++) {
		const struct report_row *r = rows->pdata[i];

		table_groups_row(out, r->group != NULL ? r->group : "", r);
	}
	g_string_append(out, "</tbody>\n<tfoot>\n");
	table_groups_row(out, "All tickets", &report->total);
	g_string_append(out, "</tfoot>\n</table></div>\n");
}

/* ---- the page ----------------------------------------------------------------- */

/* No '<' and no '&' in here: the page must stay well-formed XML. */
static const char page_css[] =
	":root { color-scheme: light; --ink: " COLOUR_INK "; --muted: " COLOUR_MUTED ";"
	" --rule: " COLOUR_RULE "; }\n"
	"* { box-sizing: border-box; }\n"
	"body { margin: 0; color: var(--ink); background: #fff;"
	" font: 16px/1.5 system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif; }\n"
	"main { max-width: 60rem; margin: 0 auto; padding: 1rem; }\n"
	"h1 { font-size: 1.6rem; line-height: 1.2; margin: .5rem 0 .25rem; }\n"
	"h2 { font-size: 1.2rem; margin: 2.5rem 0 .5rem; padding-bottom: .2rem;"
	" border-bottom: 1px solid var(--rule); }\n"
	".period { color: var(--muted); margin: 0 0 1rem; }\n"
	".figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr));"
	" gap: .5rem; margin: 1rem 0; }\n"
	".figures div { border: 1px solid var(--rule); border-radius: 4px; padding: .4rem .7rem; }\n"
	".figures dt { font-size: .8rem; color: var(--muted); }\n"
	".figures dd { margin: 0; font-size: 1.3rem; font-weight: 600;"
	" font-variant-numeric: tabular-nums; }\n"
	".figures dd small { display: block; font-size: .75rem; font-weight: 400;"
	" color: var(--muted); }\n"
	".verdict { font-weight: 600; }\n"
	".verdict.steady { color: #00603f; }\n"
	".verdict.uneven { color: #a33a00; }\n"
	"figure { margin: 1rem 0 .5rem; }\n"
	"figcaption { color: var(--muted); font-size: .9rem; margin-top: .25rem; }\n"
	"svg.chart { display: block; width: 100%; height: auto; }\n"
	".multiples { display: grid; grid-template-columns: repeat(auto-fit, minmax(19rem, 1fr));"
	" gap: .75rem 1.5rem; }\n"
	/* Wide charts keep their text legible on a phone: scroll rather than shrink. */
	".chart-wrap { overflow-x: auto; }\n"
	".chart-wrap svg.chart { min-width: 34rem; }\n"
	".table-wrap { overflow-x: auto; }\n"
	"table { border-collapse: collapse; font-size: .8rem; margin: .5rem 0 1rem; }\n"
	"caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }\n"
	"th, td { padding: .2rem .45rem; border-bottom: 1px solid var(--rule); text-align: left;"
	" vertical-align: top; }\n"
	"thead th { border-bottom: 2px solid var(--ink); }\n"
	/* Long names wrap rather than squeeze the numbers off the page. */
	"tbody th, tfoot th { font-weight: 400; min-width: 6rem; max-width: 16rem;"
	" overflow-wrap: break-word; }\n"
	".n { text-align: right; font-variant-numeric: tabular-nums; }\n"
	"td.n { white-space: nowrap; }\n"
	"tfoot th, tfoot td { font-weight: 600; border-top: 2px solid var(--ink); }\n"
	"footer { color: var(--muted); font-size: .85rem; margin-top: 2.5rem;"
	" border-top: 1px solid var(--rule); }\n"
	"@page { margin: 14mm; }\n"
	"@media print {\n"
	"  body { font-size: 10pt; }\n"
	"  main { max-width: none; padding: 0; }\n"
	"  h2 { break-after: avoid; }\n"
	"  figure, table, .figures div { break-inside: avoid; }\n"
	"  .chart-wrap, .table-wrap { overflow: visible; }\n"
	"  .chart-wrap svg.chart { min-width: 0; }\n"
	"  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
	"}\n";

/* Appends a Unix time as "YYYY-MM-DD" at midnight UTC, else with the time. */
static void
append_time(GString *out, gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s;

	if (dt == NULL) {
		g_string_append_printf(out, "%" G_GINT64_FORMAT, t);
		return;
	}
	s = g_date_time_format(dt, t % 86400 == 0 ? "%Y-%m-%d" : "%Y-%m-%d %H:%M");
	g_string_append(out, s != NULL ? s : "?");
	g_free(s);
	g_date_time_unref(dt);
}

static void
page_period(GString *out, const struct report *report)
{
	g_string_append(out, "<p class=\"period\">Tickets received ");
	if (report->until <= report->since) {
		g_string_append(out, "in an empty period");
	} else {
		g_string_append(out, "from ");
		append_time(out, report->since);
		g_string_append(out, " to ");
		/* until is exclusive: a period ending at midnight ends on the day before. */
		if (report->until % 86400 == 0)
			append_time(out, report->until - 86400);
		else
			append_time(out, report->until);
		g_string_append(out, report->until % 86400 == 0 ? " inclusive" : " (exclusive)");
	}
	g_string_append_printf(out, ", UTC; grouped by %s.</p>\n",
	    report->by == REPORT_BY_NONE ? "nothing" : by_names[by_index(report->by)].noun);
}

static void
figure_item(GString *out, const char *name, const char *value, const char *note)
{
	g_string_append(out, "<div><dt>");
	esc(out, name);
	g_string_append(out, "</dt><dd>");
	esc(out, value);
	if (note != NULL) {
		g_string_append(out, "<small>");
		esc(out, note);
		g_string_append(out, "</small>");
	}
	g_string_append(out, "</dd></div>\n");
}

static void
page_summary(GString *out, const struct report *report)
{
	const struct report_row *t = &report->total;
	char value[32], note[64], pct[16];
	double cv = report->weekly_median_cv;

	g_string_append(out, "<section aria-labelledby=\"h-summary\">\n"
	    "<h2 id=\"h-summary\">Summary</h2>\n<dl class=\"figures\" id=\"figures\">\n");
	snprintf(value, sizeof(value), "%ld", MAX(t->tickets, 0));
	figure_item(out, "Tickets", value, NULL);
	snprintf(value, sizeof(value), "%ld", MAX(t->complaints, 0));
	figure_item(out, "Complaints", value, NULL);
	snprintf(value, sizeof(value), "%ld", MAX(t->answered, 0));
	figure_item(out, "Answered", value, NULL);
	snprintf(value, sizeof(value), "%ld", MAX(t->open, 0));
	figure_item(out, "Still open", value, NULL);
	figure_item(out, "Median first response", duration_text(value, sizeof(value), t->median),
	    NULL);
	figure_item(out, "90th percentile", duration_text(value, sizeof(value), t->p90),
	    "9 in 10 answered by then");
	figure_item(out, "95th percentile", duration_text(value, sizeof(value), t->p95), NULL);
	snprintf(note, sizeof(note), "target %s", percent_text(pct, sizeof(pct),
	    REPORT_HTML_SLA_TARGET));
	figure_item(out, "Within SLA", share_text(value, sizeof(value), t->within_sla), note);
	figure_item(out, "Within half SLA", share_text(value, sizeof(value), t->within_half_sla),
	    "expectations exceeded");
	snprintf(value, sizeof(value), "%ld", MAX(report->backlog_now, 0));
	figure_item(out, "Unresolved now", value, "whenever received");
	g_string_append(out, "</dl>\n<p id=\"consistency\">");
	if (MISSING(cv)) {
		g_string_append(out, "<span class=\"verdict\">Consistency: not enough data.</span> "
		    "Judging how steady first responses are takes at least two weeks with answered "
		    "tickets.");
	} else {
		bool steady = cv < CV_STEADY;
		char cv_text[G_ASCII_DTOSTR_BUF_SIZE], steady_text[G_ASCII_DTOSTR_BUF_SIZE];

		g_ascii_formatd(cv_text, sizeof(cv_text), "%.2f", cv);
		g_ascii_formatd(steady_text, sizeof(steady_text), "%.2f", CV_STEADY);
		g_string_append_printf(out, "<span class=\"verdict %s\">Consistency: %s.</span> "
		    "Week to week, the median first response varied by about %s of its average "
		    "(coefficient of variation %s, over the weeks with answers; lower is steadier). "
		    "Below %s reads as steady: customers who can count on the same service every "
		    "week trust it more than one that is sometimes fast.", steady ? "steady" : "uneven",
		    steady ? "steady" : "uneven", percent_text(pct, sizeof(pct), cv), cv_text,
		    steady_text);
	}
	g_string_append(out, "</p>\n</section>\n");
}

static void
page_section(GString *out, const char *id, const char *heading)
{
	g_string_append_printf(out, "<section aria-labelledby=\"%s\">\n<h2 id=\"%s\">", id, id);
	esc(out, heading);
	g_string_append(out, "</h2>\n");
}

static void
page_footer(GString *out)
{
	g_string_append(out, "<footer>\n<p>First response time runs from a ticket's arrival to "
	    "the first human answer; only answered tickets count. Percentiles use the "
	    "nearest-rank method: the 90th percentile is the time by which 9 in 10 answered "
	    "tickets had their answer. <em>Within SLA</em>: answered by the promised time; "
	    "<em>within half SLA</em>: in half of it. A dash means there is nothing to measure "
	    "(no answered tickets).</p>\n<p>Made by triage-milter. This page loads nothing from "
	    "anywhere: it can be mailed, archived and printed as it is.</p>\n</footer>\n");
}

/* Builds the whole page. */
static GString *
page_build(const struct report *report, const struct report_histogram *histograms,
    const char *title)
{
	GString *out = g_string_sized_new(64 * 1024);
	char *heading;

	if (title == NULL)
		title = "Support report";
	g_string_append(out, "<!DOCTYPE html>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\"/>\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	    /* Even an escaping bug could not run a script or fetch anything. */
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\"/>\n"
	    "<meta name=\"generator\" content=\"triage-milter\"/>\n<title>");
	esc(out, title);
	g_string_append(out, "</title>\n<style>\n");
	g_string_append(out, page_css);
	g_string_append(out, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
	esc(out, title);
	g_string_append(out, "</h1>\n");
	page_period(out, report);
	g_string_append(out, "</header>\n");

	page_summary(out, report);

	page_section(out, "h-response", "First response time by urgency");
	chart_response(out, histograms);
	table_response(out, histograms);
	g_string_append(out, "</section>\n");

	page_section(out, "h-sla", "Within SLA, week by week");
	chart_sla(out, report);
	table_sla(out, report);
	g_string_append(out, "</section>\n");

	page_section(out, "h-backlog", "Backlog");
	chart_backlog(out, report);
	table_backlog(out, report);
	g_string_append(out, "</section>\n");

	heading = g_strdup_printf("Tickets by %s", report->by == REPORT_BY_NONE ? "group" :
	    by_names[by_index(report->by)].noun);
	page_section(out, "h-groups", heading);
	g_free(heading);
	chart_groups(out, report);
	table_groups(out, report);
	g_string_append(out, "</section>\n");

	page_footer(out);
	g_string_append(out, "</main>\n</body>\n</html>\n");
	return out;
}

int
report_html_write(FILE *out, const struct report *report,
    const struct report_histogram histograms[4], const char *title, GError **error)
{
	GString *page = page_build(report, histograms, title);
	int rc = 0, saved;

	errno = 0;
	if (fwrite(page->str, 1, page->len, out) != page->len || fflush(out) != 0) {
		saved = errno != 0 ? errno : EIO;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
		    "cannot write the HTML report: %s", g_strerror(saved));
		errno = saved;
		rc = -1;
	}
	g_string_free(page, TRUE);
	return rc;
}
