/*
 * check_charset.c - charset conversion and its fallbacks.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "charset.h"
#include "check_run.h"

struct conversion_case {
	const char *name;
	const char *bytes;
	const char *declared;
	const char *want_text;
	const char *want_charset;
	int want_warnings;
};

/* Bulgarian "Поръчката ми не е пристигнала" (my order has not arrived). */
#define BG_UTF8 "\xd0\x9f\xd0\xbe\xd1\x80\xd1\x8a\xd1\x87\xd0\xba\xd0\xb0\xd1\x82\xd0\xb0 " \
	"\xd0\xbc\xd0\xb8 \xd0\xbd\xd0\xb5 \xd0\xb5 \xd0\xbf\xd1\x80\xd0\xb8\xd1\x81\xd1\x82" \
	"\xd0\xb8\xd0\xb3\xd0\xbd\xd0\xb0\xd0\xbb\xd0\xb0"
#define BG_CP1251 "\xcf\xee\xf0\xfa\xf7\xea\xe0\xf2\xe0 \xec\xe8 \xed\xe5 \xe5 " \
	"\xef\xf0\xe8\xf1\xf2\xe8\xe3\xed\xe0\xeb\xe0"
#define BG_KOI8R "\xf0\xcf\xd2\xdf\xde\xcb\xc1\xd4\xc1 \xcd\xc9 \xce\xc5 \xc5 " \
	"\xd0\xd2\xc9\xd3\xd4\xc9\xc7\xce\xc1\xcc\xc1"
/* Swedish "Jag har inte fått min beställning" */
#define SV_UTF8 "Jag har inte f\xc3\xa5tt min best\xc3\xa4llning"
#define SV_LATIN1 "Jag har inte f\xe5tt min best\xe4llning"

static const struct conversion_case cases[] = {
	{ "ascii undeclared", "plain words", NULL, "plain words", "utf-8", 0 },
	{ "utf-8 declared", SV_UTF8, "utf-8", SV_UTF8, "utf-8", 0 },
	{ "utf-8 alias", SV_UTF8, "UTF8", SV_UTF8, "utf-8", 0 },
	{ "latin-1 declared", SV_LATIN1, "iso-8859-1", SV_UTF8, "iso-8859-1", 0 },
	{ "latin1 alias", SV_LATIN1, "latin1", SV_UTF8, "iso-8859-1", 0 },
	{ "latin-15 declared", SV_LATIN1, "ISO-8859-15", SV_UTF8, "iso-8859-15", 0 },
	{ "latin-1 undeclared", SV_LATIN1, NULL, SV_UTF8, "windows-1252", 1 },
	{ "cp1251 declared", BG_CP1251, "windows-1251", BG_UTF8, "windows-1251", 0 },
	{ "cp1251 undeclared", BG_CP1251, NULL, BG_UTF8, "windows-1251", 1 },
	{ "koi8-r undeclared", BG_KOI8R, NULL, BG_UTF8, "koi8-r", 1 },
	{ "cp1251 labelled utf-8", BG_CP1251, "utf-8", BG_UTF8, "windows-1251", 1 },
	{ "cp1251 labelled latin-1", BG_CP1251, "iso-8859-1", BG_UTF8, "windows-1251", 1 },
	{ "latin-1 labelled utf-8", SV_LATIN1, "utf-8", SV_UTF8, "windows-1252", 1 },
	{ "utf-8 labelled latin-1", SV_UTF8, "iso-8859-1", SV_UTF8, "utf-8", 1 },
	{ "utf-8 labelled us-ascii", SV_UTF8, "us-ascii", SV_UTF8, "utf-8", 1 },
	{ "unknown charset, utf-8 bytes", SV_UTF8, "x-no-such-charset", SV_UTF8, "utf-8", 1 },
	{ "windows-1252 smart quotes", "\x93quoted\x94 \x80", "windows-1252",
	  "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac", "windows-1252", 0 },
	{ "utf-7", "Hi Mom -+Jjo--!", "utf-7", "Hi Mom -\xe2\x98\xba-!", "utf-7", 0 },
	{ "controls removed", "a\x01" "b\x1b" "c\td\r\n", "us-ascii", "abc\td\r\n", "us-ascii", 0 },
	{ "empty", "", "utf-8", "", "utf-8", 0 },
};

START_TEST(test_conversion_table)
{
	const struct conversion_case *c = &cases[_i];
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	const char *used = NULL;
	char *out;

	out = charset_to_utf8(c->bytes, strlen(c->bytes), c->declared, &used, warnings);
	ck_assert_msg(g_utf8_validate(out, -1, NULL), "%s: output is not valid UTF-8", c->name);
	ck_assert_msg(strcmp(out, c->want_text) == 0, "%s: got \"%s\", want \"%s\"",
	    c->name, out, c->want_text);
	ck_assert_msg(g_ascii_strcasecmp(used, c->want_charset) == 0,
	    "%s: charset got %s, want %s", c->name, used, c->want_charset);
	ck_assert_msg((int)warnings->len == c->want_warnings, "%s: warnings got %u, want %d%s%s",
	    c->name, warnings->len, c->want_warnings, warnings->len ? ": " : "",
	    warnings->len ? (char *)g_ptr_array_index(warnings, 0) : "");
	g_free(out);
	g_ptr_array_unref(warnings);
}
END_TEST

START_TEST(test_utf8_with_bad_bytes)
{
	/* Mostly UTF-8 with one stray Latin-1 byte: keep the UTF-8, mark the byte. */
	const char bytes[] = SV_UTF8 " \xe9t\xc3\xa9";
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	const char *used = NULL;
	char *out = charset_to_utf8(bytes, strlen(bytes), "utf-8", &used, warnings);

	ck_assert(g_utf8_validate(out, -1, NULL));
	ck_assert_str_eq(used, "utf-8");
	ck_assert_ptr_nonnull(strstr(out, "best\xc3\xa4llning"));
	ck_assert_ptr_nonnull(strstr(out, "\xef\xbf\xbd"));	/* U+FFFD */
	ck_assert_uint_eq(warnings->len, 1);
	g_free(out);
	g_ptr_array_unref(warnings);
}
END_TEST

START_TEST(test_nul_bytes_removed)
{
	const char bytes[] = "abc\0def\0";
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	char *out = charset_to_utf8(bytes, sizeof(bytes) - 1, NULL, NULL, warnings);

	ck_assert_str_eq(out, "abcdef");
	ck_assert_uint_eq(warnings->len, 1);
	g_free(out);
	g_ptr_array_unref(warnings);
}
END_TEST

START_TEST(test_binary_garbage)
{
	unsigned char bytes[4096];
	char *out;

	/* Every byte value, repeated: must come out as valid UTF-8, never fail. */
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 131u);
	out = charset_to_utf8((const char *)bytes, sizeof(bytes), "utf-8", NULL, NULL);
	ck_assert(g_utf8_validate(out, -1, NULL));
	g_free(out);
	out = charset_to_utf8((const char *)bytes, sizeof(bytes), "shift_jis", NULL, NULL);
	ck_assert(g_utf8_validate(out, -1, NULL));
	g_free(out);
}
END_TEST

START_TEST(test_null_empty_input)
{
	/* An empty MIME part hands over no buffer at all. */
	char *out = charset_to_utf8(NULL, 0, "utf-8", NULL, NULL);

	ck_assert_str_eq(out, "");
	g_free(out);
	out = charset_to_utf8(NULL, 0, NULL, NULL, NULL);
	ck_assert_str_eq(out, "");
	g_free(out);
}
END_TEST

START_TEST(test_guess)
{
	ck_assert_str_eq(charset_guess_8bit(BG_CP1251, strlen(BG_CP1251)), "windows-1251");
	ck_assert_str_eq(charset_guess_8bit(BG_KOI8R, strlen(BG_KOI8R)), "koi8-r");
	ck_assert_str_eq(charset_guess_8bit(SV_LATIN1, strlen(SV_LATIN1)), "windows-1252");
	ck_assert_str_eq(charset_guess_8bit("", 0), "windows-1252");
}
END_TEST

static Suite *
charset_suite(void)
{
	Suite *s = suite_create("charset");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_conversion_table, 0, G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_utf8_with_bad_bytes);
	tcase_add_test(tc, test_nul_bytes_removed);
	tcase_add_test(tc, test_binary_garbage);
	tcase_add_test(tc, test_null_empty_input);
	tcase_add_test(tc, test_guess);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int status;

	g_mime_init();
	status = check_run(charset_suite());
	g_mime_shutdown();
	return status;
}
