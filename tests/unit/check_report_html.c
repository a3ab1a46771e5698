/*
 * check_report_html.c - unit tests for the HTML report page (cli/report_html.c),
 * from reports built by hand here: the page parses as XML (and so does each
 * <svg> on its own), has the four charts, its tables carry the numbers it was
 * given, database strings come out inert, drawings hold only finite numbers,
 * and empty periods render. Links only report_html.c, GLib, libxml2 and Check.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "report_html.h"
#include "check_run.h"

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define SVG_NS "http://www.w3.org/2000/svg"

/* ---- building reports -------------------------------------------------------- */

static void
row_free(gpointer p)
{
	struct report_row *row = p;

	g_free(row->group);
	g_free(row);
}

static struct report_row *
row_add(struct report *r, const char *group, long tickets, long complaints, long answered,
    double median)
{
	struct report_row *row = g_new0(struct report_row, 1);

	row->group = g_strdup(group);
	row->tickets = tickets;
	row->complaints = complaints;
	row->answered = answered;
	row->open = tickets - answered;
	row->median = median;
	row->p90 = answered > 0 ? median * 3 : -1;
	row->p95 = answered > 0 ? median * 4 : -1;
	row->max = answered > 0 ? median * 10 : -1;
	row->within_sla = answered > 0 ? 0.9 : -1;
	row->within_half_sla = answered > 0 ? 0.5 : -1;
	g_ptr_array_add(r->rows, row);
	return row;
}

static void
week_add(struct report *r, const char *name, long tickets, long answered, double median,
    double within_sla, long backlog)
{
	struct report_week w = { .tickets = tickets, .answered = answered, .median = median,
	    .within_sla = within_sla, .backlog = backlog };

	g_strlcpy(w.week, name, sizeof(w.week));
	g_array_append_val(r->weeks, w);
}

/* An empty report: no rows, no weeks, every figure missing. */
static void
report_init(struct report *r, enum report_by by)
{
	memset(r, 0, sizeof(*r));
	r->since = 1709510400;		/* 2024-03-04 00:00 UTC, a Monday */
	r->until = r->since + 28 * 86400;
	r->by = by;
	r->rows = g_ptr_array_new_with_free_func(row_free);
	r->weeks = g_array_new(FALSE, TRUE, sizeof(struct report_week));
	r->total = (struct report_row){ .group = (char *)"all", .median = -1, .p90 = -1,
	    .p95 = -1, .max = -1, .within_sla = -1, .within_half_sla = -1 };
	r->weekly_median_cv = -1;
}

static void
report_clear(struct report *r)
{
	g_ptr_array_free(r->rows, TRUE);
	g_array_free(r->weeks, TRUE);
}

static void
histograms_init(struct report_histogram h[4])
{
	static const char *const names[4] = { "critical", "high", "normal", "low" };

	memset(h, 0, 4 * sizeof(*h));
	for (int i = 0; i < 4; i++)
		g_strlcpy(h[i].urgency, names[i], sizeof(h[i].urgency));
}

/* Four weeks by topic, with answers in all but the third week. */
static void
report_sample(struct report *r, struct report_histogram h[4])
{
	static const long buckets[4][7] = {
		{ 5, 3, 1, 0, 0, 0, 0 },
		{ 2, 6, 4, 1, 0, 0, 0 },
		{ 1, 4, 9, 7, 5, 2, 1 },
		{ 0, 1, 2, 3, 4, 2, 0 },
	};

	report_init(r, REPORT_BY_TOPIC);
	row_add(r, "billing", 30, 7, 28, 5400);
	row_add(r, "delivery", 21, 12, 19, 200000);
	row_add(r, "login", 12, 0, 11, 42);
	r->total = (struct report_row){ .group = (char *)"all", .tickets = 63, .complaints = 19,
	    .answered = 58, .open = 5, .median = 7200, .p90 = 36000, .p95 = 90000,
	    .max = 260000, .within_sla = 0.923, .within_half_sla = 0.5 };
	week_add(r, "2024-W10", 18, 17, 3600, 0.95, 3);
	week_add(r, "2024-W11", 20, 19, 9000, 0.8, 6);
	week_add(r, "2024-W12", 4, 0, -1, -1, 9);
	week_add(r, "2024-W13", 21, 22, 4000, 1.0, 2);
	r->weekly_median_cv = 0.12;
	r->backlog_now = 4;
	histograms_init(h);
	for (int i = 0; i < 4; i++)
		memcpy(h[i].buckets, buckets[i], sizeof(buckets[i]));
}

/* ---- rendering and reading back ---------------------------------------------------- */

/* Renders to memory; the page is NUL-terminated and the caller's. */
static char *
render(const struct report *r, const struct report_histogram *h, const char *title)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	GError *error = NULL;
	int rc;

	ck_assert_ptr_nonnull(out);
	rc = report_html_write(out, r, h, title, &error);
	ck_assert_msg(rc == 0, "report_html_write: %s", error != NULL ? error->message : "?");
	ck_assert_ptr_null(error);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_uint_eq(strlen(buf), len);	/* no NUL inside */
	return buf;
}

static xmlDocPtr
parse(const char *text, const char *name)
{
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), name, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	const xmlError *e = xmlGetLastError();

	ck_assert_msg(doc != NULL, "%s does not parse as XML: line %d: %s", name,
	    e != NULL ? e->line : 0, e != NULL && e->message != NULL ? e->message : "?");
	return doc;
}

/* The string value of an XPath expression; prefixes h (XHTML) and s (SVG). */
static char *
xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj;
	char *wrapped = g_strdup_printf("string(%s)", expr), *s;

	xmlXPathRegisterNs(ctx, BAD_CAST "h", BAD_CAST XHTML_NS);
	xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST SVG_NS);
	obj = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
	ck_assert_msg(obj != NULL, "bad XPath %s", expr);
	s = g_strdup(obj->stringval != NULL ? (const char *)obj->stringval : "");
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(ctx);
	g_free(wrapped);
	return s;
}

static long
xpath_count(xmlDocPtr doc, const char *expr)
{
	char *wrapped = g_strdup_printf("count(%s)", expr);
	char *s = xpath_string(doc, wrapped);
	long n = strtol(s, NULL, 10);

	g_free(wrapped);
	g_free(s);
	return n;
}

#define ck_xpath_eq(doc, expr, want) do { \
	char *got_ = xpath_string((doc), (expr)); \
	ck_assert_msg(strcmp(got_, (want)) == 0, "%s: got \"%s\", want \"%s\"", (expr), got_, \
	    (want)); \
	g_free(got_); \
} while (0)

/* Whether text holds needle (lower case), in any case. */
static bool
contains_ci(const char *text, const char *needle)
{
	char *lower = g_ascii_strdown(text, -1);
	bool found = strstr(lower, needle) != NULL;

	g_free(lower);
	return found;
}

/* Every "<svg ...>...</svg>" block of the page, as copies, in order. */
static GPtrArray *
svg_blocks(const char *page)
{
	GPtrArray *blocks = g_ptr_array_new_with_free_func(g_free);
	const char *p = page, *end;

	while ((p = strstr(p, "<svg")) != NULL) {
		end = strstr(p, "</svg>");
		ck_assert_msg(end != NULL, "an <svg> is not closed");
		end += strlen("</svg>");
		g_ptr_array_add(blocks, g_strndup(p, end - p));
		p = end;
	}
	return blocks;
}

/* Whether s is a list of finite numbers separated by spaces, commas or path commands. */
static bool
numbers_ok(const char *s, bool path, bool non_negative)
{
	const char *p = s;
	int count = 0;

	while (*p != '\0') {
		char *end;
		double v;

		if (*p == ' ' || *p == ',' || (path && strchr("MLZ", *p) != NULL)) {
			p++;
			continue;
		}
		v = g_ascii_strtod(p, &end);
		if (end == p || !isfinite(v) || (non_negative && v < 0))
			return false;
		p = end;
		count++;
	}
	return count > 0 || path;
}

/* Checks every coordinate and size under node: finite numbers, sizes not negative. */
static void
check_geometry(xmlNodePtr node)
{
	static const struct {
		const char *name;
		bool path, size;
	} attrs[] = {
		{ "x", false, false }, { "y", false, false }, { "x1", false, false },
		{ "x2", false, false }, { "y1", false, false }, { "y2", false, false },
		{ "cx", false, false }, { "cy", false, false }, { "viewBox", false, false },
		{ "width", false, true }, { "height", false, true }, { "r", false, true },
		{ "d", true, false },
	};

	for (; node != NULL; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
			xmlChar *v = xmlGetProp(node, BAD_CAST attrs[i].name);

			if (v == NULL)
				continue;
			ck_assert_msg(numbers_ok((const char *)v, attrs[i].path, attrs[i].size),
			    "<%s %s=\"%s\">: not a good number", node->name, attrs[i].name, v);
			xmlFree(v);
		}
		check_geometry(node->children);
	}
}

/*
 * The checks every page passes: well-formed as a whole and SVG by SVG,
 * each SVG named and described, the four charts, ids unique, nothing
 * loaded from outside, no script. Returns the parsed page.
 */
static xmlDocPtr
check_page(const char *page, guint want_svgs)
{
	xmlDocPtr doc = parse(page, "page.html");
	GPtrArray *blocks = svg_blocks(page);
	GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	static const char *const charts[] = { "chart-response", "chart-sla", "chart-backlog",
	    "chart-groups" };
	static const char *const forbidden[] = { "<script", "<link", "<img", "<iframe",
	    "<object", "<embed", "@import", "url(", "href=", "src=", "javascript:" };
	const char *p;
	char *without_ns;

	ck_assert(g_str_has_prefix(page, "<!DOCTYPE html>\n<html "));
	ck_assert(g_str_has_suffix(page, "</html>\n"));
	ck_assert_ptr_nonnull(strstr(page, "<meta charset=\"utf-8\"/>"));
	ck_assert_ptr_nonnull(strstr(page, "Content-Security-Policy\" content=\"default-src 'none'"));
	ck_assert(g_utf8_validate(page, -1, NULL));

	/* The only URLs are the two namespace names. */
	without_ns = g_strdup(page);
	for (char *q; (q = strstr(without_ns, "\"" XHTML_NS "\"")) != NULL; )
		memset(q, '_', strlen(XHTML_NS) + 2);
	for (char *q; (q = strstr(without_ns, "\"" SVG_NS "\"")) != NULL; )
		memset(q, '_', strlen(SVG_NS) + 2);
	ck_assert_msg(strstr(without_ns, "://") == NULL, "a URL in the page: %s",
	    strstr(without_ns, "://"));
	for (size_t i = 0; i < G_N_ELEMENTS(forbidden); i++) {
		ck_assert_msg(!contains_ci(without_ns, forbidden[i]), "\"%s\" in the page",
		    forbidden[i]);
	}
	g_free(without_ns);

	ck_assert_uint_eq(blocks->len, want_svgs);
	for (guint i = 0; i < blocks->len; i++) {
		xmlDocPtr svg = parse(blocks->pdata[i], "block.svg");
		xmlNodePtr root = xmlDocGetRootElement(svg), first, second;

		ck_assert_str_eq((const char *)root->name, "svg");
		ck_assert_ptr_nonnull(root->ns);
		ck_assert_str_eq((const char *)root->ns->href, SVG_NS);
		first = xmlFirstElementChild(root);
		second = first != NULL ? xmlNextElementSibling(first) : NULL;
		ck_assert_msg(first != NULL && strcmp((const char *)first->name, "title") == 0,
		    "svg %u: no <title> first", i);
		ck_assert_msg(second != NULL && strcmp((const char *)second->name, "desc") == 0,
		    "svg %u: no <desc> second", i);
		ck_assert_msg(first->children != NULL, "svg %u: empty title", i);
		check_geometry(root);
		xmlFreeDoc(svg);
	}
	g_ptr_array_free(blocks, TRUE);

	for (size_t i = 0; i < G_N_ELEMENTS(charts); i++) {
		char *expr = g_strdup_printf("//h:figure[@id='%s']", charts[i]);

		ck_assert_msg(xpath_count(doc, expr) == 1, "no figure %s", charts[i]);
		g_free(expr);
		/* Each chart is followed by its table. */
		expr = g_strdup_printf("//h:figure[@id='%s']/following-sibling::*[1]//h:table",
		    charts[i]);
		ck_assert_msg(xpath_count(doc, expr) == 1, "no table after %s", charts[i]);
		g_free(expr);
	}
	/* Every id is unique, and every aria-labelledby names ids that exist. */
	for (p = page; (p = strstr(p, " id=\"")) != NULL; ) {
		const char *end = strchr(p + 5, '"');
		char *id = g_strndup(p + 5, end - p - 5);

		ck_assert_msg(!g_hash_table_contains(ids, id), "id %s twice", id);
		g_hash_table_add(ids, id);
		p = end;
	}
	for (p = page; (p = strstr(p, "aria-labelledby=\"")) != NULL; ) {
		const char *end = strchr(p + 17, '"');
		char *list = g_strndup(p + 17, end - p - 17);
		char **names = g_strsplit(list, " ", -1);

		for (char **n = names; *n != NULL; n++)
			ck_assert_msg(g_hash_table_contains(ids, *n), "aria-labelledby %s: no such id",
			    *n);
		g_strfreev(names);
		g_free(list);
		p = end;
	}
	g_hash_table_destroy(ids);
	/* No event handler attribute anywhere: onload, onmouseover... */
	ck_assert_int_eq(xpath_count(doc, "//@*[starts-with(local-name(), 'on')]"), 0);
	check_geometry(xmlDocGetRootElement(doc));
	return doc;
}

/* ---- tests --------------------------------------------------------------------------- */

START_TEST(test_structure)
{
	struct report r;
	struct report_histogram h[4];
	char *page;
	xmlDocPtr doc;

	report_sample(&r, h);
	page = render(&r, h, "March");
	doc = check_page(page, 7);
	ck_xpath_eq(doc, "/h:html/@lang", "en");
	ck_xpath_eq(doc, "/h:html/h:head/h:title", "March");
	ck_xpath_eq(doc, "//h:h1", "March");
	ck_assert_int_eq(xpath_count(doc, "//h:style"), 1);
	ck_assert_int_eq(xpath_count(doc, "//h:meta[@name='viewport']"), 1);
	/* Small multiples: four panels, critical first; one SVG for each other chart. */
	ck_assert_int_eq(xpath_count(doc, "//h:figure[@id='chart-response']//s:svg"), 4);
	ck_xpath_eq(doc, "//s:svg[@id='chart-response-0']/s:title", "First response time, critical");
	ck_xpath_eq(doc, "//s:svg[@id='chart-response-3']/s:title", "First response time, low");
	ck_assert_int_eq(xpath_count(doc, "//h:figure[@id='chart-sla']//s:svg"), 1);
	ck_assert_int_eq(xpath_count(doc, "//h:figure[@id='chart-backlog']//s:svg"), 1);
	ck_assert_int_eq(xpath_count(doc, "//h:figure[@id='chart-groups']//s:svg"), 1);
	/* The bucket axis, in order. */
	ck_xpath_eq(doc, "//s:svg[@id='chart-response-0']/s:text[@font-size='10' and "
	    "@text-anchor='middle'][last()]", ">3d");
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-response-2']/s:text[.='<15m' or "
	    ".='15m-1h' or .='1-4h' or .='4-8h' or .='8h-1d' or .='1-3d' or .='>3d']"), 7);
	ck_xpath_eq(doc, "//h:p[@class='period']", "Tickets received from 2024-03-04 to "
	    "2024-03-31 inclusive, UTC; grouped by topic.");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

START_TEST(test_tables)
{
	struct report r;
	struct report_histogram h[4];
	char *page;
	xmlDocPtr doc;

	report_sample(&r, h);
	page = render(&r, h, NULL);
	doc = check_page(page, 7);
	ck_xpath_eq(doc, "/h:html/h:head/h:title", "Support report");

	/* Histogram: a row per urgency, the counts, the answered total. */
	ck_assert_int_eq(xpath_count(doc, "//h:table[@id='table-response']/h:tbody/h:tr"), 4);
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[1]/h:th", "critical");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[1]/h:td[1]", "5");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[1]/h:td[8]", "9");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[3]/h:td[3]", "9");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[3]/h:td[8]", "29");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:thead/h:tr/h:th[2]", "<15m");

	/* Weeks: the missing week shows dashes, not -1 or NaN. */
	ck_assert_int_eq(xpath_count(doc, "//h:table[@id='table-sla']/h:tbody/h:tr"), 4);
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[1]/h:th", "2024-W10");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[1]/h:td[3]", "95.0%");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[1]/h:td[4]", "1 h");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[2]/h:td[4]", "2 h 30 min");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[3]/h:td[2]", "0");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[3]/h:td[3]", "\xe2\x80\x93");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[3]/h:td[4]", "\xe2\x80\x93");
	ck_xpath_eq(doc, "//h:table[@id='table-backlog']/h:tbody/h:tr[3]/h:td[2]", "9");
	ck_xpath_eq(doc, "//h:table[@id='table-backlog']/h:tbody/h:tr[4]/h:td[1]", "21");

	/* Groups and the total. */
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:thead/h:tr/h:th[1]", "Topic");
	ck_assert_int_eq(xpath_count(doc, "//h:table[@id='table-groups']/h:tbody/h:tr"), 3);
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[2]/h:th", "delivery");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[2]/h:td[1]", "21");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[2]/h:td[2]", "12");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[2]/h:td[3]", "19");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[2]/h:td[5]", "2 d 8 h");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[1]/h:td[5]", "1 h 30 min");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[3]/h:td[5]", "42 s");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[3]/h:td[9]", "90.0%");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:th", "All tickets");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:td[1]", "63");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:td[6]", "10 h");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:td[7]", "25 h");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:td[8]", "3 d");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:td[9]", "92.3%");

	/* The summary. */
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='Tickets']/h:dd", "63");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='Median first response']/h:dd", "2 h");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='90th percentile']/h:dd/text()", "10 h");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='95th percentile']/h:dd", "25 h");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='Within SLA']/h:dd/text()", "92.3%");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='Within half SLA']/h:dd/text()",
	    "50.0%");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='Unresolved now']/h:dd/text()", "4");
	ck_xpath_eq(doc, "//h:p[@id='consistency']/h:span", "Consistency: steady.");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

/* The charts draw the numbers they were given, to scale. */
START_TEST(test_chart_geometry)
{
	struct report r;
	struct report_histogram h[4];
	char *page, *s;
	xmlDocPtr doc;
	double h95, h80, h100;

	report_sample(&r, h);
	page = render(&r, h, "t");
	doc = check_page(page, 7);
	/* SLA bars: heights proportional to the share; below the target another colour. */
	s = xpath_string(doc, "//s:svg[@id='chart-sla-svg']/s:rect[starts-with(s:title, "
	    "'2024-W10:')]/@height");
	h95 = g_ascii_strtod(s, NULL);
	g_free(s);
	s = xpath_string(doc, "//s:svg[@id='chart-sla-svg']/s:rect[starts-with(s:title, "
	    "'2024-W11:')]/@height");
	h80 = g_ascii_strtod(s, NULL);
	g_free(s);
	s = xpath_string(doc, "//s:svg[@id='chart-sla-svg']/s:rect[starts-with(s:title, "
	    "'2024-W13:')]/@height");
	h100 = g_ascii_strtod(s, NULL);
	g_free(s);
	ck_assert_double_eq_tol(h95 / h100, 0.95, 0.01);
	ck_assert_double_eq_tol(h80 / h100, 0.80, 0.01);
	ck_xpath_eq(doc, "//s:svg[@id='chart-sla-svg']/s:rect[starts-with(s:title, '2024-W10:')]"
	    "/@fill", "#0072b2");
	ck_xpath_eq(doc, "//s:svg[@id='chart-sla-svg']/s:rect[starts-with(s:title, '2024-W11:')]"
	    "/@fill", "#e69f00");
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-sla-svg']/s:rect[starts-with("
	    "s:title, '2024-W12:')]"), 0);
	ck_xpath_eq(doc, "//s:svg[@id='chart-sla-svg']/s:text[starts-with(., 'target')]",
	    "target 90%");
	/* The median line breaks at the week without answers: two pieces. */
	s = xpath_string(doc, "//s:svg[@id='chart-sla-svg']/s:path/@d");
	ck_assert_int_eq(strchr(s, 'M') - s, 0);
	ck_assert_ptr_nonnull(strchr(s + 1, 'M'));
	g_free(s);
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-sla-svg']/s:circle"), 3);
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-backlog-svg']/s:circle"), 4);
	ck_xpath_eq(doc, "//s:svg[@id='chart-backlog-svg']/s:circle[3]/s:title",
	    "2024-W12: 9 unresolved at the end of the week");
	/* Histogram bars: one per non-empty bucket, titled with count and share. */
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-response-0']/s:rect"), 3);
	ck_xpath_eq(doc, "//s:svg[@id='chart-response-0']/s:rect[1]/s:title",
	    "critical, <15m: 5 tickets (55.6%)");
	ck_xpath_eq(doc, "//s:svg[@id='chart-response-0']/s:text[2]", "9 answered \xc2\xb7 89% "
	    "within 1 h");
	/* Groups: three bars per group, tickets longest. */
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-groups-svg']/s:g"), 3);
	ck_xpath_eq(doc, "//s:svg[@id='chart-groups-svg']/s:g[1]/s:title",
	    "billing: 30 tickets, 28 answered, 7 complaints");
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-groups-svg']/s:g[1]/s:rect"), 3);
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

START_TEST(test_escaping)
{
	static const char *const hostile[] = {
		"<script>alert(1)</script>",
		"\"><svg onload=alert(2)>",
		"a&b's <b>bold</b> & </td></tr></table>",
		"' onmouseover='alert(3)",
		"]]><!-- -->",
	};
	struct report r;
	struct report_histogram h[4];
	char *page, *expr;
	xmlDocPtr doc;

	report_sample(&r, h);
	for (size_t i = 0; i < G_N_ELEMENTS(hostile); i++)
		row_add(&r, hostile[i], 5 + i, 1, 4, 600);
	g_strlcpy(h[1].urgency, "<i>x</i>\"&", sizeof(h[1].urgency));
	g_strlcpy(g_array_index(r.weeks, struct report_week, 0).week, "<b>W</b>", 12);
	page = render(&r, h, "</title><script>alert(4)</script>");
	doc = check_page(page, 7);	/* no <script>, no on...= attribute, no extra svg */

	ck_assert_ptr_null(strstr(page, "<script"));
	ck_assert_ptr_null(strstr(page, "<svg onload"));
	ck_assert_ptr_null(strstr(page, "<b>"));
	ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "&quot;&gt;&lt;svg onload=alert(2)&gt;"));
	ck_assert_int_eq(xpath_count(doc, "//*[local-name()='script' or local-name()='b' or "
	    "local-name()='i']"), 0);
	ck_assert_int_eq(xpath_count(doc, "//@*[starts-with(local-name(), 'on')]"), 0);
	/* The text reads back exactly as it was: escaped, not mangled. */
	ck_xpath_eq(doc, "/h:html/h:head/h:title", "</title><script>alert(4)</script>");
	for (size_t i = 0; i < G_N_ELEMENTS(hostile); i++) {
		expr = g_strdup_printf("//h:table[@id='table-groups']/h:tbody/h:tr[%zu]/h:th", i + 4);
		ck_xpath_eq(doc, expr, hostile[i]);
		g_free(expr);
	}
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[2]/h:th", "<i>x</i>\"&");
	ck_xpath_eq(doc, "//s:svg[@id='chart-response-1']/s:text[1]", "<i>x</i>\"&");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[1]/h:th", "<b>W</b>");
	ck_xpath_eq(doc, "//s:svg[@id='chart-groups-svg']/s:g[4]/s:title",
	    "<script>alert(1)</script>: 5 tickets, 4 answered, 1 complaints");
	/* Long names are cut in the chart (with an ellipsis), never in the table. */
	ck_xpath_eq(doc, "//s:svg[@id='chart-groups-svg']/s:g[6]/s:text[1]",
	    "a&b's <b>bold</b> & </t\xe2\x80\xa6");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

/* Bytes that are not UTF-8 and control characters still give well-formed XML. */
START_TEST(test_bad_bytes)
{
	struct report r;
	struct report_histogram h[4];
	char *page;
	xmlDocPtr doc;

	report_sample(&r, h);
	row_add(&r, "caf\xe9 \x01\x1b[31m\x7f\xc2\x85 ok", 3, 0, 3, 60);
	/* A fixed-size field filled to the brim, without its NUL. */
	memset(h[2].urgency, 'u', sizeof(h[2].urgency));
	page = render(&r, h, "title \x0c\xff");
	doc = check_page(page, 7);
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[4]/h:th",
	    "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd ok");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[3]/h:th",
	    "uuuuuuuuuuuuuuuu");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

START_TEST(test_empty)
{
	struct report r;
	struct report_histogram h[4];
	char *page;
	xmlDocPtr doc;

	report_init(&r, REPORT_BY_AGENT);
	histograms_init(h);
	page = render(&r, h, "empty");
	doc = check_page(page, 7);
	ck_assert(!contains_ci(page, "nan"));
	ck_assert_ptr_null(strstr(page, "inf"));
	/* Missing figures (-1) never show as numbers, in text or in attributes. */
	ck_assert_ptr_null(strstr(page, ">-1"));
	ck_assert_ptr_null(strstr(page, " -1"));
	ck_assert_ptr_null(strstr(page, "\"-1"));
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:thead/h:tr/h:th[1]", "Agent");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr/h:td",
	    "No tickets in the period.");
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr/h:td", "No weeks in the period.");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:td[5]", "\xe2\x80\x93");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='Within SLA']/h:dd/text()",
	    "\xe2\x80\x93");
	ck_xpath_eq(doc, "//h:p[@id='consistency']/h:span", "Consistency: not enough data.");
	ck_assert_int_eq(xpath_count(doc, "//s:rect[s:title]"), 0);
	ck_assert_int_eq(xpath_count(doc, "//s:path"), 0);
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-groups-svg']/s:text["
	    ".='No tickets in the period']"), 1);
	ck_assert_int_eq(xpath_count(doc, "//s:text[.='No answered tickets']"), 4);
	xmlFreeDoc(doc);
	free(page);

	/* Without histograms at all, and with a period that is no period. */
	r.until = r.since;
	page = render(&r, NULL, NULL);
	doc = check_page(page, 4);
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr/h:td", "No data.");
	ck_xpath_eq(doc, "//h:p[@class='period']", "Tickets received in an empty period, UTC; "
	    "grouped by agent.");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

/* Tickets, but nobody answered: every duration and share missing, weeks still drawn. */
START_TEST(test_no_answers)
{
	struct report r;
	struct report_histogram h[4];
	char *page;
	xmlDocPtr doc;

	report_init(&r, REPORT_BY_NONE);
	row_add(&r, "all", 7, 2, 0, -1);
	r.total.tickets = 7;
	r.total.open = 7;
	week_add(&r, "2024-W10", 3, 0, -1, -1, 3);
	week_add(&r, "2024-W11", 4, 0, -1, -1, 7);
	r.backlog_now = 7;
	histograms_init(h);
	page = render(&r, h, "silence");
	doc = check_page(page, 7);
	ck_assert(!contains_ci(page, "nan"));
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:thead/h:tr/h:th[1]", "Group");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[1]/h:td[5]", "\xe2\x80\x93");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[1]/h:td[10]", "\xe2\x80\x93");
	ck_xpath_eq(doc, "//s:svg[@id='chart-sla-svg']/s:desc", "2 weeks, none with answered "
	    "tickets.");
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-sla-svg']/s:circle"), 0);
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-backlog-svg']/s:circle"), 2);
	ck_xpath_eq(doc, "//h:table[@id='table-backlog']/h:tbody/h:tr[2]/h:td[2]", "7");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

/* One week: a line of one point, labels that fit; negative and NaN figures are missing. */
START_TEST(test_one_week_and_nonsense)
{
	struct report r;
	struct report_histogram h[4];
	char *page;
	xmlDocPtr doc;

	report_init(&r, REPORT_BY_WEEK);
	row_add(&r, "2024-W10", 3, 0, 3, NAN);
	week_add(&r, "2024-W10", 3, 3, 600, 1.5, -4);
	r.total.median = INFINITY;
	r.total.within_sla = NAN;
	r.weekly_median_cv = NAN;
	histograms_init(h);
	h[0].buckets[0] = -3;
	h[0].buckets[6] = 2;
	page = render(&r, h, "one");
	doc = check_page(page, 7);
	ck_assert(!contains_ci(page, "nan"));
	ck_assert_ptr_null(strstr(page, "inf"));
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-sla-svg']/s:circle"), 1);
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-backlog-svg']/s:circle"), 1);
	ck_xpath_eq(doc, "//h:table[@id='table-sla']/h:tbody/h:tr[1]/h:td[3]", "100.0%");
	ck_xpath_eq(doc, "//h:table[@id='table-backlog']/h:tbody/h:tr[1]/h:td[2]", "0");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[1]/h:td[1]", "0");
	ck_xpath_eq(doc, "//h:table[@id='table-response']/h:tbody/h:tr[1]/h:td[8]", "2");
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tbody/h:tr[1]/h:td[5]", "\xe2\x80\x93");
	ck_xpath_eq(doc, "//h:dl[@id='figures']/h:div[h:dt='Median first response']/h:dd",
	    "\xe2\x80\x93");
	ck_xpath_eq(doc, "//h:p[@id='consistency']/h:span", "Consistency: not enough data.");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

/* Many groups: the chart draws the first REPORT_HTML_CHART_GROUPS_MAX, the table all. */
START_TEST(test_many_groups)
{
	struct report r;
	struct report_histogram h[4];
	char *page, *s;
	xmlDocPtr doc;

	report_init(&r, REPORT_BY_DAY);
	for (int i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "2024-03-%03d", i);
		row_add(&r, name, i, i / 3, i / 2, 60.0 * i);
	}
	for (int i = 0; i < 53; i++) {
		char name[12];

		snprintf(name, sizeof(name), "2024-W%02d", i + 1);
		week_add(&r, name, i, i, 3600, 0.9, i);
	}
	histograms_init(h);
	page = render(&r, h, "many");
	doc = check_page(page, 7);
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-groups-svg']/s:g"),
	    REPORT_HTML_CHART_GROUPS_MAX);
	ck_assert_int_eq(xpath_count(doc, "//h:table[@id='table-groups']/h:tbody/h:tr"), 100);
	s = g_strdup_printf("The first %d of 100 groups; the table lists all.",
	    REPORT_HTML_CHART_GROUPS_MAX);
	ck_assert_int_eq(xpath_count(doc, "//s:svg[@id='chart-groups-svg']/s:text"
	    "[@font-style='italic']"), 1);
	ck_xpath_eq(doc, "//s:svg[@id='chart-groups-svg']/s:text[@font-style='italic']", s);
	g_free(s);
	/* 53 weeks do not get 53 labels on 590 pixels. */
	ck_assert_int_le(xpath_count(doc, "//s:svg[@id='chart-backlog-svg']/s:text"
	    "[starts-with(., '2024-W')]"), 15);
	ck_assert_int_ge(xpath_count(doc, "//s:svg[@id='chart-backlog-svg']/s:text"
	    "[starts-with(., '2024-W')]"), 5);
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

static const struct {
	double seconds;
	const char *want;
} durations[] = {
	{ -1, "\xe2\x80\x93" },
	{ 0, "0 s" },
	{ 59.4, "59 s" },
	{ 59.6, "1 min" },
	{ 15 * 60, "15 min" },
	{ 3599, "1 h" },
	{ 5400, "1 h 30 min" },
	{ 47.5 * 3600, "47 h 30 min" },
	{ 48 * 3600, "2 d" },
	{ 200000, "2 d 8 h" },
	{ 1e12, "11574 d 2 h" },	/* capped at 1e9 s */
};

START_TEST(test_durations)
{
	struct report r;
	struct report_histogram h[4];
	char *page, *expr;
	xmlDocPtr doc;

	report_init(&r, REPORT_BY_TOPIC);
	row_add(&r, "x", 1, 0, 1, durations[_i].seconds);
	histograms_init(h);
	page = render(&r, h, "d");
	doc = parse(page, "page.html");
	expr = g_strdup("//h:table[@id='table-groups']/h:tbody/h:tr[1]/h:td[5]");
	ck_xpath_eq(doc, expr, durations[_i].want);
	g_free(expr);
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

START_TEST(test_consistency)
{
	struct report r;
	struct report_histogram h[4];
	char *page, *text;
	xmlDocPtr doc;

	report_sample(&r, h);
	r.weekly_median_cv = 0.41;
	page = render(&r, h, "c");
	doc = parse(page, "page.html");
	ck_xpath_eq(doc, "//h:p[@id='consistency']/h:span", "Consistency: uneven.");
	ck_xpath_eq(doc, "//h:p[@id='consistency']/h:span/@class", "verdict uneven");
	text = xpath_string(doc, "//h:p[@id='consistency']");
	ck_assert_msg(strstr(text, "varied by about 41% of its average") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "coefficient of variation 0.41") != NULL, "%s", text);
	g_free(text);
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
}
END_TEST

/* A caller with a decimal comma in its locale still gets dots in the drawing. */
START_TEST(test_locale)
{
	static const char *const locales[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
	    "nb_NO.UTF-8", "sv_SE.UTF-8" };
	struct report r;
	struct report_histogram h[4];
	const char *set = NULL;
	char *page;
	xmlDocPtr doc;

	for (size_t i = 0; i < G_N_ELEMENTS(locales) && set == NULL; i++)
		set = setlocale(LC_NUMERIC, locales[i]);
	if (set == NULL) {
		fprintf(stderr, "check_report_html: no locale with a decimal comma installed; "
		    "test_locale checks the C locale only\n");
	} else {
		char buf[16];

		snprintf(buf, sizeof(buf), "%.1f", 1.5);
		ck_assert_str_eq(buf, "1,5");
	}
	report_sample(&r, h);
	page = render(&r, h, "l");
	doc = check_page(page, 7);	/* geometry: every number parses */
	ck_xpath_eq(doc, "//h:table[@id='table-groups']/h:tfoot/h:tr/h:td[9]", "92.3%");
	xmlFreeDoc(doc);
	free(page);
	report_clear(&r);
	setlocale(LC_NUMERIC, "C");
}
END_TEST

START_TEST(test_write_error)
{
	struct report r;
	struct report_histogram h[4];
	GError *error = NULL;
	FILE *full = fopen("/dev/full", "w");

	if (full == NULL) {
		fprintf(stderr, "check_report_html: no /dev/full; test_write_error skipped\n");
		return;
	}
	report_sample(&r, h);
	errno = 0;
	ck_assert_int_eq(report_html_write(full, &r, h, "x", &error), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC));
	ck_assert_msg(g_str_has_prefix(error->message, "cannot write the HTML report: "), "%s",
	    error->message);
	g_error_free(error);
	fclose(full);
	report_clear(&r);
}
END_TEST

static Suite *
report_html_suite(void)
{
	Suite *s = suite_create("report_html");
	TCase *tc = tcase_create("page");

	tcase_add_test(tc, test_structure);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_chart_geometry);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_no_answers);
	tcase_add_test(tc, test_one_week_and_nonsense);
	tcase_add_test(tc, test_many_groups);
	tcase_add_loop_test(tc, test_durations, 0, (int)G_N_ELEMENTS(durations));
	tcase_add_test(tc, test_consistency);
	tcase_add_test(tc, test_locale);
	tcase_add_test(tc, test_write_error);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(report_html_suite());
}
