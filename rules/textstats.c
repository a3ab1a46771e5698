/*
 * textstats.c - the measurements behind the eval rules of triage-rules(5).
 *
 * One pass over the characters counts what can be counted; the few things
 * that need a pattern (greetings, sign-offs, reply prefixes) use
 * PCRE2 patterns compiled once for the process and shared read-only.
 */
#include "textstats.h"
#include "jit.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

/* Below this many letters a capitals share says nothing ("OK", "SOS"). */
#define CAPS_MIN_LETTERS 12

enum feature_pattern { PAT_GREETING, PAT_SIGNOFF, PAT_REPLY_PREFIX, PAT_COUNT };

static const char *const pattern_sources[PAT_COUNT] = {
	/* The first line of a message in any of the six languages. */
	"^\\W*(?:hi|hello|hey|dear|good\\s+(?:morning|afternoon|evening)|greetings|"
	"hej|hejsan|hallå|god\\s+(?:morgon|dag|kväll|morgen|aften|kveld)|hei|hallo|heisann|"
	"kære|kjære|goddag|guten\\s+(?:tag|morgen|abend)|liebe[rs]?|sehr\\s+geehrte[rn]?|moin|"
	"servus|grüß\\s+gott|здравей(?:те)?|добър\\s+ден|добро\\s+утро|добър\\s+вечер|здрасти|"
	"уважаеми|скъпи|привет)\\b",
	/* A closing line. */
	"^\\W*(?:best\\s+regards|kind\\s+regards|warm\\s+regards|regards|best\\s+wishes|"
	"thanks(?:\\s+in\\s+advance)?|thank\\s+you|many\\s+thanks|cheers|sincerely|yours\\s+truly|"
	"mvh|med\\s+vänliga\\s+hälsningar|vänliga\\s+hälsningar|vänligen|hälsningar|tack\\s+på\\s+förhand|"
	"med\\s+vennlig\\s+hilsen|vennlig\\s+hilsen|hilsen|takk\\s+på\\s+forhånd|"
	"med\\s+venlig\\s+hilsen|venlig\\s+hilsen|mange\\s+tak|på\\s+forhånd\\s+tak|"
	"mit\\s+freundlichen\\s+grüßen|freundliche\\s+grüße|viele\\s+grüße|beste\\s+grüße|"
	"liebe\\s+grüße|lg|vg|danke(?:\\s+im\\s+voraus)?|"
	"поздрави|с\\s+уважение|благодаря(?:\\s+предварително)?|хубав\\s+ден)\\b",
	/* Re:, SV:, AW:, VS:, Antw:, Svar:, Отг:, possibly repeated or numbered */
	"^\\s*(?:(?:re|sv|aw|vs|antw|svar|отг|fw|fwd|vb|wg)\\s*(?:\\[\\d+\\])?\\s*:\\s*)+",
};

static pcre2_code *patterns[PAT_COUNT];

static gpointer
compile_patterns(gpointer unused)
{
	(void)unused;
	for (int i = 0; i < PAT_COUNT; i++) {
		int code;
		PCRE2_SIZE offset;

		patterns[i] = pcre2_compile((PCRE2_SPTR)pattern_sources[i], PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MULTILINE, &code, &offset, NULL);
		/* Our own literals: a failure is a programming error caught by the tests. */
		g_assert(patterns[i] != NULL);
		jit_compile(patterns[i]);
	}
	return NULL;
}

static void
ensure_patterns(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, compile_patterns, NULL);
}

static bool
matches(enum feature_pattern which, const char *text, size_t len, pcre2_match_data *md)
{
	return pcre2_match(patterns[which], (PCRE2_SPTR)text, len, 0, PCRE2_NO_UTF_CHECK, md,
	    NULL) > 0;
}

/* Counts '!', '?' and digit runs of s into f. */
static void
count_marks(const char *s, struct text_stats *f)
{
	bool in_digits = false;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '!')
			f->exclamations++;
		else if (*p == '?')
			f->questions++;
		if (g_ascii_isdigit(*p)) {
			if (!in_digits)
				f->numbers++;
			in_digits = true;
		} else {
			in_digits = false;
		}
	}
}

/*
 * True for a token that names an order, invoice or case: five or more
 * digits in a row, or letters and digits joined by dashes with at least
 * four digits ("2025-0193", "XK-4471-B"), but not an ISO date.
 */
static bool
is_order_id(const char *token, size_t len)
{
	size_t digits = 0, run = 0, longest = 0, dashes = 0;

	for (size_t i = 0; i < len; i++) {
		if (g_ascii_isdigit(token[i])) {
			digits++;
			run++;
			longest = MAX(longest, run);
		} else {
			run = 0;
			if (token[i] == '-')
				dashes++;
		}
	}
	if (longest >= 5)
		return true;
	if (dashes == 0 || digits < 4)
		return false;
	/* 2025-03-04 is a date. */
	if (len == 10 && dashes == 2 && digits == 8 && token[4] == '-' && token[7] == '-')
		return false;
	return true;
}

/*
 * True for a version number: "v14", "v2.1", or digits with at least two
 * dots ("2.3.1"); "2.5" alone is more often a price or a quantity.
 */
static bool
is_version(const char *token, size_t len)
{
	size_t dots = 0, i = 0;

	if (len >= 2 && (token[0] == 'v' || token[0] == 'V') && g_ascii_isdigit(token[1]))
		i = 1;
	for (size_t k = i; k < len; k++) {
		if (token[k] == '.') {
			if (k == i || k + 1 == len || !g_ascii_isdigit(token[k + 1]))
				return false;
			dots++;
		} else if (!g_ascii_isdigit(token[k])) {
			return false;
		}
	}
	return i == 1 || dots >= 2;
}

/* The words after which a number is a version: "firmware 2.3", "iOS 17". */
static bool
is_version_word(const char *word, size_t len)
{
	static const char *const words[] = {
		"version", "versio", "versjon", "firmware", "build", "release", "ios", "android",
		"windows", "macos",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
		if (strlen(words[i]) == len && g_ascii_strncasecmp(word, words[i], len) == 0)
			return true;
	return false;
}

/* Counts order ids and versions among the ASCII tokens of s. */
static void
count_tokens(const char *s, struct text_stats *f)
{
	const char *p = s, *previous = NULL;
	size_t previous_len = 0;

	while (*p != '\0') {
		const char *start;
		size_t len;
		bool digits = false;

		while (*p != '\0' && !g_ascii_isalnum(*p))
			p++;
		start = p;
		while (*p != '\0' && (g_ascii_isalnum(*p) || *p == '-' || *p == '/' || *p == '#' ||
		    (*p == '.' && g_ascii_isdigit(p[1])))) {
			digits |= g_ascii_isdigit(*p);
			p++;
		}
		while (p > start && (p[-1] == '-' || p[-1] == '/'))
			p--;	/* a trailing dash is punctuation */
		len = (size_t)(p - start);
		/* Neither an order id nor a version is without a digit. */
		if (len > 0 && digits && is_order_id(start, len))
			f->order_ids++;
		if (len > 0 && digits && (is_version(start, len) || (g_ascii_isdigit(*start) &&
		    previous != NULL && is_version_word(previous, previous_len))))
			f->versions++;
		if (len > 0) {
			previous = start;
			previous_len = len;
		}
		if (p == start && *p != '\0')
			p++;
	}
}

/*
 * Letters, capitals, characters and words of the body, and its marks as
 * count_marks() counts them. A character is a letter, a capital or either
 * or a digit as g_unichar_isalpha(), _isupper() and _isalnum() say, from
 * one look-up of its type; ASCII by the ASCII tests, which agree with them.
 */
static void
count_letters(const char *text, struct text_stats *f)
{
	unsigned letters = 0, upper = 0;
	bool in_word = false, in_digits = false;

	for (const char *p = text; *p != '\0';) {
		gunichar c;
		bool alpha, capital, alnum;

		if (!((guchar)*p & 0x80)) {
			c = (guchar)*p++;
			alpha = g_ascii_isalpha((char)c);
			capital = g_ascii_isupper((char)c);
			alnum = alpha || g_ascii_isdigit((char)c);
			if (c == '!')
				f->exclamations++;
			else if (c == '?')
				f->questions++;
			if (g_ascii_isdigit((char)c)) {
				if (!in_digits)
					f->numbers++;
				in_digits = true;
			} else {
				in_digits = false;
			}
		} else {
			GUnicodeType type;

			c = g_utf8_get_char(p);
			p = g_utf8_next_char(p);
			type = g_unichar_type(c);
			capital = type == G_UNICODE_UPPERCASE_LETTER;
			alpha = capital || type == G_UNICODE_LOWERCASE_LETTER ||
			    type == G_UNICODE_TITLECASE_LETTER || type == G_UNICODE_MODIFIER_LETTER ||
			    type == G_UNICODE_OTHER_LETTER;
			alnum = alpha || type == G_UNICODE_DECIMAL_NUMBER ||
			    type == G_UNICODE_LETTER_NUMBER || type == G_UNICODE_OTHER_NUMBER;
			in_digits = false;
		}
		f->length++;
		if (alpha) {
			letters++;
			if (capital)
				upper++;
		}
		if (alnum) {
			if (!in_word)
				f->words++;
			in_word = true;
		} else if (c != '\'' && c != 0x2019 && c != '-') {
			in_word = false;
		}
	}
	f->caps_ratio = letters >= CAPS_MIN_LETTERS ? (double)upper / (double)letters : 0.0;
}

/* Returns the first non-blank line of text and its length. */
static const char *
first_line(const char *text, size_t *len)
{
	const char *p = text;

	while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
		p++;
	*len = strcspn(p, "\n");
	return p;
}

/*
 * True when one of the last three non-blank lines of text is a sign-off.
 * A line is what lies between newlines, without the ASCII white space
 * (g_ascii_isspace()) at either end; it is matched where it lies.
 */
static bool
has_signoff(const char *text, pcre2_match_data *md)
{
	const char *end = text + strlen(text);
	int seen = 0;

	for (;;) {
		const char *start = end, *a, *b;

		while (start > text && start[-1] != '\n')
			start--;
		for (a = start, b = end; a < b && g_ascii_isspace(*a); a++)
			;
		while (b > a && g_ascii_isspace(b[-1]))
			b--;
		if (b > a) {
			if (matches(PAT_SIGNOFF, a, (size_t)(b - a), md))
				return true;
			if (++seen == 3)
				return false;
		}
		if (start == text)
			return false;
		end = start - 1;	/* before the newline */
	}
}

void
textstats_compute(const struct message_view *view, bool known_ticket, struct text_stats *f)
{
	pcre2_match_data *md;
	const char *line;
	size_t line_len;

	ensure_patterns();
	memset(f, 0, sizeof(*f));
	md = pcre2_match_data_create(1, NULL);

	count_marks(view->subject, f);
	count_letters(view->text, f);	/* and its marks */
	count_tokens(view->subject, f);
	count_tokens(view->text, f);

	line = first_line(view->text, &line_len);
	f->greeting = line_len > 0 && matches(PAT_GREETING, line, line_len, md);
	f->signoff = has_signoff(view->text, md);
	f->repeat_contact = known_ticket ||
	    ((view->in_reply_to != NULL || view->references->len > 0) &&
	    matches(PAT_REPLY_PREFIX, view->subject, strlen(view->subject), md));
	pcre2_match_data_free(md);
}
