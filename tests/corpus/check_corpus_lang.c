/*
 * check_corpus_lang.c - accuracy of langid_detect() on lang/dev.tsv.
 *
 * Classifies every line of the shared language set (`lang<TAB>text`,
 * header line first) and prints the overall accuracy, the accuracy per
 * language and the most frequent confusions ("nb->da 3"). Exits 1 when
 * the overall accuracy is below LANG_THRESHOLD or the file is malformed,
 * 77 (skip) when the corpus is absent (see corpus.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "corpus.h"
#include "langid.h"

#define LANG_THRESHOLD		0.98	/* minimum overall accuracy */
#define LANG_TOP_CONFUSIONS	10	/* how many confusions to print */

struct lang_stat {
	const char *lang;	/* borrowed from the file contents */
	unsigned total;
	unsigned correct;
};

struct confusion {
	char *pair;		/* "want->got", owned */
	unsigned count;
};

static gint
confusion_cmp(gconstpointer a, gconstpointer b)
{
	const struct confusion *x = *(const struct confusion *const *) a;
	const struct confusion *y = *(const struct confusion *const *) b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->pair, y->pair);
}

static void
confusion_free(gpointer p)
{
	struct confusion *c = p;

	g_free(c->pair);
	g_free(c);
}

int
main(void)
{
	char *path = corpus_path_or_exit("lang/dev.tsv");
	char *contents = NULL;
	gsize size;
	GError *error = NULL;
	char **lines;
	GHashTable *by_lang;	/* lang -> struct lang_stat */
	GPtrArray *langs;	/* struct lang_stat, in order of appearance */
	GHashTable *by_pair;	/* "want->got" -> struct confusion */
	GPtrArray *confusions;	/* struct confusion, owned */
	unsigned total = 0, correct = 0;
	double accuracy;
	int status = EXIT_SUCCESS;

	if (!g_file_get_contents(path, &contents, &size, &error)) {
		fprintf(stderr, "FAIL: %s\n", error->message);
		g_error_free(error);
		g_free(path);
		return EXIT_FAILURE;
	}
	lines = g_strsplit(contents, "\n", -1);
	by_lang = g_hash_table_new(g_str_hash, g_str_equal);
	langs = g_ptr_array_new_with_free_func(g_free);
	by_pair = g_hash_table_new(g_str_hash, g_str_equal);
	confusions = g_ptr_array_new_with_free_func(confusion_free);

	for (guint i = 0; lines[i] != NULL; i++) {
		char *line = lines[i];
		size_t len = strlen(line);
		char *tab, *text;
		struct langid_guess guess;
		struct lang_stat *ls;

		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (i == 0 && strncmp(line, "lang\t", 5) == 0)
			continue;	/* header */
		if ((tab = strchr(line, '\t')) == NULL || tab == line) {
			fprintf(stderr, "FAIL: %s:%u: not lang<TAB>text\n", path, i + 1);
			status = EXIT_FAILURE;
			continue;
		}
		*tab = '\0';
		text = tab + 1;

		ls = g_hash_table_lookup(by_lang, line);
		if (ls == NULL) {
			ls = g_new0(struct lang_stat, 1);
			ls->lang = line;
			g_hash_table_insert(by_lang, (gpointer) ls->lang, ls);
			g_ptr_array_add(langs, ls);
		}

		langid_detect(text, strlen(text), &guess);
		total++;
		ls->total++;
		if (strcmp(guess.code, line) == 0) {
			correct++;
			ls->correct++;
		} else {
			char *pair = g_strdup_printf("%s->%s", line, guess.code);
			struct confusion *c = g_hash_table_lookup(by_pair, pair);

			if (c == NULL) {
				c = g_new0(struct confusion, 1);
				c->pair = pair;
				g_hash_table_insert(by_pair, c->pair, c);
				g_ptr_array_add(confusions, c);
			} else
				g_free(pair);
			c->count++;
		}
	}

	if (total == 0) {
		fprintf(stderr, "FAIL: %s: no samples\n", path);
		status = EXIT_FAILURE;
		accuracy = 0.0;
	} else
		accuracy = (double) correct / total;

	printf("language accuracy %.3f (%u/%u), threshold %.2f\n",
	    accuracy, correct, total, LANG_THRESHOLD);
	for (guint i = 0; i < langs->len; i++) {
		const struct lang_stat *ls = g_ptr_array_index(langs, i);

		printf("  %-4s %.3f (%u/%u)\n", ls->lang,
		    (double) ls->correct / ls->total, ls->correct, ls->total);
	}
	g_ptr_array_sort(confusions, confusion_cmp);
	printf("top confusions:%s\n", confusions->len == 0 ? " none" : "");
	for (guint i = 0; i < confusions->len && i < LANG_TOP_CONFUSIONS; i++) {
		const struct confusion *c = g_ptr_array_index(confusions, i);

		printf("  %s %u\n", c->pair, c->count);
	}
	if (accuracy < LANG_THRESHOLD) {
		printf("FAIL: accuracy %.3f below %.2f\n", accuracy, LANG_THRESHOLD);
		status = EXIT_FAILURE;
	}

	g_ptr_array_free(confusions, TRUE);
	g_hash_table_destroy(by_pair);
	g_ptr_array_free(langs, TRUE);
	g_hash_table_destroy(by_lang);
	g_strfreev(lines);
	g_free(contents);
	g_free(path);
	return status;
}
