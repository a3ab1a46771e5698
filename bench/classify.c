/*
 * bench/classify.c - how fast the reader and the classifier are, on one core.
 *
 * Usage: bench-classify RULEDIR MODEL CORPUSDIR...
 *
 * Loads every message under the corpus folders into memory, then, in
 * interleaved rounds (parse-only, parse+classify, parse-only, ...), times
 * both over the same messages. Also builds 4 KB customer messages from
 * shared/corpus/lang/dev.tsv (six languages) and times those. Prints
 * messages per second for each, medians over the rounds, and on the last
 * line the ratio of the two rates: classification costs no more than the
 * parse itself when the ratio is at least 0.5.
 *
 * The rule set is timed twice: with its Hyperscan prefilter (started, and
 * waited for, before timing: the compile time is printed too), as the
 * milter runs it, and with PCRE2 alone, as before the prefilter; the last
 * line gives the ratios of both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "classify.h"

#define ROUNDS_DEFAULT 7
#define ROUNDS_MAX 51

static int rounds = ROUNDS_DEFAULT;	/* BENCH_ROUNDS overrides */

struct corpus {
	GPtrArray *messages;	/* of GBytes * */
	size_t bytes;
};

static void
collect(struct corpus *c, const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *entry;

	if (dir == NULL) {
		char *data;
		gsize len;

		if (g_file_get_contents(path, &data, &len, NULL)) {
			g_ptr_array_add(c->messages, g_bytes_new_take(data, len));
			c->bytes += len;
		}
		return;
	}
	while ((entry = g_dir_read_name(dir)) != NULL) {
		char *child = g_build_filename(path, entry, NULL);

		if (!g_str_has_prefix(entry, "README") && strstr(entry, "LICENSE") == NULL)
			collect(c, child);
		g_free(child);
	}
	g_dir_close(dir);
}

/* Wraps lines of dev.tsv of one language into ~4 KB messages. */
static void
build_4k(struct corpus *c, const char *tsv_path)
{
	static const char *const langs[] = { "en", "sv", "nb", "da", "de", "bg" };
	char *contents, **lines;

	if (!g_file_get_contents(tsv_path, &contents, NULL, NULL))
		return;
	lines = g_strsplit(contents, "\n", -1);
	for (size_t l = 0; l < G_N_ELEMENTS(langs); l++) {
		GString *msg = NULL;

		for (char **line = lines; *line != NULL; line++) {
			if (!g_str_has_prefix(*line, langs[l]) || (*line)[2] != '\t')
				continue;
			if (msg == NULL)
				msg = g_string_new("From: Customer <c@example.com>\r\n"
				    "To: support@example.com\r\nSubject: Problem with my order\r\n"
				    "Content-Type: text/plain; charset=utf-8\r\n\r\n");
			g_string_append_printf(msg, "%s\r\n", *line + 3);
			if (msg->len >= 4096) {
				c->bytes += msg->len;
				g_ptr_array_add(c->messages, g_bytes_new(msg->str, msg->len));
				g_string_free(msg, TRUE);
				msg = NULL;
			}
		}
		if (msg != NULL)
			g_string_free(msg, TRUE);
	}
	g_strfreev(lines);
	g_free(contents);
}

/* Runs over every message once; returns messages per second. */
static double
run(const struct corpus *c, const struct ruleset *set, const struct model *model)
{
	gint64 start = g_get_monotonic_time();

	for (guint i = 0; i < c->messages->len; i++) {
		gsize len;
		const char *data = g_bytes_get_data(g_ptr_array_index(c->messages, i), &len);
		struct message_view *view = message_read(data, len, NULL);

		if (set != NULL) {
			struct classify_input in = { .view = view };
			struct verdict v;

			verdict_init(&v);
			classify(set, model, &in, &v);
			verdict_clear(&v);
		}
		message_view_free(view);
	}
	return (double)c->messages->len * 1e6 / (double)(g_get_monotonic_time() - start);
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), compare_double);
	return v[n / 2];
}

/* Times parse-only against parse+classify, interleaved; returns the ratio. */
static double
measure(const char *label, const char *how, const struct corpus *c, const struct ruleset *set,
    const struct model *model)
{
	double parse[ROUNDS_MAX], full[ROUNDS_MAX], p, f;

	run(c, set, model);	/* warm caches and the JIT */
	for (int r = 0; r < rounds; r++) {
		parse[r] = run(c, NULL, NULL);
		full[r] = run(c, set, model);
	}
	p = median(parse, rounds);
	f = median(full, rounds);
	printf("%-10s %-12s %5u messages, %7.1f KB avg: parse %8.0f msg/s, "
	    "parse+classify %8.0f msg/s, ratio %.2f\n", label, how, c->messages->len,
	    c->messages->len ? (double)c->bytes / c->messages->len / 1024.0 : 0.0, p, f, f / p);
	return f / p;
}

int
main(int argc, char **argv)
{
	struct corpus mime = { g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref), 0 };
	struct corpus four_k = { g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref), 0 };
	GError *error = NULL;
	struct ruleset *set, *plain;
	struct model *model;
	double ratio_mime, ratio_4k, plain_mime, plain_4k;
	gint64 start;
	bool ready;
	char *how;

	if (argc < 4) {
		fprintf(stderr, "usage: %s RULEDIR MODEL CORPUSDIR [LANG_TSV]\n", argv[0]);
		return 64;
	}
	g_mime_init();
	if ((set = ruleset_load_dir(argv[1], &error)) == NULL ||
	    (plain = ruleset_load_dir(argv[1], &error)) == NULL ||
	    (model = model_load(argv[2], &error)) == NULL) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	collect(&mime, argv[3]);
	if (argc > 4)
		build_4k(&four_k, argv[4]);

	if (getenv("BENCH_ROUNDS") != NULL)
		rounds = CLAMP(atoi(getenv("BENCH_ROUNDS")), 1, ROUNDS_MAX);
	/* The prefilter compiles in a thread of its own: on another core. */
	start = g_get_monotonic_time();
	ruleset_prefilter_start(set);
	ready = ruleset_prefilter_wait(set, 30 * 60 * 1000);
	how = ruleset_prefilter_describe(set);
	printf("prefilter %s in %.1f s: %s\n", ready ? "ready" : "NOT ready",
	    (double)(g_get_monotonic_time() - start) / 1e6, how);
	g_free(how);

	printf("one core, %d interleaved rounds, medians\n", rounds);
	plain_mime = measure("corpus", "PCRE2 alone", &mime, plain, model);
	ratio_mime = measure("corpus", "prefilter", &mime, set, model);
	plain_4k = four_k.messages->len ? measure("4KB-text", "PCRE2 alone", &four_k, plain,
	    model) : 0.0;
	ratio_4k = four_k.messages->len ? measure("4KB-text", "prefilter", &four_k, set, model) :
	    0.0;
	printf("classify/parse throughput ratio: corpus %.2f, 4KB %.2f (target >= 0.50); "
	    "PCRE2 alone: corpus %.2f, 4KB %.2f\n", ratio_mime, ratio_4k, plain_mime, plain_4k);

	g_ptr_array_unref(mime.messages);
	g_ptr_array_unref(four_k.messages);
	model_free(model);
	ruleset_unref(set);
	ruleset_unref(plain);
	g_mime_shutdown();
	return 0;
}
