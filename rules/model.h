/*
 * model.h - the learned layer: a small linear text classifier beside the rules.
 *
 * As SpamAssassin and rspamd keep Bayes beside their rules, triage keeps a
 * linear model over word and word-pair features. A model holds one or more
 * heads, each a classification task with named classes ("complaint": no,
 * yes; "personality": analytical, personal, functional, intuitive). It is
 * trained by `triage learn`, saved to a text file, loaded once at start and
 * then shared read-only by every thread.
 *
 * Ownership: a struct model owns everything reachable from it; accessors
 * return borrowed pointers valid until the model is freed or the head is
 * retrained. Training mutates the model and must not run concurrently with
 * anything else on the same model; prediction only reads it.
 *
 * The file format (version 1) is described at the top of model.c.
 */
#ifndef TRIAGE_MODEL_H
#define TRIAGE_MODEL_H

#include <stddef.h>
#include <glib.h>

struct model;

/* Limits of the format, checked on load and train. */
#define MODEL_MAX_CLASSES 8
#define MODEL_MAX_HEADS 8
#define MODEL_NAME_MAX 64	/* bytes of a head or class name */
#define MODEL_MAX_FEATURES 4000000	/* features of one head */

/* Bytes of a text that model_features() reads; the rest is ignored, so the
 * cost of one call is bounded. */
#define MODEL_TEXT_MAX 65536

/* The domain of the errors of this module; load errors read "FILE:LINE: what". */
#define MODEL_ERROR (model_error_quark())
GQuark model_error_quark(void);

enum model_error_code {
	MODEL_ERROR_INVALID,	/* a bad argument to model_train() */
	MODEL_ERROR_FORMAT,	/* a model file that is corrupt, truncated or too big */
	MODEL_ERROR_IO		/* reading or writing a file failed */
};

/*
 * The trainer is multinomial logistic regression by SGD (see model.c for
 * why, and bench/eval-model.c for the measurements).
 */
struct model_train_options {
	unsigned min_count;	/* drop features seen in fewer documents (default 2) */
	unsigned epochs;	/* passes over the texts, 1..10000 (0: the default, 20) */
	double regularization;	/* L2 strength per text, in [0, 1) (0: the default, 3e-3) */
	unsigned seed;		/* for the shuffling: training is reproducible (default 1) */
};

/* Fills opts with the defaults: the settings measured best on the complaint data. */
void model_train_options_default(struct model_train_options *opts);

/*
 * Appends the features of a UTF-8 text to out (a GPtrArray of newly allocated
 * char *, free function g_free): case-folded words, their stems and adjacent
 * word pairs, with URLs, @mentions and e-mail addresses replaced by
 * placeholder tokens and digit runs normalised, then style features. The
 * same function serves training and prediction. Features may repeat;
 * callers count each once.
 *
 * Tokens (before pairing): words of letters, digits and marks, with inner
 * apostrophes ("don't") and NFKC-normalised and case-folded ("ÄRENDE" and
 * "ärende" are one token); "<url>", "<email>", "<user>" for @mentions, but
 * "<support>" for one that names help, support, care or service
 * ("@acme_help"); "<num>" for numbers ("10:30", "3.5"), and in words mixing
 * letters and digits each digit run becomes "0" ("ps4" -> "ps0"); a hashtag
 * gives its word; runs of "!" and "?" give "!", "!!", "?", "??" or "?!";
 * "..." or "…" gives "..."; emoji, other symbols and currency signs give
 * themselves; a run of U+FFFD (what a lossy conversion leaves of an emoji)
 * gives "<?>"; emoticons give ":(", ":)" or "<3"; a word over 48 bytes gives
 * "<long>". A pair is two adjacent tokens joined by one space, and "<s> "
 * followed by the first token; tokens never contain whitespace. A word of
 * six or more characters also gives its first four and "~" ("disa~").
 *
 * Style features, once per text with at least one token: "<len<=N>" or
 * "<len>N>" for N in 3, 5, 8, 12, 17, 23, 30, 40 words; "<q>" or "<noq>" (a
 * question mark or none); "<bang>", "<digits>", "<emoji>", "<users>" (two
 * or more @mentions) and "<caps>" (most letters capitals) when so; and
 * "<w:fact>", "<w:feel>", "<w:bond>", "<w:proc>", "<w:push>" for a word of
 * the English word classes in model.c (facts, feelings, warmth, procedure,
 * impatience).
 *
 * Only the first MODEL_TEXT_MAX bytes are read. Invalid UTF-8 is repaired
 * first, so any bytes are accepted. text NULL gives no features.
 */
void model_features(const char *text, GPtrArray *out);

/* Returns a new, empty model; free with model_free(). */
struct model *model_new(void);

/*
 * Trains (or retrains, replacing) the head named head on n texts whose
 * labels index into classes (nclasses names, 2..MODEL_MAX_CLASSES).
 * Names are 1..MODEL_NAME_MAX bytes of printable ASCII other than space
 * and must be distinct. opts NULL means the defaults. Deterministic: the
 * same texts, labels and options give the same weights, bit for bit.
 * Returns 0, or -1 with *error set and the model unchanged.
 */
int model_train(struct model *model, const char *head, const char *const *classes,
    size_t nclasses, const char *const *texts, const unsigned *labels, size_t n,
    const struct model_train_options *opts, GError **error);

/*
 * Writes the class probabilities of text under head into probs (room for
 * max values), in the order of model_classes(). Returns the number of
 * classes, or -1 when the model has no such head. When max is smaller than
 * the number of classes only the first max values are written. Thread-safe
 * on a model that is no longer being trained: it allocates per call and
 * writes nothing but probs. text NULL is taken as "". Cost grows with the
 * text: about 0.15 ms for 4 KiB of English, 0.25 ms of Swedish, 2-4 ms for
 * MODEL_TEXT_MAX bytes (measured with the shipped complaint model).
 */
int model_predict(const struct model *model, const char *head, const char *text,
    double *probs, size_t max);

/*
 * A text's features, computed once for several heads. model_text_new()
 * featurises text (NULL is taken as "") as model_predict() does, and
 * model_text_predict() is then model_predict() on that text without the
 * featurising: the same probabilities, bit for bit, and -1 as well when
 * the model has no such head (or text is NULL). A struct model_text
 * depends on no model and belongs to the caller; free it with
 * model_text_free() (NULL is accepted).
 */
struct model_text;

struct model_text *model_text_new(const char *text);
int model_text_predict(const struct model *model, const char *head,
    const struct model_text *text, double *probs, size_t max);
void model_text_free(struct model_text *text);

/*
 * Returns the class names of head (NULL-terminated, owned by the model) and
 * their count in *n, or NULL when there is no such head. n may be NULL.
 */
const char *const *model_classes(const struct model *model, const char *head, size_t *n);

/*
 * Returns the number of features (unigrams and pairs) that head weighs, or 0
 * when there is no such head; for summaries such as `triage learn`'s.
 */
size_t model_features_count(const struct model *model, const char *head);

/*
 * Saves to path atomically: writes path.tmp, flushes it to disk, then
 * renames it over path; a crash leaves either the old or the new file.
 * 0, or -1 with *error (and path untouched, path.tmp removed).
 */
int model_save(const struct model *model, const char *path, GError **error);

/*
 * Loads a model saved by model_save(); NULL with *error naming file and
 * line. Files over 64 MiB are refused.
 */
struct model *model_load(const char *path, GError **error);

/* Frees a model; NULL is accepted. */
void model_free(struct model *model);

#endif
