/*
 * eval-model.c - measuring the learned layer by stratified cross-validation.
 *
 *   eval-model [OPTIONS] FILE.csv
 *
 * Reads a CSV with a header (cli/csv.c), trains one head on k-1 folds and
 * predicts the held-out fold, k times. Prints per fold the macro-F1 and the
 * training time, then the pooled precision, recall and F1 of each class,
 * the mean cost of one prediction, and on the last line
 *
 *   HEAD macro-F1 (K-fold CV) 0.NNN
 *
 * the mean of the per-fold macro-F1. Folds are stratified: each class's
 * rows are shuffled (fixed seed) and dealt round-robin into the folds.
 *
 * Options: --text-column NAME (tweet), --label-column NAME (label),
 * --head NAME (complaint), --classes A,B,... (no,yes), --folds K (10),
 * --min-count N, --epochs N, --regularization X,
 * --seed N (training; the folds use --fold-seed N, default 1).
 * A label is a class name or a 0-based class index.
 *
 * Build (from the top of the tree):
 *   gcc -O2 -I rules -I cli $(pkg-config --cflags glib-2.0) bench/eval-model.c \
 *       cli/csv.c rules/model.c $(pkg-config --libs glib-2.0) -lm -o eval-model
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "csv.h"
#include "model.h"

#define MAX_FOLDS 100

struct data {
	GPtrArray *texts;	/* char *, owned */
	GArray *labels;		/* unsigned */
};

struct config {
	const char *path;
	const char *text_column;
	const char *label_column;
	const char *head;
	char **classes;		/* NULL-terminated */
	size_t nclasses;
	unsigned folds;
	unsigned fold_seed;
	struct model_train_options opts;
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: eval-model [--text-column NAME] [--label-column NAME] "
	    "[--head NAME]\n  [--classes A,B,...] [--folds K] [--min-count N]\n"
	    "  [--epochs N] [--regularization X] [--seed N] "
	    "[--fold-seed N] FILE.csv\n");
}

/* A label is a class name, or else a 0-based index; -1 when neither. */
static int
label_index(const struct config *cf, const char *label)
{
	char *end;
	guint64 v;

	for (size_t c = 0; c < cf->nclasses; c++)
		if (strcmp(cf->classes[c], label) == 0)
			return (int)c;
	if (!g_ascii_isdigit(label[0]))
		return -1;
	v = g_ascii_strtoull(label, &end, 10);
	return *end == '\0' && v < cf->nclasses ? (int)v : -1;
}

static int
read_data(const struct config *cf, struct data *d)
{
	GPtrArray *row = g_ptr_array_new_with_free_func(g_free);
	struct csv_reader *csv;
	GError *error = NULL;
	int tcol, lcol, status = -1, r;

	csv = csv_open(cf->path, &error);
	if (csv == NULL)
		goto out;
	if (csv_next(csv, row, &error) <= 0) {
		if (error == NULL)
			fprintf(stderr, "eval-model: %s: empty file\n", cf->path);
		goto out;
	}
	tcol = csv_column(row, cf->text_column);
	lcol = csv_column(row, cf->label_column);
	if (tcol < 0 || lcol < 0) {
		fprintf(stderr, "eval-model: %s: no column '%s'\n", cf->path,
		    tcol < 0 ? cf->text_column : cf->label_column);
		goto out;
	}
	while ((r = csv_next(csv, row, &error)) > 0) {
		int label;

		if ((int)row->len <= MAX(tcol, lcol)) {
			fprintf(stderr, "eval-model: %s:%lu: too few fields\n", cf->path,
			    csv_line(csv));
			goto out;
		}
		label = label_index(cf, row->pdata[lcol]);
		if (label < 0) {
			fprintf(stderr, "eval-model: %s:%lu: label '%s' is no class\n", cf->path,
			    csv_line(csv), (char *)row->pdata[lcol]);
			goto out;
		}
		g_ptr_array_add(d->texts, g_strdup(row->pdata[tcol]));
		g_array_append_val(d->labels, label);
	}
	if (r == 0)
		status = 0;
out:
	if (error != NULL) {
		fprintf(stderr, "eval-model: %s\n", error->message);
		g_error_free(error);
	}
	csv_close(csv);
	g_ptr_array_free(row, TRUE);
	return status;
}

/* Deals each class's rows, shuffled, round-robin into folds; fold[i] for row i. */
static unsigned *
assign_folds(const struct config *cf, const struct data *d)
{
	unsigned *fold = g_new(unsigned, d->labels->len + 1);
	GRand *rand = g_rand_new_with_seed(cf->fold_seed);
	GArray *members = g_array_new(FALSE, FALSE, sizeof(guint));

	for (size_t c = 0; c < cf->nclasses; c++) {
		g_array_set_size(members, 0);
		for (guint i = 0; i < d->labels->len; i++)
			if (g_array_index(d->labels, unsigned, i) == c)
				g_array_append_val(members, i);
		for (guint k = members->len; k > 1; k--) {
			guint j = (guint)g_rand_int_range(rand, 0, (gint32)k);
			guint tmp = g_array_index(members, guint, k - 1);

			g_array_index(members, guint, k - 1) = g_array_index(members, guint, j);
			g_array_index(members, guint, j) = tmp;
		}
		for (guint k = 0; k < members->len; k++)
			fold[g_array_index(members, guint, k)] = k % cf->folds;
	}
	g_array_free(members, TRUE);
	g_rand_free(rand);
	return fold;
}

/* Macro-F1 of a confusion matrix cm[truth][predicted]; per-class figures into p, r, f. */
static double
macro_f1(const size_t *cm, size_t n, double *p, double *r, double *f)
{
	double sum = 0;

	for (size_t c = 0; c < n; c++) {
		size_t tp = cm[c * n + c], predicted = 0, actual = 0;

		for (size_t k = 0; k < n; k++) {
			predicted += cm[k * n + c];
			actual += cm[c * n + k];
		}
		p[c] = predicted > 0 ? (double)tp / (double)predicted : 0;
		r[c] = actual > 0 ? (double)tp / (double)actual : 0;
		f[c] = p[c] + r[c] > 0 ? 2 * p[c] * r[c] / (p[c] + r[c]) : 0;
		sum += f[c];
	}
	return sum / (double)n;
}

static int
argmax(const double *v, size_t n)
{
	size_t best = 0;

	for (size_t c = 1; c < n; c++)
		if (v[c] > v[best])
			best = c;
	return (int)best;
}

static int
evaluate(const struct config *cf, const struct data *d)
{
	size_t C = cf->nclasses, n = d->labels->len;
	size_t *pooled = g_new0(size_t, C * C), *cm = g_new0(size_t, C * C);
	double p[MODEL_MAX_CLASSES], r[MODEL_MAX_CLASSES], f[MODEL_MAX_CLASSES];
	double probs[MODEL_MAX_CLASSES], f1[MAX_FOLDS], mean = 0, sd = 0;
	double train_s = 0, predict_us = 0;
	const char **texts = g_new(const char *, n + 1);
	unsigned *labels = g_new(unsigned, n + 1);
	unsigned *fold = assign_folds(cf, d);
	size_t predicted = 0;
	int status = 0;

	for (unsigned k = 0; k < cf->folds && status == 0; k++) {
		struct model *model = model_new();
		GError *error = NULL;
		size_t m = 0;
		gint64 t0, t1;

		for (size_t i = 0; i < n; i++)
			if (fold[i] != k) {
				texts[m] = d->texts->pdata[i];
				labels[m++] = g_array_index(d->labels, unsigned, i);
			}
		t0 = g_get_monotonic_time();
		if (model_train(model, cf->head, (const char *const *)cf->classes, C, texts,
		    labels, m, &cf->opts, &error) < 0) {
			fprintf(stderr, "eval-model: %s\n", error->message);
			g_error_free(error);
			status = -1;
		}
		t1 = g_get_monotonic_time();
		train_s += (double)(t1 - t0) / 1e6;

		memset(cm, 0, C * C * sizeof(*cm));
		for (size_t i = 0; i < n && status == 0; i++) {
			unsigned y = g_array_index(d->labels, unsigned, i);
			gint64 s0;

			if (fold[i] != k)
				continue;
			s0 = g_get_monotonic_time();
			model_predict(model, cf->head, d->texts->pdata[i], probs, C);
			predict_us += (double)(g_get_monotonic_time() - s0);
			predicted++;
			cm[y * C + (size_t)argmax(probs, C)]++;
		}
		for (size_t q = 0; q < C * C; q++)
			pooled[q] += cm[q];
		if (status == 0) {
			f1[k] = macro_f1(cm, C, p, r, f);
			printf("fold %2u  macro-F1 %.4f  train %zu texts, %zu features, %.3f s\n",
			    k + 1, f1[k], m, model_features_count(model, cf->head),
			    (double)(t1 - t0) / 1e6);
		}
		model_free(model);
	}

	if (status == 0) {
		for (unsigned k = 0; k < cf->folds; k++)
			mean += f1[k] / cf->folds;
		for (unsigned k = 0; k < cf->folds; k++)
			sd += (f1[k] - mean) * (f1[k] - mean) / (cf->folds > 1 ? cf->folds - 1 : 1);
		printf("\npooled over the folds:\n%-16s %9s %9s %9s %7s\n", "class", "precision",
		    "recall", "F1", "support");
		macro_f1(pooled, C, p, r, f);
		for (size_t c = 0; c < C; c++) {
			size_t support = 0;

			for (size_t q = 0; q < C; q++)
				support += pooled[c * C + q];
			printf("%-16s %9.3f %9.3f %9.3f %7zu\n", cf->classes[c], p[c], r[c], f[c],
			    support);
		}
		printf("\ntraining: %.3f s per fold on average; prediction: %.1f us per text\n",
		    train_s / cf->folds, predicted > 0 ? predict_us / (double)predicted : 0);
		printf("per-fold macro-F1: mean %.4f, sd %.4f\n", mean, sqrt(sd));
		printf("%s macro-F1 (%u-fold CV) %.3f\n", cf->head, cf->folds, mean);
	}
	g_free(fold);
	g_free(labels);
	g_free(texts);
	g_free(cm);
	g_free(pooled);
	return status;
}

/* Parses an unsigned option value; exits on a bad one. */
static unsigned
parse_unsigned(const char *opt, const char *s)
{
	char *end;
	guint64 v;

	v = g_ascii_strtoull(s, &end, 10);
	if (!g_ascii_isdigit(s[0]) || *end != '\0' || v > G_MAXUINT) {
		fprintf(stderr, "eval-model: %s: bad number '%s'\n", opt, s);
		exit(64);
	}
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	struct config cf = {
		.text_column = "tweet", .label_column = "label", .head = "complaint",
		.folds = 10, .fold_seed = 1,
	};
	struct data d;
	const char *classes = "no,yes";
	int status;

	model_train_options_default(&cf.opts);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (cf.path != NULL) {
				usage(stderr);
				return 64;
			}
			cf.path = a;
			continue;
		}
		if (v == NULL) {
			usage(stderr);
			return 64;
		}
		i++;
		if (strcmp(a, "--text-column") == 0)
			cf.text_column = v;
		else if (strcmp(a, "--label-column") == 0)
			cf.label_column = v;
		else if (strcmp(a, "--head") == 0)
			cf.head = v;
		else if (strcmp(a, "--classes") == 0)
			classes = v;
		else if (strcmp(a, "--folds") == 0)
			cf.folds = parse_unsigned(a, v);
		else if (strcmp(a, "--min-count") == 0)
			cf.opts.min_count = parse_unsigned(a, v);
		else if (strcmp(a, "--epochs") == 0)
			cf.opts.epochs = parse_unsigned(a, v);
		else if (strcmp(a, "--seed") == 0)
			cf.opts.seed = parse_unsigned(a, v);
		else if (strcmp(a, "--fold-seed") == 0)
			cf.fold_seed = parse_unsigned(a, v);
		else if (strcmp(a, "--regularization") == 0)
			cf.opts.regularization = g_ascii_strtod(v, NULL);
		else {
			usage(stderr);
			return 64;
		}
	}
	if (cf.path == NULL || cf.folds < 2 || cf.folds > MAX_FOLDS) {
		usage(stderr);
		return 64;
	}
	cf.classes = g_strsplit(classes, ",", -1);
	cf.nclasses = g_strv_length(cf.classes);
	if (cf.nclasses < 2 || cf.nclasses > MODEL_MAX_CLASSES) {
		fprintf(stderr, "eval-model: --classes: 2..%d names\n", MODEL_MAX_CLASSES);
		g_strfreev(cf.classes);
		return 64;
	}

	d.texts = g_ptr_array_new_with_free_func(g_free);
	d.labels = g_array_new(FALSE, FALSE, sizeof(unsigned));
	status = read_data(&cf, &d);
	if (status == 0 && d.labels->len < cf.folds) {
		fprintf(stderr, "eval-model: %s: fewer rows than folds\n", cf.path);
		status = -1;
	}
	if (status == 0) {
		printf("%s: %u texts, head %s, %u folds, min_count %u, epochs %u, "
		    "regularization %g, seed %u\n", cf.path, d.labels->len, cf.head, cf.folds,
		    cf.opts.min_count, cf.opts.epochs, cf.opts.regularization, cf.opts.seed);
		status = evaluate(&cf, &d);
	}
	g_ptr_array_free(d.texts, TRUE);
	g_array_free(d.labels, TRUE);
	g_strfreev(cf.classes);
	return status == 0 ? 0 : 1;
}
