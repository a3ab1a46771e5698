/*
 * check_golden.c - golden-file tests of the reader.
 *
 * Each tests/data/NAME.eml has NAME.json beside it: the view the reader
 * must produce. The two are compared field by field so a failure names the
 * field ("body.text: got ..., want ..."). NAME.verdict.json is the verdict
 * of the shipped rules (rules/cf) and model for it, compared the same way.
 * TRIAGE_GOLDEN_UPDATE=1 rewrites
 * the .json files from the current output instead: review the diff before
 * committing it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>

#include "classify.h"
#include "message.h"
#include "check_run.h"

static GPtrArray *golden_names;	/* of char *, NAME without .eml */
static struct ruleset *rules;
static struct model *model;

/* Appends one line per difference between got and want under path. */
static void
compare_nodes(const char *path, JsonNode *got, JsonNode *want, GString *diffs)
{
	JsonNodeType gt = JSON_NODE_TYPE(got), wt = JSON_NODE_TYPE(want);

	if (gt != wt) {
		g_string_append_printf(diffs, "%s: got a %s, want a %s\n", path,
		    json_node_type_name(got), json_node_type_name(want));
		return;
	}
	if (gt == JSON_NODE_OBJECT) {
		JsonObject *go = json_node_get_object(got), *wo = json_node_get_object(want);
		GList *members = json_object_get_members(wo);

		for (GList *m = members; m != NULL; m = m->next) {
			char *sub = *path ? g_strdup_printf("%s.%s", path, (char *)m->data)
			    : g_strdup(m->data);

			if (!json_object_has_member(go, m->data))
				g_string_append_printf(diffs, "%s: missing\n", sub);
			else
				compare_nodes(sub, json_object_get_member(go, m->data),
				    json_object_get_member(wo, m->data), diffs);
			g_free(sub);
		}
		g_list_free(members);
		members = json_object_get_members(go);
		for (GList *m = members; m != NULL; m = m->next)
			if (!json_object_has_member(wo, m->data))
				g_string_append_printf(diffs, "%s%s%s: unexpected\n", path,
				    *path ? "." : "", (char *)m->data);
		g_list_free(members);
	} else if (gt == JSON_NODE_ARRAY) {
		JsonArray *ga = json_node_get_array(got), *wa = json_node_get_array(want);
		guint gn = json_array_get_length(ga), wn = json_array_get_length(wa);

		if (gn != wn)
			g_string_append_printf(diffs, "%s: got %u elements, want %u\n", path, gn, wn);
		for (guint i = 0; i < MIN(gn, wn); i++) {
			char *sub = g_strdup_printf("%s[%u]", path, i);

			compare_nodes(sub, json_array_get_element(ga, i),
			    json_array_get_element(wa, i), diffs);
			g_free(sub);
		}
	} else if (gt == JSON_NODE_VALUE && !json_node_equal(got, want)) {
		char *gs = json_to_string(got, FALSE), *ws = json_to_string(want, FALSE);

		g_string_append_printf(diffs, "%s: got %s, want %s\n", path, gs, ws);
		g_free(gs);
		g_free(ws);
	}
}

/*
 * Compares got (JSON text) with the file want_path field by field; with
 * TRIAGE_GOLDEN_UPDATE=1 rewrites the file first. Returns the differences.
 */
static char *
compare_with_file(const char *got, const char *want_path)
{
	const char *update = getenv("TRIAGE_GOLDEN_UPDATE");
	JsonParser *got_parser = json_parser_new(), *want_parser = json_parser_new();
	GString *diffs = g_string_new(NULL);
	GError *error = NULL;

	if (update != NULL && strcmp(update, "1") == 0) {
		char *with_newline = g_strconcat(got, "\n", NULL);

		ck_assert(g_file_set_contents(want_path, with_newline, -1, NULL));
		g_free(with_newline);
	}
	ck_assert_msg(json_parser_load_from_data(got_parser, got, -1, &error),
	    "output is not JSON: %s", error ? error->message : "");
	ck_assert_msg(json_parser_load_from_file(want_parser, want_path, &error),
	    "%s: %s", want_path, error ? error->message : "");
	compare_nodes("", json_parser_get_root(got_parser), json_parser_get_root(want_parser),
	    diffs);
	g_object_unref(got_parser);
	g_object_unref(want_parser);
	return g_string_free(diffs, FALSE);
}

START_TEST(test_golden)
{
	const char *name = g_ptr_array_index(golden_names, _i);
	char *eml = g_strdup_printf("%s/data/%s.eml", TESTS_SRCDIR, name);
	char *view_path = g_strdup_printf("%s/data/%s.json", TESTS_SRCDIR, name);
	char *verdict_path = g_strdup_printf("%s/data/%s.verdict.json", TESTS_SRCDIR, name);
	struct message_view *view;
	struct classify_input in = { 0 };
	struct verdict v;
	GError *error = NULL;
	char *bytes, *got, *diffs;
	gsize len;

	ck_assert_msg(g_file_get_contents(eml, &bytes, &len, &error), "%s", eml);
	view = message_read(bytes, len, NULL);
	got = message_view_to_json(view, true);
	diffs = compare_with_file(got, view_path);
	ck_assert_msg(*diffs == '\0', "%s view:\n%s", name, diffs);
	g_free(diffs);
	g_free(got);

	in.view = view;
	verdict_init(&v);
	classify(rules, model, &in, &v);
	got = verdict_to_json(&v, false, true);
	diffs = compare_with_file(got, verdict_path);
	ck_assert_msg(*diffs == '\0', "%s verdict:\n%s", name, diffs);
	g_free(diffs);
	g_free(got);
	verdict_clear(&v);

	message_view_free(view);
	g_free(bytes);
	g_free(eml);
	g_free(view_path);
	g_free(verdict_path);
}
END_TEST

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists tests/data/ *.eml, sorted, so that test numbers are stable. */
static void
find_golden_files(void)
{
	char *dir_path = g_strdup_printf("%s/data", TESTS_SRCDIR);
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;

	golden_names = g_ptr_array_new_with_free_func(g_free);
	if (dir == NULL) {
		g_free(dir_path);
		return;
	}
	while ((entry = g_dir_read_name(dir)) != NULL)
		if (g_str_has_suffix(entry, ".eml"))
			g_ptr_array_add(golden_names, g_strndup(entry, strlen(entry) - 4));
	g_ptr_array_sort(golden_names, compare_names);
	g_dir_close(dir);
	g_free(dir_path);
}

int
main(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("reader");
	int status;

	g_mime_init();
	rules = ruleset_load_dir(TRIAGE_SRCDIR "/rules/cf", NULL);
	model = model_load(TRIAGE_SRCDIR "/rules/model/triage.model", NULL);
	if (rules == NULL || model == NULL) {
		fprintf(stderr, "FAIL: the shipped rules or model do not load\n");
		return EXIT_FAILURE;
	}
	find_golden_files();
	if (golden_names->len < 8) {
		fprintf(stderr, "FAIL: only %u golden messages found under %s/data\n",
		    golden_names->len, TESTS_SRCDIR);
		return EXIT_FAILURE;
	}
	tcase_add_loop_test(tc, test_golden, 0, (int)golden_names->len);
	suite_add_tcase(s, tc);
	status = check_run(s);
	g_ptr_array_unref(golden_names);
	model_free(model);
	ruleset_unref(rules);
	g_mime_shutdown();
	return status;
}
