/*
 * check_corpus_mime.c - every public test message is read safely.
 *
 * Reads each file under shared/corpus/mime/ (malformed MIME, broken
 * boundaries, odd charsets, deep nesting, spam with defects) and checks that
 * the reader returns a view whose text is valid UTF-8 within the bounds and
 * whose JSON parses. Crashes, leaks and undefined behaviour are caught by
 * running this under ASan+UBSan and valgrind (see .ci/run).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>

#include "corpus.h"
#include "message.h"
#include "check_run.h"

static GPtrArray *corpus_files;

static void
collect(const char *dir_path)
{
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;

	if (dir == NULL)
		return;
	while ((entry = g_dir_read_name(dir)) != NULL) {
		char *path = g_build_filename(dir_path, entry, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
			collect(path);
			g_free(path);
		} else if (g_str_has_prefix(entry, "README") || strstr(entry, "LICENSE") != NULL) {
			g_free(path);	/* licence notes; every other file is read, binary ones too */
		} else {
			g_ptr_array_add(corpus_files, path);
		}
	}
	g_dir_close(dir);
}

START_TEST(test_read_corpus_message)
{
	const char *path = g_ptr_array_index(corpus_files, _i);
	struct message_limits limits;
	struct message_view *view;
	JsonParser *parser = json_parser_new();
	GError *error = NULL;
	char *bytes, *json;
	gsize len;

	message_limits_default(&limits);
	ck_assert_msg(g_file_get_contents(path, &bytes, &len, &error), "%s: %s", path,
	    error ? error->message : "");
	view = message_read(bytes, len, &limits);
	ck_assert_ptr_nonnull(view);
	ck_assert_msg(g_utf8_validate(view->text, -1, NULL), "%s: text not UTF-8", path);
	ck_assert_msg(g_utf8_validate(view->subject, -1, NULL), "%s: subject not UTF-8", path);
	ck_assert_msg(strlen(view->text) <= limits.max_text, "%s: text over the bound", path);
	ck_assert_msg(strchr(view->subject, '\n') == NULL && strchr(view->subject, '\r') == NULL,
	    "%s: line break in subject", path);
	ck_assert_msg(view->depth <= limits.max_depth, "%s: depth %u over bound", path, view->depth);
	ck_assert_msg(view->parts <= limits.max_parts, "%s: %u parts over bound", path, view->parts);
	json = message_view_to_json(view, false);
	ck_assert_msg(json_parser_load_from_data(parser, json, -1, &error),
	    "%s: JSON does not parse: %s", path, error ? error->message : "");
	g_free(json);
	g_object_unref(parser);
	message_view_free(view);
	g_free(bytes);
}
END_TEST

int
main(void)
{
	char *root = corpus_path_or_exit("mime");
	Suite *s = suite_create("corpus-mime");
	TCase *tc = tcase_create("read");
	int status;

	g_mime_init();
	corpus_files = g_ptr_array_new_with_free_func(g_free);
	collect(root);
	if (corpus_files->len < 100) {
		fprintf(stderr, "FAIL: only %u messages under %s\n", corpus_files->len, root);
		return EXIT_FAILURE;
	}
	printf("reading %u corpus messages under %s\n", corpus_files->len, root);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_read_corpus_message, 0, (int)corpus_files->len);
	suite_add_tcase(s, tc);
	status = check_run(s);
	g_ptr_array_unref(corpus_files);
	g_free(root);
	g_mime_shutdown();
	return status;
}
