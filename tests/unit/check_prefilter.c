/*
 * check_prefilter.c - the Hyperscan prefilter of the body rules.
 *
 * Three things. The rewrite turns PCRE2 patterns into the Hyperscan text a
 * table says. The prefilter never changes a verdict: every message of
 * tests/data, every example text of tests/rules, and, when shared/corpus is
 * beside the checkout, every line of lang/dev.tsv and every tweet of
 * complaints/xci-dev.csv is classified by the shipped rules with and
 * without it, in its own language and as "und" (every rule, every
 * database), and the rules fired and their scores must be the same. And
 * caseless matching of non-ASCII letters survives it: the same texts in
 * upper case, and with letters swapped for their rarer case variants
 * (KELVIN SIGN for k, long s for s, ANGSTROM SIGN for å, the old Cyrillic
 * forms U+1C80... for в д о с т ъ), give the same verdicts too.
 *
 * Built without Hyperscan, or with TRIAGE_PREFILTER=0, there is nothing to
 * test: the program says so and exits 77 (automake's SKIP).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "classify.h"
#include "csv.h"
#include "prefilter.h"
#include "ruleset_int.h"
#include "check_run.h"

#define EXIT_SKIP 77
#define COMPILE_TIMEOUT_MS (10 * 60 * 1000)
#define MISMATCHES_SHOWN 10

/* A text to classify, and the language to classify it in. */
struct text {
	char *origin;		/* "examples-sv.txt:12", for messages */
	char *language;		/* NULL: the one the reader detects */
	char *data;
	bool eml;		/* data is a whole message, not a body */
};

static struct ruleset *with;		/* prefilter started and ready */
static struct ruleset *without;		/* PCRE2 alone */
static GArray *texts;			/* of struct text */
static const char *const languages[] = { "en", "sv", "nb", "nn", "da", "de", "bg" };

/* --- the rewrite ------------------------------------------------------------- */

#define U (PCRE2_UTF | PCRE2_UCP)
#define I (PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS)

static const struct {
	const char *pattern;
	uint32_t options;
	const char *want;	/* NULL: refused */
} rewrites[] = {
	/* Assertions go: they only narrow a match. */
	{ "\\bfoo\\b", U, "foo" },
	{ "^a$", U, "a" },
	{ "\\Aa\\z\\Z\\G", U, "a" },
	{ "(?<!c)d(?=e)(?!f)", U, "d" },
	{ "x(?<=x)y", U, "xy" },
	/* But where nothing is consumed yet, what a lookbehind wants is matched. */
	{ "(?<=a)b|\\b(?:(?<=[)(])x|y(?<=y)z)", U, "(?:a)b|(?:(?:[\\x{28}\\x{29}])x|yz)" },
	{ "(?:(?<=q)b|q){2}", U, "(?:b|q){2}" },
	{ "a\\b{2}c", U, "ac" },
	/* Case is folded, in the text as in the pattern: lower of upper. */
	{ "Foo", I, "foo" },
	{ "Foo", U, "foo" },
	{ "\\x{212A}", I, "k" },
	{ "\\x{C4}RGER", I, "\\x{E4}rger" },
	{ "\\x{416}\\x{410}\\x{41B}\\x{411}\\x{410}", I, "\\x{436}\\x{430}\\x{43B}\\x{431}\\x{430}" },
	{ "\\x{1C80}", I, "\\x{432}" },
	{ "[A-C]", I, "[a-c]" },
	/* \s is ASCII, \d an ASCII digit, all beyond the BMP U+10000. */
	{ "a\\s+b", U, "a[\\x{9}-\\x{D}\\x{20}]+b" },
	{ "\\d", U, "[0-9\\x{10000}]" },
	{ "\\x{1F600}", U, "\\x{10000}" },
	{ "[\\x{1F600}-\\x{1F604}]", U, "\\x{10000}" },
	/* \S and \W keep all that may be a non-space or a non-word. */
	{ "\\S", U, "[\\x{0}-\\x{8}\\x{E}-\\x{1F}\\x{21}-\\x{D7FF}\\x{E000}-\\x{10000}]" },
	{ "[^\\s,.]", U, "[\\x{0}-\\x{8}\\x{E}-\\x{1F}\\x{21}-\\x{2B}\\x{2D}\\x{2F}-\\x{D7FF}\\x{E000}-\\x{10000}]" },
	/* In a class, \b is a backspace; escapes and punctuation are themselves. */
	{ "[\\b]", U, "\\x{8}" },
	{ "\\.\\x2e\\x{2E}\\056", U, "\\x{2E}\\x{2E}\\x{2E}\\x{2E}" },
	{ "\\Qa.b\\E+", U, "a\\x{2E}b+" },
	{ "a{x", U, "a\\x{7B}x" },
	{ "[]a]", U, "[\\x{5D}a]" },
	{ "[[:digit:]x]", U, "[0-9x\\x{10000}]" },
	/* Groups become plain groups; inline options only set the case. */
	{ "(a)(?<n>b)(?P<m>c)(?'o'd)(?>e)(?|f)", U, "(?:a)(?:b)(?:c)(?:d)(?:e)(?:f)" },
	{ "(?i)k(?-i:K)", U, "k(?:k)" },
	{ "(?#note)a", U, "a" },
	/* Lazy and possessive repeats are plain; {n,m} is {n,}. */
	{ "a*+b??c{2}d{2,5}?e{0,3}", U, "a*b?c{2}d{2,}e{0,}" },
	/* Refused: left to PCRE2 alone. */
	{ "(a)\\1", U, NULL },
	{ "(?(1)a|b)", U, NULL },
	{ "(?x)a b", U, NULL },
	{ "a b", U | PCRE2_EXTENDED, NULL },
	{ "(*UTF)a", U, NULL },
	{ "a{,3}", U, NULL },
	{ "(?R)", U, NULL },
	{ "a", 0, NULL },
};

START_TEST(test_rewrite)
{
	struct prefilter_probe *probe = prefilter_probe_new();

	for (size_t i = 0; i < G_N_ELEMENTS(rewrites); i++) {
		GError *error = NULL;
		char *got = prefilter_rewrite(probe, rewrites[i].pattern, rewrites[i].options,
		    &error);

		if (rewrites[i].want == NULL)
			ck_assert_msg(got == NULL && error != NULL,
			    "rewrite /%s/: got %s, want a refusal", rewrites[i].pattern, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, rewrites[i].want) == 0,
			    "rewrite /%s/: got %s, want %s", rewrites[i].pattern,
			    got != NULL ? got : error->message, rewrites[i].want);
		g_free(got);
		g_clear_error(&error);
	}
	prefilter_probe_free(probe);
}
END_TEST

/* Every shipped body rule is rewritten: none falls back to PCRE2 alone. */
START_TEST(test_rewrite_shipped)
{
	struct prefilter_probe *probe = prefilter_probe_new();
	unsigned body = 0;

	for (guint i = 0; i < with->rules->len; i++) {
		const struct rule *rule = g_ptr_array_index(with->rules, i);
		GError *error = NULL;
		char *got;

		if (rule->kind != RULE_BODY)
			continue;
		body++;
		got = prefilter_rewrite(probe, rule->source, rule->options, &error);
		ck_assert_msg(got != NULL, "%s:%u: %s: %s", rule->file, rule->line, rule->name,
		    error != NULL ? error->message : "?");
		g_free(got);
	}
	ck_assert_uint_gt(body, 250);
	prefilter_probe_free(probe);
}
END_TEST

/* --- the texts ------------------------------------------------------------------ */

static void
add_text(const char *origin, const char *language, const char *data, bool eml)
{
	struct text t = { g_strdup(origin), g_strdup(language), g_strdup(data), eml };

	g_array_append_val(texts, t);
}

static void
load_eml(void)
{
	const char *dir_path = TESTS_SRCDIR "/data";
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;

	while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
		char *path, *data;

		if (!g_str_has_suffix(entry, ".eml"))
			continue;
		path = g_build_filename(dir_path, entry, NULL);
		if (g_file_get_contents(path, &data, NULL, NULL)) {
			add_text(entry, NULL, data, true);
			g_free(data);
		}
		g_free(path);
	}
	if (dir != NULL)
		g_dir_close(dir);
}

/* Adds the text of every "+", "-" and "=" line, in the language of its "lang" line. */
static void
load_examples(void)
{
	const char *dir_path = TESTS_SRCDIR "/rules";
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;

	while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
		char *path, *contents, **lines, *language;
		unsigned n = 0;

		if (!g_str_has_prefix(entry, "examples-") || !g_str_has_suffix(entry, ".txt"))
			continue;
		path = g_build_filename(dir_path, entry, NULL);
		if (!g_file_get_contents(path, &contents, NULL, NULL)) {
			g_free(path);
			continue;
		}
		language = g_strdup("und");
		lines = g_strsplit(contents, "\n", -1);
		for (char **l = lines; *l != NULL; l++) {
			char *line = g_strchomp(*l), *tab = strchr(line, '\t'), *origin;

			n++;
			if (g_str_has_prefix(line, "lang ")) {
				g_free(language);
				language = g_strstrip(g_strdup(line + 5));
				continue;
			}
			if (tab == NULL || strchr("+-=", line[0]) == NULL)
				continue;
			origin = g_strdup_printf("%s:%u", entry, n);
			add_text(origin, language, tab + 1, false);
			g_free(origin);
		}
		g_strfreev(lines);
		g_free(contents);
		g_free(language);
		g_free(path);
	}
	if (dir != NULL)
		g_dir_close(dir);
}

/* Returns the path of sub inside shared/corpus, newly allocated, or NULL when absent. */
static char *
corpus_file(const char *sub)
{
	const char *dir = getenv("TRIAGE_CORPUS_DIR");
	char *path = g_build_filename(dir != NULL && *dir != '\0' ? dir : CORPUS_DEFAULT_DIR, sub,
	    NULL);

	if (g_file_test(path, G_FILE_TEST_EXISTS))
		return path;
	printf("note: %s is absent: its texts are not compared\n", path);
	g_free(path);
	return NULL;
}

static void
load_dev_tsv(void)
{
	char *path = corpus_file("lang/dev.tsv"), *contents, **lines;
	unsigned n = 0;

	if (path == NULL || !g_file_get_contents(path, &contents, NULL, NULL)) {
		g_free(path);
		return;
	}
	lines = g_strsplit(contents, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		char *tab = strchr(*l, '\t'), *origin;

		n++;
		if (n == 1 || tab == NULL)
			continue;	/* the header, or the last empty line */
		*tab = '\0';
		origin = g_strdup_printf("dev.tsv:%u", n);
		add_text(origin, *l, g_strchomp(tab + 1), false);
		g_free(origin);
	}
	g_strfreev(lines);
	g_free(contents);
	g_free(path);
}

static void
load_tweets(void)
{
	char *path = corpus_file("complaints/xci-dev.csv");
	GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
	struct csv_reader *csv;
	GError *error = NULL;
	int column = -1, rc;

	if (path == NULL || (csv = csv_open(path, &error)) == NULL) {
		g_clear_error(&error);
		g_free(path);
		g_ptr_array_unref(fields);
		return;
	}
	while ((rc = csv_next(csv, fields, &error)) == 1) {
		char *origin;

		if (column < 0) {
			if ((column = csv_column(fields, "tweet")) < 0) {
				fprintf(stderr, "FAIL: %s: no tweet column\n", path);
				exit(EXIT_FAILURE);
			}
			continue;
		}
		if ((guint)column >= fields->len ||
		    !g_utf8_validate(g_ptr_array_index(fields, column), -1, NULL))
			continue;
		origin = g_strdup_printf("xci-dev.csv:%lu", csv_line(csv));
		add_text(origin, "en", g_ptr_array_index(fields, column), false);
		g_free(origin);
	}
	if (rc != 0) {
		fprintf(stderr, "FAIL: %s\n", error->message);
		exit(EXIT_FAILURE);
	}
	csv_close(csv);
	g_ptr_array_unref(fields);
	g_free(path);
}

/* --- comparing verdicts ------------------------------------------------------- */

/* Returns how a and b differ, newly allocated, or NULL when they do not. */
static char *
verdict_diff(const struct verdict *a, const struct verdict *b)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < MAX(a->hits->len, b->hits->len); i++) {
		const struct verdict_hit *x = i < a->hits->len ?
		    &g_array_index(a->hits, struct verdict_hit, i) : NULL;
		const struct verdict_hit *y = i < b->hits->len ?
		    &g_array_index(b->hits, struct verdict_hit, i) : NULL;

		if (x == NULL || y == NULL || strcmp(x->name, y->name) != 0 ||
		    memcmp(x->score, y->score, sizeof(x->score)) != 0) {
			g_string_append_printf(s, "hit %u: with prefilter %s, without %s", i,
			    x != NULL ? x->name : "none", y != NULL ? y->name : "none");
			break;
		}
	}
	if (s->len == 0 && memcmp(a->axes, b->axes, sizeof(a->axes)) != 0)
		g_string_append(s, "axes differ");
	return g_string_free(s, s->len == 0);
}

/* Replaces each character of text found in from by the one at the same place in to. */
static char *
swap_chars(const char *text, const gunichar *from, const gunichar *to, size_t n)
{
	GString *out = g_string_new(NULL);

	for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		for (size_t i = 0; i < n; i++)
			if (c == from[i]) {
				c = to[i];
				break;
			}
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

enum variant { AS_IS, UPPER, RARE_CASE, VARIANT_COUNT };

/* Returns text in the variant, newly allocated. */
static char *
text_variant(const char *text, enum variant variant)
{
	/* Letters with a second upper or lower case that PCRE2 folds together. */
	static const gunichar from[] = { 'k', 's', 0xE5, 0x432, 0x434, 0x43E, 0x441, 0x442,
	    0x44A, 0xDF };
	static const gunichar to[] = { 0x212A, 0x17F, 0x212B, 0x1C80, 0x1C81, 0x1C82, 0x1C83,
	    0x1C84, 0x1C86, 0x1E9E };

	switch (variant) {
	case UPPER: return g_utf8_strup(text, -1);
	case RARE_CASE: return swap_chars(text, from, to, G_N_ELEMENTS(from));
	case AS_IS: case VARIANT_COUNT: break;
	}
	return g_strdup(text);
}

struct tally {
	unsigned compared, hits, mismatches, skipped;
	GString *report;
};

/* Classifies text in language with and without the prefilter; tallies the outcome. */
static void
compare_one(const struct text *t, const char *data, const char *language, struct tally *tally)
{
	struct message_view *view = t->eml ? message_read(data, strlen(data), NULL) :
	    message_view_from_text(data, strlen(data), NULL);
	struct classify_input in = { .view = view, .language = language };
	struct verdict a, b;
	char *diff, *body;
	bool *skip = g_new0(bool, with->rules->len);

	verdict_init(&a);
	verdict_init(&b);
	classify(with, NULL, &in, &a);
	classify(without, NULL, &in, &b);
	diff = verdict_diff(&a, &b);
	tally->compared++;
	tally->hits += a.hits->len;
	if (diff != NULL && ++tally->mismatches <= MISMATCHES_SHOWN)
		g_string_append_printf(tally->report, "\n  %s (%s): %s", t->origin,
		    language != NULL ? language : view->language.code, diff);
	/* How much the prefilter spared PCRE2, to show it was at work. */
	body = g_strconcat(view->subject, "\n", view->text, NULL);
	if (prefilter_scan(with, language != NULL ? language : view->language.code, body,
	    strlen(body), skip))
		for (guint i = 0; i < with->rules->len; i++)
			tally->skipped += skip[i];
	g_free(body);
	g_free(skip);
	g_free(diff);
	verdict_clear(&a);
	verdict_clear(&b);
	message_view_free(view);
}

/* Compares every text in variant, in its own language and as "und". */
static void
compare_all(enum variant variant)
{
	struct tally tally = { .report = g_string_new(NULL) };

	for (guint i = 0; i < texts->len; i++) {
		const struct text *t = &g_array_index(texts, struct text, i);
		char *data = t->eml ? g_strdup(t->data) : text_variant(t->data, variant);

		if (t->eml && variant != AS_IS) {
			g_free(data);
			continue;
		}
		compare_one(t, data, t->language, &tally);
		compare_one(t, data, "und", &tally);
		/* A message in every language: every database sees it. */
		for (size_t l = 0; t->eml && l < G_N_ELEMENTS(languages); l++)
			compare_one(t, data, languages[l], &tally);
		g_free(data);
	}
	printf("variant %d: %u classifications compared, %u hits, %u body rules skipped, "
	    "%u mismatches\n", (int)variant, tally.compared, tally.hits, tally.skipped,
	    tally.mismatches);
	ck_assert_msg(tally.mismatches == 0, "%u of %u verdicts differ with the prefilter:%s",
	    tally.mismatches, tally.compared, tally.report->str);
	ck_assert_msg(tally.hits > tally.compared / 4, "only %u hits in %u texts: too few to "
	    "tell", tally.hits, tally.compared);
	ck_assert_msg(tally.skipped > tally.compared, "the prefilter skipped %u rules in %u "
	    "texts: is it in use?", tally.skipped, tally.compared);
	g_string_free(tally.report, TRUE);
}

START_TEST(test_same_verdicts)
{
	compare_all(AS_IS);
}
END_TEST

START_TEST(test_same_verdicts_upper_case)
{
	compare_all(UPPER);
}
END_TEST

START_TEST(test_same_verdicts_rare_case)
{
	compare_all(RARE_CASE);
}
END_TEST

/* Caseless non-ASCII words still fire through the prefilter, per language. */
static const struct {
	const char *language, *rule, *text;
} caseless[] = {
	{ "sv", "SV_OUTAGE", "HELA WEBBUTIKEN LIGGER NERE OCH INGEN AV OSS KAN LOGGA IN." },
	{ "sv", "SV_OUTAGE", "TJÄNSTEN ÄR NERE" },
	{ "de", "DE_TOPIC_DELIVERY", "WO IST MEIN PÄCKCHEN?" },
	{ "bg", "BG_TOPIC_DELIVERY", "КЪДЕ Е МОЯТА ПРАТКА?" },
	{ "bg", "BG_TOPIC_DELIVERY", "Къде е моята пра\xE1\xB2\x84ка?" },	/* U+1C84 for т */
	{ "da", "DA_TOPIC_DELIVERY", "HVOR ER MIN PAKKE?" },
	{ "en", "EN_TOPIC_DELIVERY", "Where is my pac\xE2\x84\xAA" "age?" },	/* KELVIN SIGN */
};

START_TEST(test_caseless)
{
	for (size_t i = 0; i < G_N_ELEMENTS(caseless); i++) {
		const char *text = caseless[i].text;
		struct message_view *view = message_view_from_text(text, strlen(text), NULL);
		struct classify_input in = { .view = view, .language = caseless[i].language };
		const struct ruleset *sets[] = { without, with };

		for (size_t k = 0; k < G_N_ELEMENTS(sets); k++) {
			struct verdict v;
			bool fired = false;

			verdict_init(&v);
			classify(sets[k], NULL, &in, &v);
			for (guint h = 0; h < v.hits->len; h++)
				fired |= strcmp(g_array_index(v.hits, struct verdict_hit, h).name,
				    caseless[i].rule) == 0;
			ck_assert_msg(fired, "%s: %s did not fire on \"%s\" %s the prefilter",
			    caseless[i].language, caseless[i].rule, text, k ? "with" : "without");
			verdict_clear(&v);
		}
		message_view_free(view);
	}
}
END_TEST

/*
 * Letting go of a rule set while its prefilter compiles: the compile
 * thread holds the last reference, gives up, and frees the set (ASan and
 * valgrind would see a leak or a use after free).
 */
START_TEST(test_unref_while_compiling)
{
	GError *error = NULL;
	struct ruleset *set = ruleset_load_string("t.cf",
	    "lang sv body A /\\bhej\\s+d\u00e5\\b/\n"
	    "lang de body B /\\bhallo\\b/\n"
	    "body C /x+y/\n", &error);

	ck_assert_msg(set != NULL, "%s", error != NULL ? error->message : "?");
	ruleset_prefilter_start(set);
	ruleset_unref(set);
	g_usleep(G_USEC_PER_SEC);	/* the thread ends meanwhile */
}
END_TEST

/* Classifying threads, while the prefilter compiles and after: same verdicts. */
struct worker {
	struct ruleset *set;
	unsigned mismatches;
};

static gpointer
worker_run(gpointer data)
{
	struct worker *w = data;
	bool ready = false;

	for (int pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < texts->len; i++) {
			const struct text *t = &g_array_index(texts, struct text, i);
			struct message_view *view;
			struct classify_input in = { .language = t->language };
			struct verdict a, b;
			char *diff;

			if (t->eml || !g_str_has_prefix(t->origin, "examples-"))
				continue;
			view = message_view_from_text(t->data, strlen(t->data), NULL);
			in.view = view;
			verdict_init(&a);
			verdict_init(&b);
			classify(w->set, NULL, &in, &a);
			classify(without, NULL, &in, &b);
			diff = verdict_diff(&a, &b);
			w->mismatches += diff != NULL;
			g_free(diff);
			verdict_clear(&a);
			verdict_clear(&b);
			message_view_free(view);
		}
		/* Once more after the compile, so the databases are used for sure. */
		if (!ready)
			ready = ruleset_prefilter_wait(w->set, COMPILE_TIMEOUT_MS);
	}
	return NULL;
}

START_TEST(test_threads)
{
	GError *error = NULL;
	struct ruleset *set = ruleset_load_dir(TRIAGE_SRCDIR "/rules/cf", &error);
	struct worker workers[4];
	GThread *threads[G_N_ELEMENTS(workers)];

	ck_assert_msg(set != NULL, "%s", error != NULL ? error->message : "?");
	ruleset_prefilter_start(set);
	for (size_t i = 0; i < G_N_ELEMENTS(workers); i++) {
		workers[i] = (struct worker){ set, 0 };
		threads[i] = g_thread_new("classify", worker_run, &workers[i]);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(workers); i++) {
		g_thread_join(threads[i]);
		ck_assert_msg(workers[i].mismatches == 0, "thread %zu: %u verdicts differ", i,
		    workers[i].mismatches);
	}
	ck_assert(ruleset_prefilter_wait(set, 0));
	ruleset_unref(set);
}
END_TEST

static void
texts_free(void)
{
	for (guint i = 0; i < texts->len; i++) {
		struct text *t = &g_array_index(texts, struct text, i);

		g_free(t->origin);
		g_free(t->language);
		g_free(t->data);
	}
	g_array_unref(texts);
}

int
main(void)
{
	const char *setting = getenv("TRIAGE_PREFILTER");
	Suite *s = suite_create("prefilter");
	TCase *tc_rewrite = tcase_create("rewrite"), *tc_exact = tcase_create("exactness");
	GError *error = NULL;
	gint64 start;
	char *how;
	int status;

	if (!prefilter_available()) {
		fprintf(stderr, "SKIP: built without Hyperscan: nothing to test\n");
		return EXIT_SKIP;
	}
	if (setting != NULL && strcmp(setting, "0") == 0) {
		fprintf(stderr, "SKIP: TRIAGE_PREFILTER=0 turns the prefilter off\n");
		return EXIT_SKIP;
	}
	g_mime_init();
	with = ruleset_load_dir(TRIAGE_SRCDIR "/rules/cf", &error);
	without = with != NULL ? ruleset_load_dir(TRIAGE_SRCDIR "/rules/cf", &error) : NULL;
	if (without == NULL) {
		fprintf(stderr, "FAIL: default rules do not load: %s\n", error->message);
		return EXIT_FAILURE;
	}
	start = g_get_monotonic_time();
	ruleset_prefilter_start(with);
	if (!ruleset_prefilter_wait(with, COMPILE_TIMEOUT_MS)) {
		how = ruleset_prefilter_describe(with);
		fprintf(stderr, "%s: %s\n", g_str_has_prefix(how, "off: CPU") ? "SKIP" : "FAIL",
		    how);
		return g_str_has_prefix(how, "off: CPU") ? EXIT_SKIP : EXIT_FAILURE;
	}
	how = ruleset_prefilter_describe(with);
	printf("prefilter ready in %.1f s: %s\n", (double)(g_get_monotonic_time() - start) / 1e6,
	    how);
	g_free(how);

	texts = g_array_new(FALSE, TRUE, sizeof(struct text));
	load_eml();
	load_examples();
	load_dev_tsv();
	load_tweets();
	printf("%u texts\n", texts->len);

	tcase_add_test(tc_rewrite, test_rewrite);
	tcase_add_test(tc_rewrite, test_rewrite_shipped);
	tcase_set_timeout(tc_rewrite, 120);
	suite_add_tcase(s, tc_rewrite);
	tcase_add_test(tc_exact, test_same_verdicts);
	tcase_add_test(tc_exact, test_same_verdicts_upper_case);
	tcase_add_test(tc_exact, test_same_verdicts_rare_case);
	tcase_add_test(tc_exact, test_caseless);
	tcase_add_test(tc_exact, test_unref_while_compiling);
	tcase_add_test(tc_exact, test_threads);
	tcase_set_timeout(tc_exact, 1200);	/* slow under the sanitizers */
	suite_add_tcase(s, tc_exact);
	status = check_run(s);

	texts_free();
	ruleset_unref(with);
	ruleset_unref(without);
	g_mime_shutdown();
	return status;
}
