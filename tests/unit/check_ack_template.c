/*
 * check_ack_template.c - unit tests for the acknowledgement templates
 * (milter/ack_template.c): golden renderings of the 24 shipped templates,
 * the shape every rendering must have (H.E.L.P.: the subject echoed, the
 * ticket named, the due time given), language fallback, absent values,
 * values that try to inject text, every load error with its file and line,
 * an override directory, the syntax, the date tables of each language,
 * and rendering from several threads.
 *
 * The golden renderings are tests/ack/LANG-TYPE.txt. TRIAGE_GOLDEN_UPDATE=1
 * rewrites them from the current output instead: read the diff before
 * committing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "ack_template.h"
#include "check_run.h"

#ifndef TEMPLATES_DIR
#error "TEMPLATES_DIR must name the shipped templates/ directory"
#endif

#define NLANG 6
#define NTYPE 4

static const char *const langs[NLANG] = { "en", "sv", "nb", "da", "de", "bg" };
static const char *const types[NTYPE] = { "analytical", "personal", "functional", "intuitive" };

static struct ack_templates *shipped;	/* loaded once in main() */
static GTimeZone *stockholm;
static gint64 due_fixed;		/* Tuesday 26 November 2024, 11:00 in Stockholm */

static const struct ack_values *
golden_values(void)
{
	static struct ack_values v;

	v.name = "Zoë Ångström";
	v.ticket = "T-000123";
	v.subject = "Invoice 4711 charged twice";
	v.due = due_fixed;
	v.zone = stockholm;
	v.complaint = true;	/* a charge twice: the apology belongs */
	return &v;
}

/* Renders with the shipped set; checks the language was found. */
static char *
render(const char *lang, const char *type, const struct ack_values *v)
{
	const char *used = NULL;
	char *body = ack_render(shipped, lang, NULL, type, v, &used);

	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(used, lang);
	return body;
}

static guint
count_lines(const char *s)
{
	guint n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

/* True when a line has two spaces in a row after its indentation. */
static gboolean
has_inner_double_space(const char *s)
{
	while (*s != '\0') {
		size_t n = strcspn(s, "\n"), lead = strspn(s, " ");
		char *line = g_strndup(s + lead, n > lead ? n - lead : 0);
		gboolean found = strstr(line, "  ") != NULL;

		g_free(line);
		if (found)
			return TRUE;
		s += n + (s[n] == '\n');
	}
	return FALSE;
}

/* --- temporary directories -------------------------------------------------- */

static void
write_file(const char *dir, const char *rel, const char *text, gssize len)
{
	char *path = g_build_filename(dir, rel, NULL);
	char *parent = g_path_get_dirname(path);

	ck_assert_int_eq(g_mkdir_with_parents(parent, 0700), 0);
	ck_assert_msg(g_file_set_contents(path, text, len, NULL), "cannot write %s", path);
	g_free(parent);
	g_free(path);
}

static void
remove_tree(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *entry;

	if (dir != NULL) {
		while ((entry = g_dir_read_name(dir)) != NULL) {
			char *sub = g_build_filename(path, entry, NULL);

			remove_tree(sub);
			g_free(sub);
		}
		g_dir_close(dir);
		g_rmdir(path);
	} else {
		g_unlink(path);
	}
}

static char *
make_tmp_dir(void)
{
	char *dir = g_dir_make_tmp("check_ack-XXXXXX", NULL);

	ck_assert_ptr_nonnull(dir);
	return dir;
}

/* Writes the four types of lang under dir, each "TYPE: " + body. */
static void
write_language(const char *dir, const char *lang, const char *body)
{
	for (int k = 0; k < NTYPE; k++) {
		char *rel = g_strdup_printf("%s/%s.txt", lang, types[k]);
		char *text = g_strdup_printf("%s: %s", types[k], body);

		write_file(dir, rel, text, -1);
		g_free(text);
		g_free(rel);
	}
}

/* --- golden renderings -------------------------------------------------------- */

START_TEST(test_golden)
{
	const char *lang = langs[_i / NTYPE], *type = types[_i % NTYPE];
	char *path = g_strdup_printf("%s/ack/%s-%s.txt", TESTS_SRCDIR, lang, type);
	const char *update = getenv("TRIAGE_GOLDEN_UPDATE");
	char *got = render(lang, type, golden_values()), *want = NULL;

	if (update != NULL && strcmp(update, "1") == 0)
		ck_assert(g_file_set_contents(path, got, -1, NULL));
	ck_assert_msg(g_file_get_contents(path, &want, NULL, NULL), "%s: cannot read", path);
	ck_assert_msg(strcmp(got, want) == 0, "%s-%s: got\n%s\nwant\n%s", lang, type, got, want);
	g_free(want);
	g_free(got);
	g_free(path);
}
END_TEST

/* --- the shape of every rendering ---------------------------------------------- */

/*
 * For all 24 templates and every combination of name, subject and due
 * present or absent: the body is tidy, names the ticket, echoes the
 * subject and the name when there are some, and gives the due time when
 * there is one and no stray date when there is none.
 */
START_TEST(test_shape)
{
	const char *lang = langs[_i / NTYPE], *type = types[_i % NTYPE];

	for (int combo = 0; combo < 8; combo++) {
		struct ack_values v = *golden_values();
		char *body, *due_text = ack_format_due(lang, due_fixed, stockholm, ACK_DUE_FULL);
		char *month = ack_format_due(lang, due_fixed, stockholm, ACK_DUE_DATE);
		const char *first_nl;

		if (combo & 1)
			v.name = NULL;
		if (combo & 2)
			v.subject = "";
		if (combo & 4)
			v.due = 0;
		body = render(lang, type, &v);
		ck_assert_msg(g_utf8_validate(body, -1, NULL), "%s-%s: not UTF-8", lang, type);
		ck_assert_msg(g_str_has_suffix(body, "\n") && !g_str_has_suffix(body, "\n\n"),
		    "%s-%s/%d: does not end in one newline:\n%s", lang, type, combo, body);
		ck_assert_msg(strstr(body, "\n\n\n") == NULL, "%s-%s/%d: two blank lines", lang,
		    type, combo);
		ck_assert_msg(strstr(body, " \n") == NULL && strstr(body, "\t\n") == NULL,
		    "%s-%s/%d: trailing blank", lang, type, combo);
		ck_assert_msg(strstr(body, "{{") == NULL && strstr(body, "}}") == NULL,
		    "%s-%s/%d: a tag survived:\n%s", lang, type, combo, body);
		ck_assert_msg(!has_inner_double_space(body),
		    "%s-%s/%d: double space in text:\n%s", lang, type, combo, body);
		ck_assert_msg(strstr(body, " ,") == NULL && strstr(body, " .") == NULL &&
		    strstr(body, " !") == NULL && strstr(body, "( ") == NULL,
		    "%s-%s/%d: a blank before punctuation:\n%s", lang, type, combo, body);
		/* Empty quotes: a subject section that is not one. */
		ck_assert_msg(strstr(body, "“”") == NULL && strstr(body, "””") == NULL &&
		    strstr(body, "«»") == NULL && strstr(body, "»«") == NULL &&
		    strstr(body, "„“") == NULL && strstr(body, "\"\"") == NULL,
		    "%s-%s/%d: empty quotes:\n%s", lang, type, combo, body);
		/* H.E.L.P.: the ticket is named, what we heard is echoed. */
		ck_assert_msg(strstr(body, "T-000123") != NULL, "%s-%s/%d: no ticket", lang, type,
		    combo);
		ck_assert_msg((strstr(body, "Invoice 4711 charged twice") != NULL) == !(combo & 2),
		    "%s-%s/%d: subject echoed wrongly:\n%s", lang, type, combo, body);
		ck_assert_msg((strstr(body, "Zoë Ångström") != NULL) == !(combo & 1),
		    "%s-%s/%d: name wrongly:\n%s", lang, type, combo, body);
		/* By when: the full due time, or no trace of a date. */
		if (combo & 4)
			ck_assert_msg(strstr(body, "26") == NULL && strstr(body, month) == NULL,
			    "%s-%s/%d: a date without a due time:\n%s", lang, type, combo, body);
		else
			ck_assert_msg(strstr(body, due_text) != NULL, "%s-%s/%d: no \"%s\":\n%s",
			    lang, type, combo, due_text, body);
		/* The greeting is one line of its own, and not "Hello ,". */
		first_nl = strchr(body, '\n');
		ck_assert_msg(first_nl != NULL && first_nl[1] == '\n',
		    "%s-%s/%d: no blank line after the greeting", lang, type, combo);
		g_free(body);
		g_free(due_text);
		g_free(month);
	}
}
END_TEST

/* The shipped greetings without a name. */
START_TEST(test_name_absent)
{
	static const struct {
		const char *lang, *type, *greeting;
	} want[] = {
		{ "en", "analytical", "Hello," },
		{ "sv", "analytical", "Hej," },
		{ "sv", "personal", "Hej!" },
		{ "nb", "functional", "Hei," },
		{ "da", "analytical", "Hej" },
		{ "da", "personal", "Hej" },
		{ "de", "analytical", "Guten Tag," },
		{ "de", "personal", "Hallo," },
		{ "bg", "intuitive", "Здравейте," },
		{ "bg", "personal", "Здравейте!" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		/* NULL, empty and nothing-but-blanks-and-breaks are all absent. */
		const char *names[] = { NULL, "", " \r\n\t " };

		for (size_t n = 0; n < G_N_ELEMENTS(names); n++) {
			struct ack_values v = *golden_values();
			char *body, *line;

			v.name = names[n];
			body = render(want[i].lang, want[i].type, &v);
			line = g_strndup(body, strcspn(body, "\n"));
			ck_assert_msg(strcmp(line, want[i].greeting) == 0,
			    "%s-%s name %zu: got \"%s\", want \"%s\"", want[i].lang, want[i].type, n,
			    line, want[i].greeting);
			g_free(line);
			g_free(body);
		}
	}
}
END_TEST

/* A ticket with no due time: the {{^due}} branch, and no date at all. */
START_TEST(test_due_absent)
{
	struct ack_values v = *golden_values();
	char *body;

	v.due = 0;
	body = render("en", "functional", &v);
	ck_assert_msg(strstr(body, "2. One of us will reply to you as soon as we have been "
	    "through it.\n") != NULL, "got\n%s", body);
	ck_assert_ptr_null(strstr(body, "no later than"));
	g_free(body);

	v.due = 0;
	body = render("sv", "analytical", &v);
	ck_assert_msg(strstr(body, "\nSvar senast: ingen fast tid för det här ärendet") != NULL,
	    "got\n%s", body);
	g_free(body);

	/* Out of GDateTime's range is no due time either, not a crash. */
	v.due = G_GINT64_CONSTANT(1) << 60;
	body = render("de", "intuitive", &v);
	ck_assert_msg(strstr(body, "so bald wie möglich") != NULL, "got\n%s", body);
	g_free(body);
}
END_TEST

/* --- fallback ------------------------------------------------------------------ */

START_TEST(test_fallback)
{
	const struct ack_values *v = golden_values();
	static const struct {
		const char *lang, *fallback, *want;
	} cases[] = {
		{ "sv", "de", "sv" },
		{ "fi", "sv", "sv" },		/* unknown: the fallback */
		{ "fi", "xx", "en" },		/* both unknown: en */
		{ "und", NULL, "en" },
		{ NULL, "nb", "nb" },
		{ "", "", "en" },
		{ "sv-SE", NULL, "sv" },	/* a region is ignored */
		{ "nb_NO", NULL, "nb" },
		{ "DE", NULL, "de" },		/* case does not matter */
		{ "bg-BG-x-very-long-private-tag", NULL, "en" },
		{ "../en", NULL, "en" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *used = NULL;
		char *got = ack_render(shipped, cases[i].lang, cases[i].fallback, "intuitive", v,
		    &used);
		char *want = render(cases[i].want, "intuitive", v);

		ck_assert_msg(used != NULL && strcmp(used, cases[i].want) == 0,
		    "%s/%s: got %s, want %s", cases[i].lang ? cases[i].lang : "(null)",
		    cases[i].fallback ? cases[i].fallback : "(null)", used ? used : "(null)",
		    cases[i].want);
		ck_assert_str_eq(got, want);
		g_free(got);
		g_free(want);
	}
	/* language_used may be NULL. */
	g_free(ack_render(shipped, "da", NULL, "personal", v, NULL));
}
END_TEST

/* An unknown or missing personality gets the functional template. */
START_TEST(test_default_personality)
{
	const struct ack_values *v = golden_values();
	char *want = render("da", ACK_DEFAULT_PERSONALITY, v);
	const char *bad[] = { NULL, "", "Analytical", "bogus" };

	ck_assert_str_eq(ACK_DEFAULT_PERSONALITY, "functional");
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *got = ack_render(shipped, "da", NULL, bad[i], v, NULL);

		ck_assert_str_eq(got, want);
		g_free(got);
	}
	g_free(want);
}
END_TEST

/* --- injection ------------------------------------------------------------------- */

/*
 * Values that carry line breaks, tags, direction overrides or bytes that
 * are not UTF-8 add no line to any template, are not read as tags, and
 * come out as clean single-line text.
 */
START_TEST(test_injection)
{
	const char *lang = langs[_i / NTYPE], *type = types[_i % NTYPE];
	struct ack_values plain = *golden_values(), evil = plain;
	char *want, *got;

	plain.subject = "Help X";
	plain.name = "Eve X";
	want = render(lang, type, &plain);

	evil.subject = "Help\r\nBcc: victim@example.com\r\n\r\n{{ticket}}{{#due}}{{/name}}\n.\n"
	    "\xe2\x80\xa8\xc2\x85\xe2\x80\xae\x1b[31m\x7f\xff\xfe X";
	evil.name = "Eve\n\nX-Injected: 1\r{{^name}}";
	got = render(lang, type, &evil);
	ck_assert_msg(count_lines(got) == count_lines(want), "%s-%s: %u lines, want %u:\n%s",
	    lang, type, count_lines(got), count_lines(want), got);
	ck_assert_ptr_null(strchr(got, '\r'));
	ck_assert_ptr_null(strstr(got, "\nBcc:"));
	ck_assert_ptr_null(strstr(got, "\nX-Injected"));
	ck_assert_ptr_null(strstr(got, "\n.\n"));
	ck_assert_ptr_null(strstr(got, "\xe2\x80\xae"));	/* RIGHT-TO-LEFT OVERRIDE */
	ck_assert_ptr_null(strstr(got, "\xe2\x80\xa8"));	/* LINE SEPARATOR */
	ck_assert_ptr_null(strstr(got, "\xc2\x85"));		/* NEXT LINE */
	ck_assert_ptr_null(strchr(got, '\x1b'));
	ck_assert_msg(g_utf8_validate(got, -1, NULL), "%s-%s: not UTF-8", lang, type);
	/* The tags are printed as they stand, once, and change nothing. */
	ck_assert_msg(strstr(got, "Help Bcc: victim@example.com {{ticket}}{{#due}}{{/name}} . [31m "
	    "\xef\xbf\xbd\xef\xbf\xbd X") != NULL, "%s-%s: subject cleaned wrongly:\n%s", lang,
	    type, got);
	ck_assert_msg(strstr(got, "Eve X-Injected: 1 {{^name}}") != NULL,
	    "%s-%s: name cleaned wrongly:\n%s", lang, type, got);
	g_free(got);
	g_free(want);
}
END_TEST

/* Long values are cut at their maximum, at a character boundary, with "…". */
START_TEST(test_long_values)
{
	struct ack_values v = *golden_values();
	GString *subject = g_string_new(NULL), *name = g_string_new(NULL);
	char *body, *want_subject, *want_name, *plain;
	const char *used;

	for (int i = 0; i < 100000; i++)
		g_string_append(subject, "ä");		/* 2 bytes each: cuts fall mid-character */
	for (int i = 0; i < 5000; i++)
		g_string_append(name, i % 2 ? "Ж" : "\r\n\xf0\x9f\x98\x80");
	v.subject = subject->str;
	v.name = name->str;
	body = ack_render(shipped, "en", NULL, "analytical", &v, &used);
	ck_assert_msg(g_utf8_validate(body, -1, NULL), "not UTF-8");
	plain = render("en", "analytical", golden_values());
	ck_assert_int_eq(count_lines(body), count_lines(plain));
	g_free(plain);
	want_subject = g_strdup_printf("\nSubject: %.*s…\n", ACK_SUBJECT_MAX * 2, subject->str);
	ck_assert_msg(strstr(body, want_subject) != NULL, "subject not cut at %d characters",
	    ACK_SUBJECT_MAX);
	/* Leading breaks go, each break in the middle is one space. */
	{
		GString *clean = g_string_new("😀Ж");
		char *cut;

		while (g_utf8_strlen(clean->str, -1) <= ACK_NAME_MAX)
			g_string_append(clean, " 😀Ж");
		cut = g_utf8_substring(clean->str, 0, ACK_NAME_MAX);
		want_name = g_strdup_printf("Hello %s…,\n", g_strchomp(cut));
		g_free(cut);
		g_string_free(clean, TRUE);
	}
	ck_assert_msg(g_str_has_prefix(body, want_name), "got %.*s\nwant %s",
	    (int)strcspn(body, "\n"), body, want_name);
	ck_assert_uint_lt(strlen(body), 4096);
	g_free(body);

	/* Padding in front does not push the text past the cap. */
	g_string_truncate(subject, 0);
	for (int i = 0; i < 5000; i++)
		g_string_append(subject, "\r\n \t");
	g_string_append(subject, "Real subject");
	v.subject = subject->str;
	v.name = NULL;
	body = ack_render(shipped, "en", NULL, "analytical", &v, &used);
	ck_assert_msg(strstr(body, "\nSubject: Real subject\n") != NULL, "got\n%s", body);
	g_free(want_subject);
	g_free(want_name);
	g_free(body);
	g_string_free(subject, TRUE);
	g_string_free(name, TRUE);
}
END_TEST

/* --- load errors ------------------------------------------------------------------ */

/*
 * Each case writes rel (under a fresh override directory) with text and
 * expects the load to fail with a message starting "OVERRIDE/where" and
 * containing what.
 */
static const struct {
	const char *rel;
	const char *text;
	gssize len;
	const char *where;
	const char *what;
} error_cases[] = {
	{ "en/personal.txt", "Hello\n\n{{nmae}}\n", -1, "en/personal.txt:3: ",
	  "unknown placeholder {{nmae}}" },
	{ "en/personal.txt", "{{ #Name }}x{{/Name}}\n", -1, "en/personal.txt:1: ",
	  "unknown placeholder {{#Name}}" },
	{ "en/personal.txt", "a {{{name}}}\n", -1, "en/personal.txt:1: ",
	  "unknown placeholder {{{name}}" },
	{ "en/personal.txt", "a {{&name}}\n", -1, "en/personal.txt:1: ",
	  "unknown placeholder {{&name}}" },
	{ "en/personal.txt", "# c\n{{#due}}\nby {{due}}\n", -1, "en/personal.txt:2: ",
	  "{{#due}} is never closed" },
	{ "en/personal.txt", "x\n{{#due}}{{^name}}\nx\n{{/due}}\n{{/name}}\n", -1,
	  "en/personal.txt:4: ", "{{/due}} closes {{^name}} of line 2" },
	{ "en/personal.txt", "x\n\n{{/name}}\n", -1, "en/personal.txt:3: ",
	  "{{/name}} closes a section that is not open" },
	{ "en/personal.txt", "Hello {{name\n}}\n", -1, "en/personal.txt:1: ",
	  "\"{{\" without \"}}\"" },
	{ "en/personal.txt", "ok\nok\nbad \xff here\n", -1, "en/personal.txt:3: ",
	  "not valid UTF-8" },
	{ "en/personal.txt", "ok\nbell\x07\n", -1, "en/personal.txt:2: ",
	  "control character 0x07" },
	{ "en/personal.txt", "ok\nnul\0here\n", 12, "en/personal.txt:2: ",
	  "not valid UTF-8" },
	{ "en/personal.txt",
	  "x\n{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}\n",
	  -1, "en/personal.txt:2: ", "nested more than 8 deep" },
	{ "en/personal.txt", "# only a comment\n\n   \n", -1, "en/personal.txt: ",
	  "no text" },
	{ "en/analytic.txt", "Hello\n", -1, "en/analytic.txt: ", "\"analytic\" is not a type" },
	{ "SV/personal.txt", "Hello\n", -1, "SV: ", "not a language code" },
	{ "sv_SE/personal.txt", "Hello\n", -1, "sv_SE: ", "not a language code" },
	/* A language only the override has must be complete there. */
	{ "fi/analytical.txt", "Hei\n", -1, "fi/personal.txt: ",
	  "missing; the language fi needs all of" },
};

START_TEST(test_load_error)
{
	char *dir = make_tmp_dir();
	GError *error = NULL;
	struct ack_templates *t;
	char *where;

	write_file(dir, error_cases[_i].rel, error_cases[_i].text, error_cases[_i].len);
	t = ack_templates_load(TEMPLATES_DIR, dir, &error);
	ck_assert_msg(t == NULL, "case %d (%s) loaded", _i, error_cases[_i].rel);
	ck_assert_ptr_nonnull(error);
	ck_assert(error->domain == ACK_TEMPLATE_ERROR);
	where = g_strdup_printf("%s/%s", dir, error_cases[_i].where);
	ck_assert_msg(g_str_has_prefix(error->message, where), "case %d: \"%s\" does not "
	    "start with \"%s\"", _i, error->message, where);
	ck_assert_msg(strstr(error->message, error_cases[_i].what) != NULL,
	    "case %d: \"%s\" does not say \"%s\"", _i, error->message, error_cases[_i].what);
	g_error_free(error);
	g_free(where);
	remove_tree(dir);
	g_free(dir);
}
END_TEST

/* Errors of whole directories. */
START_TEST(test_load_dir_errors)
{
	char *dir = make_tmp_dir(), *big, *missing, *path;
	GError *error = NULL;
	GString *huge = g_string_new(NULL);

	/* A shipped directory without en. */
	write_language(dir, "sv", "Hej {{ticket}}\n");
	ck_assert_ptr_null(ack_templates_load(dir, NULL, &error));
	path = g_strdup_printf("%s/en: missing", dir);
	ck_assert_msg(error != NULL && error->code == ACK_TEMPLATE_ERROR_MISSING &&
	    g_str_has_prefix(error->message, path), "got %s", error ? error->message : "none");
	g_clear_error(&error);
	g_free(path);

	/* A shipped language that is partial. */
	write_language(dir, "en", "Hello {{ticket}}\n");
	path = g_build_filename(dir, "sv", "intuitive.txt", NULL);
	g_unlink(path);
	ck_assert_ptr_null(ack_templates_load(dir, NULL, &error));
	ck_assert_msg(error != NULL && g_str_has_prefix(error->message, path) &&
	    strstr(error->message, ": missing") != NULL, "got %s", error ? error->message : "none");
	g_clear_error(&error);
	g_free(path);
	write_language(dir, "sv", "Hej {{ticket}}\n");

	/* Too large: refused before it is read. */
	g_string_append(huge, "{{ticket}}\n");
	while (huge->len <= ACK_TEMPLATE_FILE_MAX)
		g_string_append(huge, "All work and no play makes Jack a dull boy.\n");
	write_file(dir, "en/intuitive.txt", huge->str, -1);
	big = g_build_filename(dir, "en", "intuitive.txt", NULL);
	ck_assert_ptr_null(ack_templates_load(dir, NULL, &error));
	ck_assert_msg(error != NULL && g_str_has_prefix(error->message, big) &&
	    strstr(error->message, "at most 65536 bytes") != NULL, "got %s",
	    error ? error->message : "none");
	g_clear_error(&error);
	g_free(big);
	write_language(dir, "en", "Hello {{ticket}}\n");

	/* An override directory that does not exist. */
	missing = g_build_filename(dir, "no-such-dir", NULL);
	ck_assert_ptr_null(ack_templates_load(dir, missing, &error));
	ck_assert_msg(error != NULL && error->code == ACK_TEMPLATE_ERROR_IO &&
	    g_str_has_prefix(error->message, missing), "got %s", error ? error->message : "none");
	g_clear_error(&error);
	ck_assert_ptr_null(ack_templates_load(missing, NULL, &error));
	ck_assert(error != NULL && error->code == ACK_TEMPLATE_ERROR_IO);
	g_clear_error(&error);
	g_free(missing);

	/* The same directory is fine once repaired; a README and a backup are ignored. */
	write_file(dir, "README", "not a language\n", -1);
	write_file(dir, "en/personal.txt~", "{{broken\n", -1);
	write_file(dir, "en/.personal.txt.swp", "{{broken\n", -1);
	{
		struct ack_templates *t = ack_templates_load(dir, NULL, &error);

		ck_assert_msg(t != NULL, "%s", error ? error->message : "");
		ack_templates_free(t);
	}
	ack_templates_free(NULL);
	g_string_free(huge, TRUE);
	remove_tree(dir);
	g_free(dir);
}
END_TEST

/* --- overrides --------------------------------------------------------------------- */

START_TEST(test_override)
{
	char *dir = make_tmp_dir();
	GError *error = NULL;
	struct ack_templates *t;
	const struct ack_values *v = golden_values();
	const char *used;
	char *got, *want;

	write_file(dir, "sv/intuitive.txt", "# the site's own\nVi har {{ticket}}, svar {{due}}.\n", -1);
	write_language(dir, "fi", "{{ticket}} {{due}} / {{due_date}} / {{due_time}}\n");
	t = ack_templates_load(TEMPLATES_DIR, dir, &error);
	ck_assert_msg(t != NULL, "%s", error ? error->message : "");

	/* The one file replaced ... */
	got = ack_render(t, "sv", NULL, "intuitive", v, &used);
	ck_assert_str_eq(got, "Vi har T-000123, svar tisdag 26 november kl. 11:00.\n");
	ck_assert_str_eq(used, "sv");
	g_free(got);
	/* ... and only that one. */
	got = ack_render(t, "sv", NULL, "personal", v, NULL);
	want = render("sv", "personal", v);
	ck_assert_str_eq(got, want);
	g_free(got);
	g_free(want);
	/* A language added, with ISO dates for want of a table. */
	got = ack_render(t, "fi", "sv", "analytical", v, &used);
	ck_assert_str_eq(used, "fi");
	ck_assert_str_eq(got, "analytical: T-000123 2024-11-26 11:00 / 2024-11-26 / 11:00\n");
	g_free(got);
	/* The shipped set is untouched by another set's overrides. */
	got = ack_render(shipped, "fi", "sv", "analytical", v, &used);
	ck_assert_str_eq(used, "sv");
	g_free(got);
	ack_templates_free(t);
	remove_tree(dir);
	g_free(dir);
}
END_TEST

/* --- syntax ------------------------------------------------------------------------ */

/* Loads text as en/analytical.txt of an override and renders it with v. */
static char *
render_text(const char *text, gssize len, const struct ack_values *v)
{
	char *dir = make_tmp_dir(), *body;
	GError *error = NULL;
	struct ack_templates *t;

	write_file(dir, "en/analytical.txt", text, len);
	t = ack_templates_load(TEMPLATES_DIR, dir, &error);
	ck_assert_msg(t != NULL, "%s", error ? error->message : "");
	body = ack_render(t, "en", NULL, "analytical", v, NULL);
	ack_templates_free(t);
	remove_tree(dir);
	g_free(dir);
	return body;
}

START_TEST(test_syntax)
{
	struct ack_values v = *golden_values(), none = { 0 };
	static const char text[] =
	    "\xef\xbb\xbf# a comment; the byte-order mark before it is dropped\n"
	    "\n"
	    "\n"
	    "{{#name}}Hi {{ name }},{{/name}}{{^name}}Hi,{{/name}}   \r\n"
	    "\n"
	    "  {{#subject}}  \n"
	    "About: {{subject}}\n"
	    "# a comment in the middle leaves no line\n"
	    "{{/subject}}\n"
	    "\n"
	    "\n"
	    "{{#due}}\n"
	    "Due {{due_date}} / {{due_time}}{{#name}} for {{name}}{{/name}}.\n"
	    "{{/due}}\n"
	    "{{^due}}\n"
	    "No due time{{^name}} and no name{{/name}}.\n"
	    "{{/due}}\n"
	    "\n"
	    "Ref {{ticket}}\t\n"
	    "Tab\tkept, # not a comment, braces { } }} kept\n"
	    "\n"
	    "\n";
	char *got;

	got = render_text(text, -1, &v);
	ck_assert_str_eq(got,
	    "Hi Zoë Ångström,\n"
	    "\n"
	    "About: Invoice 4711 charged twice\n"
	    "\n"
	    "Due Tuesday 26 November / 11:00 for Zoë Ångström.\n"
	    "\n"
	    "Ref T-000123\n"
	    "Tab\tkept, # not a comment, braces { } }} kept\n");
	g_free(got);

	none.ticket = "T-000001";
	got = render_text(text, -1, &none);
	ck_assert_str_eq(got,
	    "Hi,\n"
	    "\n"
	    "No due time and no name.\n"
	    "\n"
	    "Ref T-000001\n"
	    "Tab\tkept, # not a comment, braces { } }} kept\n");
	g_free(got);

	/* A section across lines that are not standalone, and nesting. */
	got = render_text("A{{#name}}B\nC{{#due}}D{{/due}}{{^due}}E{{/due}}\nF{{/name}}G\n", -1,
	    &none);
	ck_assert_str_eq(got, "AG\n");
	g_free(got);
	got = render_text("A{{#name}}B\nC{{#due}}D{{/due}}{{^due}}E{{/due}}\nF{{/name}}G\n", -1,
	    &v);
	ck_assert_str_eq(got, "AB\nCD\nFG\n");
	g_free(got);

	/* No final newline in the file; a value alone on a line. */
	got = render_text("{{ticket}}", -1, &v);
	ck_assert_str_eq(got, "T-000123\n");
	g_free(got);
}
END_TEST

/* --- dates ------------------------------------------------------------------------- */

/* Each language's names, written out again here to check the tables' order. */
static const struct {
	const char *lang;
	const char *weekdays[7];	/* Monday first */
	const char *months[12];
} names_want[NLANG] = {
	{ "en", { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" },
	  { "January", "February", "March", "April", "May", "June", "July", "August",
	    "September", "October", "November", "December" } },
	{ "sv", { "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag" },
	  { "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
	    "september", "oktober", "november", "december" } },
	{ "nb", { "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag" },
	  { "januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
	    "september", "oktober", "november", "desember" } },
	{ "da", { "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag" },
	  { "januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
	    "september", "oktober", "november", "december" } },
	{ "de", { "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag" },
	  { "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
	    "September", "Oktober", "November", "Dezember" } },
	{ "bg", { "понеделник", "вторник", "сряда", "четвъртък", "петък", "събота", "неделя" },
	  { "януари", "февруари", "март", "април", "май", "юни", "юли", "август",
	    "септември", "октомври", "ноември", "декември" } },
};

static gint64
local_time(GTimeZone *zone, int y, int mo, int d, int h, int mi)
{
	GDateTime *dt = g_date_time_new(zone, y, mo, d, h, mi, 0);
	gint64 t = g_date_time_to_unix(dt);

	g_date_time_unref(dt);
	return t;
}

static void
assert_due(const char *lang, gint64 when, GTimeZone *zone, enum ack_due_part part,
    const char *want)
{
	char *got = ack_format_due(lang, when, zone, part);

	ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s part %d: got \"%s\", want \"%s\"",
	    lang, (int)part, got ? got : "(null)", want);
	g_free(got);
}

START_TEST(test_dates_known)
{
	static const struct {
		const char *lang, *full, *date, *time;
	} nov26[] = {
		{ "en", "Tuesday 26 November at 11:00", "Tuesday 26 November", "11:00" },
		{ "sv", "tisdag 26 november kl. 11:00", "tisdag 26 november", "11:00" },
		{ "nb", "tirsdag 26. november kl. 11.00", "tirsdag 26. november", "11.00" },
		{ "da", "tirsdag den 26. november kl. 11.00", "tirsdag den 26. november", "11.00" },
		{ "de", "Dienstag, 26. November, 11:00 Uhr", "Dienstag, 26. November", "11:00" },
		{ "bg", "вторник, 26 ноември, в 11:00", "вторник, 26 ноември", "11:00" },
	}, jul6[] = {
		/* Summer time, a single-digit day and hour, a Sunday. */
		{ "en", "Sunday 6 July at 08:05", NULL, NULL },
		{ "sv", "söndag 6 juli kl. 08:05", NULL, NULL },
		{ "nb", "søndag 6. juli kl. 08.05", NULL, NULL },
		{ "da", "søndag den 6. juli kl. 08.05", NULL, NULL },
		{ "de", "Sonntag, 6. Juli, 08:05 Uhr", NULL, NULL },
		{ "bg", "неделя, 6 юли, в 08:05", NULL, NULL },
	};
	gint64 summer = local_time(stockholm, 2025, 7, 6, 8, 5);
	GTimeZone *new_york = g_time_zone_new_identifier("America/New_York");

	ck_assert_msg(new_york != NULL, "no tzdata for America/New_York");
	ck_assert_int_eq(due_fixed, 1732615200);	/* 2024-11-26T10:00:00Z */
	for (int i = 0; i < NLANG; i++) {
		assert_due(nov26[i].lang, due_fixed, stockholm, ACK_DUE_FULL, nov26[i].full);
		assert_due(nov26[i].lang, due_fixed, stockholm, ACK_DUE_DATE, nov26[i].date);
		assert_due(nov26[i].lang, due_fixed, stockholm, ACK_DUE_TIME, nov26[i].time);
		assert_due(jul6[i].lang, summer, stockholm, ACK_DUE_FULL, jul6[i].full);
	}
	/* The zone is the caller's: UTC by default, another when given. */
	assert_due("en", due_fixed, NULL, ACK_DUE_FULL, "Tuesday 26 November at 10:00");
	assert_due("en", due_fixed, new_york, ACK_DUE_FULL, "Tuesday 26 November at 05:00");
	assert_due("de", local_time(stockholm, 2025, 1, 1, 0, 30), new_york, ACK_DUE_FULL,
	    "Dienstag, 31. Dezember, 18:30 Uhr");
	/* No table: ISO. No time: NULL. */
	assert_due("fi", due_fixed, stockholm, ACK_DUE_FULL, "2024-11-26 11:00");
	assert_due(NULL, due_fixed, stockholm, ACK_DUE_DATE, "2024-11-26");
	ck_assert_ptr_null(ack_format_due("en", 0, stockholm, ACK_DUE_FULL));
	ck_assert_ptr_null(ack_format_due("en", G_MAXINT64, stockholm, ACK_DUE_FULL));
	g_time_zone_unref(new_york);
}
END_TEST

/* Every weekday and month name of every language, in order. */
START_TEST(test_dates_tables)
{
	for (int l = 0; l < NLANG; l++) {
		const char *lang = names_want[l].lang;

		/* 2024-11-25 was a Monday. */
		for (int d = 0; d < 7; d++) {
			gint64 t = local_time(stockholm, 2024, 11, 25, 12, 0) + d * 86400;
			char *got = ack_format_due(lang, t, stockholm, ACK_DUE_DATE);

			ck_assert_msg(strstr(got, names_want[l].weekdays[d]) == got,
			    "%s: \"%s\" does not start with %s", lang, got, names_want[l].weekdays[d]);
			g_free(got);
		}
		for (int m = 0; m < 12; m++) {
			gint64 t = local_time(stockholm, 2025, m + 1, 15, 12, 0);
			char *got = ack_format_due(lang, t, stockholm, ACK_DUE_DATE);

			ck_assert_msg(g_str_has_suffix(got, names_want[l].months[m]),
			    "%s: \"%s\" does not end with %s", lang, got, names_want[l].months[m]);
			ck_assert_msg(strstr(got, "15") != NULL, "%s: %s", lang, got);
			g_free(got);
		}
	}
}
END_TEST

/* --- threads ---------------------------------------------------------------------- */

#define THREADS 4
#define ROUNDS 50

static char *thread_want[NLANG * NTYPE];

static gpointer
render_many(gpointer data)
{
	gint *failures = data;
	GTimeZone *zone = g_time_zone_new_identifier("Europe/Stockholm");

	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NLANG * NTYPE; i++) {
			struct ack_values v = *golden_values();
			char *got;

			/* Each thread its own zone object, as each would in the daemon. */
			v.zone = zone;
			got = ack_render(shipped, langs[i / NTYPE], "en", types[i % NTYPE], &v, NULL);
			if (strcmp(got, thread_want[i]) != 0)
				g_atomic_int_inc(failures);
			g_free(got);
		}
	}
	g_time_zone_unref(zone);
	return NULL;
}

START_TEST(test_threads)
{
	GThread *threads[THREADS];
	gint failures = 0;

	for (int i = 0; i < NLANG * NTYPE; i++)
		thread_want[i] = render(langs[i / NTYPE], types[i % NTYPE], golden_values());
	for (int i = 0; i < THREADS; i++)
		threads[i] = g_thread_new("render", render_many, &failures);
	for (int i = 0; i < THREADS; i++)
		g_thread_join(threads[i]);
	ck_assert_int_eq(g_atomic_int_get(&failures), 0);
	for (int i = 0; i < NLANG * NTYPE; i++)
		g_free(thread_want[i]);
}
END_TEST

/* Only a complaint gets an apology: a thank-you note is answered warmly, without one. */
START_TEST(test_apology_only_for_complaints)
{
	static const struct { const char *lang, *apology; } cases[] = {
		{ "en", "sorry" }, { "sv", "ursäkt" }, { "nb", "beklager" },
		{ "da", "beklager" }, { "de", "tut uns leid" }, { "bg", "съжаляваме" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ack_values v = *golden_values();
		char *with, *without;

		with = render(cases[i].lang, "personal", &v);
		v.complaint = false;
		without = render(cases[i].lang, "personal", &v);
		ck_assert_msg(strstr(with, cases[i].apology) != NULL, "%s: complaint without \"%s\"",
		    cases[i].lang, cases[i].apology);
		ck_assert_msg(strstr(without, cases[i].apology) == NULL, "%s: apology to a non-complaint",
		    cases[i].lang);
		ck_assert_msg(strstr(without, "T-000123") != NULL, "%s: no ticket", cases[i].lang);
		g_free(with);
		g_free(without);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ack_template");
	TCase *tc;
	GError *error = NULL;
	int status;

	stockholm = g_time_zone_new_identifier("Europe/Stockholm");
	if (stockholm == NULL) {
		fprintf(stderr, "FAIL: no tzdata for Europe/Stockholm\n");
		return EXIT_FAILURE;
	}
	due_fixed = local_time(stockholm, 2024, 11, 26, 11, 0);
	shipped = ack_templates_load(TEMPLATES_DIR, NULL, &error);
	if (shipped == NULL) {
		fprintf(stderr, "FAIL: the shipped templates do not load: %s\n", error->message);
		return EXIT_FAILURE;
	}

	tc = tcase_create("rendering");
	tcase_add_loop_test(tc, test_golden, 0, NLANG * NTYPE);
	tcase_add_loop_test(tc, test_shape, 0, NLANG * NTYPE);
	tcase_add_test(tc, test_name_absent);
	tcase_add_test(tc, test_apology_only_for_complaints);
	tcase_add_test(tc, test_due_absent);
	tcase_add_test(tc, test_fallback);
	tcase_add_test(tc, test_default_personality);
	suite_add_tcase(s, tc);

	tc = tcase_create("injection");
	tcase_add_loop_test(tc, test_injection, 0, NLANG * NTYPE);
	tcase_add_test(tc, test_long_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("loading");
	tcase_add_loop_test(tc, test_load_error, 0, (int)G_N_ELEMENTS(error_cases));
	tcase_add_test(tc, test_load_dir_errors);
	tcase_add_test(tc, test_override);
	tcase_add_test(tc, test_syntax);
	suite_add_tcase(s, tc);

	tc = tcase_create("dates");
	tcase_add_test(tc, test_dates_known);
	tcase_add_test(tc, test_dates_tables);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);

	status = check_run(s);
	ack_templates_free(shipped);
	g_time_zone_unref(stockholm);
	return status;
}
