/*
 * model.c - the learned layer: text features, training, prediction, files.
 *
 * Every head is linear: the score of class c for a text is
 *
 *     bias[c] + sum of weight[f][c] over the distinct features f of the text
 *
 * and the probabilities are the softmax of the scores. Features unknown to
 * the head are ignored. The weights come from multinomial logistic
 * regression: softmax loss with classes weighted to count equally, an L2
 * penalty, plain SGD over a seeded shuffle, and the weights averaged over
 * the second half of the epochs. bench/eval-model.c chose it, and its
 * settings, by 10-fold cross-validation on the complaint data: it beat
 * multinomial naive Bayes there (macro-F1 0.80 against 0.77) and on the
 * four-class personality fixture (0.49 against 0.40), so naive Bayes went.
 *
 * Features count once per text (binary), in training and in prediction
 * alike. Weights are kept as float, which the file writes with 9
 * significant digits: a saved and reloaded model predicts bit for bit as
 * the one in memory did. A head's features are kept sorted by strcmp(),
 * which fixes the order in which prediction sums them, so that holds too.
 *
 * File format, version 1: UTF-8 text, lines ended by "\n", fields by tab.
 *
 *     triage-model 1
 *     head NAME CLASS1 CLASS2 ...      one block per head (at most 8)
 *     bias<TAB>B1<TAB>B2 ...           one number per class
 *     features N
 *     FEATURE<TAB>W1<TAB>W2 ...        N lines, one number per class
 *     end SHA256
 *
 * Names are printable ASCII without spaces (see model_train()), so spaces
 * separate them. A FEATURE is escaped: backslash, tab, newline and carriage
 * return are written \\ \t \n \r; no other escape exists. Numbers are C
 * locale decimal ("%.9g") and must be finite. SHA256 is the lower-case hex
 * SHA-256 of every byte before the "end" line, and nothing may follow that
 * line: a truncated file lacks it, and a damaged or edited one fails it,
 * so neither loads. The loader names the file and line of the first
 * problem and never returns half a model.
 *
 * Thread safety: model_features() and model_predict() use no static
 * mutable state and allocate what they need per call.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "model.h"

G_DEFINE_QUARK(triage-model-error-quark, model_error)

#define MODEL_VERSION 1
#define MODEL_MAGIC "triage-model"
#define MODEL_FILE_MAX (64u << 20)	/* bytes of a model file */

/* A word longer than this (bytes) is one "<long>" token: no real word is. */
#define TOKEN_MAX 48

/* Defaults, measured with bench/eval-model.c on the complaint data. */
#define DEFAULT_MIN_COUNT 2
#define LOGREG_EPOCHS 20
#define LOGREG_EPOCHS_MAX 10000	/* more is a typo, not a setting */
#define LOGREG_LAMBDA 3e-3	/* L2 strength per example */
#define LOGREG_ETA0 0.2		/* initial SGD step */

struct head {
	char *name;
	char **classes;		/* nclasses names, NULL-terminated */
	size_t nclasses;
	float bias[MODEL_MAX_CLASSES];
	char **features;	/* nfeatures names, NULL-terminated */
	size_t nfeatures;
	float *weights;		/* nfeatures rows of nclasses */
	GHashTable *index;	/* feature (borrowed from features) -> index + 1 */
	/*
	 * The same map for prediction: open addressing by feature_hash(), so a
	 * text's features are hashed once for every head. Built by
	 * head_index_build() once the features are final; slots NULL before.
	 */
	struct feature_slot *slots;
	size_t mask;		/* slots - 1, a power of two minus one */
	guint32 *lengths;	/* nfeatures lengths of the features, for the lookup */
};

struct feature_slot {
	guint32 tag;		/* the upper half of the feature's hash */
	guint32 index;		/* feature index + 1; 0 for an empty slot */
};

struct model {
	GPtrArray *heads;	/* struct head *, owned */
};

/* ---------------------------------------------------------------------------
 * Features
 *
 * One pass turns the text into tokens, kept end to end in one buffer; a
 * second hands each feature (unigram or pair) to a callback, built in a
 * scratch buffer. Prediction looks features up without allocating them.
 * ASCII, the bulk of support mail, takes fast paths that give the same
 * result as the Unicode ones.
 */

/* Called with each feature, NUL-terminated, valid until the call returns. */
typedef void (*feature_fn)(const char *feature, gsize len, void *data);

/*
 * A 64-bit hash of the len bytes of s, eight at a time; for the tables of
 * this process only (it depends on the byte order).
 */
static guint64
feature_hash(const char *s, size_t len)
{
	guint64 h = 0x9E3779B97F4A7C15ull ^ (guint64)len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	return h;
}

struct tokens {
	GString *buf;		/* the tokens, each followed by a NUL */
	GArray *start;		/* gsize offset of each token in buf */
};

static void
token_begin(struct tokens *t)
{
	gsize at = t->buf->len;

	g_array_append_val(t->start, at);
}

static void
token_add(struct tokens *t, const char *s, gsize len)
{
	token_begin(t);
	g_string_append_len(t->buf, s, (gssize)len);
	g_string_append_c(t->buf, '\0');
}

static const char *
token_at(const struct tokens *t, guint i)
{
	return t->buf->str + g_array_index(t->start, gsize, i);
}

/* The length of token i of t, without its NUL. */
static gsize
token_len(const struct tokens *t, guint i)
{
	gsize end = i + 1 < t->start->len ? g_array_index(t->start, gsize, i + 1) : t->buf->len;

	return end - g_array_index(t->start, gsize, i) - 1;
}

static inline gunichar
char_at(const char *p)
{
	return (unsigned char)*p < 0x80 ? (gunichar)*p : g_utf8_get_char(p);
}

static inline bool
is_space(gunichar c)
{
	return c < 0x80 ? c == ' ' || (c >= '\t' && c <= '\r') : g_unichar_isspace(c);
}

static inline bool
is_digit(gunichar c)
{
	return c < 0x80 ? c >= '0' && c <= '9' : g_unichar_isdigit(c);
}

static bool
is_word_char(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalnum((char)c);
	switch (g_unichar_type(c)) {
	case G_UNICODE_LOWERCASE_LETTER:
	case G_UNICODE_UPPERCASE_LETTER:
	case G_UNICODE_TITLECASE_LETTER:
	case G_UNICODE_MODIFIER_LETTER:
	case G_UNICODE_OTHER_LETTER:
	case G_UNICODE_DECIMAL_NUMBER:
	case G_UNICODE_LETTER_NUMBER:
	case G_UNICODE_OTHER_NUMBER:
	case G_UNICODE_NON_SPACING_MARK:
	case G_UNICODE_SPACING_MARK:
	case G_UNICODE_ENCLOSING_MARK:
		return true;
	default:
		return false;
	}
}

static bool
is_letter(gunichar c)
{
	return is_word_char(c) && !is_digit(c);
}

/* Can c begin a word? Marks only continue one: a variation selector after
 * an emoji, or a combining accent after a space, is no word of its own. */
static bool
is_word_start(gunichar c)
{
	return is_word_char(c) && (c < 0x80 || !g_unichar_ismark(c));
}

/* Does [p, end) start with ASCII prefix? */
static bool
has_prefix(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

/*
 * Is the chunk [p, end) an e-mail address: a word character, '@', and a
 * dot followed by a word character after it? '@' first is a mention.
 */
static bool
is_email(const char *p, const char *end)
{
	const char *at = memchr(p, '@', (size_t)(end - p));
	const char *dot;

	if (at == NULL || at == p || !is_word_char(g_utf8_get_char(g_utf8_prev_char(at))))
		return false;
	dot = memchr(at, '.', (size_t)(end - at));
	return dot != NULL && dot > at + 1 && dot + 1 < end && is_word_char(char_at(dot + 1));
}

/*
 * Emoticons, already case-folded; each maps to a canonical token. One
 * followed by a word character is none ("re:do").
 */
static const struct {
	const char *text;
	const char *token;
} emoticons[] = {
	{ ":'(", ":(" }, { ":-(", ":(" }, { ":(", ":(" }, { ":-/", ":(" }, { ":/", ":(" },
	{ ":-)", ":)" }, { ":)", ":)" }, { ":-d", ":)" }, { ":d", ":)" },
	{ ";-)", ":)" }, { ";)", ":)" }, { "<3", "<3" },
};

/* Returns the length of the emoticon at p, and its token in *token; 0 if none. */
static size_t
emoticon_at(const char *p, const char *end, const char **token)
{
	for (size_t i = 0; i < G_N_ELEMENTS(emoticons); i++) {
		size_t n = strlen(emoticons[i].text);

		if (!has_prefix(p, end, emoticons[i].text))
			continue;
		if (p + n < end && is_word_char(char_at(p + n)))
			continue;
		*token = emoticons[i].token;
		return n;
	}
	return 0;
}

/*
 * Scans the word at p (a word start) up to end and appends its token.
 * Inner apostrophes join letters; '.', ',', ':' and '/' join digits.
 * Returns the position after the word.
 */
static const char *
scan_word(const char *p, const char *end, struct tokens *t)
{
	const char *start = p;
	bool letters = false;
	gunichar prev = 0;

	while (p < end) {
		gunichar c = char_at(p);
		const char *next = g_utf8_next_char(p);
		gunichar after = next < end ? char_at(next) : 0;

		if (is_word_char(c))
			letters |= !is_digit(c);
		else if ((c == '\'' || c == 0x2019) && is_letter(prev) && is_letter(after))
			;
		else if ((c == '.' || c == ',' || c == ':' || c == '/') &&
		    is_digit(prev) && is_digit(after))
			;
		else
			break;
		prev = c;
		p = next;
	}

	if (p - start > TOKEN_MAX) {
		token_add(t, "<long>", 6);
		return p;
	}
	if (!letters) {
		token_add(t, "<num>", 5);
		return p;
	}
	token_begin(t);
	prev = 0;
	for (const char *q = start; q < p; q = g_utf8_next_char(q)) {
		gunichar c = char_at(q);

		if (is_digit(c)) {
			if (!is_digit(prev))
				g_string_append_c(t->buf, '0');
		} else if (c == 0x2019)
			g_string_append_c(t->buf, '\'');
		else
			g_string_append_len(t->buf, q, g_utf8_next_char(q) - q);
		prev = c;
	}
	g_string_append_c(t->buf, '\0');
	return p;
}

/*
 * Is the handle [p, end) (case-folded, after the '@') a support account's,
 * one that names help, support, care or service ("@acmehelp", "@acme_care")?
 */
static bool
is_support_handle(const char *p, const char *end)
{
	static const char *const words[] = { "help", "support", "care", "service" };

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		size_t n = strlen(words[i]);

		for (const char *q = p; q + n <= end; q++)
			if (memcmp(q, words[i], n) == 0)
				return true;
	}
	return false;
}

/* Appends the tokens of one whitespace-free chunk [p, end). */
static void
tokenize_chunk(const char *p, const char *end, struct tokens *t)
{
	if (is_email(p, end)) {
		token_add(t, "<email>", 7);
		return;
	}
	while (p < end) {
		gunichar c = char_at(p);
		const char *next = g_utf8_next_char(p);
		gunichar after = next < end ? char_at(next) : 0;
		const char *emo;
		size_t n;
		GUnicodeType type;

		if (has_prefix(p, end, "http://") || has_prefix(p, end, "https://") ||
		    has_prefix(p, end, "www.")) {
			/* The rest of the chunk is the URL. */
			token_add(t, "<url>", 5);
			return;
		}
		if (is_word_start(c)) {
			p = scan_word(p, end, t);
			continue;
		}
		if (c == '@' && (is_word_start(after) || after == '_')) {
			const char *handle = next;

			for (p = next; p < end; p = g_utf8_next_char(p)) {
				gunichar d = char_at(p);

				if (!is_word_char(d) && d != '_')
					break;
			}
			if (is_support_handle(handle, p))
				token_add(t, "<support>", 9);
			else
				token_add(t, "<user>", 6);
		} else if (c == '#' && is_word_start(after)) {
			p = next;	/* a hashtag is its word */
		} else if (c == '!' || c == '?') {
			bool bang = false, question = false;
			size_t count = 0;

			for (; p < end && (*p == '!' || *p == '?'); p++, count++) {
				bang |= *p == '!';
				question |= *p == '?';
			}
			if (bang && question)
				token_add(t, "?!", 2);
			else
				token_add(t, bang ? "!!" : "??", count > 1 ? 2 : 1);
		} else if ((n = emoticon_at(p, end, &emo)) > 0) {
			token_add(t, emo, strlen(emo));
			p += n;
		} else if (c == 0x2026 || has_prefix(p, end, "...")) {
			while (p < end && (*p == '.' || char_at(p) == 0x2026))
				p = g_utf8_next_char(p);
			token_add(t, "...", 3);
		} else if (c == 0xFFFD) {
			/* What a lossy conversion left of an emoji, or of other bytes. */
			while (p < end && char_at(p) == 0xFFFD)
				p = g_utf8_next_char(p);
			token_add(t, "<?>", 3);
		} else {
			type = c < 0x80 ? (c == '$' ? G_UNICODE_CURRENCY_SYMBOL : G_UNICODE_OTHER_PUNCTUATION)
			    : g_unichar_type(c);
			if (type == G_UNICODE_OTHER_SYMBOL || type == G_UNICODE_CURRENCY_SYMBOL)
				token_add(t, p, (gsize)(next - p));
			p = next;
		}
	}
}

/*
 * Pieces of text normalised at a time: GLib's normalisation is quadratic in
 * the length of what it is given (it shifts the rest of its buffer after
 * each composition), so a long text goes in pieces. A piece ends after a
 * space once it has FOLD_PIECE_MIN bytes, or before a character that is no
 * combining mark once it has FOLD_PIECE_MAX; FOLD_PIECE_HARD cuts anything.
 * Nothing composes across a space or with a following non-mark other than
 * in Hangul jamo, so only pathological text can fold otherwise than whole.
 */
#define FOLD_PIECE_MIN 64
#define FOLD_PIECE_MAX 256
#define FOLD_PIECE_HARD 1024

/*
 * Returns the text, cut to MODEL_TEXT_MAX bytes, made valid UTF-8,
 * NFKC-normalised and case-folded, newly allocated. ASCII needs neither
 * normalisation nor more than lower-casing.
 */
static char *
fold_text(const char *text)
{
	size_t len = strnlen(text, MODEL_TEXT_MAX);
	const char *p, *end;
	GString *out;
	char *valid;
	bool ascii = true;

	for (size_t i = 0; i < len && ascii; i++)
		ascii = !((unsigned char)text[i] & 0x80);
	if (ascii) {
		char *lower = g_malloc(len + 1);

		for (size_t i = 0; i < len; i++)
			lower[i] = text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] + 'a' - 'A') :
			    text[i];
		lower[len] = '\0';
		return lower;
	}

	/* Cut before a character that straddles the bound, not inside it. */
	for (int i = 0; i < 3 && len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80; i++)
		len--;
	valid = g_utf8_make_valid(text, (gssize)len);
	out = g_string_sized_new(len + len / 4 + 16);
	for (p = valid, end = valid + strlen(valid); p < end;) {
		const char *q = p;

		ascii = true;
		while (q < end && q - p < FOLD_PIECE_HARD) {
			gunichar c = char_at(q);

			if (q - p >= FOLD_PIECE_MAX && (c < 0x80 || !g_unichar_ismark(c)))
				break;
			ascii &= c < 0x80;
			q = g_utf8_next_char(q);
			if (q - p >= FOLD_PIECE_MIN && is_space(c))
				break;
		}
		if (ascii) {
			for (const char *r = p; r < q; r++)
				g_string_append_c(out, g_ascii_tolower(*r));
		} else {
			char *norm = g_utf8_normalize(p, q - p, G_NORMALIZE_NFKC);
			char *folded = g_utf8_casefold(norm, -1);

			g_string_append(out, folded);
			g_free(folded);
			g_free(norm);
		}
		p = q;
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

/*
 * Style features: the signals the personality types are told by, beyond the
 * words themselves (see tests/fixtures/README.md): how long the text is,
 * whether it asks, exclaims, gives numbers, shows emoji, shouts, speaks to
 * several people; and which of a few English word classes it uses. A
 * linear model over 900 labelled texts cannot learn "short" or "shows
 * feelings" from the words alone: each rare word is seen once or never. On
 * the personality fixture these raise Cohen's kappa of the model alone from
 * 0.41 to 0.51 (bench/eval-complaints); the complaint head gains too.
 */

/* Upper bounds of the length classes, in words. */
static const unsigned style_lengths[] = { 3, 5, 8, 12, 17, 23, 30, 40 };

/*
 * Word classes, from the definitions of the four types: facts and
 * specifics; feelings; warmth and relationship; procedure; impatience.
 * A word belongs to one class at most.
 */
static const struct {
	const char *feature;
	const char *words;
} word_classes[] = {
	{ "<w:fact>",
	    "why exactly specifically precisely detail details explain explanation reason "
	    "number numbers version update updated error code model serial account price "
	    "amount charged charge bill billed invoice date days hours hrs minutes mins weeks "
	    "months since ago dollars pnr flight ticket booking reference tracking status "
	    "information info id order receipt data battery screen software firmware ios "
	    "android device phone laptop network signal speed mbps miles percent cost fee "
	    "fees rate total balance policy claim statement" },
	{ "<w:feel>",
	    "love loved loves loving lovely hate hated hates happy glad sad sorry miss missed "
	    "hope hoping wish feel feeling feels felt heart cry crying lol haha hahaha lmao "
	    "omg wow ugh yay awesome amazing great terrible horrible awful worst best "
	    "beautiful cute sweet fun funny excited upset disappointed disappointing "
	    "disappointment annoyed annoying frustrated frustrating angry mad worried scared "
	    "afraid tired stressed thrilled proud blessed shame sucks suck damn fuck fucking "
	    "shit wtf smh ridiculous pathetic disgusting disgusted embarrassing unbelievable "
	    "shocking sadly unfortunately honestly literally god yikes favorite favourite "
	    "enjoy enjoyed nice cool poor bad good fantastic perfect kind friendly rude joke" },
	{ "<w:bond>",
	    "thanks thank thx ty appreciate appreciated grateful cheers hi hello hey dear "
	    "congrats congratulations welcome merry birthday christmas friend friends family "
	    "mom mum dad wife husband kids son daughter baby wedding loyal years guys" },
	{ "<w:proc>",
	    "how where when which step steps process procedure option options way tried try "
	    "trying already form apply register registered return exchange instructions "
	    "guide advise advice possible able should contact dm email link website site app "
	    "login reset install download change available stock store location address open "
	    "collect pickup schedule appointment book know anyone anybody someone question "
	    "questions assist" },
	{ "<w:push>",
	    "fix fixed now asap immediately just refund stop sort today still again "
	    "seriously done never nothing useless waiting wait yet hurry quick fast" },
};

/*
 * Word -> index + 1 in word_classes, by open addressing on feature_hash();
 * built once, then only read; the slots are more than twice the words.
 */
#define WORD_CLASS_SLOTS 1024

static struct {
	const char *word;	/* kept for the life of the process */
	size_t len;
	guint64 hash;
	guint index;
} word_class_slots[WORD_CLASS_SLOTS];

static gpointer
build_word_classes(gpointer unused)
{
	(void)unused;
	for (size_t c = 0; c < G_N_ELEMENTS(word_classes); c++) {
		char **words = g_strsplit(word_classes[c].words, " ", -1);

		for (char **w = words; *w != NULL; w++) {
			size_t len = strlen(*w);
			guint64 hash = feature_hash(*w, len);
			size_t i = hash & (WORD_CLASS_SLOTS - 1);

			if (len == 0) {
				g_free(*w);
				continue;
			}
			while (word_class_slots[i].word != NULL &&
			    (word_class_slots[i].len != len || memcmp(word_class_slots[i].word, *w,
			    len) != 0))
				i = (i + 1) & (WORD_CLASS_SLOTS - 1);
			if (word_class_slots[i].word != NULL) {
				/* A word named twice is the later class's. */
				word_class_slots[i].index = (guint)c + 1;
				g_free(*w);
				continue;
			}
			word_class_slots[i].word = *w;
			word_class_slots[i].len = len;
			word_class_slots[i].hash = hash;
			word_class_slots[i].index = (guint)c + 1;
		}
		g_free(words);
	}
	return NULL;
}

/* Returns the index + 1 in word_classes of the word tok (len bytes); 0 if none. */
static guint
word_class_of(const char *tok, size_t len)
{
	guint64 hash = feature_hash(tok, len);

	for (size_t i = hash & (WORD_CLASS_SLOTS - 1); word_class_slots[i].word != NULL;
	    i = (i + 1) & (WORD_CLASS_SLOTS - 1))
		if (word_class_slots[i].hash == hash && word_class_slots[i].len == len &&
		    memcmp(word_class_slots[i].word, tok, len) == 0)
			return word_class_slots[i].index;
	return 0;
}

static bool
is_symbol_token(const char *tok)
{
	gunichar c = char_at(tok);

	return strcmp(tok, "<?>") == 0 ||
	    (c >= 0x80 && g_unichar_type(c) == G_UNICODE_OTHER_SYMBOL);
}

/*
 * Calls fn with the style features of the tokens t of raw, the text as
 * given (before case folding, for the capitals).
 */
static void
style_features(const struct tokens *t, const char *raw, feature_fn fn, void *data)
{
	static GOnce once = G_ONCE_INIT;
	unsigned words = 0, users = 0, digits = 0, emoji = 0, upper = 0, letters = 0;
	bool question = false, bang = false, used[G_N_ELEMENTS(word_classes)] = { false };
	char buf[32];

	g_once(&once, build_word_classes, NULL);
	for (guint i = 0; i < t->start->len; i++) {
		const char *tok = token_at(t, i);
		guint c;

		/* The tests that need '<', '?' or '!' first only when it is. */
		if (tok[0] == '<' && (strcmp(tok, "<user>") == 0 || strcmp(tok, "<support>") == 0))
			users++;
		else if (tok[0] == '<' && strcmp(tok, "<num>") == 0)
			digits++, words++;
		else if (tok[0] == '?' || strcmp(tok, "!?") == 0)
			question = true;
		else if (tok[0] == '!')
			bang = true;
		else if (is_symbol_token(tok))
			emoji++;
		else if (tok[0] != '<' && is_word_char(char_at(tok))) {
			size_t len = token_len(t, i);

			words++;
			if (memchr(tok, '0', len) != NULL)
				digits++;	/* "ps0": letters and digits */
			c = word_class_of(tok, len);
			if (c > 0)
				used[c - 1] = true;
		}
	}
	for (const char *p = raw; *p != '\0' && p - raw < MODEL_TEXT_MAX; p++) {
		if (g_ascii_isupper(*p))
			upper++, letters++;
		else if (g_ascii_islower(*p))
			letters++;
	}

	/* Length as steps ("<len<=8>" holds for every text of 8 words or fewer). */
	for (size_t k = 0; k < G_N_ELEMENTS(style_lengths); k++) {
		snprintf(buf, sizeof(buf), words <= style_lengths[k] ? "<len<=%u>" : "<len>%u>",
		    style_lengths[k]);
		fn(buf, strlen(buf), data);
	}
	fn(question ? "<q>" : "<noq>", question ? 3 : 5, data);
	if (bang)
		fn("<bang>", 6, data);
	if (digits > 0)
		fn("<digits>", 8, data);
	if (emoji > 0)
		fn("<emoji>", 7, data);
	if (users > 1)
		fn("<users>", 7, data);
	if (letters >= 12 && upper * 2 > letters)
		fn("<caps>", 6, data);
	for (size_t c = 0; c < G_N_ELEMENTS(word_classes); c++)
		if (used[c])
			fn(word_classes[c].feature, strlen(word_classes[c].feature), data);
}

/*
 * A word of six or more characters also gives its first four and "~"
 * ("disappointed", "disappointing" -> "disa~"): a crude stem that lets a
 * small training set count inflections together (+0.02 kappa on the
 * personality fixture).
 */
#define STEM_CHARS 4

static void
stem_feature(const char *tok, feature_fn fn, void *data)
{
	char stem[4 * STEM_CHARS + 2];
	const char *end = tok;
	bool ascii = true;

	if (tok[0] == '<' || !is_word_char(char_at(tok)))
		return;
	/* ASCII: characters are bytes, and a NUL first means a shorter word. */
	for (int i = 0; i < STEM_CHARS + 2 && ascii; i++) {
		if (tok[i] == '\0')
			return;
		ascii = !((unsigned char)tok[i] & 0x80);
	}
	if (ascii)
		end = tok + STEM_CHARS;
	else if (g_utf8_strlen(tok, 4 * STEM_CHARS) < STEM_CHARS + 2)
		return;
	else
		for (int i = 0; i < STEM_CHARS; i++)
			end = g_utf8_next_char(end);
	memcpy(stem, tok, (size_t)(end - tok));
	stem[end - tok] = '~';
	stem[end - tok + 1] = '\0';
	fn(stem, (gsize)(end - tok + 1), data);
}

/*
 * Calls fn with every feature of text: first "<s> " and the first token,
 * then each token followed by its stem and its pair with the token before
 * it, then the style features. A text without tokens has no features.
 */
static void
features_foreach(const char *text, feature_fn fn, void *data)
{
	struct tokens t;
	GString *pair;
	char *folded;
	const char *p;

	if (text == NULL)
		return;
	folded = fold_text(text);
	t.buf = g_string_sized_new(strlen(folded) + 64);
	t.start = g_array_new(FALSE, FALSE, sizeof(gsize));
	for (p = folded; *p != '\0';) {
		const char *end;

		if (is_space(char_at(p))) {
			p = g_utf8_next_char(p);
			continue;
		}
		for (end = p; *end != '\0' && !is_space(char_at(end));)
			end = g_utf8_next_char(end);
		tokenize_chunk(p, end, &t);
		p = end;
	}
	g_free(folded);

	/*
	 * The first token also pairs with "<s>": how a text opens ("<s> why",
	 * "<s> <user>") tells a complaint from a reply (+0.005 macro-F1).
	 */
	pair = g_string_sized_new(2 * TOKEN_MAX + 2);
	for (guint i = 0; i < t.start->len; i++) {
		const char *tok = token_at(&t, i);
		gsize len = token_len(&t, i);

		g_string_truncate(pair, 0);
		if (i == 0)
			g_string_append_len(pair, "<s>", 3);
		else
			g_string_append_len(pair, token_at(&t, i - 1), (gssize)token_len(&t, i - 1));
		g_string_append_c(pair, ' ');
		g_string_append_len(pair, tok, (gssize)len);
		if (i == 0)
			fn(pair->str, pair->len, data);
		fn(tok, len, data);
		stem_feature(tok, fn, data);
		if (i > 0)
			fn(pair->str, pair->len, data);
	}
	g_string_free(pair, TRUE);
	if (t.start->len > 0)
		style_features(&t, text, fn, data);
	g_array_free(t.start, TRUE);
	g_string_free(t.buf, TRUE);
}

static void
add_copy(const char *feature, gsize len, void *out)
{
	g_ptr_array_add(out, g_strndup(feature, len));
}

void
model_features(const char *text, GPtrArray *out)
{
	features_foreach(text, add_copy, out);
}

/* ---------------------------------------------------------------------------
 * Heads
 */

static void
head_free(gpointer data)
{
	struct head *h = data;

	if (h == NULL)
		return;
	if (h->index != NULL)
		g_hash_table_destroy(h->index);
	g_free(h->slots);
	g_free(h->lengths);
	g_strfreev(h->features);
	g_free(h->weights);
	g_strfreev(h->classes);
	g_free(h->name);
	g_free(h);
}

/* A new head with its names, no features yet. */
static struct head *
head_new(const char *name, const char *const *classes, size_t nclasses)
{
	struct head *h = g_new0(struct head, 1);

	h->name = g_strdup(name);
	h->nclasses = nclasses;
	h->classes = g_new0(char *, nclasses + 1);
	for (size_t c = 0; c < nclasses; c++)
		h->classes[c] = g_strdup(classes[c]);
	h->index = g_hash_table_new(g_str_hash, g_str_equal);
	return h;
}

static struct head *
find_head(const struct model *model, const char *name)
{
	if (model == NULL || name == NULL)
		return NULL;
	for (guint i = 0; i < model->heads->len; i++) {
		struct head *h = model->heads->pdata[i];

		if (strcmp(h->name, name) == 0)
			return h;
	}
	return NULL;
}

/*
 * Builds h's prediction table from its features (final from now on): at
 * most half full, so a probe is short.
 */
static void
head_index_build(struct head *h)
{
	size_t size = 16;

	while (size < 2 * h->nfeatures + 2)
		size *= 2;
	g_free(h->slots);
	g_free(h->lengths);
	h->slots = g_new0(struct feature_slot, size);
	h->mask = size - 1;
	h->lengths = g_new(guint32, h->nfeatures + 1);
	for (size_t f = 0; f < h->nfeatures; f++) {
		size_t len = strlen(h->features[f]);
		guint64 hash = feature_hash(h->features[f], len);
		size_t i = hash & h->mask;

		h->lengths[f] = (guint32)len;	/* a model file has at most 64 MiB */
		while (h->slots[i].index != 0)
			i = (i + 1) & h->mask;
		h->slots[i].tag = (guint32)(hash >> 32);
		h->slots[i].index = (guint32)f + 1;
	}
}

/* Returns the index of feature (len bytes, hash hash) in h; -1 when h has none. */
static gint64
head_lookup(const struct head *h, const char *feature, size_t len, guint64 hash)
{
	guint32 tag = (guint32)(hash >> 32);

	if (h->slots == NULL)
		return -1;
	for (size_t i = hash & h->mask; h->slots[i].index != 0; i = (i + 1) & h->mask) {
		guint32 f = h->slots[i].index - 1;

		if (h->slots[i].tag == tag && h->lengths[f] == len &&
		    memcmp(h->features[f], feature, len) == 0)
			return f;
	}
	return -1;
}

/* Puts h into model, replacing the head of the same name. */
static void
model_put_head(struct model *model, struct head *h)
{
	head_index_build(h);
	for (guint i = 0; i < model->heads->len; i++) {
		struct head *old = model->heads->pdata[i];

		if (strcmp(old->name, h->name) == 0) {
			model->heads->pdata[i] = h;
			head_free(old);
			return;
		}
	}
	g_ptr_array_add(model->heads, h);
}

/* Is name a valid head or class name: 1..MODEL_NAME_MAX printable ASCII, no space? */
static bool
valid_name(const char *name)
{
	size_t len;

	if (name == NULL)
		return false;
	len = strlen(name);
	if (len == 0 || len > MODEL_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	return true;
}

struct model *
model_new(void)
{
	struct model *model = g_new0(struct model, 1);

	model->heads = g_ptr_array_new_with_free_func(head_free);
	return model;
}

void
model_free(struct model *model)
{
	if (model == NULL)
		return;
	g_ptr_array_free(model->heads, TRUE);
	g_free(model);
}

const char *const *
model_classes(const struct model *model, const char *head, size_t *n)
{
	struct head *h = find_head(model, head);

	if (h == NULL)
		return NULL;
	if (n != NULL)
		*n = h->nclasses;
	return (const char *const *)h->classes;
}

size_t
model_features_count(const struct model *model, const char *head)
{
	struct head *h = find_head(model, head);

	return h != NULL ? h->nfeatures : 0;
}

/* ---------------------------------------------------------------------------
 * Prediction
 */

static int
cmp_u32(const void *a, const void *b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;

	return x < y ? -1 : x > y;
}

/* Writes the softmax of the n scores z into p. */
static void
softmax(const double *z, double *p, size_t n)
{
	double max = z[0], sum = 0;

	for (size_t c = 1; c < n; c++)
		if (z[c] > max)
			max = z[c];
	for (size_t c = 0; c < n; c++)
		sum += p[c] = exp(z[c] - max);
	for (size_t c = 0; c < n; c++)
		p[c] /= sum;
}

/* A feature of a model_text: its bytes in the text's buffer, and its hash. */
struct feature_ref {
	guint64 hash;
	gsize offset;
	gsize len;
};

struct model_text {
	char *buf;		/* the features, each followed by a NUL */
	gsize len, size;	/* bytes used and allocated of buf */
	struct feature_ref *refs;	/* in the order given */
	guint n, room;		/* used and allocated of refs */
};

static void
add_ref(const char *feature, gsize len, void *data)
{
	struct model_text *mt = data;

	/* Both grow by doubling. */
	while (mt->len + len + 1 > mt->size) {
		mt->size *= 2;
		mt->buf = g_realloc(mt->buf, mt->size);
	}
	if (mt->n == mt->room) {
		mt->room *= 2;
		mt->refs = g_renew(struct feature_ref, mt->refs, mt->room);
	}
	mt->refs[mt->n++] = (struct feature_ref){ feature_hash(feature, len), mt->len, len };
	memcpy(mt->buf + mt->len, feature, len);
	mt->buf[mt->len + len] = '\0';
	mt->len += len + 1;
}

struct model_text *
model_text_new(const char *text)
{
	struct model_text *mt = g_new0(struct model_text, 1);

	mt->size = 4096;
	mt->buf = g_malloc(mt->size);
	mt->room = 512;
	mt->refs = g_new(struct feature_ref, mt->room);
	features_foreach(text != NULL ? text : "", add_ref, mt);
	return mt;
}

void
model_text_free(struct model_text *mt)
{
	if (mt == NULL)
		return;
	g_free(mt->buf);
	g_free(mt->refs);
	g_free(mt);
}

int
model_text_predict(const struct model *model, const char *head, const struct model_text *mt,
    double *probs, size_t max)
{
	const struct head *h = find_head(model, head);
	double z[MODEL_MAX_CLASSES], p[MODEL_MAX_CLASSES];
	size_t words;
	guint64 *seen;

	if (h == NULL || mt == NULL)
		return -1;

	/*
	 * Each feature counts once, summed in index order (see the top): a
	 * bitmap of the features found gives both, without sorting.
	 */
	words = h->nfeatures / 64 + 1;
	seen = g_new0(guint64, words);
	for (guint i = 0; i < mt->n; i++) {
		const struct feature_ref *ref = &mt->refs[i];
		gint64 f = head_lookup(h, mt->buf + ref->offset, ref->len, ref->hash);

		if (f >= 0)
			seen[f / 64] |= (guint64)1 << (f % 64);
	}
	for (size_t c = 0; c < h->nclasses; c++)
		z[c] = h->bias[c];
	for (size_t k = 0; k < words; k++) {
		for (guint64 bits = seen[k]; bits != 0; bits &= bits - 1) {
			size_t f = k * 64 + (size_t)__builtin_ctzll(bits);
			const float *w = h->weights + f * h->nclasses;

			for (size_t c = 0; c < h->nclasses; c++)
				z[c] += w[c];
		}
	}
	g_free(seen);

	softmax(z, p, h->nclasses);
	for (size_t c = 0; c < h->nclasses && c < max; c++)
		probs[c] = p[c];
	return (int)h->nclasses;
}

int
model_predict(const struct model *model, const char *head, const char *text,
    double *probs, size_t max)
{
	struct model_text *mt;
	int n;

	if (find_head(model, head) == NULL)
		return -1;
	mt = model_text_new(text);
	n = model_text_predict(model, head, mt, probs, max);
	model_text_free(mt);
	return n;
}

/* ---------------------------------------------------------------------------
 * Training
 */

/* The training texts as sorted, distinct feature indices (rows of a CSR matrix). */
struct dataset {
	size_t n;		/* texts */
	size_t nfeatures;
	size_t nclasses;
	size_t *row;		/* n + 1 offsets into col */
	guint32 *col;		/* feature indices */
	const unsigned *labels;
};

void
model_train_options_default(struct model_train_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->min_count = DEFAULT_MIN_COUNT;
	opts->epochs = LOGREG_EPOCHS;
	opts->regularization = LOGREG_LAMBDA;
	opts->seed = 1;
}

/* A 64-bit generator (splitmix64): small, seeded, the same everywhere. */
static guint64
rng_next(guint64 *state)
{
	guint64 z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/*
 * Multinomial logistic regression: minimises the weighted mean softmax loss
 * plus lambda/2 |w|^2 (the bias is not penalised) by SGD over a seeded
 * shuffle, step eta0 / (1 + eta0 lambda t). An example of class c weighs
 * n / (C n_c), so that every class counts as much as the others: that is
 * what macro-F1 rewards (+0.01 on the complaint data, +0.04 on the
 * personality fixture). The penalty's shrinking is kept in one scale
 * factor, w = scale * v, so that a step touches only the features of its
 * text (Bottou's trick). The result is the mean of the weights at the end
 * of each epoch of the second half, which evens out SGD's last steps.
 */
static void
train_logreg(const struct dataset *d, double lambda, unsigned epochs, unsigned seed,
    double *w, double *bias)
{
	size_t C = d->nclasses, V = d->nfeatures;
	size_t *order = g_new(size_t, d->n + 1);
	double *v = g_new0(double, V * C + 1);	/* the current weights / scale */
	double b[MODEL_MAX_CLASSES] = { 0 }, cw[MODEL_MAX_CLASSES];
	size_t count[MODEL_MAX_CLASSES] = { 0 };
	guint64 rng = seed;
	double scale = 1, t = 0;
	unsigned averaged = 0;

	for (size_t i = 0; i < d->n; i++) {
		order[i] = i;
		count[d->labels[i]]++;
	}
	for (size_t c = 0; c < C; c++)
		cw[c] = count[c] > 0 ? (double)d->n / (double)(C * count[c]) : 1;

	for (unsigned e = 0; e < epochs; e++) {
		for (size_t i = d->n; i > 1; i--) {
			size_t j = (size_t)(rng_next(&rng) % i), tmp = order[i - 1];

			order[i - 1] = order[j];
			order[j] = tmp;
		}
		for (size_t k = 0; k < d->n; k++) {
			size_t i = order[k];
			unsigned y = d->labels[i];
			double z[MODEL_MAX_CLASSES], p[MODEL_MAX_CLASSES], g[MODEL_MAX_CLASSES];
			double eta = LOGREG_ETA0 / (1 + LOGREG_ETA0 * lambda * t);

			for (size_t c = 0; c < C; c++)
				z[c] = 0;
			for (size_t q = d->row[i]; q < d->row[i + 1]; q++)
				for (size_t c = 0; c < C; c++)
					z[c] += v[(size_t)d->col[q] * C + c];
			for (size_t c = 0; c < C; c++)
				z[c] = b[c] + scale * z[c];
			softmax(z, p, C);
			for (size_t c = 0; c < C; c++)
				g[c] = cw[y] * (p[c] - (c == y ? 1.0 : 0.0));

			scale *= 1 - eta * lambda;
			for (size_t q = d->row[i]; q < d->row[i + 1]; q++)
				for (size_t c = 0; c < C; c++)
					v[(size_t)d->col[q] * C + c] -= eta * g[c] / scale;
			for (size_t c = 0; c < C; c++)
				b[c] -= eta * g[c];
			t++;
			if (scale < 1e-9) {
				for (size_t f = 0; f < V * C; f++)
					v[f] *= scale;
				scale = 1;
			}
		}
		if (e < epochs / 2)
			continue;
		for (size_t f = 0; f < V * C; f++)
			w[f] += scale * v[f];
		for (size_t c = 0; c < C; c++)
			bias[c] += b[c];
		averaged++;
	}
	for (size_t f = 0; f < V * C; f++)
		w[f] /= averaged;
	for (size_t c = 0; c < C; c++)
		bias[c] /= averaged;
	g_free(v);
	g_free(order);
}

struct vocab_sort {
	const char *name;
	guint32 old;
};

static int
cmp_vocab(const void *a, const void *b)
{
	return strcmp(((const struct vocab_sort *)a)->name, ((const struct vocab_sort *)b)->name);
}

/* The vocabulary of the training texts while it is being counted. */
struct vocab {
	GHashTable *index;	/* feature (owned) -> index + 1 */
	GPtrArray *names;	/* index -> feature, borrowed from index */
	GArray *df;		/* index -> texts holding it (guint32) */
	GArray *seen;		/* index -> last text holding it, + 1 (size_t) */
	GArray *col;		/* the features of the texts so far (guint32) */
	size_t text;		/* the text being read, + 1 */
};

/* Records feature as one of the current text's, once per text. */
static void
vocab_add(const char *feature, gsize len, void *data)
{
	struct vocab *v = data;
	gpointer found = g_hash_table_lookup(v->index, feature);
	guint32 index;

	if (found == NULL) {
		char *name = g_strndup(feature, len);

		index = v->names->len;
		g_hash_table_insert(v->index, name, GUINT_TO_POINTER(index + 1));
		g_ptr_array_add(v->names, name);
		g_array_append_vals(v->df, &(guint32){ 0 }, 1);
		g_array_append_vals(v->seen, &(size_t){ 0 }, 1);
	} else
		index = GPOINTER_TO_UINT(found) - 1;
	if (g_array_index(v->seen, size_t, index) == v->text)
		return;
	g_array_index(v->seen, size_t, index) = v->text;
	g_array_index(v->df, guint32, index)++;
	g_array_append_val(v->col, index);
}

/*
 * Turns texts into d and h's features: counts in how many texts each
 * feature occurs, keeps those with at least min_count, sorted by name.
 */
static void
build_dataset(struct head *h, struct dataset *d, const char *const *texts, size_t n,
    unsigned min_count)
{
	struct vocab v;
	struct vocab_sort *keep;
	guint32 *remap;
	size_t nkeep = 0, out = 0;
	GArray *col;

	v.index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	v.names = g_ptr_array_new();
	v.df = g_array_new(FALSE, FALSE, sizeof(guint32));
	v.seen = g_array_new(FALSE, FALSE, sizeof(size_t));
	v.col = col = g_array_new(FALSE, FALSE, sizeof(guint32));
	d->row = g_new(size_t, n + 1);
	for (size_t i = 0; i < n; i++) {
		d->row[i] = col->len;
		v.text = i + 1;
		features_foreach(texts[i] != NULL ? texts[i] : "", vocab_add, &v);
	}
	d->row[n] = col->len;

	/* Keep the frequent features, numbered in name order. */
	keep = g_new(struct vocab_sort, v.names->len + 1);
	for (guint32 f = 0; f < v.names->len; f++)
		if (g_array_index(v.df, guint32, f) >= min_count && nkeep < MODEL_MAX_FEATURES)
			keep[nkeep++] = (struct vocab_sort){ v.names->pdata[f], f };
	qsort(keep, nkeep, sizeof(*keep), cmp_vocab);
	remap = g_new(guint32, v.names->len + 1);
	for (guint32 f = 0; f < v.names->len; f++)
		remap[f] = G_MAXUINT32;
	h->features = g_new0(char *, nkeep + 1);
	for (size_t k = 0; k < nkeep; k++) {
		remap[keep[k].old] = (guint32)k;
		h->features[k] = g_strdup(keep[k].name);
		g_hash_table_insert(h->index, h->features[k], GUINT_TO_POINTER(k + 1));
	}
	h->nfeatures = nkeep;

	/* Renumber the rows in place, dropping rare features. */
	for (size_t i = 0; i < n; i++) {
		size_t start = out;

		for (size_t k = d->row[i]; k < d->row[i + 1]; k++) {
			guint32 f = remap[g_array_index(col, guint32, k)];

			if (f != G_MAXUINT32)
				g_array_index(col, guint32, out++) = f;
		}
		d->row[i] = start;
		if (out - start > 1)
			qsort(&g_array_index(col, guint32, start), out - start, sizeof(guint32),
			    cmp_u32);
	}
	d->row[n] = out;
	g_array_set_size(col, (guint)out);
	d->n = n;
	d->nfeatures = nkeep;
	d->nclasses = h->nclasses;
	d->col = (guint32 *)(void *)g_array_free(col, FALSE);

	g_free(remap);
	g_free(keep);
	g_array_free(v.seen, TRUE);
	g_array_free(v.df, TRUE);
	g_ptr_array_free(v.names, TRUE);
	g_hash_table_destroy(v.index);
}

static int
check_train_args(const struct model *model, const char *head, const char *const *classes,
    size_t nclasses, const char *const *texts, const unsigned *labels, size_t n,
    const struct model_train_options *opts, GError **error)
{
	if (model == NULL || !valid_name(head)) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
		    "head name must be 1..%d printable ASCII characters without spaces",
		    MODEL_NAME_MAX);
		return -1;
	}
	if (find_head(model, head) == NULL && model->heads->len >= MODEL_MAX_HEADS) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
		    "head %s: a model holds at most %d heads", head, MODEL_MAX_HEADS);
		return -1;
	}
	if (classes == NULL || nclasses < 2 || nclasses > MODEL_MAX_CLASSES) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
		    "head %s: %zu classes, want 2..%d", head, nclasses, MODEL_MAX_CLASSES);
		return -1;
	}
	for (size_t c = 0; c < nclasses; c++) {
		if (!valid_name(classes[c])) {
			g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
			    "head %s: class %zu: a name is 1..%d printable ASCII characters "
			    "without spaces", head, c, MODEL_NAME_MAX);
			return -1;
		}
		for (size_t k = 0; k < c; k++)
			if (strcmp(classes[k], classes[c]) == 0) {
				g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
				    "head %s: class %s given twice", head, classes[c]);
				return -1;
			}
	}
	if (n == 0 || texts == NULL || labels == NULL) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
		    "head %s: no training texts", head);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (labels[i] >= nclasses) {
			g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
			    "head %s: text %zu: label %u is not a class index (0..%zu)",
			    head, i, labels[i], nclasses - 1);
			return -1;
		}
	/* The SGD step times lambda must stay well below 1. */
	if (!isfinite(opts->regularization) || opts->regularization < 0 ||
	    opts->regularization >= 1) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
		    "head %s: regularization %g out of range", head, opts->regularization);
		return -1;
	}
	if (opts->epochs > LOGREG_EPOCHS_MAX) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
		    "head %s: more than %d epochs", head, LOGREG_EPOCHS_MAX);
		return -1;
	}
	return 0;
}

int
model_train(struct model *model, const char *head, const char *const *classes,
    size_t nclasses, const char *const *texts, const unsigned *labels, size_t n,
    const struct model_train_options *opts, GError **error)
{
	struct model_train_options defaults;
	struct dataset d = { 0 };
	double bias[MODEL_MAX_CLASSES] = { 0 };
	double *w;
	struct head *h;
	bool finite = true;

	if (opts == NULL) {
		model_train_options_default(&defaults);
		opts = &defaults;
	}
	if (check_train_args(model, head, classes, nclasses, texts, labels, n, opts, error) < 0)
		return -1;

	h = head_new(head, classes, nclasses);
	d.labels = labels;
	build_dataset(h, &d, texts, n, opts->min_count);
	w = g_new0(double, d.nfeatures * nclasses + 1);
	train_logreg(&d, opts->regularization > 0 ? opts->regularization : LOGREG_LAMBDA,
	    opts->epochs > 0 ? opts->epochs : LOGREG_EPOCHS, opts->seed, w, bias);

	h->weights = g_new(float, d.nfeatures * nclasses + 1);
	for (size_t k = 0; k < d.nfeatures * nclasses; k++) {
		h->weights[k] = (float)w[k];
		finite &= isfinite(h->weights[k]);
	}
	for (size_t c = 0; c < nclasses; c++) {
		h->bias[c] = (float)bias[c];
		finite &= isfinite(h->bias[c]);
	}
	g_free(w);
	g_free(d.row);
	g_free(d.col);
	if (!finite) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_INVALID,
		    "head %s: training diverged (weights not finite)", head);
		head_free(h);
		return -1;
	}
	model_put_head(model, h);
	return 0;
}

/* ---------------------------------------------------------------------------
 * Saving
 */

static void
append_escaped(GString *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\': g_string_append(out, "\\\\"); break;
		case '\t': g_string_append(out, "\\t"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		default: g_string_append_c(out, *s); break;
		}
	}
}

/* Appends a tab and v; buf is scratch space. */
static void
append_number(GString *out, char buf[G_ASCII_DTOSTR_BUF_SIZE], float v)
{
	g_string_append_c(out, '\t');
	g_string_append(out, g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, "%.9g", (double)v));
}

/* Returns the whole file for model, newly allocated. */
static GString *
format_model(const struct model *model)
{
	GString *out = g_string_new(NULL);
	char num[G_ASCII_DTOSTR_BUF_SIZE];
	char *sum;

	g_string_append_printf(out, "%s %d\n", MODEL_MAGIC, MODEL_VERSION);
	for (guint i = 0; i < model->heads->len; i++) {
		const struct head *h = model->heads->pdata[i];

		g_string_append_printf(out, "head %s", h->name);
		for (size_t c = 0; c < h->nclasses; c++)
			g_string_append_printf(out, " %s", h->classes[c]);
		g_string_append(out, "\nbias");
		for (size_t c = 0; c < h->nclasses; c++)
			append_number(out, num, h->bias[c]);
		g_string_append_printf(out, "\nfeatures %zu\n", h->nfeatures);
		for (size_t f = 0; f < h->nfeatures; f++) {
			append_escaped(out, h->features[f]);
			for (size_t c = 0; c < h->nclasses; c++)
				append_number(out, num, h->weights[f * h->nclasses + c]);
			g_string_append_c(out, '\n');
		}
	}
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)out->str, out->len);
	g_string_append_printf(out, "end %s\n", sum);
	g_free(sum);
	return out;
}

/* Flushes a directory's entries to disk, so that a rename survives a crash. */
static void
sync_dir_of(const char *path)
{
	char *dir = g_path_get_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		(void)fsync(fd);	/* best effort: not every file system allows it */
		close(fd);
	}
	g_free(dir);
}

int
model_save(const struct model *model, const char *path, GError **error)
{
	char *tmp = g_strconcat(path, ".tmp", NULL);
	const char *what = NULL;
	GString *text;
	int fd, saved;
	FILE *fp;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		saved = errno;
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_IO, "%s: %s", tmp, g_strerror(saved));
		g_free(tmp);
		return -1;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		saved = errno;
		close(fd);
		what = "fdopen";
		goto fail;
	}
	text = format_model(model);
	fwrite(text->str, 1, text->len, fp);
	g_string_free(text, TRUE);
	if (fflush(fp) != 0 || ferror(fp)) {
		saved = errno;
		fclose(fp);
		what = "write";
		goto fail;
	}
	if (fsync(fileno(fp)) != 0) {
		saved = errno;
		fclose(fp);
		what = "fsync";
		goto fail;
	}
	if (fclose(fp) != 0) {
		saved = errno;
		what = "close";
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		saved = errno;
		what = "rename";
		goto fail;
	}
	sync_dir_of(path);
	g_free(tmp);
	return 0;

fail:
	g_set_error(error, MODEL_ERROR, MODEL_ERROR_IO, "%s: %s: %s", tmp, what,
	    g_strerror(saved));
	(void)unlink(tmp);
	g_free(tmp);
	return -1;
}

/* ---------------------------------------------------------------------------
 * Loading
 */

struct reader {
	const char *path;
	char *sum;		/* SHA-256 of the bytes before the last line */
	char *p;		/* next line; lines are NUL-terminated in place */
	char *end;
	unsigned line;		/* number of the line last returned */
	GError **error;
};

static int
fail_at(struct reader *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Sets the error "PATH:LINE: message"; returns -1. */
static int
fail_at(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(r->error, MODEL_ERROR, MODEL_ERROR_FORMAT, "%s:%u: %s", r->path, r->line, msg);
	g_free(msg);
	return -1;
}

/*
 * Returns the next line (its "\n" replaced by NUL), or NULL at end of file.
 * A final "\n" ends the last line; it does not open an empty one.
 */
static char *
next_line(struct reader *r)
{
	char *line = r->p, *nl;

	if (r->p >= r->end)
		return NULL;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	if (nl == NULL)
		nl = r->end;	/* the buffer has a NUL there */
	*nl = '\0';
	r->p = nl + 1;
	r->line++;
	return line;
}

/* Parses a finite number filling all of s. */
static int
parse_number(const char *s, float *out)
{
	char *end;
	double v;

	if (*s == '\0' || g_ascii_isspace(*s))
		return -1;
	v = g_ascii_strtod(s, &end);
	if (*end != '\0' || !isfinite(v) || !isfinite((float)v))
		return -1;
	*out = (float)v;
	return 0;
}

/* Parses s, exactly nclasses numbers separated by tabs, into out. */
static int
parse_numbers(struct reader *r, char *s, size_t nclasses, float *out)
{
	for (size_t c = 0; c < nclasses; c++) {
		char *tab = strchr(s, '\t');

		if (tab != NULL)
			*tab = '\0';
		if (parse_number(s, &out[c]) < 0)
			return fail_at(r, "bad number '%.40s'", s);
		if (tab == NULL && c + 1 < nclasses)
			return fail_at(r, "%zu numbers expected, found %zu", nclasses, c + 1);
		if (tab != NULL && c + 1 == nclasses)
			return fail_at(r, "more than %zu numbers", nclasses);
		if (tab != NULL)
			s = tab + 1;
	}
	return 0;
}

/* Undoes append_escaped() in place on the len bytes of s; -1 on a bad escape. */
static int
unescape(char *s, size_t len)
{
	char *out = s;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\') {
			*out++ = s[i];
			continue;
		}
		if (++i == len)
			return -1;
		switch (s[i]) {
		case '\\': *out++ = '\\'; break;
		case 't': *out++ = '\t'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		default: return -1;
		}
	}
	*out = '\0';
	return 0;
}

/* Parses the "head" line's names into a new head; line points after "head ". */
static struct head *
parse_head_line(struct reader *r, const struct model *model, char *names)
{
	char **parts = g_strsplit(names, " ", -1);
	guint n = g_strv_length(parts);
	struct head *h = NULL;

	if (n < 3 || n - 1 > MODEL_MAX_CLASSES) {
		fail_at(r, "a head has a name and 2..%d classes", MODEL_MAX_CLASSES);
		goto out;
	}
	for (guint i = 0; i < n; i++) {
		if (!valid_name(parts[i])) {
			fail_at(r, "bad name '%.40s'", parts[i]);
			goto out;
		}
		for (guint k = 1; k < i; k++)
			if (strcmp(parts[k], parts[i]) == 0) {
				fail_at(r, "class %s given twice", parts[i]);
				goto out;
			}
	}
	if (find_head(model, parts[0]) != NULL) {
		fail_at(r, "head %s given twice", parts[0]);
		goto out;
	}
	if (model->heads->len >= MODEL_MAX_HEADS) {
		fail_at(r, "more than %d heads", MODEL_MAX_HEADS);
		goto out;
	}
	h = head_new(parts[0], (const char *const *)parts + 1, n - 1);
out:
	g_strfreev(parts);
	return h;
}

/*
 * Reads one head block after its "head" line into h. The arrays grow as
 * lines are read, so a false count cannot make it allocate much.
 */
static int
parse_head_body(struct reader *r, struct head *h)
{
	GPtrArray *features;
	GArray *weights;
	char *line, *end;
	guint64 count;
	int status = -1;

	line = next_line(r);
	if (line == NULL || strncmp(line, "bias\t", 5) != 0)
		return fail_at(r, "'bias' line expected");
	if (parse_numbers(r, line + 5, h->nclasses, h->bias) < 0)
		return -1;

	line = next_line(r);
	if (line == NULL || strncmp(line, "features ", 9) != 0 || !g_ascii_isdigit(line[9]))
		return fail_at(r, "'features COUNT' line expected");
	errno = 0;
	count = g_ascii_strtoull(line + 9, &end, 10);
	if (*end != '\0' || errno != 0 || count > MODEL_MAX_FEATURES)
		return fail_at(r, "bad feature count '%.40s'", line + 9);

	features = g_ptr_array_new_with_free_func(g_free);
	weights = g_array_new(FALSE, FALSE, sizeof(float));
	for (guint64 f = 0; f < count; f++) {
		float w[MODEL_MAX_CLASSES];
		char *tab, *name;

		line = next_line(r);
		if (line == NULL) {
			fail_at(r, "file ends after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
			    " features", f, count);
			goto out;
		}
		tab = strchr(line, '\t');
		if (tab == NULL || tab == line) {
			fail_at(r, "feature line expected");
			goto out;
		}
		*tab = '\0';
		if (unescape(line, (size_t)(tab - line)) < 0) {
			fail_at(r, "bad escape in feature");
			goto out;
		}
		if (!g_utf8_validate(line, -1, NULL)) {
			fail_at(r, "feature is not UTF-8");
			goto out;
		}
		if (parse_numbers(r, tab + 1, h->nclasses, w) < 0)
			goto out;
		if (g_hash_table_contains(h->index, line)) {
			fail_at(r, "feature given twice");
			goto out;
		}
		name = g_strdup(line);
		g_ptr_array_add(features, name);
		g_array_append_vals(weights, w, (guint)h->nclasses);
		g_hash_table_insert(h->index, name, GUINT_TO_POINTER(f + 1));
	}
	status = 0;
out:
	/* h takes the arrays either way: head_free() frees what was read. */
	h->nfeatures = features->len;
	g_ptr_array_add(features, NULL);
	h->features = (char **)g_ptr_array_free(features, FALSE);
	h->weights = (float *)(void *)g_array_free(weights, FALSE);
	return status;
}

static struct model *
parse_model(struct reader *r)
{
	struct model *model = model_new();
	char *line, *magic;

	magic = g_strdup_printf("%s %d", MODEL_MAGIC, MODEL_VERSION);
	line = next_line(r);
	if (line == NULL || strcmp(line, magic) != 0) {
		g_free(magic);
		r->line = 1;
		if (line != NULL && strncmp(line, MODEL_MAGIC " ", strlen(MODEL_MAGIC) + 1) == 0)
			fail_at(r, "unsupported version '%.40s'", line + strlen(MODEL_MAGIC) + 1);
		else
			fail_at(r, "not a triage model (first line must be '%s %d')",
			    MODEL_MAGIC, MODEL_VERSION);
		goto fail;
	}
	g_free(magic);

	for (;;) {
		struct head *h;

		line = next_line(r);
		if (line == NULL) {
			r->line++;
			fail_at(r, "file ends without 'end'");
			goto fail;
		}
		if (strncmp(line, "end", 3) == 0 && (line[3] == '\0' || line[3] == ' '))
			break;
		if (strncmp(line, "head ", 5) != 0) {
			fail_at(r, "'head' or 'end' expected");
			goto fail;
		}
		h = parse_head_line(r, model, line + 5);
		if (h == NULL)
			goto fail;
		if (parse_head_body(r, h) < 0) {
			head_free(h);
			goto fail;
		}
		head_index_build(h);
		g_ptr_array_add(model->heads, h);
	}
	/* The sum was taken over the bytes before the last line: this one. */
	if (line[3] != ' ' || strlen(line + 4) != 64) {
		fail_at(r, "'end SHA256' expected");
		goto fail;
	}
	if (next_line(r) != NULL) {
		fail_at(r, "data after 'end'");
		goto fail;
	}
	if (strcmp(line + 4, r->sum) != 0) {
		fail_at(r, "checksum mismatch: the file is damaged or was edited");
		goto fail;
	}
	return model;

fail:
	model_free(model);
	return NULL;
}

struct model *
model_load(const char *path, GError **error)
{
	struct reader r = { .path = path, .error = error };
	struct model *model;
	struct stat st;
	char *buf, *nul;
	size_t len, last;
	FILE *fp;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		int saved = errno;

		g_set_error(error, MODEL_ERROR, MODEL_ERROR_IO, "%s: %s", path, g_strerror(saved));
		return NULL;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (guint64)st.st_size > MODEL_FILE_MAX) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_FORMAT,
		    "%s: not a regular file of at most %u bytes", path, MODEL_FILE_MAX);
		fclose(fp);
		return NULL;
	}
	/* Read one byte more than allowed to notice a file that grew. */
	buf = g_malloc((size_t)st.st_size + 2);
	len = fread(buf, 1, (size_t)st.st_size + 1, fp);
	if (ferror(fp) || len > (size_t)st.st_size) {
		g_set_error(error, MODEL_ERROR, MODEL_ERROR_IO, "%s: read error or file changed",
		    path);
		fclose(fp);
		g_free(buf);
		return NULL;
	}
	fclose(fp);
	buf[len] = '\0';

	nul = memchr(buf, '\0', len);
	if (nul != NULL) {
		r.line = 1;
		for (char *q = buf; q < nul; q++)
			r.line += *q == '\n';
		fail_at(&r, "NUL byte");
		g_free(buf);
		return NULL;
	}
	/* The last line is the "end" line (if the file is whole): sum what precedes it. */
	last = len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
	while (last > 0 && buf[last - 1] != '\n')
		last--;
	r.sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)buf, last);
	r.p = buf;
	r.end = buf + len;
	model = parse_model(&r);
	g_free(r.sum);
	g_free(buf);
	return model;
}
