/*
 * bench/eval-complaints.c - how well the classifier reads real complaints.
 *
 * Usage: bench-eval-complaints RULEDIR XCI_CSV [PERSONALITY_TSV]
 *
 * XCI_CSV is shared/corpus/complaints/xci-dev.csv: real tweets to brand
 * support accounts, labelled complaint yes/no and severity 0-4.
 * PERSONALITY_TSV (tests/fixtures/personality-dev.tsv) holds hand labels of
 * the personality type for a sample of them. The shipped model is trained
 * on this very file, so it is not used here: every tweet is classified by
 * the rules plus a model trained, by 10-fold stratified cross-validation,
 * on the other nine folds only. Prints complaint macro-F1 for rules alone,
 * model alone and both; Kendall's tau-b between urgency and severity; and
 * Cohen's kappa of the personality type against the hand labels.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "classify.h"
#include "csv.h"

#define FOLDS 10
/*
 * The personality head learns from under 900 texts: a feature seen once is
 * worth keeping there (+0.01 kappa), unlike on the complaint head.
 */
#define PERSONALITY_MIN_COUNT 1

struct tweet {
	char *id;
	char *text;
	unsigned complaint;	/* 0 or 1 */
	int severity;		/* 0..4 */
	int personality;	/* hand label, or -1 */
	unsigned fold;
	/* predictions */
	bool rules_complaint, model_complaint, both_complaint;
	GPtrArray *fired;	/* rule names (borrowed from the rule set) */
	int urgency;
	int predicted_personality;
	int rules_personality;	/* rules alone */
	int model_personality;	/* the model's personality head alone */
	bool english;		/* detected as English, so the model counts */
};

static GArray *
read_tweets(const char *path)
{
	GArray *tweets = g_array_new(FALSE, TRUE, sizeof(struct tweet));
	GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	struct csv_reader *r = csv_open(path, &error);
	int c_id, c_text, c_label, c_sev, rc;

	if (r == NULL || csv_next(r, fields, &error) != 1) {
		fprintf(stderr, "%s\n", error ? error->message : "empty CSV");
		exit(1);
	}
	c_id = csv_column(fields, "id");
	c_text = csv_column(fields, "tweet");
	c_label = csv_column(fields, "label");
	c_sev = csv_column(fields, "Severity");
	if (c_id < 0 || c_text < 0 || c_label < 0 || c_sev < 0) {
		fprintf(stderr, "%s: want columns id, tweet, label, Severity\n", path);
		exit(1);
	}
	while ((rc = csv_next(r, fields, &error)) == 1) {
		struct tweet t = { 0 };

		if ((int)fields->len <= MAX(MAX(c_id, c_text), MAX(c_label, c_sev)))
			continue;
		t.id = g_strdup(g_ptr_array_index(fields, c_id));
		t.text = g_strdup(g_ptr_array_index(fields, c_text));
		t.complaint = atoi(g_ptr_array_index(fields, c_label)) != 0;
		t.severity = atoi(g_ptr_array_index(fields, c_sev));
		t.personality = -1;
		g_array_append_val(tweets, t);
	}
	if (rc < 0) {
		fprintf(stderr, "%s\n", error->message);
		exit(1);
	}
	csv_close(r);
	g_ptr_array_unref(fields);
	return tweets;
}

static unsigned
read_personality(GArray *tweets, const char *path)
{
	GHashTable *by_id = g_hash_table_new(g_str_hash, g_str_equal);
	char *contents, **lines;
	unsigned n = 0;

	for (guint i = 0; i < tweets->len; i++) {
		struct tweet *t = &g_array_index(tweets, struct tweet, i);

		g_hash_table_insert(by_id, t->id, t);
	}
	if (!g_file_get_contents(path, &contents, NULL, NULL)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	lines = g_strsplit(contents, "\n", -1);
	for (char **l = lines + 1; *l != NULL; l++) {
		char **cols = g_strsplit(g_strchomp(*l), "\t", 2);
		struct tweet *t;

		if (cols[0] != NULL && cols[1] != NULL &&
		    (t = g_hash_table_lookup(by_id, cols[0])) != NULL &&
		    (t->personality = personality_from_name(cols[1])) >= 0)
			n++;
		g_strfreev(cols);
	}
	g_strfreev(lines);
	g_free(contents);
	g_hash_table_unref(by_id);
	return n;
}

/* Stratified folds: within each complaint class, every tenth tweet by order. */
static void
assign_folds(GArray *tweets)
{
	unsigned seen[2] = { 0, 0 };

	for (guint i = 0; i < tweets->len; i++) {
		struct tweet *t = &g_array_index(tweets, struct tweet, i);

		t->fold = seen[t->complaint]++ % FOLDS;
	}
}

static struct model *
train_fold(GArray *tweets, unsigned fold)
{
	static const char *const yes_no[] = { "no", "yes" };
	static const char *const types[] = { "analytical", "personal", "functional", "intuitive" };
	GPtrArray *texts = g_ptr_array_new(), *p_texts = g_ptr_array_new();
	GArray *labels = g_array_new(FALSE, FALSE, sizeof(unsigned));
	GArray *p_labels = g_array_new(FALSE, FALSE, sizeof(unsigned));
	struct model_train_options opts, p_opts;
	struct model *model = model_new();
	GError *error = NULL;

	model_train_options_default(&opts);
	/* As scripts/train-model: the personality head keeps every feature. */
	p_opts = opts;
	p_opts.min_count = PERSONALITY_MIN_COUNT;
	for (guint i = 0; i < tweets->len; i++) {
		struct tweet *t = &g_array_index(tweets, struct tweet, i);

		if (t->fold == fold)
			continue;
		g_ptr_array_add(texts, t->text);
		g_array_append_val(labels, t->complaint);
		if (t->personality >= 0) {
			unsigned label = (unsigned)t->personality;

			g_ptr_array_add(p_texts, t->text);
			g_array_append_val(p_labels, label);
		}
	}
	if (model_train(model, "complaint", yes_no, 2, (const char *const *)texts->pdata,
	    (unsigned *)labels->data, texts->len, &opts, &error) != 0 ||
	    (p_texts->len > 0 && model_train(model, "personality", types, 4,
	    (const char *const *)p_texts->pdata, (unsigned *)p_labels->data, p_texts->len,
	    &p_opts, &error) != 0)) {
		fprintf(stderr, "training fold %u: %s\n", fold, error->message);
		exit(1);
	}
	g_ptr_array_unref(texts);
	g_ptr_array_unref(p_texts);
	g_array_unref(labels);
	g_array_unref(p_labels);
	return model;
}

static double
macro_f1(GArray *tweets, size_t offset)
{
	double f1[2];

	for (int cls = 0; cls < 2; cls++) {
		double tp = 0, fp = 0, fn = 0, precision, recall;

		for (guint i = 0; i < tweets->len; i++) {
			const struct tweet *t = &g_array_index(tweets, struct tweet, i);
			bool predicted = *(const bool *)((const char *)t + offset);

			if (predicted == (bool)cls && t->complaint == (unsigned)cls)
				tp++;
			else if (predicted == (bool)cls)
				fp++;
			else if (t->complaint == (unsigned)cls)
				fn++;
		}
		precision = tp + fp > 0 ? tp / (tp + fp) : 0;
		recall = tp + fn > 0 ? tp / (tp + fn) : 0;
		f1[cls] = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
	}
	return (f1[0] + f1[1]) / 2;
}

/* Kendall's tau-b between predicted urgency and labelled severity. */
static double
kendall_tau_b(GArray *tweets)
{
	double concordant = 0, discordant = 0, ties_x = 0, ties_y = 0;

	for (guint i = 0; i < tweets->len; i++) {
		const struct tweet *a = &g_array_index(tweets, struct tweet, i);

		for (guint j = i + 1; j < tweets->len; j++) {
			const struct tweet *b = &g_array_index(tweets, struct tweet, j);
			int dx = (a->urgency > b->urgency) - (a->urgency < b->urgency);
			int dy = (a->severity > b->severity) - (a->severity < b->severity);

			if (dx == 0 && dy == 0)
				continue;
			if (dx == 0)
				ties_x++;
			else if (dy == 0)
				ties_y++;
			else if (dx == dy)
				concordant++;
			else
				discordant++;
		}
	}
	return (concordant - discordant) /
	    sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y));
}

/*
 * Cohen's kappa of a predicted personality (the int at offset in struct
 * tweet; -1 for none) against the hand labels.
 */
static double
cohen_kappa(GArray *tweets, size_t offset, unsigned *n_out)
{
	double confusion[PERSONALITY_COUNT][PERSONALITY_COUNT] = { { 0 } };
	double n = 0, agree = 0, expected = 0;

	for (guint i = 0; i < tweets->len; i++) {
		const struct tweet *t = &g_array_index(tweets, struct tweet, i);
		int predicted = *(const int *)((const char *)t + offset);

		if (t->personality < 0 || predicted < 0)
			continue;
		confusion[t->personality][predicted]++;
		n++;
	}
	*n_out = (unsigned)n;
	if (n == 0)
		return 0;
	for (int a = 0; a < PERSONALITY_COUNT; a++) {
		double row = 0, col = 0;

		agree += confusion[a][a];
		for (int b = 0; b < PERSONALITY_COUNT; b++) {
			row += confusion[a][b];
			col += confusion[b][a];
		}
		expected += (row / n) * (col / n);
	}
	return (agree / n - expected) / (1 - expected);
}

/*
 * Prints kappa of the rules alone and of the model's personality head
 * alone, how many labelled tweets were read as English (the model counts
 * only for those), and the confusion matrix of the verdicts.
 */
static void
personality_report(GArray *tweets)
{
	unsigned confusion[PERSONALITY_COUNT][PERSONALITY_COUNT] = { { 0 } };
	unsigned n, english = 0;
	double k_rules = cohen_kappa(tweets, G_STRUCT_OFFSET(struct tweet, rules_personality), &n);
	double k_model = cohen_kappa(tweets, G_STRUCT_OFFSET(struct tweet, model_personality), &n);

	for (guint i = 0; i < tweets->len; i++) {
		const struct tweet *t = &g_array_index(tweets, struct tweet, i);

		if (t->personality < 0)
			continue;
		english += t->english;
		confusion[t->personality][t->predicted_personality]++;
	}
	printf("  kappa of the rules alone %.3f, of the model alone %.3f; %u of %u read as "
	    "English\n", k_rules, k_model, english, n);
	printf("  %-12s %10s %10s %10s %10s  (rows: hand label, columns: verdict)\n", "",
	    personality_name(0), personality_name(1), personality_name(2), personality_name(3));
	for (int a = 0; a < PERSONALITY_COUNT; a++)
		printf("  %-12s %10u %10u %10u %10u\n", personality_name((enum personality)a),
		    confusion[a][0], confusion[a][1], confusion[a][2], confusion[a][3]);
}

/*
 * With TRIAGE_RULE_REPORT set, prints per rule how often it fired on
 * complaints and on the rest, and the mean severity where it fired: the
 * figures to tune rules by; and how often it fired on tweets of each
 * hand-labelled personality type.
 */
static void
rule_report(GArray *tweets)
{
	GHashTable *counts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	GHashTableIter it;
	gpointer key, value;

	for (guint i = 0; i < tweets->len; i++) {
		const struct tweet *t = &g_array_index(tweets, struct tweet, i);

		for (guint h = 0; h < t->fired->len; h++) {
			double *c = g_hash_table_lookup(counts, g_ptr_array_index(t->fired, h));

			if (c == NULL) {
				c = g_new0(double, 3 + PERSONALITY_COUNT);
				g_hash_table_insert(counts, g_ptr_array_index(t->fired, h), c);
			}
			c[t->complaint]++;
			c[2] += t->severity;
			if (t->personality >= 0)
				c[3 + t->personality]++;
		}
	}
	printf("%-32s %6s %6s %9s %8s %5s %5s %5s %5s\n", "rule", "compl", "other", "precision",
	    "severity", "anal", "pers", "func", "intu");
	g_hash_table_iter_init(&it, counts);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		const double *c = value;

		printf("%-32s %6.0f %6.0f %9.2f %8.2f %5.0f %5.0f %5.0f %5.0f\n", (const char *)key,
		    c[1], c[0], c[1] / (c[0] + c[1]), c[2] / (c[0] + c[1]), c[3], c[4], c[5], c[6]);
	}
	g_hash_table_unref(counts);
}

int
main(int argc, char **argv)
{
	GError *error = NULL;
	struct ruleset *set;
	GArray *tweets;
	unsigned labelled = 0, kappa_n;
	double f1_rules, f1_model, f1_both, tau, kappa;
	gint64 start = g_get_monotonic_time();

	if (argc < 3) {
		fprintf(stderr, "usage: %s RULEDIR XCI_CSV [PERSONALITY_TSV]\n", argv[0]);
		return 64;
	}
	g_mime_init();
	if ((set = ruleset_load_dir(argv[1], &error)) == NULL) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	tweets = read_tweets(argv[2]);
	if (argc > 3)
		labelled = read_personality(tweets, argv[3]);
	assign_folds(tweets);

	for (unsigned fold = 0; fold < FOLDS; fold++) {
		struct model *model = train_fold(tweets, fold);

		for (guint i = 0; i < tweets->len; i++) {
			struct tweet *t = &g_array_index(tweets, struct tweet, i);
			struct message_view *view;
			struct classify_input in = { 0 };
			struct verdict v;

			if (t->fold != fold)
				continue;
			view = message_view_from_text(t->text, strlen(t->text), NULL);
			in.view = view;

			verdict_init(&v);
			classify(set, NULL, &in, &v);
			t->rules_complaint = v.complaint;
			t->rules_personality = (int)v.personality;
			t->english = strcmp(v.language, "en") == 0;
			t->fired = g_ptr_array_new();
			for (guint h = 0; h < v.hits->len; h++)
				g_ptr_array_add(t->fired,
				    (gpointer)g_array_index(v.hits, struct verdict_hit, h).name);
			verdict_clear(&v);

			verdict_init(&v);
			classify(set, model, &in, &v);
			t->both_complaint = v.complaint;
			{
				double probs[2], p4[PERSONALITY_COUNT];

				t->model_complaint = model_predict(model, "complaint", t->text, probs,
				    2) == 2 && probs[1] >= 0.5;
				t->model_personality = -1;
				if (model_predict(model, "personality", t->text, p4,
				    PERSONALITY_COUNT) == PERSONALITY_COUNT) {
					t->model_personality = 0;
					for (int c = 1; c < PERSONALITY_COUNT; c++)
						if (p4[c] > p4[t->model_personality])
							t->model_personality = c;
				}
			}
			t->urgency = (int)v.urgency;
			t->predicted_personality = (int)v.personality;
			verdict_clear(&v);
			message_view_free(view);
		}
		model_free(model);
	}

	f1_rules = macro_f1(tweets, G_STRUCT_OFFSET(struct tweet, rules_complaint));
	f1_model = macro_f1(tweets, G_STRUCT_OFFSET(struct tweet, model_complaint));
	f1_both = macro_f1(tweets, G_STRUCT_OFFSET(struct tweet, both_complaint));
	tau = kendall_tau_b(tweets);
	kappa = cohen_kappa(tweets, G_STRUCT_OFFSET(struct tweet, predicted_personality),
	    &kappa_n);

	printf("%u tweets, %d-fold stratified cross-validation, %.1f s\n", tweets->len, FOLDS,
	    (double)(g_get_monotonic_time() - start) / 1e6);
	printf("complaint macro-F1: rules alone %.3f, model alone %.3f, rules + model %.3f\n",
	    f1_rules, f1_model, f1_both);
	printf("  references on this data: keyword list ~0.66, feature-based ~0.79, "
	    "transformers 0.87-0.88; target > 0.80\n");
	printf("urgency vs severity, Kendall tau-b: %.3f\n", tau);
	if (labelled > 0) {
		printf("personality vs hand labels (%u tweets), Cohen's kappa: %.3f "
		    "(crude keyword rule ~0.16; target >= 0.6)\n", kappa_n, kappa);
		personality_report(tweets);
	}
	if (getenv("TRIAGE_RULE_REPORT") != NULL)
		rule_report(tweets);
	printf("summary: complaint-F1 %.3f  tau-b %.3f  kappa %.3f\n", f1_both, tau, kappa);
	ruleset_unref(set);
	g_mime_shutdown();
	return 0;
}
