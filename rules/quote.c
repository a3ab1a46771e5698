/*
 * quote.c - cutting a plain-text reply down to what the customer wrote now.
 *
 * The body is split into lines (slices of one normalised copy: valid UTF-8,
 * "\r" and trailing blanks dropped) and scanned top-down for the first
 * marker that ends the customer's own text:
 *
 *   signature    a line "-- " or "--", or a mobile sign-off ("Sent from my
 *                iPhone", "Von meinem iPhone gesendet", "Get Outlook for iOS")
 *   Outlook      a separator ("-----Original Message-----", the "Forwarded
 *                message" lines of Gmail and Thunderbird, Apple Mail's "Begin
 *                forwarded message:") or a From:/Sent: header block
 *   attribution  "On ... wrote:" and its Nordic, German and Bulgarian kin,
 *                possibly wrapped by the client over up to three lines
 *
 * Everything from the marker on is dropped, and so are the '>' lines above
 * it. A QUOTE_REMOVED_* bit records each rule that removed text; lines below
 * a marker are accounted to that marker, not to QUOTE_REMOVED_QUOTED_LINES.
 *
 * An attribution ends with its verb (wrote:, skrev:, schrieb:, написа:, or
 * "skrev Name <addr>:"-like forms). That alone is also how a customer may
 * introduce a citation, so it is trusted only when the line carries a time,
 * a numeric date or an address -- every client writes one -- or when '>'
 * lines follow it. "My colleague wrote:" followed by the customer's own
 * words stays.
 *
 * When nothing of the customer's own remains (a forward without comment, a
 * reply sent with everything quoted), the quote is the only content there
 * is: the lines below the first attribution or Outlook marker -- or, failing
 * one, the '>' lines -- lose one level of '>' and are stripped again, which
 * yields the newest quoted message. This goes at most QUOTE_DEPTH_MAX levels
 * deep.
 *
 * The patterns are PCRE2 (UTF, Unicode properties, caseless, so "ÄMNE" and
 * "ОТ" match too), compiled once under g_once() and shared read-only; each
 * call owns its match data, so quote_strip() is thread-safe.
 */

#define PCRE2_CODE_UNIT_WIDTH 8

#include <string.h>

#include <glib.h>
#include <pcre2.h>

#include "quote.h"

/* A longer line (or wrapped attribution) is never taken for a marker: real
 * ones are short, and the bound keeps every regular-expression match cheap. */
#define QUOTE_MARKER_MAX 512
#define QUOTE_ATTR_LINES 3	/* an attribution may be wrapped over this many lines */
#define QUOTE_HEADER_GAP 3	/* Sent:/Date: within this many lines after From: */
#define QUOTE_BLANK_SKIP 2	/* blank lines allowed between an attribution and its quote */
#define QUOTE_RULE_MIN 8	/* underscores in Outlook's rule above its header block */
#define QUOTE_DEPTH_MAX 8	/* quote levels unwrapped when nothing else is left */

/* One line of the text: not NUL-terminated, no "\r\n", no trailing blanks. */
struct line {
	const char *s;
	size_t len;
};

enum pat {
	PAT_SEPARATOR,		/* Outlook, Gmail, Thunderbird, Apple Mail separators */
	PAT_HDR_FROM,		/* "From: someone" opening a header block */
	PAT_HDR_DATE,		/* "Sent:" or "Date:" inside it */
	PAT_HDR_ANY,		/* any "Word:" header line ("To:", "Ämne:", "Тема:") */
	PAT_ATTR_VERB,		/* ends like an attribution */
	PAT_ATTR_INTRO,		/* begins like an attribution */
	PAT_EVIDENCE,		/* a time, a numeric date or an address */
	PAT_SIGNOFF,		/* a mobile client's sign-off line */
	PAT_COUNT
};

/*
 * Sources of the patterns, matched caseless against one line (or a wrapped
 * attribution joined with spaces). Only non-capturing groups: a match data
 * block of one pair serves them all.
 */
static const char *const pattern_src[PAT_COUNT] = {
	[PAT_SEPARATOR] =
	    /* "-----Original Message-----", "---------- Forwarded message ---------" */
	    "^\\s*-{2,}\\s*(?:original[ -]?message|ursprungligt meddelande|"
	    "originalmeddelande|opprinnelig melding|oprindelig meddelelse|"
	    "ursprüngliche nachricht|original-nachricht|оригинално съобщение|"
	    "оригинално писмо|forwarded message|vidarebefordrat meddelande|"
	    "videresendt melding|videresendt meddelelse|videresendt besked|"
	    "weitergeleitete nachricht|препратено съобщение|препратено писмо)"
	    "\\s*-{2,}\\s*$"
	    /* Apple Mail's forward */
	    "|^\\s*(?:begin forwarded message|vidarebefordrat brev|"
	    "videresendt melding|start på videresendt besked|"
	    "anfang der weitergeleiteten nachricht)\\s*:$",
	[PAT_HDR_FROM] =
	    /* Outlook's plain-text rendering may bold the name: "*From:* ..." */
	    "^\\s*\\**(?:from|från|fra|von|от)\\**\\s*:\\**\\s*\\S",
	[PAT_HDR_DATE] =
	    "^\\s*\\**(?:sent|date|skickat|datum|sendt|dato|gesendet|"
	    "изпратено|дата)\\**\\s*:",
	[PAT_HDR_ANY] =
	    "^\\s*\\**\\p{L}[\\p{L}-]*(?: \\p{L}[\\p{L}-]*)?\\**\\s*:(?:\\s|\\*|$)",
	[PAT_ATTR_VERB] =
	    "(?:\\b(?:wrote|skrev|schrieb|написа)|\\bwrote\\s+on\\s.*|"
	    "\\b(?:skrev|schrieb|написа)\\s.*)\\s*:$",
	[PAT_ATTR_INTRO] =
	    /* On/Den/Am/На, a Nordic or Bulgarian weekday, or the date itself */
	    "^\\s*(?:(?:on|den|am|на|mån|tis|ons|tors?|fre|lör|sön|man|tir|lør|"
	    "søn|пн|вт|ср|чт|пт|сб|нд)\\b|\\d)",
	[PAT_EVIDENCE] =
	    "\\b\\d{1,2}[:.]\\d{2}\\b|\\b\\d{1,4}[-./]\\d{1,2}[-./]\\d{1,4}\\b|"
	    "[^\\s<>()\"]+@[^\\s<>()\"]+\\.\\p{L}{2,}",
	[PAT_SIGNOFF] =
	    /* "Sent from my iPhone", "Skickat från min iPhone", "Sendt fra min
	     * iPhone", "Изпратено от моя iPhone", "Sent from Mail for Windows":
	     * a device or app must be named, and no sentence may go on. */
	    "^\\s*(?:sent (?:from|with|via)|skickat från|skickades från|"
	    "sendt fra|gesendet (?:von|mit)|изпратено (?:от|с|чрез))\\s"
	    "[^.!?,;:<]{0,60}?\\b(?:iphone|ipad|ipod|android|samsung|galaxy|"
	    "huawei|honor|xiaomi|oneplus|pixel|xperia|nokia|motorola|blackberry|"
	    "phone|smartphone|smarttelefon|mobil\\w*|tablet|outlook|yahoo|gmail|"
	    "aol|proton\\w*|mail|e-post|телефон|смартфон|мобилн\\w*)\\b"
	    "[^.!?,;:<]{0,40}(?:<[^>]*>)?\\.?$"
	    "|^\\s*von meinem\\s[^.!?,;:<]{1,60}\\sgesendet\\.?$"
	    /* "Get Outlook for iOS<https://aka.ms/o0ukef>", "Hämta Outlook för
	     * Android", "Outlook für iOS<https://aka.ms/o0ukef> beziehen" */
	    "|^\\s*(?:\\S+\\s+){1,3}outlook\\s+(?:for|för|til|für|за)\\s+"
	    "(?:ios|android)\\s*(?:<[^>]*>)?\\.?$"
	    "|^\\s*outlook\\s+für\\s+(?:ios|android)\\s*(?:<[^>]*>)?\\s*beziehen\\.?$",
};

/* Compiled once, then only read; see patterns(). */
static pcre2_code *compiled[PAT_COUNT];

/*
 * Compiles every pattern. The sources are constants, so a failure is a
 * programming error, caught by the unit tests: it aborts.
 */
static gpointer
patterns_compile(gpointer unused)
{
	const uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS;
	unsigned i;

	(void)unused;
	for (i = 0; i < PAT_COUNT; i++) {
		PCRE2_SIZE erroff;
		int errcode;

		compiled[i] = pcre2_compile((PCRE2_SPTR)pattern_src[i],
		    PCRE2_ZERO_TERMINATED, options, &errcode, &erroff, NULL);
		if (compiled[i] == NULL) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(errcode, msg, sizeof(msg));
			g_error("quote: pattern %u at offset %zu: %s", i,
			    (size_t)erroff, (const char *)msg);
		}
	}
	return compiled;
}

/* Returns the compiled patterns, compiling them on first use (thread-safe). */
static pcre2_code *const *
patterns(void)
{
	static GOnce once = G_ONCE_INIT;

	return g_once(&once, patterns_compile, NULL);
}

/* State of one quote_strip() call. */
struct strip_ctx {
	pcre2_code *const *re;		/* shared, read-only */
	pcre2_match_data *md;		/* ours */
	GString *joined;		/* scratch for wrapped attributions */
	unsigned removed;		/* QUOTE_REMOVED_* bits so far */
};

/*
 * Returns TRUE when pattern p matches len bytes at s. The text was made
 * valid UTF-8 up front, so PCRE2 need not check it again; an error (none is
 * expected on lines this short) counts as no match.
 */
static gboolean
match(struct strip_ctx *c, enum pat p, const char *s, size_t len)
{
	return pcre2_match(c->re[p], (PCRE2_SPTR)s, len, 0,
	    PCRE2_NO_UTF_CHECK, c->md, NULL) >= 0;
}

static gboolean
match_line(struct strip_ctx *c, enum pat p, const struct line *l)
{
	return match(c, p, l->s, l->len);
}

static gboolean
is_blank(const struct line *l)
{
	return l->len == 0;		/* trailing blanks are gone already */
}

/* Returns the offset of the '>' of a quoted line, or -1 if it is not one. */
static gssize
quote_mark(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i < l->len && l->s[i] == '>' ? (gssize)i : -1;
}

static gboolean
is_quoted(const struct line *l)
{
	return quote_mark(l) >= 0;
}

/* Returns the quoted line l with one level of '>' (and one space) removed. */
static struct line
dequote(const struct line *l)
{
	struct line d = *l;
	gssize mark = quote_mark(l);
	size_t skip;

	if (mark < 0)
		return d;
	skip = (size_t)mark + 1;
	if (skip < l->len && l->s[skip] == ' ')
		skip++;
	d.s += skip;
	d.len -= skip;
	return d;
}

/*
 * "-- " is the signature delimiter (RFC 3676); many clients lose the space,
 * so "--" counts too. Trailing blanks are already stripped, which leaves
 * exactly "--"; "---" and "-- text" are text.
 */
static gboolean
is_sig_delim(const struct line *l)
{
	return l->len == 2 && l->s[0] == '-' && l->s[1] == '-';
}

/* Outlook's rule of underscores above a header block. */
static gboolean
is_underscore_rule(const struct line *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->len; i++) {
		if (l->s[i] == '_')
			n++;
		else if (l->s[i] != ' ' && l->s[i] != '\t')
			return FALSE;
	}
	return n >= QUOTE_RULE_MIN;
}

static gboolean
ends_with_colon(const struct line *l)
{
	return l->len > 0 && l->s[l->len - 1] == ':';
}

static gboolean
has_digit(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if (g_ascii_isdigit(l->s[i]))
			return TRUE;
	return FALSE;
}

/*
 * Returns TRUE when l[i] opens an Outlook header block: a From: line with a
 * Sent: or Date: line within QUOTE_HEADER_GAP lines, only header lines
 * between (Apple Mail puts Subject: first). A lone "From: x" is text.
 */
static gboolean
is_header_block(struct strip_ctx *c, const struct line *l, size_t n, size_t i)
{
	size_t j;

	if (!match_line(c, PAT_HDR_FROM, &l[i]))
		return FALSE;
	for (j = i + 1; j < n && j <= i + QUOTE_HEADER_GAP; j++) {
		if (is_blank(&l[j]) || l[j].len > QUOTE_MARKER_MAX)
			return FALSE;
		if (match_line(c, PAT_HDR_DATE, &l[j]))
			return TRUE;
		if (!match_line(c, PAT_HDR_ANY, &l[j]))
			return FALSE;
	}
	return FALSE;
}

/*
 * Returns the first line after the header block that follows a separator
 * or starts at j: where the quoted message's own text begins.
 */
static size_t
skip_headers(struct strip_ctx *c, const struct line *l, size_t n, size_t j)
{
	while (j < n && is_blank(&l[j]))
		j++;
	while (j < n && l[j].len <= QUOTE_MARKER_MAX &&
	    match_line(c, PAT_HDR_ANY, &l[j]))
		j++;
	return j;
}

/* Returns TRUE when, after at most QUOTE_BLANK_SKIP blank lines, l[j] is quoted. */
static gboolean
quote_follows(const struct line *l, size_t n, size_t j)
{
	size_t skipped = 0;

	while (j < n && is_blank(&l[j]) && skipped++ < QUOTE_BLANK_SKIP)
		j++;
	return j < n && is_quoted(&l[j]);
}

/*
 * Returns the number of lines (1 to QUOTE_ATTR_LINES) of the attribution
 * starting at l[i], or 0 when there is none. A wrapped attribution must
 * start a paragraph, begin like one (On/Den/Am/На, a weekday or a date)
 * and carry a digit on its first line, so that a customer's sentence is not
 * glued to the attribution below it.
 */
static size_t
attribution_span(struct strip_ctx *c, const struct line *l, size_t n,
    size_t i)
{
	GString *joined = c->joined;
	size_t k;

	if (ends_with_colon(&l[i]) && match_line(c, PAT_ATTR_VERB, &l[i])) {
		if (match_line(c, PAT_EVIDENCE, &l[i]) || quote_follows(l, n, i + 1))
			return 1;
		return 0;
	}
	if (!(i == 0 || is_blank(&l[i - 1]) || is_quoted(&l[i - 1])) ||
	    !has_digit(&l[i]) || !match_line(c, PAT_ATTR_INTRO, &l[i]))
		return 0;

	g_string_truncate(joined, 0);
	g_string_append_len(joined, l[i].s, (gssize)l[i].len);
	for (k = 2; k <= QUOTE_ATTR_LINES && i + k - 1 < n; k++) {
		const struct line *next = &l[i + k - 1];

		if (is_blank(next) || is_quoted(next) ||
		    joined->len + 1 + next->len > QUOTE_MARKER_MAX)
			return 0;
		g_string_append_c(joined, ' ');
		g_string_append_len(joined, next->s, (gssize)next->len);
		if (ends_with_colon(next) &&
		    match(c, PAT_ATTR_VERB, joined->str, joined->len)) {
			if (match(c, PAT_EVIDENCE, joined->str, joined->len) ||
			    quote_follows(l, n, i + k))
				return k;
			return 0;
		}
	}
	return 0;
}

enum marker {
	MARK_NONE,
	MARK_SIGNATURE,
	MARK_OUTLOOK,
	MARK_ATTRIBUTION
};

/* Where the customer's text ends. */
struct cut {
	enum marker kind;
	size_t at;		/* first line removed; n when kind is MARK_NONE */
	size_t body;		/* first line of the quoted message below the marker */
};

static unsigned
marker_bit(enum marker kind)
{
	switch (kind) {
	case MARK_SIGNATURE:
		return QUOTE_REMOVED_SIGNATURE;
	case MARK_OUTLOOK:
		return QUOTE_REMOVED_OUTLOOK;
	case MARK_ATTRIBUTION:
		return QUOTE_REMOVED_ATTRIBUTION;
	case MARK_NONE:
		break;
	}
	return 0;
}

/*
 * Fills *cut with the first marker at or after line from. Quoted lines are
 * never markers: "> On ... wrote:" belongs to the quote it is in.
 */
static void
find_cut(struct strip_ctx *c, const struct line *l, size_t n, size_t from,
    struct cut *cut)
{
	size_t i, span;

	for (i = from; i < n; i++) {
		const struct line *li = &l[i];

		if (is_blank(li) || li->len > QUOTE_MARKER_MAX || is_quoted(li))
			continue;
		if (is_sig_delim(li) || match_line(c, PAT_SIGNOFF, li)) {
			cut->kind = MARK_SIGNATURE;
			cut->at = i;
			cut->body = i + 1;
			return;
		}
		if (match_line(c, PAT_SEPARATOR, li)) {
			cut->kind = MARK_OUTLOOK;
			cut->at = i;
			cut->body = skip_headers(c, l, n, i + 1);
			return;
		}
		if (is_header_block(c, l, n, i)) {
			size_t j = i;

			/* Take Outlook's rule along, across one blank line. */
			if (j > from && is_blank(&l[j - 1]))
				j--;
			if (j > from && is_underscore_rule(&l[j - 1]))
				i = j - 1;
			cut->kind = MARK_OUTLOOK;
			cut->at = i;
			cut->body = skip_headers(c, l, n, cut->at + 1);
			return;
		}
		if ((span = attribution_span(c, l, n, i)) > 0) {
			cut->kind = MARK_ATTRIBUTION;
			cut->at = i;
			cut->body = i + span;
			return;
		}
	}
	cut->kind = MARK_NONE;
	cut->at = n;
	cut->body = n;
}

/*
 * Appends lines to out: leading and trailing blank lines dropped, runs of
 * blank lines collapsed to one.
 */
struct emitter {
	GString *out;
	gboolean any;		/* a non-blank line was appended */
	gboolean gap;		/* a blank line is owed before the next one */
};

static void
emit(struct emitter *e, const struct line *l)
{
	if (is_blank(l)) {
		e->gap = e->any;
		return;
	}
	if (e->any)
		g_string_append(e->out, e->gap ? "\n\n" : "\n");
	g_string_append_len(e->out, l->s, (gssize)l->len);
	e->any = TRUE;
	e->gap = FALSE;
}

/*
 * Appends to out (empty on entry) what the customer wrote in the n lines at
 * l; when that is nothing, unwraps one level of quote and tries again, up to
 * QUOTE_DEPTH_MAX levels deep.
 */
static void
strip_lines(struct strip_ctx *c, const struct line *l, size_t n,
    unsigned depth, GString *out)
{
	struct emitter e = { out, FALSE, FALSE };
	struct cut cut;
	struct line *sub;
	size_t i, m = 0;

	find_cut(c, l, n, 0, &cut);
	for (i = 0; i < cut.at; i++) {
		if (is_quoted(&l[i]))
			c->removed |= QUOTE_REMOVED_QUOTED_LINES;
		else
			emit(&e, &l[i]);
	}
	c->removed |= marker_bit(cut.kind);
	if (e.any || depth >= QUOTE_DEPTH_MAX)
		return;

	/*
	 * Nothing of the customer's own. The newest quoted message starts below
	 * the first attribution or Outlook marker; a signature above it (iOS
	 * puts "Sent from my iPhone" above the quote) is looked past.
	 */
	while (cut.kind == MARK_SIGNATURE)
		find_cut(c, l, n, cut.body, &cut);
	c->removed |= marker_bit(cut.kind);

	sub = g_new(struct line, n);
	if (cut.kind != MARK_NONE) {
		for (i = cut.body; i < n; i++)
			sub[m++] = dequote(&l[i]);
	} else {
		/* No marker: the '>' lines are the quote, wherever they are. */
		for (i = 0; i < n; i++)
			if (is_quoted(&l[i]))
				sub[m++] = dequote(&l[i]);
		if (m > 0)
			c->removed |= QUOTE_REMOVED_QUOTED_LINES;
	}
	if (m > 0)
		strip_lines(c, sub, m, depth + 1, out);
	g_free(sub);
}

/*
 * Splits the NUL-terminated buf of len bytes into lines, stripping "\r" and
 * trailing blanks; returns them (g_free) and their number in *n.
 */
static struct line *
split_lines(const char *buf, size_t len, size_t *n)
{
	const char *p = buf, *end = buf + len;
	struct line *l;
	size_t count = 1, i = 0;

	for (p = buf; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		count++;
	l = g_new(struct line, count);
	for (p = buf; i < count; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;

		l[i].s = p;
		while (eol > p && (eol[-1] == '\r' || eol[-1] == ' ' ||
		    eol[-1] == '\t' || eol[-1] == '\f' || eol[-1] == '\v'))
			eol--;
		l[i].len = (size_t)(eol - p);
		p = nl != NULL ? nl + 1 : end;
	}
	*n = count;
	return l;
}

char *
quote_strip(const char *text, size_t len, unsigned *removed)
{
	struct strip_ctx c;
	struct line *lines;
	GString *out;
	char *buf;
	size_t n;

	if (removed != NULL)
		*removed = 0;
	if (text == NULL || len == 0 || len > G_MAXSSIZE)
		return g_strdup("");

	/* Invalid bytes and NULs become U+FFFD: a C string PCRE2 can trust. */
	if (g_utf8_validate(text, (gssize)len, NULL)) {
		buf = g_strndup(text, len);
	} else {
		buf = g_utf8_make_valid(text, (gssize)len);
		len = strlen(buf);
	}
	lines = split_lines(buf, len, &n);

	c.re = patterns();
	c.md = pcre2_match_data_create(1, NULL);
	if (c.md == NULL)
		g_error("quote: out of memory");
	c.joined = g_string_sized_new(QUOTE_MARKER_MAX + 1);
	c.removed = 0;

	out = g_string_new(NULL);
	strip_lines(&c, lines, n, 0, out);

	g_string_free(c.joined, TRUE);
	pcre2_match_data_free(c.md);
	g_free(lines);
	g_free(buf);
	if (removed != NULL)
		*removed = c.removed;
	return g_string_free(out, FALSE);
}
