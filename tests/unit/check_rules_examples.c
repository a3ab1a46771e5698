/*
 * check_rules_examples.c - the default rule files against their examples.
 *
 * tests/rules/examples-*.txt hold, per language, texts on which a rule must
 * fire ("+ RULE<TAB>text"), must not fire ("- RULE<TAB>text"), and whole
 * verdicts ("= urgency=high complaint=yes<TAB>text"); "lang CODE" sets the
 * language of the lines after it. Each text is classified as a message body
 * by the shipped rules (rules/cf) and, for verdicts, the shipped model.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "classify.h"
#include "check_run.h"

struct example {
	char *file;
	unsigned line;
	char *language;
	char kind;		/* '+', '-' or '=' */
	char *what;		/* rule name, or "key=value ..." */
	char *text;
};

static GArray *examples;	/* of struct example */
static struct ruleset *rules;
static struct model *model;

static void
load_examples(const char *path)
{
	char *contents, **lines;
	char *language = g_strdup("und");
	unsigned n = 0;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return;
	lines = g_strsplit(contents, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		char *line = g_strchomp(*l), *tab;
		struct example e = { 0 };

		n++;
		if (*line == '\0' || *line == '#')
			continue;
		if (g_str_has_prefix(line, "lang ")) {
			g_free(language);
			language = g_strstrip(g_strdup(line + 5));
			continue;
		}
		tab = strchr(line, '\t');
		if ((line[0] != '+' && line[0] != '-' && line[0] != '=') || line[1] != ' ' ||
		    tab == NULL) {
			fprintf(stderr, "%s:%u: malformed example line\n", path, n);
			exit(EXIT_FAILURE);
		}
		*tab = '\0';
		e.file = g_path_get_basename(path);
		e.line = n;
		e.language = g_strdup(language);
		e.kind = line[0];
		e.what = g_strstrip(g_strdup(line + 2));
		e.text = g_strdup(tab + 1);
		g_array_append_val(examples, e);
	}
	g_strfreev(lines);
	g_free(contents);
	g_free(language);
}

static bool
hit(const struct verdict *v, const char *name)
{
	for (guint i = 0; i < v->hits->len; i++)
		if (strcmp(g_array_index(v->hits, struct verdict_hit, i).name, name) == 0)
			return true;
	return false;
}

/* Checks "key=value" pairs against the verdict; returns the first mismatch. */
static char *
verdict_mismatch(const struct verdict *v, const char *what)
{
	char **pairs = g_strsplit(what, " ", -1);
	char *mismatch = NULL;

	for (char **p = pairs; *p != NULL && mismatch == NULL; p++) {
		char *eq = strchr(*p, '=');
		const char *got = NULL;

		if (**p == '\0')
			continue;
		if (eq == NULL)
			return g_strdup_printf("bad expectation '%s'", *p);
		*eq = '\0';
		if (strcmp(*p, "urgency") == 0)
			got = urgency_name(v->urgency);
		else if (strcmp(*p, "complaint") == 0)
			got = v->complaint ? "yes" : "no";
		else if (strcmp(*p, "personality") == 0)
			got = personality_name(v->personality);
		else if (strcmp(*p, "topic") == 0)
			got = topic_name(v->topic);
		else
			mismatch = g_strdup_printf("unknown key '%s'", *p);
		if (got != NULL && strcmp(got, eq + 1) != 0)
			mismatch = g_strdup_printf("%s: got %s, want %s", *p, got, eq + 1);
	}
	g_strfreev(pairs);
	return mismatch;
}

START_TEST(test_example)
{
	const struct example *e = &g_array_index(examples, struct example, _i);
	struct message_view *view = message_view_from_text(e->text, strlen(e->text), NULL);
	struct classify_input in = { .view = view, .language = e->language };
	struct verdict v;
	char *rules_fired = NULL;

	if (e->kind != '=')
		ck_assert_msg(ruleset_has_rule(rules, e->what), "%s:%u: no rule %s", e->file,
		    e->line, e->what);
	verdict_init(&v);
	classify(rules, e->kind == '=' ? model : NULL, &in, &v);
	{
		GString *s = g_string_new(NULL);

		for (guint i = 0; i < v.hits->len; i++)
			g_string_append_printf(s, " %s", g_array_index(v.hits, struct verdict_hit, i).name);
		rules_fired = g_string_free(s, FALSE);
	}
	if (e->kind == '+')
		ck_assert_msg(hit(&v, e->what), "%s:%u: %s did not fire on \"%s\" (fired:%s)",
		    e->file, e->line, e->what, e->text, rules_fired);
	else if (e->kind == '-')
		ck_assert_msg(!hit(&v, e->what), "%s:%u: %s fired on \"%s\"", e->file, e->line,
		    e->what, e->text);
	else {
		char *mismatch = verdict_mismatch(&v, e->what);

		ck_assert_msg(mismatch == NULL, "%s:%u: %s on \"%s\" (fired:%s)", e->file, e->line,
		    mismatch, e->text, rules_fired);
	}
	g_free(rules_fired);
	verdict_clear(&v);
	message_view_free(view);
}
END_TEST

int
main(void)
{
	const char *dir_path = TESTS_SRCDIR "/rules";
	GError *error = NULL;
	GDir *dir;
	const char *entry;
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	Suite *s = suite_create("rules-examples");
	TCase *tc = tcase_create("examples");
	int status;

	g_mime_init();
	/* TRIAGE_RULES_DIR tries a rule set under work against the examples. */
	rules = ruleset_load_dir(getenv("TRIAGE_RULES_DIR") != NULL ? getenv("TRIAGE_RULES_DIR") :
	    TRIAGE_SRCDIR "/rules/cf", &error);
	if (rules == NULL) {
		fprintf(stderr, "FAIL: default rules do not load: %s\n", error->message);
		return EXIT_FAILURE;
	}
	model = model_load(TRIAGE_SRCDIR "/rules/model/triage.model", &error);
	if (model == NULL) {
		fprintf(stderr, "FAIL: shipped model does not load: %s\n", error->message);
		return EXIT_FAILURE;
	}
	examples = g_array_new(FALSE, TRUE, sizeof(struct example));
	dir = g_dir_open(dir_path, 0, NULL);
	while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL)
		if (g_str_has_prefix(entry, "examples-") && g_str_has_suffix(entry, ".txt"))
			g_ptr_array_add(files, g_build_filename(dir_path, entry, NULL));
	if (dir != NULL)
		g_dir_close(dir);
	for (guint i = 0; i < files->len; i++)
		load_examples(g_ptr_array_index(files, i));
	if (files->len < 7 || examples->len < 300) {
		fprintf(stderr, "FAIL: %u example files, %u examples under %s\n", files->len,
		    examples->len, dir_path);
		return EXIT_FAILURE;
	}
	printf("%u examples from %u files, %u rules\n", examples->len, files->len,
	    ruleset_rule_count(rules));
	tcase_add_loop_test(tc, test_example, 0, (int)examples->len);
	suite_add_tcase(s, tc);
	status = check_run(s);
	g_ptr_array_unref(files);
	model_free(model);
	ruleset_unref(rules);
	g_mime_shutdown();
	return status;
}
