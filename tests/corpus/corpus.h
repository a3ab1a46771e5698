/*
 * corpus.h - finding shared/corpus/ for the corpus tests.
 *
 * The language and MIME sets live outside this repository, in
 * ../shared/corpus beside the checkout (CI always has it). TRIAGE_CORPUS_DIR
 * overrides the place. When the folder is absent the test says so on stderr
 * and exits 77 (automake's SKIP), unless TRIAGE_REQUIRE_CORPUS=1, as in CI,
 * where absence is a failure.
 */
#ifndef TRIAGE_TESTS_CORPUS_H
#define TRIAGE_TESTS_CORPUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#define CORPUS_EXIT_SKIP 77

/*
 * Returns the path of sub (e.g. "lang/dev.tsv") inside the corpus, newly
 * allocated, or exits the test (skip or failure) when it is missing.
 */
static inline char *
corpus_path_or_exit(const char *sub)
{
	const char *dir = getenv("TRIAGE_CORPUS_DIR");
	char *path;

	if (dir == NULL || *dir == '\0')
		dir = CORPUS_DEFAULT_DIR;
	path = g_build_filename(dir, sub, NULL);
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		const char *require = getenv("TRIAGE_REQUIRE_CORPUS");

		if (require != NULL && strcmp(require, "1") == 0) {
			fprintf(stderr, "FAIL: corpus file %s is absent and TRIAGE_REQUIRE_CORPUS=1\n", path);
			g_free(path);
			exit(EXIT_FAILURE);
		}
		fprintf(stderr, "SKIP: corpus file %s is absent (shared/corpus not beside the checkout; set TRIAGE_CORPUS_DIR)\n", path);
		g_free(path);
		exit(CORPUS_EXIT_SKIP);
	}
	return path;
}

#endif
