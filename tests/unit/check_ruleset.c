/*
 * check_ruleset.c - the rule language: syntax errors with their line, and
 * what each statement means to a verdict (triage-rules(5)).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>

#include "classify.h"
#include "check_run.h"

struct error_case {
	const char *name;
	const char *text;
	const char *want;	/* substring of the message, which starts "test.cf:LINE: " */
};

static const struct error_case error_cases[] = {
	{ "unknown statement", "# c\n\nbodyy X /a/\n", "test.cf:3: unknown statement 'bodyy'" },
	{ "bad pattern", "body X /a(/\n", "test.cf:1: bad pattern at offset" },
	{ "no closing slash", "body X /abc\n", "test.cf:1: pattern '/abc' has no closing /" },
	{ "unknown flag", "body X /a/q\n", "test.cf:1: unknown pattern flag 'q'" },
	{ "duplicate rule", "body X /a/\nbody X /b/\n", "test.cf:2: rule X already defined at test.cf:1" },
	{ "bad name", "body 9X /a/\n", "test.cf:1: bad rule name '9X'" },
	{ "unknown axis", "body X /a/\nscore X anger=2\n", "test.cf:2: unknown axis 'anger'" },
	{ "bad score value", "body X /a/\nscore X urgency=two\n", "test.cf:2: 'two' is not a number" },
	{ "score undefined", "score NOPE urgency=1\n", "test.cf:1: score for undefined rule NOPE" },
	{ "describe undefined", "describe NOPE hi\n", "test.cf:1: describe for undefined rule NOPE" },
	{ "meta undefined", "meta M A && B\n", "test.cf:1: meta refers to undefined rule A" },
	{ "meta later meta", "body A /a/\nmeta M1 M2\nmeta M2 A\n", "test.cf:2: meta refers to meta rule M2 defined after it" },
	{ "meta syntax", "body A /a/\nmeta M (A && \n", "test.cf:2: unexpected" },
	{ "meta missing paren", "body A /a/\nmeta M (A\n", "test.cf:2: missing )" },
	{ "unknown eval", "eval E shouting() > 1\n", "test.cf:1: unknown eval function 'shouting()'" },
	{ "bad comparison", "eval E words() => 1\n", "test.cf:1: unknown comparison '=>'" },
	{ "unknown field", "header H X-Foo =~ /a/\n", "test.cf:1: unknown header field 'X-Foo'" },
	{ "bad header op", "header H Subject == /a/\n", "test.cf:1: header operator must be =~ or !~" },
	{ "bad language", "language Swedish\n", "test.cf:1: bad language code 'Swedish'" },
	{ "lang on score", "body A /a/\nlang sv score A urgency=1\n", "test.cf:2: lang applies to" },
	{ "bad threshold", "threshold urgency extreme 9\n", "test.cf:1: urgency level must be" },
	{ "bad default", "default personality grumpy\n", "test.cf:1: unknown personality 'grumpy'" },
	{ "sub-rule score", "body __A /a/\nscore __A urgency=1\n", "test.cf:2: __A is a __ sub-rule" },
	{ "deep meta", "body A /a/\nmeta M " "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" "A\n", "test.cf:2: meta expression nested too deeply" },
};

START_TEST(test_syntax_errors)
{
	const struct error_case *c = &error_cases[_i];
	GError *error = NULL;
	struct ruleset *set = ruleset_load_string("test.cf", c->text, &error);

	ck_assert_msg(set == NULL, "%s: loaded, want an error", c->name);
	ck_assert_msg(error != NULL && strstr(error->message, c->want) != NULL,
	    "%s: got \"%s\", want \"%s\"", c->name, error ? error->message : "(none)", c->want);
	g_error_free(error);
}
END_TEST

/*
 * Classifies a message with these rules. Returns the rule set, which the
 * caller releases after looking at the verdict (hits borrow its names).
 */
static struct ruleset *
run(const char *rules, const char *subject, const char *body, const char *lang,
    struct verdict *v)
{
	GError *error = NULL;
	struct ruleset *set = ruleset_load_string("t.cf", rules, &error);
	char *msg = g_strdup_printf("Subject: %s\nFrom: Anna <anna@example.se>\n"
	    "Content-Type: text/plain; charset=utf-8\n\n%s\n", subject, body);
	struct message_view *view = message_read(msg, strlen(msg), NULL);
	struct classify_input in = { .view = view, .language = lang };

	ck_assert_msg(set != NULL, "rules did not load: %s", error ? error->message : "");
	verdict_init(v);
	classify(set, NULL, &in, v);
	message_view_free(view);
	g_free(msg);
	return set;
}

static bool
fired(const struct verdict *v, const char *name)
{
	for (guint i = 0; i < v->hits->len; i++)
		if (strcmp(g_array_index(v->hits, struct verdict_hit, i).name, name) == 0)
			return true;
	return false;
}

static void
done(struct ruleset *set, struct verdict *v)
{
	verdict_clear(v);
	ruleset_unref(set);
}

START_TEST(test_body_caseless_unicode)
{
	struct verdict v;
	struct ruleset *set = run(
	    "body SV /\\bbeställning\\b/\nbody CASE /\\bURGENT\\b/I\n"
	    "body BG /\\bпоръчка(та)?\\b/\n",
	    "Min BESTÄLLNING", "ПОРЪЧКАТА е urgent", "sv", &v);

	ck_assert(fired(&v, "SV"));		/* subject counts as body; caseless ä/Ä */
	ck_assert(fired(&v, "BG"));		/* Cyrillic case folding and \b */
	ck_assert(!fired(&v, "CASE"));		/* I: case-sensitive */
	done(set, &v);
}
END_TEST

START_TEST(test_scores_add_and_later_score_replaces)
{
	struct verdict v;
	struct ruleset *set = run(
	    "body A /alpha/\nbody B /beta/\n"
	    "score A urgency=3 complaint=0.5 billing=1\n"
	    "score B urgency=2 intuitive=1\n"
	    "score A urgency=1 billing=2\n",
	    "", "alpha beta", "en", &v);

	ck_assert_double_eq_tol(v.axes[AXIS_URGENCY], 3.0, 1e-9);
	ck_assert_double_eq_tol(v.axes[AXIS_COMPLAINT], 0.0, 1e-9);	/* replaced whole */
	ck_assert_double_eq_tol(v.axes[AXIS_BILLING], 2.0, 1e-9);
	ck_assert_int_eq(v.topic, TOPIC_BILLING);
	ck_assert_int_eq(v.personality, PERSONALITY_INTUITIVE);
	ck_assert_double_eq_tol(v.personality_confidence, 1.0, 1e-9);
	done(set, &v);
}
END_TEST

START_TEST(test_thresholds)
{
	const char *rules = "body A /alpha/\nscore A urgency=5 complaint=2\n"
	    "body T /thanks/\nscore T urgency=-3 complaint=-1\n";
	struct verdict v;
	struct ruleset *set;
	char *custom;

	set = run(rules, "", "alpha", "en", &v);
	ck_assert_int_eq(v.urgency, URGENCY_HIGH);		/* default high 4 */
	ck_assert(v.complaint);
	done(set, &v);

	set = run(rules, "", "thanks", "en", &v);
	ck_assert_int_eq(v.urgency, URGENCY_LOW);		/* default low -1 */
	ck_assert(!v.complaint);
	done(set, &v);

	set = run(rules, "", "nothing here", "en", &v);
	ck_assert_int_eq(v.urgency, URGENCY_NORMAL);
	ck_assert_int_eq(v.topic, TOPIC_OTHER);
	ck_assert_int_eq(v.personality, PERSONALITY_FUNCTIONAL);	/* default type */
	ck_assert_double_eq(v.personality_confidence, 0.0);
	done(set, &v);

	custom = g_strconcat(rules, "threshold urgency critical 5\nthreshold complaint 3\n"
	    "default personality personal\n", NULL);
	set = run(custom, "", "alpha", "en", &v);
	ck_assert_int_eq(v.urgency, URGENCY_CRITICAL);
	ck_assert(!v.complaint);
	ck_assert_int_eq(v.personality, PERSONALITY_PERSONAL);
	done(set, &v);
	g_free(custom);
}
END_TEST

START_TEST(test_meta_rules)
{
	struct verdict v;
	struct ruleset *set = run(
	    "body __A /alpha/\nbody __B /beta/\nbody C /gamma/\n"
	    "meta BOTH __A && __B\nmeta EITHER __A || C\nmeta NOT_C !C\n"
	    "meta TWO (__A + __B + C) >= 2\nmeta THREE (__A + __B + C) >= 3\n"
	    "meta OF_META BOTH && !THREE\nscore BOTH urgency=1\n",
	    "", "alpha and beta", "en", &v);

	ck_assert(fired(&v, "BOTH"));
	ck_assert(fired(&v, "EITHER"));
	ck_assert(fired(&v, "NOT_C"));
	ck_assert(fired(&v, "TWO"));
	ck_assert(!fired(&v, "THREE"));
	ck_assert(fired(&v, "OF_META"));
	ck_assert(!fired(&v, "__A"));		/* sub-rules are never reported */
	ck_assert_double_eq_tol(v.axes[AXIS_URGENCY], 1.0, 1e-9);
	done(set, &v);
}
END_TEST

START_TEST(test_language_scoping)
{
	const char *rules = "language sv\nbody SV_ONLY /paket/\n"
	    "language *\nbody ALL /paket/\nlang da,nb body DA_NB /paket/\n";
	struct verdict v;
	struct ruleset *set;

	set = run(rules, "", "paket", "sv", &v);
	ck_assert(fired(&v, "SV_ONLY") && fired(&v, "ALL") && !fired(&v, "DA_NB"));
	done(set, &v);
	set = run(rules, "", "paket", "nb", &v);
	ck_assert(!fired(&v, "SV_ONLY") && fired(&v, "ALL") && fired(&v, "DA_NB"));
	done(set, &v);
	set = run(rules, "", "paket", "und", &v);	/* unknown language: every rule */
	ck_assert(fired(&v, "SV_ONLY") && fired(&v, "ALL") && fired(&v, "DA_NB"));
	done(set, &v);
}
END_TEST

START_TEST(test_header_rules)
{
	struct verdict v;
	struct ruleset *set = run(
	    "header SUBJ Subject =~ /\\burgent\\b/\nheader NAME From:name =~ /^anna$/\n"
	    "header ADDR From:addr =~ /@example\\.se$/\nheader NO_LIST List !~ /./\n"
	    "header AUTO Auto-Submitted =~ /auto/\n",
	    "URGENT: help", "body", "en", &v);

	ck_assert(fired(&v, "SUBJ"));
	ck_assert(fired(&v, "NAME"));
	ck_assert(fired(&v, "ADDR"));
	ck_assert(fired(&v, "NO_LIST"));	/* absent header is "", and !~ /./ holds */
	ck_assert(!fired(&v, "AUTO"));
	done(set, &v);
}
END_TEST

START_TEST(test_eval_rules)
{
	struct verdict v;
	struct ruleset *set = run(
	    "eval CAPS caps_ratio() > 0.5\neval BANG exclamations() >= 3\n"
	    "eval Q questions() == 2\neval SHORT words() < 20\n"
	    "eval ORDER order_ids() >= 2\neval VERSION versions() >= 1\n"
	    "eval HELLO greeting() == 1\neval BYE signoff() == 1\n"
	    "eval NUMS numbers() >= 4\neval REPEAT repeat_contact() == 1\n",
	    "WHERE IS IT", "HELLO,\n\nWHERE IS MY ORDER 123456 AND XK-4471-B??? FIRMWARE 2.3.1 "
	    "BROKEN!!!\n\nBEST REGARDS\nANNA", "en", &v);

	ck_assert(fired(&v, "CAPS"));
	ck_assert(fired(&v, "BANG"));
	ck_assert(!fired(&v, "Q"));		/* three question marks */
	ck_assert(fired(&v, "SHORT"));
	ck_assert(fired(&v, "ORDER"));
	ck_assert(fired(&v, "VERSION"));
	ck_assert(fired(&v, "HELLO"));
	ck_assert(fired(&v, "BYE"));
	ck_assert(fired(&v, "NUMS"));
	ck_assert(!fired(&v, "REPEAT"));	/* no In-Reply-To: a first contact */
	done(set, &v);
}
END_TEST

START_TEST(test_runaway_pattern_is_no_match)
{
	GString *body = g_string_new(NULL);
	struct verdict v;
	struct ruleset *set;

	/* Catastrophic backtracking: the match limit turns it into "no match". */
	for (int i = 0; i < 40; i++)
		g_string_append_c(body, 'a');
	g_string_append_c(body, 'b');
	set = run("body EVIL /^(a+)+$/\n", "", body->str, "en", &v);
	ck_assert(!fired(&v, "EVIL"));
	done(set, &v);
	g_string_free(body, TRUE);
}
END_TEST

START_TEST(test_load_dir_errors)
{
	GError *error = NULL;
	char *dir = g_dir_make_tmp("rules-XXXXXX", NULL);
	char *a = g_build_filename(dir, "10-a.cf", NULL), *b = g_build_filename(dir, "20-b.cf", NULL);
	struct ruleset *set;

	ck_assert_ptr_null(ruleset_load_dir(dir, &error));	/* no .cf files */
	ck_assert_ptr_nonnull(strstr(error->message, "no *.cf"));
	g_clear_error(&error);

	/* Files load in name order; a later file may score an earlier rule. */
	ck_assert(g_file_set_contents(b, "score A urgency=2\n", -1, NULL));
	ck_assert(g_file_set_contents(a, "body A /a/\n", -1, NULL));
	set = ruleset_load_dir(dir, &error);
	ck_assert_msg(set != NULL, "%s", error ? error->message : "");
	ck_assert_uint_eq(ruleset_rule_count(set), 1);
	ck_assert(ruleset_has_rule(set, "A"));
	ruleset_unref(set);

	/* An error in the second file names it and its line. */
	ck_assert(g_file_set_contents(b, "# fine\nscore A urgency=2\nbody A /dup/\n", -1, NULL));
	ck_assert_ptr_null(ruleset_load_dir(dir, &error));
	ck_assert_msg(strstr(error->message, "20-b.cf:3: rule A already defined") != NULL,
	    "got %s", error->message);
	g_clear_error(&error);

	ck_assert_ptr_null(ruleset_load_dir("/nonexistent-rules", &error));
	ck_assert_ptr_nonnull(strstr(error->message, "/nonexistent-rules"));
	g_clear_error(&error);
	g_unlink(a);
	g_unlink(b);
	g_rmdir(dir);
	g_free(a);
	g_free(b);
	g_free(dir);
}
END_TEST

START_TEST(test_refcount)
{
	struct ruleset *set = ruleset_load_string("t.cf", "body A /a/\n", NULL);

	ck_assert_ptr_nonnull(set);
	ck_assert_ptr_eq(ruleset_ref(set), set);
	ruleset_unref(set);
	ck_assert(ruleset_has_rule(set, "A"));	/* still alive: one reference left */
	ruleset_unref(set);
	ruleset_unref(NULL);
}
END_TEST

static Suite *
ruleset_suite(void)
{
	Suite *s = suite_create("ruleset");
	TCase *syntax = tcase_create("syntax");
	TCase *meaning = tcase_create("meaning");

	tcase_add_loop_test(syntax, test_syntax_errors, 0, G_N_ELEMENTS(error_cases));
	tcase_add_test(syntax, test_load_dir_errors);
	tcase_add_test(syntax, test_refcount);
	tcase_add_test(meaning, test_body_caseless_unicode);
	tcase_add_test(meaning, test_scores_add_and_later_score_replaces);
	tcase_add_test(meaning, test_thresholds);
	tcase_add_test(meaning, test_meta_rules);
	tcase_add_test(meaning, test_language_scoping);
	tcase_add_test(meaning, test_header_rules);
	tcase_add_test(meaning, test_eval_rules);
	tcase_add_test(meaning, test_runaway_pattern_is_no_match);
	suite_add_tcase(s, syntax);
	suite_add_tcase(s, meaning);
	return s;
}

int
main(void)
{
	int status;

	g_mime_init();
	status = check_run(ruleset_suite());
	g_mime_shutdown();
	return status;
}
