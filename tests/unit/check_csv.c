/*
 * check_csv.c - unit tests for the RFC 4180 reader (cli/csv.c): quoting,
 * line breaks of every kind, the byte-order mark, errors with their line
 * numbers, and the bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "csv.h"
#include "check_run.h"

/*
 * Reads all records of len bytes of text; returns them as "[f1][f2];[g1]"
 * and the record start lines as "1,3". On an error, the error message is
 * appended after " ERROR ".
 */
static char *
read_all(const char *text, size_t len, GString *lines)
{
	/* fmemopen() refuses a zero size: /dev/null stands in. */
	FILE *fp = len > 0 ? fmemopen((void *)text, len, "rb") : fopen("/dev/null", "rb");
	struct csv_reader *r;
	GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
	GString *out = g_string_new(NULL);
	GError *error = NULL;
	int rc;

	ck_assert_ptr_nonnull(fp);
	r = csv_new(fp, "t.csv");
	while ((rc = csv_next(r, fields, &error)) > 0) {
		if (out->len > 0)
			g_string_append_c(out, ';');
		for (guint i = 0; i < fields->len; i++)
			g_string_append_printf(out, "[%s]", (char *)fields->pdata[i]);
		if (lines != NULL)
			g_string_append_printf(lines, "%s%lu", lines->len ? "," : "", csv_line(r));
	}
	if (rc < 0) {
		g_string_append_printf(out, " ERROR %s", error->message);
		g_clear_error(&error);
		/* A failed reader stays failed. */
		ck_assert_int_eq(csv_next(r, fields, &error), -1);
		g_clear_error(&error);
	}
	csv_close(r);
	fclose(fp);
	g_ptr_array_free(fields, TRUE);
	return g_string_free(out, FALSE);
}

struct csv_case {
	const char *name;
	const char *in;
	const char *want;
	const char *want_lines;	/* NULL: not checked */
};

static const struct csv_case cases[] = {
	{ "empty", "", "", "" },
	{ "one field", "a", "[a]", "1" },
	{ "header and rows", "id,text\n1,hello\n2,world\n", "[id][text];[1][hello];[2][world]",
	  "1,2,3" },
	{ "CRLF", "a,b\r\nc,d\r\n", "[a][b];[c][d]", "1,2" },
	{ "bare CR", "a,b\rc,d\r", "[a][b];[c][d]", "1,2" },
	{ "no final newline", "a,b\nc,d", "[a][b];[c][d]", "1,2" },
	{ "empty fields", ",a,,\n,\n", "[][a][][];[][]", NULL },
	{ "quoted comma", "1,\"a, b\",c\n", "[1][a, b][c]", NULL },
	{ "doubled quotes", "\"say \"\"hi\"\"\",\"\"\"\"\n", "[say \"hi\"][\"]", NULL },
	{ "empty quoted field", "\"\",x\n", "[][x]", NULL },
	{ "newlines in quotes, line numbers follow", "a,\"1\n2\r\n3\"\nb,c\n",
	  "[a][1\n2\r\n3];[b][c]", "1,4" },
	{ "blank lines are no records", "\n\na\n\r\n\nb\n\n", "[a];[b]", "3,6" },
	{ "quote inside an unquoted field", "5\" screen,x\n", "[5\" screen][x]", NULL },
	{ "spaces kept", " a , b \n", "[ a ][ b ]", NULL },
	{ "byte-order mark", "\xef\xbb\xbfid,x\n", "[id][x]", NULL },
	{ "EF without BOM kept", "\xef\xbb" "a,b\n", "[\xef\xbb" "a][b]", NULL },
	{ "UTF-8 and invalid bytes pass through", "\xc3\xa4,\xff\n", "[\xc3\xa4][\xff]", NULL },
	{ "unterminated quote", "a,b\n\"open\nstill open\n",
	  "[a][b] ERROR t.csv:4: quoted field not closed at end of input", NULL },
	{ "text after closing quote", "a\n\"x\"y,z\n",
	  "[a] ERROR t.csv:2: character after the closing quote of a field", NULL },
};

START_TEST(test_table)
{
	const struct csv_case *c = &cases[_i];
	GString *lines = g_string_new(NULL);
	char *got = read_all(c->in, strlen(c->in), lines);

	ck_assert_msg(strcmp(got, c->want) == 0, "%s: got \"%s\", want \"%s\"", c->name, got,
	    c->want);
	if (c->want_lines != NULL)
		ck_assert_msg(strcmp(lines->str, c->want_lines) == 0, "%s: lines got %s, want %s",
		    c->name, lines->str, c->want_lines);
	g_free(got);
	g_string_free(lines, TRUE);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "a,b\nc,d\0e\n";
	char *got = read_all(text, sizeof(text) - 1, NULL);

	ck_assert_str_eq(got, "[a][b] ERROR t.csv:2: NUL byte");
	g_free(got);
}
END_TEST

START_TEST(test_bounds)
{
	size_t len = CSV_FIELD_MAX + 10;
	char *text = g_malloc(len + 1), *got;
	GString *many = g_string_new(NULL);

	/* A field of exactly CSV_FIELD_MAX bytes is fine; one more is not. */
	memset(text, 'x', len);
	text[CSV_FIELD_MAX] = '\n';
	got = read_all(text, CSV_FIELD_MAX + 1, NULL);
	ck_assert_uint_eq(strlen(got), CSV_FIELD_MAX + 2);
	g_free(got);
	text[CSV_FIELD_MAX] = 'x';
	got = read_all(text, len, NULL);
	ck_assert_str_eq(got, " ERROR t.csv:1: field longer than CSV_FIELD_MAX bytes");
	g_free(got);

	for (unsigned i = 0; i <= CSV_FIELDS_MAX; i++)
		g_string_append(many, i ? ",x" : "x");
	got = read_all(many->str, many->len, NULL);
	ck_assert_str_eq(got, " ERROR t.csv:1: more than CSV_FIELDS_MAX fields");
	g_free(got);
	g_string_free(many, TRUE);
	g_free(text);
}
END_TEST

START_TEST(test_open_and_column)
{
	GError *error = NULL;
	GPtrArray *header = g_ptr_array_new_with_free_func(g_free);
	struct csv_reader *r = csv_open("/nonexistent/x.csv", &error);

	ck_assert_ptr_null(r);
	ck_assert(g_error_matches(error, CSV_ERROR, CSV_ERROR_IO));
	ck_assert(g_str_has_prefix(error->message, "/nonexistent/x.csv: "));
	g_clear_error(&error);

	g_ptr_array_add(header, g_strdup("id"));
	g_ptr_array_add(header, g_strdup("tweet"));
	ck_assert_int_eq(csv_column(header, "tweet"), 1);
	ck_assert_int_eq(csv_column(header, "id"), 0);
	ck_assert_int_eq(csv_column(header, "label"), -1);
	g_ptr_array_free(header, TRUE);
	csv_close(NULL);
}
END_TEST

static Suite *
csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("read");

	tcase_add_loop_test(tc, test_table, 0, (int)G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_open_and_column);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(csv_suite());
}
