/*
 * cmd_learn.c - `triage learn`: train one head of the learned layer from a CSV.
 *
 *   triage learn --csv FILE --text-column NAME --label-column NAME --head NAME
 *       [--classes A,B,...] [--model FILE] [--min-count N] [--epochs N]
 *       [--regularization X] [--seed N]
 *
 * Reads FILE (RFC 4180, a header line naming the columns), trains head on
 * every row and saves the model to --model (default triage.model). When
 * that file exists it is loaded first and the head is added or replaced;
 * the other heads are kept as they are.
 *
 * A label is a class name or a 0-based index into the classes. The classes
 * are --classes, else those of the head already in the model, else the
 * distinct labels of the file in sorted order (numerically when they are
 * all numbers). Prints one line of summary on success.
 *
 * Exit status: 0, 64 usage, 65 bad data (CSV, labels, training, an
 * unreadable model), 66 the CSV cannot be opened, 73 the model cannot be
 * saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "csv.h"
#include "model.h"

#define LEARN_MAX_ROWS 1000000	/* training rows read from one file */

struct learn_args {
	const char *csv;
	const char *text_column;
	const char *label_column;
	const char *head;
	const char *classes;	/* comma-separated, or NULL */
	const char *labels_file;	/* TSV "id<TAB>label" joined on id_column, or NULL */
	const char *id_column;
	const char *model;
	struct model_train_options opts;
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: triage learn --csv FILE --text-column NAME --label-column NAME "
	    "--head NAME\n"
	    "           [--classes A,B,...] [--model FILE] [--min-count N] [--epochs N]\n"
	    "           [--regularization X] [--seed N]\n"
	    "       triage learn --csv FILE --text-column NAME --labels TSV --id-column NAME\n"
	    "           --head NAME ...\n"
	    "Trains one head of the learned model on a CSV file and saves the model\n"
	    "(default triage.model), keeping its other heads. A label is a class name\n"
	    "or a 0-based class index. With --labels, the labels come from a separate\n"
	    "tab-separated file (a header line, then id<TAB>label), joined on the CSV's\n"
	    "id column; rows without a label there are left out.\n");
}

static int
parse_unsigned(const char *s, unsigned *out)
{
	char *end;
	guint64 v;

	if (!g_ascii_isdigit(s[0]))
		return -1;
	v = g_ascii_strtoull(s, &end, 10);
	if (*end != '\0' || v > G_MAXUINT)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Fills a from argv; -1 on a usage error (reported), 1 for --help. */
static int
parse_args(int argc, char **argv, struct learn_args *a)
{
	memset(a, 0, sizeof(*a));
	a->model = "triage.model";
	model_train_options_default(&a->opts);

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
		int bad = 0;

		if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0)
			return 1;
		if (v == NULL) {
			fprintf(stderr, "triage learn: %s: option or value missing\n", opt);
			return -1;
		}
		i++;
		if (strcmp(opt, "--csv") == 0)
			a->csv = v;
		else if (strcmp(opt, "--text-column") == 0)
			a->text_column = v;
		else if (strcmp(opt, "--label-column") == 0)
			a->label_column = v;
		else if (strcmp(opt, "--head") == 0)
			a->head = v;
		else if (strcmp(opt, "--labels") == 0)
			a->labels_file = v;
		else if (strcmp(opt, "--id-column") == 0)
			a->id_column = v;
		else if (strcmp(opt, "--classes") == 0)
			a->classes = v;
		else if (strcmp(opt, "--model") == 0)
			a->model = v;
		else if (strcmp(opt, "--min-count") == 0)
			bad = parse_unsigned(v, &a->opts.min_count);
		else if (strcmp(opt, "--epochs") == 0)
			bad = parse_unsigned(v, &a->opts.epochs);
		else if (strcmp(opt, "--seed") == 0)
			bad = parse_unsigned(v, &a->opts.seed);
		else if (strcmp(opt, "--regularization") == 0) {
			a->opts.regularization = g_ascii_strtod(v, &end);
			bad = *end != '\0' || end == v ? -1 : 0;
		} else {
			fprintf(stderr, "triage learn: unknown option '%s'\n", opt);
			return -1;
		}
		if (bad < 0) {
			fprintf(stderr, "triage learn: %s: bad value '%s'\n", opt, v);
			return -1;
		}
	}
	if (a->csv == NULL || a->text_column == NULL || a->head == NULL ||
	    (a->label_column == NULL) == (a->labels_file == NULL) ||
	    (a->labels_file != NULL && a->id_column == NULL)) {
		fprintf(stderr, "triage learn: --csv, --text-column, --head and either "
		    "--label-column or --labels with --id-column are required\n");
		return -1;
	}
	return 0;
}

/*
 * Reads the text and label columns of every row into texts and labels
 * (GPtrArrays of newly allocated strings), and the line of each row into
 * lines. 0, or the exit status after printing the error.
 */
/*
 * Reads a labels file: a header line, then "id<TAB>label" lines. Returns a
 * table id -> label, or NULL after printing why.
 */
static GHashTable *
read_label_file(const char *path)
{
	GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GError *error = NULL;
	char *contents, **lines;
	unsigned n = 0;

	if (!g_file_get_contents(path, &contents, NULL, &error)) {
		fprintf(stderr, "triage learn: %s\n", error->message);
		g_error_free(error);
		g_hash_table_unref(table);
		return NULL;
	}
	lines = g_strsplit(contents, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		char *line = g_strchomp(*l), *tab = strchr(line, '\t');

		if (++n == 1 || *line == '\0')
			continue;	/* the header */
		if (tab == NULL) {
			fprintf(stderr, "triage learn: %s:%u: want id<TAB>label\n", path, n);
			g_hash_table_unref(table);
			table = NULL;
			break;
		}
		g_hash_table_replace(table, g_strndup(line, (gsize)(tab - line)), g_strdup(tab + 1));
	}
	g_strfreev(lines);
	g_free(contents);
	return table;
}

static int
read_rows(const struct learn_args *a, GPtrArray *texts, GPtrArray *labels, GArray *lines)
{
	GPtrArray *row = g_ptr_array_new_with_free_func(g_free);
	GHashTable *joined = NULL;
	GError *error = NULL;
	struct csv_reader *csv;
	int tcol, lcol, r, status = 65;

	if (a->labels_file != NULL && (joined = read_label_file(a->labels_file)) == NULL) {
		g_ptr_array_free(row, TRUE);
		return 65;
	}

	csv = csv_open(a->csv, &error);
	if (csv == NULL) {
		fprintf(stderr, "triage learn: %s\n", error->message);
		g_error_free(error);
		g_ptr_array_free(row, TRUE);
		return 66;
	}
	r = csv_next(csv, row, &error);
	if (r <= 0) {
		if (r == 0)
			fprintf(stderr, "triage learn: %s: empty file\n", a->csv);
		goto out;
	}
	tcol = csv_column(row, a->text_column);
	lcol = csv_column(row, joined != NULL ? a->id_column : a->label_column);
	if (tcol < 0 || lcol < 0) {
		fprintf(stderr, "triage learn: %s:%lu: no column '%s' in the header\n", a->csv,
		    csv_line(csv), tcol < 0 ? a->text_column :
		    joined != NULL ? a->id_column : a->label_column);
		goto out;
	}
	while ((r = csv_next(csv, row, &error)) > 0) {
		unsigned long line = csv_line(csv);

		if ((int)row->len <= MAX(tcol, lcol)) {
			fprintf(stderr, "triage learn: %s:%lu: %u fields, the header has more\n",
			    a->csv, line, row->len);
			goto out;
		}
		if (texts->len >= LEARN_MAX_ROWS) {
			fprintf(stderr, "triage learn: %s:%lu: more than %d rows\n", a->csv, line,
			    LEARN_MAX_ROWS);
			goto out;
		}
		if (joined != NULL && !g_hash_table_contains(joined, row->pdata[lcol]))
			continue;	/* no label for this row */
		/* Take the text out of the row rather than copy it. */
		g_ptr_array_add(texts, row->pdata[tcol]);
		row->pdata[tcol] = NULL;
		g_ptr_array_add(labels, g_strdup(joined != NULL ?
		    g_hash_table_lookup(joined, row->pdata[lcol]) : row->pdata[lcol]));
		g_array_append_val(lines, line);
	}
	if (r == 0)
		status = 0;
out:
	if (error != NULL) {
		fprintf(stderr, "triage learn: %s\n", error->message);
		g_error_free(error);
	}
	csv_close(csv);
	g_ptr_array_free(row, TRUE);
	if (joined != NULL)
		g_hash_table_unref(joined);
	return status;
}

static gint
cmp_labels(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	char *ex, *ey;
	guint64 nx = g_ascii_strtoull(x, &ex, 10), ny = g_ascii_strtoull(y, &ey, 10);

	/* Numbers in numeric order, before anything else; the rest by bytes. */
	if (g_ascii_isdigit(*x) && *ex == '\0' && g_ascii_isdigit(*y) && *ey == '\0')
		return nx < ny ? -1 : nx > ny;
	return strcmp(x, y);
}

/* The distinct labels, sorted: the classes when nothing names them. */
static char **
classes_from_labels(const GPtrArray *labels)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; i < labels->len; i++)
		if (g_hash_table_add(seen, labels->pdata[i]))
			g_ptr_array_add(out, g_strdup(labels->pdata[i]));
	g_ptr_array_sort(out, cmp_labels);
	g_ptr_array_add(out, NULL);
	g_hash_table_destroy(seen);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* A label is a class name, or else a 0-based index; -1 when neither. */
static int
label_index(char *const *classes, size_t n, const char *label)
{
	char *end;
	guint64 v;

	for (size_t c = 0; c < n; c++)
		if (strcmp(classes[c], label) == 0)
			return (int)c;
	if (!g_ascii_isdigit(label[0]))
		return -1;
	v = g_ascii_strtoull(label, &end, 10);
	return *end == '\0' && v < n ? (int)v : -1;
}

int
cmd_learn(int argc, char **argv)
{
	struct learn_args a;
	GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *labels = g_ptr_array_new_with_free_func(g_free);
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(unsigned long));
	struct model *model = NULL;
	GError *error = NULL;
	char **classes = NULL;
	unsigned *index = NULL;
	size_t nclasses, count[MODEL_MAX_CLASSES] = { 0 };
	GString *summary;
	int status;

	status = parse_args(argc, argv, &a);
	if (status != 0) {
		usage(status > 0 ? stdout : stderr);
		status = status > 0 ? 0 : 64;
		goto out;
	}
	if (g_file_test(a.model, G_FILE_TEST_EXISTS)) {
		model = model_load(a.model, &error);
		if (model == NULL) {
			fprintf(stderr, "triage learn: %s\n", error->message);
			status = 65;
			goto out;
		}
	} else
		model = model_new();

	status = read_rows(&a, texts, labels, lines);
	if (status != 0)
		goto out;
	status = 65;
	if (texts->len == 0) {
		fprintf(stderr, "triage learn: %s: no rows to learn from\n", a.csv);
		goto out;
	}

	if (a.classes != NULL)
		classes = g_strsplit(a.classes, ",", -1);
	else if (model_classes(model, a.head, NULL) != NULL)
		classes = g_strdupv((char **)model_classes(model, a.head, NULL));
	else
		classes = classes_from_labels(labels);
	nclasses = g_strv_length(classes);
	if (nclasses < 2 || nclasses > MODEL_MAX_CLASSES) {
		fprintf(stderr, "triage learn: head %s: %zu classes, want 2..%d\n", a.head, nclasses,
		    MODEL_MAX_CLASSES);
		goto out;
	}

	index = g_new(unsigned, labels->len + 1);
	for (guint i = 0; i < labels->len; i++) {
		int c = label_index(classes, nclasses, labels->pdata[i]);

		if (c < 0) {
			char *names = g_strjoinv(", ", classes);

			fprintf(stderr, "triage learn: %s:%lu: label '%s' is neither a class of "
			    "head %s (%s) nor an index\n", a.csv, g_array_index(lines, unsigned long, i),
			    (char *)labels->pdata[i], a.head, names);
			g_free(names);
			goto out;
		}
		index[i] = (unsigned)c;
		count[c]++;
	}

	if (model_train(model, a.head, (const char *const *)classes, nclasses,
	    (const char *const *)texts->pdata, index, texts->len, &a.opts, &error) < 0 ||
	    model_save(model, a.model, &error) < 0) {
		fprintf(stderr, "triage learn: %s\n", error->message);
		status = error->code == MODEL_ERROR_IO ? 73 : 65;
		goto out;
	}

	summary = g_string_new(NULL);
	g_string_printf(summary, "triage learn: head %s trained on %u rows of %s (", a.head,
	    texts->len, a.csv);
	for (size_t c = 0; c < nclasses; c++)
		g_string_append_printf(summary, "%s%s %zu", c ? ", " : "", classes[c], count[c]);
	g_string_append_printf(summary, "), %zu features; saved %s",
	    model_features_count(model, a.head), a.model);
	printf("%s\n", summary->str);
	g_string_free(summary, TRUE);
	status = 0;
out:
	if (error != NULL)
		g_error_free(error);
	g_free(index);
	g_strfreev(classes);
	model_free(model);
	g_array_free(lines, TRUE);
	g_ptr_array_free(labels, TRUE);
	g_ptr_array_free(texts, TRUE);
	return status;
}
