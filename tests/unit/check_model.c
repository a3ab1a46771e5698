/*
 * check_model.c - unit tests for the learned layer (rules/model.c):
 * features, training on tiny synthetic data (two and four classes),
 * probabilities, determinism, save/load round trips, corrupt and truncated
 * files, bad arguments, hostile text, and prediction from several threads.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "model.h"
#include "check_run.h"

static char *tmpdir;

static void
setup(void)
{
	tmpdir = g_dir_make_tmp("check_model-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmpdir);
}

/* Removes the files the tests left in tmpdir, then tmpdir. */
static void
teardown(void)
{
	GDir *dir = g_dir_open(tmpdir, 0, NULL);
	const char *name;

	ck_assert_ptr_nonnull(dir);
	while ((name = g_dir_read_name(dir)) != NULL) {
		char *path = g_build_filename(tmpdir, name, NULL);

		ck_assert_int_eq(g_unlink(path), 0);
		g_free(path);
	}
	g_dir_close(dir);
	ck_assert_int_eq(g_rmdir(tmpdir), 0);
	g_free(tmpdir);
}

static char *
tmp_path(const char *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static GPtrArray *
features_of(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	model_features(text, out);
	return out;
}

static bool
has(const GPtrArray *features, const char *want)
{
	for (guint i = 0; i < features->len; i++)
		if (strcmp(features->pdata[i], want) == 0)
			return true;
	return false;
}

static char *
joined(const GPtrArray *features)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < features->len; i++)
		g_string_append_printf(s, "%s[%s]", i ? " " : "", (char *)features->pdata[i]);
	return g_string_free(s, FALSE);
}

/* --- features ---------------------------------------------------------- */

struct feature_case {
	const char *name;
	const char *text;
	const char *want[8];	/* features that must be there */
	const char *not[8];	/* features that must not be */
};

static const struct feature_case feature_cases[] = {
	{ "Swedish case folding", "ÄRENDE Ärende ärende ÅTERBETALNING",
	  { "ärende", "ärende ärende", "återbetalning", "<s> ärende" }, { "ÄRENDE", "Ärende" } },
	{ "Bulgarian case folding", "ЖАЛБА Жалба: ПОРЪЧКА",
	  { "жалба", "жалба жалба", "поръчка", "жалба поръчка" }, { "ЖАЛБА", "Жалба" } },
	{ "Angstrom sign and decomposed letters are one a-ring (NFKC)",
	  "\xe2\x84\xab" "ngest a\xcc\x88r",
	  { "ångest", "är" }, { NULL } },
	{ "German sharp s folds", "STRASSE Straße", { "strasse", "strasse strasse" }, { "straße" } },
	{ "placeholders", "@FC_Help see https://t.co/AbC or mail anna.s@example.se now @anna",
	  { "<support>", "<url>", "<email>", "<support> see", "see <url>", "mail <email>",
	    "<s> <support>", "now <user>" },
	  { "fc_help", "help", "anna", "example", "t", "co" } },
	{ "support handles", "@AcmeCares @acme_service @helpdesk @bob",
	  { "<s> <support>", "<support> <support>", "<support> <user>" }, { "<user> <support>" } },
	{ "www and a URL glued to a word", "link:www.example.com (http://x.org)",
	  { "link", "<url>", "link <url>" }, { "www", "example", "x" } },
	{ "numbers", "3 power outages in 3.5 months, 10:30 on 8/4, 1,000 EUR",
	  { "<num>", "<num> power", "in <num>", "<num> months", "on <num>", "eur" },
	  { "3", "10", "30", "1" } },
	{ "digits inside words", "my PS4 and 8800GTS", { "ps0", "0gts", "my ps0" }, { "ps4", "<num>" } },
	{ "apostrophes", "Don't, CAN\xe2\x80\x99T won' 'quoted'",
	  { "don't", "can't", "don't can't", "won", "quoted" }, { "don", "can", "t" } },
	{ "hashtag is its word", "#Fail #customerservice", { "fail", "customerservice", "fail customerservice" },
	  { "#fail" } },
	{ "exclamation and question runs", "why?? now!!! really?! ok! sure?",
	  { "??", "!!", "?!", "!", "?", "why ??", "now !!" }, { "!!!" } },
	{ "emoji and emoticons", "broken again \xf0\x9f\x98\xa1\xf0\x9f\x98\xa1 :( ok :-) <3 re:do",
	  { "\xf0\x9f\x98\xa1", "again \xf0\x9f\x98\xa1", ":(", ":)", "<3", "re", "do" },
	  { ":d" } },
	{ "variation selector, skin tone and ZWJ are no tokens",
	  "love it \xe2\x9d\xa4\xef\xb8\x8f \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb",
	  { "it \xe2\x9d\xa4", "\xe2\x9d\xa4 \xf0\x9f\x91\x8d", "\xf0\x9f\x91\x8d \xf0\x9f\x91\xa8",
	    "\xf0\x9f\x91\xa8 \xf0\x9f\x92\xbb" },
	  { "\xef\xb8\x8f", "\xf0\x9f\x8f\xbd", "\xe2\x80\x8d" } },
	{ "currency", "charged \xc2\xa3" "20 twice", { "\xc2\xa3", "\xc2\xa3 <num>" }, { NULL } },
	{ "other punctuation separates", "slow;very/slow (really)", { "slow", "very", "really", "slow very" },
	  { "slow;very", "(really)" } },
	{ "ellipses", "well... ok\xe2\x80\xa6 fine..", { "well ...", "... ok", "ok ...", "fine" },
	  { "\xe2\x80\xa6", "." } },
	{ "U+FFFD runs are one token", "love it \xef\xbf\xbd\xef\xbf\xbd ok",
	  { "it <?>", "<?> ok", "<emoji>" }, { "\xef\xbf\xbd" } },
	{ "stems", "Disappointed, disappointing! mail", { "disa~", "disappointed", "!" },
	  { "mail~", "mai~" } },
	{ "style of a short bare statement", "@acme_help fix it now",
	  { "<len<=3>", "<len<=40>", "<noq>", "<w:push>" },
	  { "<len>3>", "<q>", "<digits>", "<users>", "<bang>", "<caps>", "<emoji>" } },
	{ "style of a longer question", "@Acme @bob Where do I return order 12345, the PS4 I bought? "
	  "THANKS a LOT \xf0\x9f\x98\x8a",
	  { "<len>12>", "<len<=17>", "<q>", "<digits>", "<users>", "<emoji>", "<w:proc>",
	    "<w:bond>" },
	  { "<len<=12>", "<noq>", "<caps>", "<w:feel>" } },
	{ "capitals", "WHY IS THIS STILL BROKEN!!", { "<caps>", "<bang>", "<w:fact>", "<w:push>" },
	  { "<q>" } },
	{ "a very long word is one token", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa x",
	  { "<long>", "<long> x" }, { NULL } },
	{ "whitespace of every kind", "a\tb\r\nc\xc2\xa0" "d\xe3\x80\x80" "e",
	  { "a b", "b c", "c d", "d e" }, { NULL } },
};

START_TEST(test_feature_table)
{
	const struct feature_case *c = &feature_cases[_i];
	GPtrArray *f = features_of(c->text);
	char *all = joined(f);

	for (size_t k = 0; k < G_N_ELEMENTS(c->want) && c->want[k] != NULL; k++)
		ck_assert_msg(has(f, c->want[k]), "%s: want [%s], got %s", c->name, c->want[k], all);
	for (size_t k = 0; k < G_N_ELEMENTS(c->not) && c->not[k] != NULL; k++)
		ck_assert_msg(!has(f, c->not[k]), "%s: do not want [%s], got %s", c->name, c->not[k],
		    all);
	for (guint i = 0; i < f->len; i++)
		ck_assert_msg(g_utf8_validate(f->pdata[i], -1, NULL), "%s: invalid UTF-8", c->name);
	g_free(all);
	g_ptr_array_free(f, TRUE);
}
END_TEST

START_TEST(test_features_order_and_count)
{
	GPtrArray *f = features_of("Refund me NOW");
	const char *want[] = { "<s> refund", "refund", "refu~", "me", "refund me", "now", "me now",
	    "<len<=3>", "<len<=5>", "<len<=8>", "<len<=12>", "<len<=17>", "<len<=23>", "<len<=30>",
	    "<len<=40>", "<noq>", "<w:push>" };
	char *all = joined(f);

	ck_assert_msg(f->len == G_N_ELEMENTS(want), "got %s", all);
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		ck_assert_str_eq(f->pdata[i], want[i]);
	g_free(all);
	g_ptr_array_free(f, TRUE);
}
END_TEST

START_TEST(test_features_empty_and_null)
{
	GPtrArray *f = features_of("");

	ck_assert_uint_eq(f->len, 0);
	model_features(" \t\n ,.;", f);
	ck_assert_uint_eq(f->len, 0);
	model_features(NULL, f);
	ck_assert_uint_eq(f->len, 0);
	g_ptr_array_free(f, TRUE);
}
END_TEST

START_TEST(test_features_invalid_utf8)
{
	/* Lone continuation bytes, a cut sequence, overlong NUL, surrogate, 0xFF. */
	static const char text[] = "\x80\xbf ab\xc3 cd \xc0\x80 \xed\xa0\x80 \xff\xfe ef\xe2\x82";
	GPtrArray *f = features_of(text);

	ck_assert(has(f, "ef"));
	for (guint i = 0; i < f->len; i++)
		ck_assert(g_utf8_validate(f->pdata[i], -1, NULL));
	g_ptr_array_free(f, TRUE);
}
END_TEST

START_TEST(test_features_bounded)
{
	/* 1 MiB of words: only MODEL_TEXT_MAX bytes are read. */
	size_t len = 1 << 20;
	char *text = g_malloc(len + 1);
	GPtrArray *f;

	for (size_t i = 0; i < len; i++)
		text[i] = i % 4 == 3 ? ' ' : 'a' + (char)(i / 4 % 26);
	text[len] = '\0';
	f = features_of(text);
	/* One unigram and one pair per 4 bytes, plus "<s> ..." and 9 of style. */
	ck_assert_uint_le(f->len, MODEL_TEXT_MAX / 4 * 2 + 1 + 9);
	ck_assert_uint_ge(f->len, MODEL_TEXT_MAX / 4 * 2 - 2);
	g_ptr_array_free(f, TRUE);

	/* A two-byte letter straddling the bound is dropped, not mangled. */
	memset(text, ' ', MODEL_TEXT_MAX - 1);
	memcpy(text + MODEL_TEXT_MAX - 1, "\xc3\xa4x", 4);
	f = features_of(text);
	ck_assert_uint_eq(f->len, 0);
	g_ptr_array_free(f, TRUE);

	/* Decomposed letters fold as precomposed ones however long the text
	 * (it is normalised in pieces); a run of marks is bounded work. */
	for (size_t i = 0; i + 8 <= len; i += 8)
		memcpy(text + i, i % 400 ? "a\xcc\x88rr   " : "A\xcc\x88RR\n\t ", 8);
	f = features_of(text);
	/* and the 9 style features of any text of many words without '?' */
	ck_assert_uint_eq(f->len, MODEL_TEXT_MAX / 8 * 2 + 9);
	for (guint i = 0; i < f->len - 9; i++)
		ck_assert_str_eq(f->pdata[i], i == 0 ? "<s> \xc3\xa4rr" :
		    i == 1 || i % 2 == 0 ? "\xc3\xa4rr" : "\xc3\xa4rr \xc3\xa4rr");
	g_ptr_array_free(f, TRUE);
	text[0] = 'e';
	for (size_t i = 1; i + 2 <= len; i += 2)
		memcpy(text + i, "\xcc\x81", 2);
	text[len - 1] = '\0';
	f = features_of(text);
	ck_assert_uint_eq(f->len, 2 + 9);
	g_ptr_array_free(f, TRUE);

	/* One word of 1 MiB is one token. */
	memset(text, 'z', len);
	f = features_of(text);
	ck_assert_uint_eq(f->len, 2 + 9);
	ck_assert_str_eq(f->pdata[1], "<long>");
	g_ptr_array_free(f, TRUE);
	g_free(text);
}
END_TEST

/* --- training and prediction --------------------------------------------- */

static const char *const yes_no[] = { "no", "yes" };

/* A tiny complaint set: complaints speak of breakage and refunds. */
static const char *const tiny_texts[] = {
	"my order arrived broken and I want a refund",
	"still no refund, the app is broken again",
	"terrible service, the charger is broken",
	"I want my money back, this is a disgrace",
	"broken screen after one day, refund please",
	"worst support ever, still waiting for my refund",
	"thanks for the quick help, great service",
	"love the new update, thank you",
	"great store, friendly staff, thanks",
	"do you have this dress in blue?",
	"what time does the store open on sunday?",
	"thank you so much, lovely service",
};
static const unsigned tiny_labels[] = { 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 };

static struct model *
train_tiny(unsigned seed)
{
	struct model *model = model_new();
	struct model_train_options opts;
	GError *error = NULL;

	model_train_options_default(&opts);
	opts.min_count = 1;
	opts.seed = seed;
	ck_assert_int_eq(model_train(model, "complaint", yes_no, 2, tiny_texts, tiny_labels,
	    G_N_ELEMENTS(tiny_texts), &opts, &error), 0);
	ck_assert_ptr_null(error);
	return model;
}

static int
predicted(const struct model *model, const char *head, const char *text)
{
	double p[MODEL_MAX_CLASSES], sum = 0;
	int n = model_predict(model, head, text, p, MODEL_MAX_CLASSES), best = 0;

	ck_assert_int_gt(n, 0);
	for (int c = 0; c < n; c++) {
		ck_assert(p[c] >= 0 && p[c] <= 1);
		sum += p[c];
		if (p[c] > p[best])
			best = c;
	}
	ck_assert_msg(fabs(sum - 1) < 1e-9, "probabilities sum to %.17g", sum);
	return best;
}

START_TEST(test_train_predict_two_classes)
{
	struct model *model = train_tiny(1);
	const char *const *classes;
	size_t n = 0;

	ck_assert_int_eq(predicted(model, "complaint", "the box was broken, I want a refund"), 1);
	ck_assert_int_eq(predicted(model, "complaint", "thanks, great help"), 0);
	ck_assert_int_eq(predicted(model, "complaint", "REFUND!!! Broken!"), 1);
	classes = model_classes(model, "complaint", &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(classes[0], "no");
	ck_assert_str_eq(classes[1], "yes");
	ck_assert_ptr_null(classes[2]);
	ck_assert_uint_gt(model_features_count(model, "complaint"), 10);
	model_free(model);
}
END_TEST

START_TEST(test_predict_edges)
{
	struct model *model = train_tiny(1);
	double p[2] = { -1, -1 }, one = -1;
	char *big = g_strnfill(3 << 20, 'x');

	/* Unknown head: -1, nothing written. */
	ck_assert_int_eq(model_predict(model, "personality", "hi", p, 2), -1);
	ck_assert(p[0] == -1 && p[1] == -1);
	ck_assert_ptr_null(model_classes(model, "personality", NULL));
	ck_assert_uint_eq(model_features_count(model, "personality"), 0);
	ck_assert_int_eq(model_predict(model, NULL, "hi", p, 2), -1);
	ck_assert_int_eq(model_predict(NULL, "complaint", "hi", p, 2), -1);

	/* Empty, NULL, hostile and huge texts: the prior, no crash. */
	ck_assert_int_eq(predicted(model, "complaint", ""), predicted(model, "complaint", NULL));
	predicted(model, "complaint", "\xff\xfe\xfd\x80\xc3");
	predicted(model, "complaint", big);

	/* Room for fewer values than classes: that many are written. */
	ck_assert_int_eq(model_predict(model, "complaint", "broken", &one, 1), 2);
	ck_assert(one >= 0 && one <= 1);
	ck_assert_int_eq(model_predict(model, "complaint", "broken", NULL, 0), 2);
	g_free(big);
	model_free(model);
}
END_TEST

START_TEST(test_train_four_classes)
{
	static const char *const classes[] = { "analytical", "personal", "functional", "intuitive" };
	static const char *const texts[] = {
		"what is the exact version number and the error code",
		"please give me the exact figures and the invoice date",
		"which firmware version fixes error code 43",
		"I have been a loyal customer for ten years and I feel let down",
		"I love you guys, my family has always shopped here",
		"so sad and disappointed, I trusted you",
		"how do I reset the password, what is the next step",
		"what are the steps to return an item",
		"I already tried step one and step two, what next",
		"fix it now",
		"just refund me",
		"fix it",
	};
	static const unsigned labels[] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3 };
	struct model *model = model_new();
	struct model_train_options opts;
	GError *error = NULL;
	size_t n;

	model_train_options_default(&opts);
	opts.min_count = 1;
	ck_assert_int_eq(model_train(model, "personality", classes, 4, texts, labels,
	    G_N_ELEMENTS(texts), &opts, &error), 0);
	ck_assert_int_eq(predicted(model, "personality", "what is the exact error code"), 0);
	ck_assert_int_eq(predicted(model, "personality", "I feel so let down, loyal for years"), 1);
	ck_assert_int_eq(predicted(model, "personality", "what is the next step to reset it"), 2);
	ck_assert_int_eq(predicted(model, "personality", "just fix it"), 3);
	ck_assert_ptr_nonnull(model_classes(model, "personality", &n));
	ck_assert_uint_eq(n, 4);

	/* A second head beside it; the first is untouched. */
	ck_assert_int_eq(model_train(model, "complaint", yes_no, 2, tiny_texts, tiny_labels,
	    G_N_ELEMENTS(tiny_texts), &opts, &error), 0);
	ck_assert_int_eq(predicted(model, "personality", "just fix it"), 3);
	ck_assert_int_eq(predicted(model, "complaint", "broken, refund"), 1);
	model_free(model);
}
END_TEST

/* Saves model into tmpdir/name and returns the file's bytes. */
static char *
saved_bytes(const struct model *model, const char *name, size_t *len)
{
	char *path = tmp_path(name), *bytes;
	GError *error = NULL;

	ck_assert_msg(model_save(model, path, &error) == 0, "save: %s",
	    error ? error->message : "");
	ck_assert(g_file_get_contents(path, &bytes, len, NULL));
	g_free(path);
	return bytes;
}

START_TEST(test_deterministic)
{
	struct model *a = train_tiny(7), *b = train_tiny(7);
	size_t la, lb;
	char *fa = saved_bytes(a, "a.model", &la), *fb = saved_bytes(b, "b.model", &lb);

	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(fa, fb, la) == 0);
	g_free(fa);
	g_free(fb);
	model_free(a);
	model_free(b);
}
END_TEST

START_TEST(test_retrain_replaces)
{
	static const char *const abc[] = { "a", "b", "c" };
	static const char *const texts[] = { "alpha one", "beta two", "gamma three" };
	static const unsigned labels[] = { 0, 1, 2 };
	struct model *model = train_tiny(1);
	size_t n;

	ck_assert_int_eq(model_train(model, "complaint", abc, 3, texts, labels, 3, NULL, NULL), 0);
	ck_assert_ptr_nonnull(model_classes(model, "complaint", &n));
	ck_assert_uint_eq(n, 3);
	/* min_count 2 by default: no word is seen twice, only the 9 style
	 * features that every two-word text without '?' has. */
	ck_assert_uint_eq(model_features_count(model, "complaint"), 9);
	ck_assert_int_eq(model_predict(model, "complaint", "alpha", (double[3]){ 0 }, 3), 3);
	model_free(model);
}
END_TEST

START_TEST(test_train_bad_arguments)
{
	static const char *const one[] = { "only" };
	static const char *const twice[] = { "no", "no" };
	static const char *const spaced[] = { "no", "yes please" };
	static const char *const nine[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
	static const char *const texts[] = { "x y", "x z" };
	static const unsigned ok[] = { 0, 1 }, bad[] = { 0, 2 };
	struct model *model = train_tiny(1);
	struct model_train_options opts;
	double before[2], after[2];
	GError *error = NULL;
	char *name;

	model_train_options_default(&opts);
	model_predict(model, "complaint", "broken refund", before, 2);
#define BAD(head, classes, n, labels, opt) do { \
		ck_assert_int_eq(model_train(model, head, classes, n, texts, labels, 2, opt, \
		    &error), -1); \
		ck_assert_ptr_nonnull(error); \
		ck_assert(g_error_matches(error, MODEL_ERROR, MODEL_ERROR_INVALID)); \
		g_clear_error(&error); \
	} while (0)
	BAD("complaint", one, 1, ok, NULL);
	BAD("complaint", nine, 9, ok, NULL);
	BAD("complaint", twice, 2, ok, NULL);
	BAD("complaint", spaced, 2, ok, NULL);
	BAD("complaint", yes_no, 2, bad, NULL);
	BAD("", yes_no, 2, ok, NULL);
	BAD("com plaint", yes_no, 2, ok, NULL);
	BAD(NULL, yes_no, 2, ok, NULL);
	opts.regularization = 1;
	BAD("complaint", yes_no, 2, ok, &opts);
	opts.regularization = NAN;
	BAD("complaint", yes_no, 2, ok, &opts);
	model_train_options_default(&opts);
	opts.epochs = 10001;
	BAD("complaint", yes_no, 2, ok, &opts);
	ck_assert_int_eq(model_train(model, "complaint", yes_no, 2, texts, ok, 0, NULL, &error), -1);
	g_clear_error(&error);

	/* The failed calls left the model as it was. */
	model_predict(model, "complaint", "broken refund", after, 2);
	ck_assert(memcmp(before, after, sizeof(before)) == 0);

	/* At most MODEL_MAX_HEADS heads. */
	for (int h = 1; h < MODEL_MAX_HEADS; h++) {
		name = g_strdup_printf("head%d", h);
		ck_assert_int_eq(model_train(model, name, yes_no, 2, texts, ok, 2, NULL, NULL), 0);
		g_free(name);
	}
	BAD("one-too-many", yes_no, 2, ok, NULL);
	/* Retraining an existing head is still allowed. */
	ck_assert_int_eq(model_train(model, "head1", yes_no, 2, texts, ok, 2, NULL, NULL), 0);
#undef BAD
	model_free(model);
}
END_TEST

/* --- files --------------------------------------------------------------- */

static const char *const probe_texts[] = {
	"the box was broken, I want a refund", "thanks, great help", "", "\xff broken \xc3",
	"@someone https://x.y 😡😡 why??", "do you have this in blue? thank you",
};

/* Featurised once, predicted by every head: as model_predict(), bit for bit. */
START_TEST(test_text_predict)
{
	struct model *model = train_tiny(3);
	double p[3];

	ck_assert_int_eq(model_train(model, "second", (const char *const[]){ "x", "y", "z" }, 3,
	    tiny_texts, (const unsigned[]){ 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2 },
	    G_N_ELEMENTS(tiny_texts), NULL, NULL), 0);
	for (size_t i = 0; i < G_N_ELEMENTS(probe_texts); i++) {
		struct model_text *text = model_text_new(probe_texts[i]);
		const char *const heads[] = { "complaint", "second" };

		for (size_t h = 0; h < G_N_ELEMENTS(heads); h++) {
			double a[3] = { 0 }, b[3] = { 0 };
			int n = model_predict(model, heads[h], probe_texts[i], a, 3);

			ck_assert_int_eq(model_text_predict(model, heads[h], text, b, 3), n);
			ck_assert_msg(memcmp(a, b, sizeof(a)) == 0, "text %zu head %s: got %.17g, "
			    "want %.17g", i, heads[h], b[0], a[0]);
		}
		ck_assert_int_eq(model_text_predict(model, "nosuch", text, p, 3), -1);
		model_text_free(text);
	}
	ck_assert_int_eq(model_text_predict(model, "complaint", NULL, p, 3), -1);
	model_text_free(NULL);
	model_free(model);
}
END_TEST

START_TEST(test_save_load_round_trip)
{
	struct model *model = train_tiny(3), *loaded;
	char *path = tmp_path("complaint.model"), *tmp = tmp_path("complaint.model.tmp");
	char *first, *second;
	GError *error = NULL;
	size_t l1, l2, n;

	ck_assert_int_eq(model_train(model, "second", (const char *const[]){ "x", "y", "z" }, 3,
	    tiny_texts, (const unsigned[]){ 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2 },
	    G_N_ELEMENTS(tiny_texts), NULL, NULL), 0);
	first = saved_bytes(model, "complaint.model", &l1);
	ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
	ck_assert(g_str_has_prefix(first, "triage-model 1\nhead complaint no yes\nbias\t"));
	ck_assert_ptr_nonnull(strstr(first, "\nend "));
	ck_assert(g_str_has_suffix(first, "\n"));

	loaded = model_load(path, &error);
	ck_assert_msg(loaded != NULL, "load: %s", error ? error->message : "");
	for (size_t i = 0; i < G_N_ELEMENTS(probe_texts); i++) {
		double a[3], b[3];

		ck_assert_int_eq(model_predict(model, "complaint", probe_texts[i], a, 3), 2);
		ck_assert_int_eq(model_predict(loaded, "complaint", probe_texts[i], b, 3), 2);
		ck_assert_msg(a[0] == b[0] && a[1] == b[1], "text %zu: %.17g/%.17g vs %.17g/%.17g",
		    i, a[0], a[1], b[0], b[1]);
		ck_assert_int_eq(model_predict(model, "second", probe_texts[i], a, 3), 3);
		ck_assert_int_eq(model_predict(loaded, "second", probe_texts[i], b, 3), 3);
		ck_assert(memcmp(a, b, sizeof(a)) == 0);
	}
	ck_assert_ptr_nonnull(model_classes(loaded, "second", &n));
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(model_features_count(loaded, "complaint"),
	    model_features_count(model, "complaint"));

	/* Saving the loaded model writes the same bytes. */
	second = saved_bytes(loaded, "again.model", &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert(memcmp(first, second, l1) == 0);

	g_free(first);
	g_free(second);
	g_free(tmp);
	g_free(path);
	model_free(loaded);
	model_free(model);
}
END_TEST

/*
 * Returns text with "@END@" replaced by the "end" line the bytes before it
 * call for or, when right is false, the line for slightly different bytes
 * (as if the file had been changed after it was saved).
 */
static GString *
with_sum(const char *text, size_t len, bool right)
{
	GString *s = g_string_new_len(text, (gssize)len);
	char *at = strstr(s->str, "@END@"), *sum;
	gsize pos;

	if (at == NULL)
		return s;
	pos = (gsize)(at - s->str);
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)s->str,
	    right ? pos : pos - 2);
	g_string_erase(s, (gssize)pos, 5);
	g_string_insert(s, (gssize)pos, sum);
	g_string_insert(s, (gssize)pos, "end ");
	g_free(sum);
	return s;
}

START_TEST(test_empty_model_and_escapes)
{
	static const char text[] =
	    "triage-model 1\n"
	    "head h a b\n"
	    "bias\t0.5\t-0.5\n"
	    "features 3\n"
	    "back\\\\slash\t1\t-1\n"
	    "tab\\tnew\\nline\\rcr\t0.25\t0.125\n"
	    "\xc3\xa4r\t-2\t2\n"
	    "@END@\n";
	char *path = tmp_path("escapes.model"), *out;
	GString *file = with_sum(text, strlen(text), true);
	struct model *model = model_new(), *loaded;
	GError *error = NULL;
	double p[2];
	size_t len;

	/* An empty model is a valid file. */
	out = saved_bytes(model, "empty.model", &len);
	ck_assert_str_eq(out, "triage-model 1\nend "
	    "76ac59fc7ee8d33dc151e4a15d8dabd3953fe5f1876d9e3a27c526d663c6a9b4\n");
	g_free(out);
	model_free(model);

	ck_assert(g_file_set_contents(path, file->str, -1, NULL));
	loaded = model_load(path, &error);
	ck_assert_msg(loaded != NULL, "%s", error ? error->message : "");
	ck_assert_uint_eq(model_features_count(loaded, "h"), 3);
	ck_assert_int_eq(model_predict(loaded, "h", "ÄR", p, 2), 2);
	ck_assert(p[1] > 0.9);
	out = saved_bytes(loaded, "escapes2.model", &len);
	ck_assert_str_eq(out, file->str);
	g_free(out);
	g_string_free(file, TRUE);
	model_free(loaded);
	g_free(path);
}
END_TEST

struct corrupt_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *want;	/* after "PATH:"; NULL: a checksum mismatch on line 6 */
};

#define HEAD "triage-model 1\nhead h a b\nbias\t0\t0\n"

static const struct corrupt_case corrupt_cases[] = {
	{ "empty file", "", 0, "1: not a triage model" },
	{ "wrong magic", "triage-rules 1\nend\n", 0, "1: not a triage model" },
	{ "newer version", "triage-model 2\nend\n", 0, "1: unsupported version '2'" },
	{ "no end", "triage-model 1\n", 0, "2: file ends without 'end'" },
	{ "no end, no newline", "triage-model 1", 0, "2: file ends without 'end'" },
	{ "stray line", "triage-model 1\nhello\nend\n", 0, "2: 'head' or 'end' expected" },
	{ "one class", "triage-model 1\nhead h a\nend\n", 0, "2: a head has a name and 2..8 classes" },
	{ "nine classes", "triage-model 1\nhead h 1 2 3 4 5 6 7 8 9\nend\n", 0,
	  "2: a head has a name and 2..8 classes" },
	{ "class twice", "triage-model 1\nhead h a a\nend\n", 0, "2: class a given twice" },
	{ "double space", "triage-model 1\nhead h a  b\nend\n", 0, "2: bad name ''" },
	{ "no bias", "triage-model 1\nhead h a b\nfeatures 0\nend\n", 0, "3: 'bias' line expected" },
	{ "bias short", "triage-model 1\nhead h a b\nbias\t0\nfeatures 0\nend\n", 0,
	  "3: 2 numbers expected, found 1" },
	{ "bias long", "triage-model 1\nhead h a b\nbias\t0\t0\t0\nfeatures 0\nend\n", 0,
	  "3: more than 2 numbers" },
	{ "bias nan", "triage-model 1\nhead h a b\nbias\tnan\t0\nfeatures 0\nend\n", 0,
	  "3: bad number 'nan'" },
	{ "bias inf", "triage-model 1\nhead h a b\nbias\t0\t1e999\nfeatures 0\nend\n", 0,
	  "3: bad number '1e999'" },
	{ "bias junk", "triage-model 1\nhead h a b\nbias\t0x\t0\nfeatures 0\nend\n", 0,
	  "3: bad number '0x'" },
	{ "no feature count", HEAD "end\n", 0, "4: 'features COUNT' line expected" },
	{ "negative count", HEAD "features -1\nend\n", 0, "4: 'features COUNT' line expected" },
	{ "huge count", HEAD "features 99999999999999999999\nend\n", 0, "4: bad feature count" },
	{ "count beyond the file", HEAD "features 1000\nx\t0\t0\nend\n", 0,
	  "6: feature line expected" },
	{ "truncated features", HEAD "features 2\nx\t0\t0\n", 0, "5: file ends after 1 of 2 features" },
	{ "features cut mid-line", HEAD "features 2\nx\t0\t0\ny\t0", 0,
	  "6: 2 numbers expected, found 1" },
	{ "fewer features than said", HEAD "features 2\nx\t0\t0\nend\n", 0,
	  "6: feature line expected" },
	{ "more features than said", HEAD "features 1\nx\t0\t0\ny\t0\t0\nend\n", 0,
	  "6: 'head' or 'end' expected" },
	{ "feature without numbers", HEAD "features 1\nx\nend\n", 0, "5: feature line expected" },
	{ "empty feature", HEAD "features 1\n\t0\t0\nend\n", 0, "5: feature line expected" },
	{ "bad escape", HEAD "features 1\na\\x\t0\t0\nend\n", 0, "5: bad escape in feature" },
	{ "escape at the end", HEAD "features 1\na\\\t0\t0\nend\n", 0, "5: bad escape in feature" },
	{ "feature twice", HEAD "features 2\nx\t0\t0\nx\t1\t1\nend\n", 0, "6: feature given twice" },
	{ "feature not UTF-8", HEAD "features 1\n\xff\t0\t0\nend\n", 0, "5: feature is not UTF-8" },
	{ "head twice", HEAD "features 0\nhead h c d\nbias\t0\t0\nfeatures 0\nend\n", 0,
	  "5: head h given twice" },
	{ "end without checksum", "triage-model 1\nend\n", 0, "2: 'end SHA256' expected" },
	{ "short checksum", "triage-model 1\nend 00\n", 0, "2: 'end SHA256' expected" },
	{ "checksum mismatch",
	  "triage-model 1\nend 0000000000000000000000000000000000000000000000000000000000000000\n", 0,
	  "2: checksum mismatch: the file is damaged or was edited" },
	{ "a weight changed", HEAD "features 1\nx\t1\t2\n@END@\n", 0, NULL },
	{ "data after end", HEAD "features 0\n@END@\nmore\n", 0, "6: data after 'end'" },
	{ "blank line after end", HEAD "features 0\n@END@\n\n", 0, "6: data after 'end'" },
	{ "NUL byte", HEAD "features 1\nx\0y\t0\t0\nend\n", sizeof(HEAD "features 1\nx\0y\t0\t0\nend\n") - 1,
	  "5: NUL byte" },
	{ "nine heads",
	  "triage-model 1\n"
	  "head h1 a b\nbias\t0\t0\nfeatures 0\nhead h2 a b\nbias\t0\t0\nfeatures 0\n"
	  "head h3 a b\nbias\t0\t0\nfeatures 0\nhead h4 a b\nbias\t0\t0\nfeatures 0\n"
	  "head h5 a b\nbias\t0\t0\nfeatures 0\nhead h6 a b\nbias\t0\t0\nfeatures 0\n"
	  "head h7 a b\nbias\t0\t0\nfeatures 0\nhead h8 a b\nbias\t0\t0\nfeatures 0\n"
	  "head h9 a b\nbias\t0\t0\nfeatures 0\nend\n", 0, "26: more than 8 heads" },
};

START_TEST(test_load_corrupt)
{
	const struct corrupt_case *c = &corrupt_cases[_i];
	char *path = tmp_path("corrupt.model"), *want;
	GString *text = with_sum(c->text, c->len ? c->len : strlen(c->text), c->want != NULL);
	GError *error = NULL;
	struct model *model;

	ck_assert(g_file_set_contents(path, text->str, (gssize)text->len, NULL));
	g_string_free(text, TRUE);
	model = model_load(path, &error);
	ck_assert_msg(model == NULL, "%s: loaded", c->name);
	ck_assert_ptr_nonnull(error);
	ck_assert(g_error_matches(error, MODEL_ERROR, MODEL_ERROR_FORMAT));
	want = g_strdup_printf("%s:%s", path, c->want != NULL ? c->want :
	    "6: checksum mismatch: the file is damaged or was edited");
	ck_assert_msg(g_str_has_prefix(error->message, want), "%s: got \"%s\", want \"%s...\"",
	    c->name, error->message, want);
	g_error_free(error);
	g_free(want);
	g_free(path);
}
END_TEST

START_TEST(test_load_every_truncation)
{
	struct model *model = model_new();
	char *path = tmp_path("cut.model"), *bytes, *prefix;
	GError *error = NULL;
	size_t len;

	/* A small two-head model, cut after every byte. */
	ck_assert_int_eq(model_train(model, "complaint", yes_no, 2, tiny_texts, tiny_labels, 6,
	    NULL, NULL), 0);
	ck_assert_int_eq(model_train(model, "other", yes_no, 2, tiny_texts + 6, tiny_labels, 6,
	    NULL, NULL), 0);
	bytes = saved_bytes(model, "full.model", &len);
	prefix = g_strdup_printf("%s:", path);
	for (size_t cut = 0; cut + 1 < len; cut++) {
		struct model *loaded;

		ck_assert(g_file_set_contents(path, bytes, (gssize)cut, NULL));
		loaded = model_load(path, &error);
		ck_assert_msg(loaded == NULL, "cut at %zu of %zu loaded", cut, len);
		ck_assert_msg(g_str_has_prefix(error->message, prefix), "cut at %zu: %s", cut,
		    error->message);
		g_clear_error(&error);
	}
	/* Only the final newline may go. */
	ck_assert(g_file_set_contents(path, bytes, (gssize)len - 1, NULL));
	model_free(model);
	model = model_load(path, &error);
	ck_assert_ptr_nonnull(model);
	g_free(prefix);
	g_free(bytes);
	g_free(path);
	model_free(model);
}
END_TEST

START_TEST(test_load_save_io_errors)
{
	char *missing = tmp_path("missing.model");
	char *nodir = g_build_filename(tmpdir, "no-such-dir", "x.model", NULL);
	struct model *model = model_new();
	GError *error = NULL;

	ck_assert_ptr_null(model_load(missing, &error));
	ck_assert(g_error_matches(error, MODEL_ERROR, MODEL_ERROR_IO));
	ck_assert(g_str_has_prefix(error->message, missing));
	g_clear_error(&error);

	ck_assert_ptr_null(model_load(tmpdir, &error));	/* a directory */
	ck_assert_ptr_nonnull(error);
	g_clear_error(&error);

	ck_assert_int_eq(model_save(model, nodir, &error), -1);
	ck_assert(g_error_matches(error, MODEL_ERROR, MODEL_ERROR_IO));
	ck_assert_ptr_nonnull(strstr(error->message, "no-such-dir"));
	g_clear_error(&error);

	model_free(NULL);
	model_free(model);
	g_free(nodir);
	g_free(missing);
}
END_TEST

/* --- threads ------------------------------------------------------------- */

struct thread_job {
	const struct model *model;
	double want[G_N_ELEMENTS(probe_texts)][2];
	int mismatches;
};

static gpointer
predict_many(gpointer data)
{
	struct thread_job *job = data;
	int mismatches = 0;

	for (int round = 0; round < 50; round++)
		for (size_t i = 0; i < G_N_ELEMENTS(probe_texts); i++) {
			double p[2];

			model_predict(job->model, "complaint", probe_texts[i], p, 2);
			mismatches += p[0] != job->want[i][0] || p[1] != job->want[i][1];
		}
	return GINT_TO_POINTER(mismatches);
}

START_TEST(test_predict_threads)
{
	struct model *model = train_tiny(1);
	struct thread_job job = { .model = model };
	GThread *threads[4];

	for (size_t i = 0; i < G_N_ELEMENTS(probe_texts); i++)
		model_predict(model, "complaint", probe_texts[i], job.want[i], 2);
	for (size_t t = 0; t < G_N_ELEMENTS(threads); t++)
		threads[t] = g_thread_new("predict", predict_many, &job);
	for (size_t t = 0; t < G_N_ELEMENTS(threads); t++)
		ck_assert_int_eq(GPOINTER_TO_INT(g_thread_join(threads[t])), 0);
	model_free(model);
}
END_TEST

static Suite *
model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tf = tcase_create("features");
	TCase *tt = tcase_create("train");
	TCase *tio = tcase_create("files");

	tcase_add_loop_test(tf, test_feature_table, 0, (int)G_N_ELEMENTS(feature_cases));
	tcase_add_test(tf, test_features_order_and_count);
	tcase_add_test(tf, test_features_empty_and_null);
	tcase_add_test(tf, test_features_invalid_utf8);
	tcase_add_test(tf, test_features_bounded);
	tcase_set_timeout(tf, 60);
	suite_add_tcase(s, tf);

	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_test(tt, test_train_predict_two_classes);
	tcase_add_test(tt, test_predict_edges);
	tcase_add_test(tt, test_text_predict);
	tcase_add_test(tt, test_train_four_classes);
	tcase_add_test(tt, test_deterministic);
	tcase_add_test(tt, test_retrain_replaces);
	tcase_add_test(tt, test_train_bad_arguments);
	tcase_add_test(tt, test_predict_threads);
	tcase_set_timeout(tt, 60);
	suite_add_tcase(s, tt);

	tcase_add_checked_fixture(tio, setup, teardown);
	tcase_add_test(tio, test_save_load_round_trip);
	tcase_add_test(tio, test_empty_model_and_escapes);
	tcase_add_loop_test(tio, test_load_corrupt, 0, (int)G_N_ELEMENTS(corrupt_cases));
	tcase_add_test(tio, test_load_every_truncation);
	tcase_add_test(tio, test_load_save_io_errors);
	tcase_set_timeout(tio, 120);
	suite_add_tcase(s, tio);
	return s;
}

int
main(void)
{
	return check_run(model_suite());
}
