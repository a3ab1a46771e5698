/*
 * prefilter.c - a Hyperscan prefilter in front of the body rules.
 *
 * Body rules are big caseless alternations, and running each of them with
 * PCRE2 over every message is most of the cost of classifying. Hyperscan
 * runs all of a language's patterns in one pass, so it goes first: a rule
 * it does not report cannot match and is skipped; one it reports is
 * confirmed by PCRE2, the matcher of record (prefilter.h).
 *
 * Exactness rests on two things. Hyperscan's prefilter mode promises a
 * superset of the pattern it was given. And the pattern it is given,
 * scanned over the folded text (below), matches wherever PCRE2 matches the
 * rule's pattern over the text: the rewrite drops assertions and relaxes
 * repeats, which only widens a match, and turns every character, escape
 * and class into the folded class of exactly the code points PCRE2 itself
 * matches with it, found by asking PCRE2 ("probing"). So Hyperscan needs
 * neither Unicode properties (HS_FLAG_UCP makes its compile take minutes)
 * nor case folding of its own (without UCP it misses some: U+1C80, an old
 * form of Cyrillic "в", which PCRE2 matches caselessly).
 *
 * The databases are compiled in a thread, one language after another, and
 * published as they come; classify() uses what is published.
 */
#include "config.h"

#include "prefilter.h"
#include "ruleset_int.h"
#include "jit.h"

#include <limits.h>
#include <string.h>

#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

G_DEFINE_QUARK(triage-prefilter-error-quark, prefilter_error)

#define UNICODE_MAX 0x10FFFF
#define SURROGATE_FIRST 0xD800
#define SURROGATE_LAST 0xDFFF

/* --- folding: what Hyperscan sees ------------------------------------------- */

/*
 * Hyperscan scans the text folded, one code point at a time: in the Basic
 * Multilingual Plane each becomes the lower case of its upper case ("K",
 * "k" and KELVIN SIGN all become "k"), a non-ASCII white space (of PCRE2's
 * \s) a space and a non-ASCII decimal digit its ASCII digit; beyond the BMP
 * (emoji, mostly) each becomes U+10000. The rewrite folds its classes with
 * the same table. Any function would keep the prefilter exact, so long as
 * text and patterns go through the same one: if PCRE2 matches character c
 * with an atom, c is in the atom's set, so fold(c) is in the folded set.
 * This one makes a caseless letter one character, and \s and \d small
 * ASCII classes, so a caseless phrase is a plain literal for Hyperscan:
 * the compile is several times faster, and so is the scan.
 */
#define FOLD_SIZE 0x10000

static bool
is_surrogate(gunichar c)
{
	return c >= SURROGATE_FIRST && c <= SURROGATE_LAST;
}

/*
 * Returns the fold table: case first; spaces and digits are the probe's
 * business (it knows PCRE2's \s and \d).
 */
static guint16 *
fold_table_new(void)
{
	guint16 *fold = g_new(guint16, FOLD_SIZE);

	for (gunichar c = 0; c < FOLD_SIZE; c++) {
		gunichar f = g_unichar_tolower(g_unichar_toupper(c));

		/*
		 * ASCII stays ASCII and the BMP the BMP, so a folded text is at
		 * most 3/2 as long as the text (two bytes become three).
		 */
		if ((c < 0x80 && f >= 0x80) || f >= FOLD_SIZE || is_surrogate(f) || is_surrogate(c))
			f = c;
		fold[c] = (guint16)f;
	}
	return fold;
}

static gunichar
fold_char(const guint16 *fold, gunichar c)
{
	return c < FOLD_SIZE ? fold[c] : FOLD_SIZE;
}

/* --- probing PCRE2 for the code points of an atom -------------------------- */

struct range {
	gunichar lo, hi;
};

struct prefilter_probe {
	GString *subject;	/* every code point but the surrogates, ascending, UTF-8 */
	GHashTable *atoms;	/* "OPTIONS:ATOM" -> its folded set as Hyperscan text */
	pcre2_match_data *match;
	guint16 *fold;
	guint8 *image;		/* per BMP code point: some folded text may hold it */
	guint8 *members;	/* per folded code point: in the set being folded; zero between uses */
};

static GArray *probe_ranges(struct prefilter_probe *probe, const char *atom, size_t len,
    uint32_t options, GError **error);

/*
 * Folds the non-ASCII BMP members of PCRE2's class (with UTF and UCP) to
 * ASCII: to base, or for digits to base plus their value. ASCII stays: a
 * line break in a pattern keeps its meaning.
 */
static void
fold_class(struct prefilter_probe *probe, const char *class, char base)
{
	GArray *set = probe_ranges(probe, class, strlen(class), PCRE2_UTF | PCRE2_UCP, NULL);

	for (guint i = 0; set != NULL && i < set->len; i++) {
		const struct range *r = &g_array_index(set, struct range, i);

		for (gunichar c = MAX(r->lo, 0x80); c <= r->hi && c < FOLD_SIZE; c++) {
			int digit = g_unichar_digit_value(c);

			probe->fold[c] = (guint16)(base == '0' && digit >= 0 ? '0' + digit : base);
		}
	}
	if (set != NULL)
		g_array_unref(set);
}

struct prefilter_probe *
prefilter_probe_new(void)
{
	struct prefilter_probe *probe = g_new0(struct prefilter_probe, 1);

	probe->subject = g_string_sized_new(4400000);
	for (gunichar c = 0; c <= UNICODE_MAX; c++)
		if (!is_surrogate(c))
			g_string_append_unichar(probe->subject, c);
	probe->atoms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	probe->match = pcre2_match_data_create(1, NULL);
	probe->fold = fold_table_new();
	fold_class(probe, "\\s", ' ');
	fold_class(probe, "\\d", '0');
	probe->image = g_new0(guint8, FOLD_SIZE);
	for (gunichar c = 0; c < FOLD_SIZE; c++)
		probe->image[probe->fold[c]] = 1;
	probe->members = g_new0(guint8, FOLD_SIZE + 1);	/* what fold_char() returns */
	return probe;
}

void
prefilter_probe_free(struct prefilter_probe *probe)
{
	if (probe == NULL)
		return;
	g_string_free(probe->subject, TRUE);
	g_hash_table_unref(probe->atoms);
	pcre2_match_data_free(probe->match);
	g_free(probe->fold);
	g_free(probe->image);
	g_free(probe->members);
	g_free(probe);
}

/* Appends c for Hyperscan: letters and digits as they are, all else escaped. */
static void
emit_code_point(GString *out, gunichar c)
{
	if (c < 0x80 && g_ascii_isalnum((char)c))
		g_string_append_c(out, (char)c);
	else
		g_string_append_printf(out, "\\x{%X}", (unsigned)c);
}

/* Appends the range lo-hi of a class, stepping over the surrogates. */
static void
emit_range(GString *out, gunichar lo, gunichar hi)
{
	if (lo < SURROGATE_FIRST && hi > SURROGATE_LAST) {
		emit_range(out, lo, SURROGATE_FIRST - 1);
		emit_range(out, SURROGATE_LAST + 1, hi);
		return;
	}
	emit_code_point(out, lo);
	if (hi > lo + 1)
		g_string_append_c(out, '-');
	if (hi > lo)
		emit_code_point(out, hi);
}

/* True when no folded text holds c: a class may take it in or leave it out. */
static bool
dont_care(const struct prefilter_probe *probe, gunichar c)
{
	return is_surrogate(c) || (c < FOLD_SIZE ? !probe->image[c] : c > FOLD_SIZE);
}

/*
 * Returns the folded set (ranges of code points) as Hyperscan text, newly
 * allocated: one code point or a class; NULL when the set is empty.
 * Code points that no folded text holds (upper-case letters, mostly) join
 * two ranges into one where they fill the gap between them.
 */
static char *
fold_set(struct prefilter_probe *probe, const GArray *set)
{
	gunichar lo = UNICODE_MAX, hi = 0, c, d;
	GString *out;

	for (guint i = 0; i < set->len; i++) {
		const struct range *r = &g_array_index(set, struct range, i);

		for (c = r->lo; c <= r->hi; c++) {
			gunichar f = fold_char(probe->fold, c);

			probe->members[f] = 1;
			lo = MIN(lo, f);
			hi = MAX(hi, f);
			if (c >= FOLD_SIZE)
				break;	/* the rest fold to the same */
		}
	}
	if (lo > hi)
		return NULL;
	out = g_string_new(NULL);
	if (lo == hi) {
		emit_code_point(out, lo);
	} else {
		g_string_append_c(out, '[');
		for (c = lo; c <= hi; ) {
			gunichar last = c;

			for (d = c + 1; d <= hi; d++) {
				if (probe->members[d])
					last = d;
				else if (!dont_care(probe, d))
					break;
			}
			emit_range(out, c, last);
			for (c = d; c <= hi && !probe->members[c]; c++)
				;
		}
		g_string_append_c(out, ']');
	}
	memset(probe->members + lo, 0, hi - lo + 1);
	return g_string_free(out, FALSE);
}

/*
 * Returns the code points atom (one character, escape or class, in PCRE2
 * syntax, len bytes) matches when compiled with options, as ascending
 * ranges, newly allocated; NULL with *error when PCRE2 cannot tell. "ATOM+"
 * run over the subject finds maximal runs, and as the subject holds the
 * code points in order, each run is a range.
 */
static GArray *
probe_ranges(struct prefilter_probe *probe, const char *atom, size_t len, uint32_t options,
    GError **error)
{
	const char *subject = probe->subject->str;
	char *pattern = g_strdup_printf("%.*s+", (int)len, atom);
	PCRE2_SIZE offset = 0, *ovector;
	pcre2_code *code;
	GArray *set;
	int rc;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &rc, &offset,
	    NULL);
	if (code == NULL) {
		g_set_error(error, PREFILTER_ERROR, 1, "PCRE2 refuses the atom %s", pattern);
		g_free(pattern);
		return NULL;
	}
	jit_compile(code);
	set = g_array_new(FALSE, FALSE, sizeof(struct range));
	offset = 0;
	while ((rc = pcre2_match(code, (PCRE2_SPTR)subject, probe->subject->len, offset,
	    PCRE2_NO_UTF_CHECK, probe->match, NULL)) > 0) {
		struct range r;

		ovector = pcre2_get_ovector_pointer(probe->match);
		r.lo = g_utf8_get_char(subject + ovector[0]);
		r.hi = g_utf8_get_char(g_utf8_prev_char(subject + ovector[1]));
		g_array_append_val(set, r);
		offset = ovector[1];
	}
	pcre2_code_free(code);
	if (rc != PCRE2_ERROR_NOMATCH) {
		/* A match limit, say: an incomplete set would not be a superset. */
		g_set_error(error, PREFILTER_ERROR, 1, "probing %s failed (%d)", pattern, rc);
		g_array_unref(set);
		set = NULL;
	}
	g_free(pattern);
	return set;
}

/*
 * Returns the code points atom matches with options, folded, as Hyperscan
 * text owned by the probe: one code point or a class; "" when it matches
 * nothing; NULL with *error when PCRE2 cannot tell.
 */
static const char *
probe_atom(struct prefilter_probe *probe, const char *atom, size_t len, uint32_t options,
    GError **error)
{
	char *key = g_strdup_printf("%x:%.*s", (unsigned)options, (int)len, atom);
	char *text = g_hash_table_lookup(probe->atoms, key);
	GArray *set;

	if (text != NULL) {
		g_free(key);
		return text;
	}
	if ((set = probe_ranges(probe, atom, len, options, error)) == NULL) {
		g_free(key);
		return NULL;
	}
	text = fold_set(probe, set);
	g_array_unref(set);
	if (text == NULL)
		text = g_strdup("");
	g_hash_table_insert(probe->atoms, key, text);
	return text;
}

/* --- the rewrite ------------------------------------------------------------ */

/* An open group, for the rewrite. */
struct group {
	bool caseless;		/* in force outside it, again after it */
	bool at_start;		/* each of its alternatives starts the match */
};

struct rewriter {
	struct prefilter_probe *probe;
	/*
	 * PCRE2_UTF and PCRE2_UCP as the rule has them: of the options
	 * compile_pattern() sets, the ones besides caseless that change what
	 * an atom matches.
	 */
	uint32_t options;
	const char *start, *p, *end;
	bool caseless;		/* in force at p */
	bool at_start;		/* nothing before p can have consumed a character */
	GArray *groups;		/* of struct group */
	GString *out;
	GError **error;
};

static bool
refuse(struct rewriter *rw, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Sets *error to "what at offset N" and returns false. */
static bool
refuse(struct rewriter *rw, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(rw->error, PREFILTER_ERROR, 1, "%s at offset %td", msg, rw->p - rw->start);
	g_free(msg);
	return false;
}

/* Returns where "\E" ends a \Q quote that starts at p, or end. */
static const char *
quote_end(const char *p, const char *end)
{
	for (; p + 1 < end; p++)
		if (p[0] == '\\' && p[1] == 'E')
			return p + 2;
	return end;
}

/*
 * Returns the end of the POSIX class "[:name:]" at p, or NULL when p does
 * not start one; the same test as PCRE2's check_posix_syntax().
 */
static const char *
posix_end(const char *p, const char *end)
{
	char terminator;

	if (p + 1 >= end || (p[1] != ':' && p[1] != '.' && p[1] != '='))
		return NULL;
	terminator = p[1];
	for (p += 2; p + 1 < end; p++) {
		if (p[0] == '\\' && (p[1] == ']' || p[1] == '\\'))
			p++;
		else if ((p[0] == '[' && p[1] == terminator) || p[0] == ']')
			return NULL;
		else if (p[0] == terminator && p[1] == ']')
			return p + 2;
	}
	return NULL;
}

/* Returns the end of the class "[...]" at p, or NULL when it has none. */
static const char *
class_end(const char *p, const char *end)
{
	const char *posix;

	p++;
	if (p < end && *p == '^')
		p++;
	if (p < end && *p == ']')
		p++;		/* a ] first is a member */
	while (p < end) {
		if (*p == ']')
			return p + 1;
		if (*p == '[' && (posix = posix_end(p, end)) != NULL)
			p = posix;
		else if (*p == '\\' && p + 1 < end && p[1] == 'Q')
			p = quote_end(p + 2, end);
		else if (*p == '\\')
			p += 2;	/* the escaped byte; a UTF-8 tail is never ] */
		else
			p++;
	}
	return NULL;
}

/*
 * Returns the length of the quantifier at p (*, +, ?, {n}, {n,}, {n,m}),
 * without a lazy or possessive suffix; 0 when there is none, and -1 for a
 * brace that PCRE2 versions read differently ({,n}, "{1, 2}").
 */
static int
quantifier_length(const char *p, const char *end)
{
	const char *q = p + 1;
	bool digits = false;

	if (p >= end)
		return 0;
	if (*p == '*' || *p == '+' || *p == '?')
		return 1;
	if (*p != '{')
		return 0;
	while (q < end && g_ascii_isdigit(*q))
		q++, digits = true;
	if (digits && q < end && *q == '}')
		return (int)(q + 1 - p);
	if (digits && q < end && *q == ',') {
		for (q++; q < end && g_ascii_isdigit(*q); q++)
			;
		if (q < end && *q == '}')
			return (int)(q + 1 - p);
	}
	/* Only a brace of digits, commas and blanks is read both ways. */
	for (q = p + 1; q < end && (g_ascii_isdigit(*q) || *q == ',' || *q == ' '); q++)
		;
	return q < end && *q == '}' && q > p + 1 ? -1 : 0;
}

/* Skips a quantifier at rw->p, with its suffix: it applied to a dropped assertion. */
static void
skip_quantifier(struct rewriter *rw)
{
	int n = quantifier_length(rw->p, rw->end);

	if (n <= 0)
		return;
	rw->p += n;
	if (rw->p < rw->end && (*rw->p == '?' || *rw->p == '+'))
		rw->p++;
}

/* Emits the code points of atom, as PCRE2 matches them where it stands, folded. */
static bool
rewrite_atom(struct rewriter *rw, const char *atom, size_t len)
{
	GError *error = NULL;
	const char *text = probe_atom(rw->probe, atom, len,
	    rw->options | (rw->caseless ? PCRE2_CASELESS : 0), &error);

	if (text == NULL) {
		bool ok = refuse(rw, "%s", error->message);

		g_error_free(error);
		return ok;
	}
	if (*text == '\0')
		return refuse(rw, "%.*s matches no character", (int)len, atom);
	g_string_append(rw->out, text);
	rw->at_start = false;
	return true;
}

/* Emits the literal character at p (UTF-8) and returns its length. */
static size_t
rewrite_literal(struct rewriter *rw, const char *p, bool *ok)
{
	size_t len = (size_t)(g_utf8_next_char(p) - p);
	char escaped[2] = { '\\', *p };

	/* Punctuation goes to the probe escaped, so it cannot mean anything else. */
	if (len == 1 && !g_ascii_isalnum(*p))
		*ok = rewrite_atom(rw, escaped, 2);
	else
		*ok = rewrite_atom(rw, p, len);
	return len;
}

static bool
rewrite_escape(struct rewriter *rw)
{
	const char *p = rw->p, *end = rw->end, *q = p + 2;
	bool ok = true;

	if (p + 1 >= end)
		return refuse(rw, "a \\ ends the pattern");
	switch (p[1]) {
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		/* Assertions only narrow a match; \K only moves its start. */
		rw->p = q;
		skip_quantifier(rw);
		return true;
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
	case 'h': case 'H': case 'v': case 'V':
	case 'a': case 'e': case 'f': case 'n': case 'r': case 't':
		break;
	case 'p': case 'P':
		if (q < end && *q == '{') {
			if ((q = memchr(q, '}', (size_t)(end - q))) == NULL)
				return refuse(rw, "unterminated \\p{");
			q++;
		} else if (q < end) {
			q++;
		}
		break;
	case 'x': case 'o':
		if (q < end && *q == '{') {
			if ((q = memchr(q, '}', (size_t)(end - q))) == NULL)
				return refuse(rw, "unterminated \\%c{", p[1]);
			q++;
		} else if (p[1] == 'x') {
			while (q < end && q < p + 4 && g_ascii_isxdigit(*q))
				q++;
		} else {
			return refuse(rw, "\\o without {");
		}
		break;
	case '0':
		while (q < end && q < p + 4 && *q >= '0' && *q <= '7')
			q++;
		break;
	case 'c':
		if (q >= end)
			return refuse(rw, "\\c ends the pattern");
		q++;
		break;
	case 'N':
		if (q < end && *q == '{')
			return refuse(rw, "\\N{...}");
		/* Any character but a newline: within "." under HS_FLAG_DOTALL. */
		g_string_append_c(rw->out, '.');
		rw->at_start = false;
		rw->p = q;
		return true;
	case 'R':
		/* Any newline sequence. */
		g_string_append(rw->out, "(?:\\x{D}\\x{A}|");
		if (!rewrite_atom(rw, "\\v", 2))
			return false;
		g_string_append_c(rw->out, ')');
		rw->p = q;
		return true;
	case 'Q': {
		/* Literal up to \E, or to the end without one. */
		const char *stop = q;

		while (stop < end && !(stop[0] == '\\' && stop + 1 < end && stop[1] == 'E'))
			stop++;
		rw->p = stop < end ? stop + 2 : end;
		while (ok && q < stop)
			q += rewrite_literal(rw, q, &ok);
		return ok;
	}
	case 'E':
		rw->p = q;
		return true;
	default:
		if (g_ascii_isalnum(p[1]))
			return refuse(rw, "\\%c (back reference or unsupported escape)", p[1]);
		/* An escaped non-alphanumeric character is itself. */
		q = g_utf8_next_char(p + 1);
		break;
	}
	rw->p = q;
	return rewrite_atom(rw, p, (size_t)(q - p));
}

/* Returns the end of the group "(...)" at p, or NULL when it has none. */
static const char *
group_end(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		if (*p == '\\' && p + 1 < end && p[1] == 'Q') {
			p = quote_end(p + 2, end);
			continue;
		}
		if (*p == '\\') {
			p += 2;
			continue;
		}
		if (*p == '[') {
			if ((p = class_end(p, end)) == NULL)
				return NULL;
			continue;
		}
		if (*p == '(' && p + 2 < end && p[1] == '?' && p[2] == '#') {
			if ((p = memchr(p, ')', (size_t)(end - p))) == NULL)
				return NULL;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p + 1;
		}
		p++;
	}
	return NULL;
}

/*
 * Skips the group at rw->p, with any quantifier: a lookaround, which only
 * narrows a match.
 */
static bool
skip_group(struct rewriter *rw)
{
	const char *close = group_end(rw->p, rw->end);

	if (close == NULL)
		return refuse(rw, "unterminated group");
	rw->p = close;
	skip_quantifier(rw);
	return true;
}

/* Skips a group name ending with terminator, then opens the group. */
static bool
skip_name(struct rewriter *rw, const char *name, char terminator)
{
	const char *close = memchr(name, terminator, (size_t)(rw->end - name));

	if (close == NULL)
		return refuse(rw, "unterminated group name");
	rw->p = close + 1;
	return true;
}

/*
 * Rewrites the opening of a group at rw->p. Every group becomes a plain
 * (?:...), captures and atomic ones too (atomic grouping can only make a
 * match fail); lookarounds are dropped; option settings change only the
 * caseless state the probes use.
 */
static bool
rewrite_group(struct rewriter *rw)
{
	const char *p = rw->p, *end = rw->end, *q = p + 2;
	bool outer = rw->caseless, inner = rw->caseless, on = true;

	if (p + 1 < end && p[1] == '*')
		return refuse(rw, "(*...)");
	if (p + 1 >= end || p[1] != '?') {
		rw->p = p + 1;
		goto open;
	}
	if (q >= end)
		return refuse(rw, "unterminated group");
	switch (*q) {
	case '#':
		if ((q = memchr(q, ')', (size_t)(end - q))) == NULL)
			return refuse(rw, "unterminated comment");
		rw->p = q + 1;
		return true;
	case '=': case '!':
		return skip_group(rw);
	case '<':
		/*
		 * Where nothing can have been consumed yet, what a lookbehind
		 * wants before the match can as well be matched: "(?<=\n)Har"
		 * becomes "\nHar", as selective and still a superset.
		 */
		if (q + 1 < end && q[1] == '=' && rw->at_start) {
			rw->p = q + 2;
			goto open;
		}
		if (q + 1 < end && (q[1] == '=' || q[1] == '!'))
			return skip_group(rw);
		if (!skip_name(rw, q + 1, '>'))
			return false;
		goto open;
	case '\'':
		if (!skip_name(rw, q + 1, '\''))
			return false;
		goto open;
	case 'P':
		if (q + 1 >= end || q[1] != '<')
			return refuse(rw, "(?P= or (?P> (back reference or recursion)");
		if (!skip_name(rw, q + 2, '>'))
			return false;
		goto open;
	case ':': case '>': case '|':
		rw->p = q + 1;
		goto open;
	default:
		break;
	}
	/* (?flags) or (?flags:...) */
	for (; q < end && *q != ')' && *q != ':'; q++) {
		switch (*q) {
		case '-': on = false; break;
		case '^': inner = false; break;
		case 'i': inner = on; break;
		case 'x': return refuse(rw, "the x option");
		case 'm': case 's': case 'n': case 'U': case 'J': break;
		default:
			return refuse(rw, "group (?%c (recursion, condition or callout)", *q);
		}
	}
	if (q >= end)
		return refuse(rw, "unterminated group");
	rw->p = q + 1;
	if (*q == ')') {
		/* Until the end of the enclosing group. */
		rw->caseless = inner;
		return true;
	}
open:
	{
		const char *close = group_end(p, end);
		struct group group = { outer, rw->at_start };

		/*
		 * A repeated group starts the match only in its first round:
		 * in "(?:(?<=q)b|q){2}" the second round's q comes before.
		 */
		if (close == NULL || quantifier_length(close, end) != 0)
			rw->at_start = false;
		group.at_start = rw->at_start;
		g_array_append_val(rw->groups, group);
	}
	rw->caseless = inner;
	g_string_append(rw->out, "(?:");
	return true;
}

static bool
rewrite_sequence(struct rewriter *rw)
{
	while (rw->p < rw->end) {
		const char *p = rw->p, *class;
		bool ok = true;
		int n;

		switch (*p) {
		case '\\':
			ok = rewrite_escape(rw);
			break;
		case '[':
			if ((class = class_end(p, rw->end)) == NULL)
				return refuse(rw, "unterminated class");
			ok = rewrite_atom(rw, p, (size_t)(class - p));
			rw->p = class;
			break;
		case '(':
			ok = rewrite_group(rw);
			break;
		case ')':
			if (rw->groups->len == 0)
				return refuse(rw, "unbalanced )");
			rw->caseless = g_array_index(rw->groups, struct group,
			    rw->groups->len - 1).caseless;
			g_array_set_size(rw->groups, rw->groups->len - 1);
			g_string_append_c(rw->out, ')');
			rw->at_start = false;
			rw->p++;
			break;
		case '|':
			g_string_append_c(rw->out, '|');
			rw->at_start = rw->groups->len == 0 ||
			    g_array_index(rw->groups, struct group, rw->groups->len - 1).at_start;
			rw->p++;
			break;
		case '^': case '$':
			rw->p++;
			skip_quantifier(rw);
			break;
		case '.':
			g_string_append_c(rw->out, '.');
			rw->at_start = false;
			rw->p++;
			break;
		case '*': case '+': case '?': case '{':
			if ((n = quantifier_length(p, rw->end)) < 0)
				return refuse(rw, "a brace PCRE2 versions read differently");
			if (n > 0) {
				/*
				 * Lazy or possessive, a repeat can only match less;
				 * and {n,m} can only match less than {n,}, which makes
				 * a far smaller automaton when it repeats a group.
				 */
				const char *comma = memchr(p, ',', (size_t)n);

				g_string_append_len(rw->out, p, comma != NULL ? comma + 1 - p : n);
				if (comma != NULL)
					g_string_append_c(rw->out, '}');
				rw->at_start = false;
				rw->p += n;
				if (rw->p < rw->end && (*rw->p == '?' || *rw->p == '+'))
					rw->p++;
				break;
			}
			if (*p != '{')
				return refuse(rw, "quantifier out of place");
			/* A brace that starts no quantifier is itself. */
			rw->p += rewrite_literal(rw, p, &ok);
			break;
		default:
			rw->p += rewrite_literal(rw, p, &ok);
			break;
		}
		if (!ok)
			return false;
	}
	if (rw->groups->len > 0)
		return refuse(rw, "unterminated group");
	return true;
}

/* True when "(?" sets the x option anywhere: its comments would fool the scan. */
static bool
sets_extended(const char *pattern)
{
	for (const char *p = strstr(pattern, "(?"); p != NULL; p = strstr(p + 2, "(?"))
		for (const char *q = p + 2; g_ascii_isalpha(*q) || *q == '-' || *q == '^'; q++)
			if (*q == 'x')
				return true;
	return false;
}

char *
prefilter_rewrite(struct prefilter_probe *probe, const char *pattern, uint32_t options,
    GError **error)
{
	struct rewriter rw = {
		.probe = probe, .options = options & (PCRE2_UTF | PCRE2_UCP),
		.start = pattern, .p = pattern, .end = pattern + strlen(pattern),
		.caseless = (options & PCRE2_CASELESS) != 0, .at_start = true,
		.groups = g_array_new(FALSE, FALSE, sizeof(struct group)),
		.out = g_string_new(NULL), .error = error,
	};
	bool ok;

	if ((options & PCRE2_UTF) == 0)
		ok = refuse(&rw, "not a UTF pattern");
	else if ((options & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL)) != 0 ||
	    sets_extended(pattern))
		ok = refuse(&rw, "the x option");
	else
		ok = rewrite_sequence(&rw);
	g_array_unref(rw.groups);
	return g_string_free(rw.out, !ok);
}

#ifdef HAVE_HYPERSCAN

/* --- the databases ------------------------------------------------------------ */

/*
 * Compile flags: no HS_FLAG_CASELESS and no HS_FLAG_UCP, the rewrite has
 * done both; DOTALL because "." may then match more, never less.
 */
#define PREFILTER_HS_FLAGS (HS_FLAG_UTF8 | HS_FLAG_DOTALL | HS_FLAG_PREFILTER | \
	HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY)

/*
 * One database: the body rules of the languages that have the same ones,
 * or (languages NULL) the rules for every language, for those that have
 * no database of their own.
 */
struct prefilter_db {
	char **languages;	/* NULL-terminated, or NULL */
	hs_database_t *db;
	guint *rules;		/* index into the set's rules, by Hyperscan id */
	guint count;
	guint refused;		/* of these languages' body rules, left to PCRE2 alone */
	double seconds;		/* to compile */
};

/* What prefilter_scan() reads: immutable once published. */
struct prefilter_snapshot {
	guint64 generation;	/* unique in the process, never reused */
	GPtrArray *dbs;		/* of struct prefilter_db *, borrowed */
	hs_scratch_t *prototype;	/* scratch fit for every database of dbs */
	const guint16 *fold;	/* the rewrite's fold table, borrowed */
};

struct prefilter {
	struct prefilter_snapshot *current;	/* atomic; NULL until the first */
	/* Written by the compile thread only, freed with the prefilter. */
	GPtrArray *snapshots;	/* every one published: readers may hold any */
	GPtrArray *dbs;
	guint16 *fold;		/* a copy of the probe's, set before the first snapshot */
	/* The compile's end, for ruleset_prefilter_wait() and _describe(). */
	GMutex lock;
	GCond cond;
	bool done;
	GString *report;
};

/* One scratch space per thread, cloned from the prototype of a snapshot. */
struct thread_scratch {
	hs_scratch_t *scratch;
	guint64 generation;	/* of that snapshot; 0 for none */
};

static void
thread_scratch_free(gpointer data)
{
	struct thread_scratch *ts = data;

	if (ts->scratch != NULL)
		hs_free_scratch(ts->scratch);
	g_free(ts);
}

static GPrivate scratch_key = G_PRIVATE_INIT(thread_scratch_free);

/*
 * Snapshot generations. A scratch is kept per thread across rule sets, and
 * a database address may be reused after a reload frees the old one, so a
 * thread recognises "its" snapshot by a number that is never reused.
 */
G_LOCK_DEFINE_STATIC(generation);
static guint64 generation_last;

static guint64
generation_next(void)
{
	guint64 g;

	G_LOCK(generation);
	g = ++generation_last;
	G_UNLOCK(generation);
	return g;
}

bool
prefilter_available(void)
{
	return true;
}

static void
db_free(gpointer data)
{
	struct prefilter_db *db = data;

	g_strfreev(db->languages);
	if (db->db != NULL)
		hs_free_database(db->db);
	g_free(db->rules);
	g_free(db);
}

static void
snapshot_free(gpointer data)
{
	struct prefilter_snapshot *snap = data;

	g_ptr_array_unref(snap->dbs);
	hs_free_scratch(snap->prototype);
	g_free(snap);
}

static struct prefilter *
prefilter_new(void)
{
	struct prefilter *pf = g_new0(struct prefilter, 1);

	pf->snapshots = g_ptr_array_new_with_free_func(snapshot_free);
	pf->dbs = g_ptr_array_new_with_free_func(db_free);
	g_mutex_init(&pf->lock);
	g_cond_init(&pf->cond);
	pf->report = g_string_new(NULL);
	return pf;
}

void
prefilter_free(struct prefilter *pf)
{
	if (pf == NULL)
		return;
	g_ptr_array_unref(pf->snapshots);
	g_ptr_array_unref(pf->dbs);
	g_free(pf->fold);
	g_mutex_clear(&pf->lock);
	g_cond_clear(&pf->cond);
	g_string_free(pf->report, TRUE);
	g_free(pf);
}

/* Appends to the report, under the lock: _describe() may read it meanwhile. */
static void
report(struct prefilter *pf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
report(struct prefilter *pf, const char *fmt, ...)
{
	va_list ap;

	g_mutex_lock(&pf->lock);
	if (pf->report->len > 0)
		g_string_append(pf->report, ", ");
	va_start(ap, fmt);
	g_string_append_vprintf(pf->report, fmt, ap);
	va_end(ap);
	g_mutex_unlock(&pf->lock);
}

/* Makes db visible to prefilter_scan(), with the databases before it. */
static bool
publish(struct prefilter *pf, struct prefilter_db *db)
{
	const struct prefilter_snapshot *prev = g_atomic_pointer_get(&pf->current);
	struct prefilter_snapshot *snap = g_new0(struct prefilter_snapshot, 1);

	snap->dbs = g_ptr_array_new();
	for (guint i = 0; prev != NULL && i < prev->dbs->len; i++)
		g_ptr_array_add(snap->dbs, g_ptr_array_index(prev->dbs, i));
	g_ptr_array_add(snap->dbs, db);
	/* Readers clone the previous prototype meanwhile: grow a copy of it. */
	if ((prev != NULL && hs_clone_scratch(prev->prototype, &snap->prototype) != HS_SUCCESS) ||
	    hs_alloc_scratch(db->db, &snap->prototype) != HS_SUCCESS) {
		if (snap->prototype != NULL)
			hs_free_scratch(snap->prototype);
		g_ptr_array_unref(snap->dbs);
		g_free(snap);
		return false;
	}
	snap->generation = generation_next();
	snap->fold = pf->fold;
	g_ptr_array_add(pf->snapshots, snap);
	g_atomic_pointer_set(&pf->current, snap);
	return true;
}

/* The compile thread's state. */
struct compile {
	struct ruleset *set;		/* the thread's reference */
	struct prefilter *pf;
	struct prefilter_probe *probe;
	char **rewritten;		/* per rule, on first need; NULL when refused */
	bool *tried;
};

/* Returns rule index's pattern rewritten for Hyperscan, or NULL. */
static const char *
rewritten(struct compile *cc, guint index)
{
	const struct rule *rule = g_ptr_array_index(cc->set->rules, index);
	GError *error = NULL;

	if (cc->tried[index])
		return cc->rewritten[index];
	cc->tried[index] = true;
	cc->rewritten[index] = prefilter_rewrite(cc->probe, rule->source, rule->options, &error);
	if (cc->rewritten[index] == NULL) {
		report(cc->pf, "%s on PCRE2 alone (%s)", rule->name, error->message);
		g_error_free(error);
	}
	return cc->rewritten[index];
}

/*
 * Compiles the body rules listed in rules (indexes) into db. A pattern
 * Hyperscan refuses is left out, to PCRE2 alone; returns false when none is
 * left.
 */
static bool
db_compile(struct compile *cc, struct prefilter_db *db, const GArray *rules)
{
	const char **texts = g_new0(const char *, rules->len);
	unsigned *flags = g_new0(unsigned, rules->len), *ids = g_new0(unsigned, rules->len);
	gint64 start = g_get_monotonic_time();
	hs_compile_error_t *error = NULL;
	guint n = 0;

	db->rules = g_new0(guint, rules->len);
	for (guint i = 0; i < rules->len; i++) {
		guint index = g_array_index(rules, guint, i);
		const char *text = rewritten(cc, index);

		if (text == NULL) {
			db->refused++;
			continue;
		}
		texts[n] = text;
		db->rules[n] = index;
		flags[n] = PREFILTER_HS_FLAGS;
		ids[n] = n;
		n++;
	}
	while (n > 0 && hs_compile_multi(texts, flags, ids, n, HS_MODE_BLOCK, NULL, &db->db,
	    &error) != HS_SUCCESS) {
		int bad = error->expression;

		if (bad < 0 || (guint)bad >= n) {
			report(cc->pf, "%s: Hyperscan refuses the database (%s)",
			    db->languages != NULL ? db->languages[0] : "other", error->message);
			n = 0;
		} else {
			const struct rule *rule = g_ptr_array_index(cc->set->rules, db->rules[bad]);

			report(cc->pf, "%s on PCRE2 alone (Hyperscan: %s)", rule->name, error->message);
			db->refused++;
			n--;
			memmove(texts + bad, texts + bad + 1, (n - (guint)bad) * sizeof(*texts));
			memmove(db->rules + bad, db->rules + bad + 1, (n - (guint)bad) * sizeof(guint));
			for (guint i = 0; i < n; i++)
				ids[i] = i;
		}
		hs_free_compile_error(error);
		error = NULL;
	}
	db->count = n;
	db->seconds = (double)(g_get_monotonic_time() - start) / 1e6;
	g_free(texts);
	g_free(flags);
	g_free(ids);
	return n > 0;
}

/* A group of languages with the same body rules, and those rules. */
struct scope {
	GPtrArray *languages;	/* of char *, borrowed from the rules */
	GArray *rules;		/* of guint */
};

static void
scope_free(gpointer data)
{
	struct scope *s = data;

	if (s->languages != NULL)
		g_ptr_array_unref(s->languages);
	g_array_unref(s->rules);
	g_free(s);
}

/*
 * Groups the languages named by body rules (in order of appearance) by the
 * body rules that apply to them; rules without a scope apply to all, and
 * make one more group of their own (languages NULL) for the languages that
 * no rule names. "und" runs every rule: prefilter_scan() runs every
 * database for it.
 */
static GPtrArray *
scopes_collect(const struct ruleset *set)
{
	GPtrArray *scopes = g_ptr_array_new_with_free_func(scope_free);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < set->rules->len; i++) {
		const struct rule *rule = g_ptr_array_index(set->rules, i);

		for (char **l = rule->languages; rule->kind == RULE_BODY && l != NULL && *l != NULL;
		    l++) {
			GArray *rules;
			struct scope *scope = NULL;

			if (strcmp(*l, "und") == 0 || g_hash_table_contains(seen, *l))
				continue;
			g_hash_table_add(seen, *l);
			rules = g_array_new(FALSE, FALSE, sizeof(guint));
			for (guint j = 0; j < set->rules->len; j++) {
				const struct rule *r = g_ptr_array_index(set->rules, j);

				if (r->kind == RULE_BODY && languages_hold(r->languages, *l, false))
					g_array_append_val(rules, j);
			}
			for (guint s = 0; s < scopes->len && scope == NULL; s++) {
				struct scope *other = g_ptr_array_index(scopes, s);

				if (other->rules->len == rules->len && memcmp(other->rules->data,
				    rules->data, rules->len * sizeof(guint)) == 0)
					scope = other;
			}
			if (scope != NULL) {
				g_ptr_array_add(scope->languages, *l);
				g_array_unref(rules);
				continue;
			}
			scope = g_new0(struct scope, 1);
			scope->languages = g_ptr_array_new();
			g_ptr_array_add(scope->languages, *l);
			scope->rules = rules;
			g_ptr_array_add(scopes, scope);
		}
	}
	g_hash_table_unref(seen);
	{
		struct scope *other = g_new0(struct scope, 1);

		other->rules = g_array_new(FALSE, FALSE, sizeof(guint));
		for (guint j = 0; j < set->rules->len; j++) {
			const struct rule *r = g_ptr_array_index(set->rules, j);

			if (r->kind == RULE_BODY && r->languages == NULL)
				g_array_append_val(other->rules, j);
		}
		if (other->rules->len > 0)
			g_ptr_array_add(scopes, other);
		else
			scope_free(other);
	}
	return scopes;
}

static gpointer
compile_thread(gpointer data)
{
	struct compile cc = { .set = data };
	gint64 start = g_get_monotonic_time();
	GPtrArray *scopes;
	guint n = cc.set->rules->len, published = 0;

	cc.pf = g_atomic_pointer_get(&cc.set->prefilter);
	cc.probe = prefilter_probe_new();
	cc.pf->fold = g_memdup2(cc.probe->fold, FOLD_SIZE * sizeof(guint16));
	cc.rewritten = g_new0(char *, n);
	cc.tried = g_new0(bool, n);
	scopes = scopes_collect(cc.set);
	for (guint s = 0; s < scopes->len; s++) {
		struct scope *scope = g_ptr_array_index(scopes, s);
		struct prefilter_db *db = g_new0(struct prefilter_db, 1);
		char *names;

		/* Nobody but this thread holds the set: nobody will use the work. */
		if (g_atomic_int_get(&cc.set->refcount) == 1) {
			report(cc.pf, "abandoned: the rule set was let go");
			db_free(db);
			break;
		}
		if (scope->languages != NULL) {
			db->languages = g_new0(char *, scope->languages->len + 1);
			for (guint l = 0; l < scope->languages->len; l++)
				db->languages[l] = g_strdup(g_ptr_array_index(scope->languages, l));
		}
		g_ptr_array_add(cc.pf->dbs, db);
		names = db->languages != NULL ? g_strjoinv(",", db->languages) : g_strdup("other");
		if (db_compile(&cc, db, scope->rules) && publish(cc.pf, db)) {
			if (db->refused > 0)
				report(cc.pf, "%s %u rules (%u on PCRE2 alone) %.1f s", names,
				    db->count, db->refused, db->seconds);
			else
				report(cc.pf, "%s %u rules %.1f s", names, db->count, db->seconds);
			published++;
		} else {
			report(cc.pf, "%s not compiled", names);
		}
		g_free(names);
	}
	report(cc.pf, "total %.1f s", (double)(g_get_monotonic_time() - start) / 1e6);

	g_ptr_array_unref(scopes);
	for (guint i = 0; i < n; i++)
		g_free(cc.rewritten[i]);
	g_free(cc.rewritten);
	g_free(cc.tried);
	prefilter_probe_free(cc.probe);

	g_mutex_lock(&cc.pf->lock);
	cc.pf->done = true;
	g_cond_broadcast(&cc.pf->cond);
	g_mutex_unlock(&cc.pf->lock);
	/* Maybe the last reference: the prefilter goes with the set. */
	ruleset_unref(cc.set);
	return NULL;
}

void
ruleset_prefilter_start(struct ruleset *set)
{
	const char *setting = getenv("TRIAGE_PREFILTER");
	struct prefilter *pf;
	GThread *thread;
	GError *error = NULL;

	if ((setting != NULL && strcmp(setting, "0") == 0) || hs_valid_platform() != HS_SUCCESS)
		return;
	pf = prefilter_new();
	if (!g_atomic_pointer_compare_and_exchange(&set->prefilter, NULL, pf)) {
		prefilter_free(pf);
		return;
	}
	thread = g_thread_try_new("prefilter", compile_thread, ruleset_ref(set), &error);
	if (thread == NULL) {
		report(pf, "no thread: %s", error->message);
		g_error_free(error);
		g_mutex_lock(&pf->lock);
		pf->done = true;
		g_mutex_unlock(&pf->lock);
		ruleset_unref(set);	/* the caller still holds one */
		return;
	}
	g_thread_unref(thread);		/* it ends on its own */
}

bool
ruleset_prefilter_wait(struct ruleset *set, unsigned timeout_ms)
{
	struct prefilter *pf = g_atomic_pointer_get(&set->prefilter);
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	bool done;

	if (pf == NULL)
		return false;
	g_mutex_lock(&pf->lock);
	while (!pf->done && g_cond_wait_until(&pf->cond, &pf->lock, deadline))
		;
	done = pf->done;
	g_mutex_unlock(&pf->lock);
	return done && g_atomic_pointer_get(&pf->current) != NULL;
}

char *
ruleset_prefilter_describe(struct ruleset *set)
{
	struct prefilter *pf = g_atomic_pointer_get(&set->prefilter);
	const char *setting = getenv("TRIAGE_PREFILTER");
	char *text;

	if (pf == NULL)
		return g_strdup(setting != NULL && strcmp(setting, "0") == 0 ?
		    "off: TRIAGE_PREFILTER=0" : hs_valid_platform() != HS_SUCCESS ?
		    "off: CPU not supported by Hyperscan" : "off: not started");
	g_mutex_lock(&pf->lock);
	text = g_strdup_printf("Hyperscan %s%s: %s", hs_version(), pf->done ? "" : " (compiling)",
	    pf->report->str);
	g_mutex_unlock(&pf->lock);
	return text;
}

/* --- scanning ----------------------------------------------------------------- */

/* The longest text folding len bytes can make, and a byte for a NUL. */
static size_t
fold_size(size_t len)
{
	return len + len / 2 + 1;
}

/*
 * Folds text (len bytes, valid UTF-8, as classify() requires for PCRE2) into
 * out (fold_size(len) bytes) and returns the length. Decodes by hand: this
 * runs on every message.
 */
static size_t
fold_text(const guint16 *fold, const char *text, size_t len, char *out)
{
	const guchar *p = (const guchar *)text, *end = p + len;
	guchar *o = (guchar *)out;

	while (p < end) {
		gunichar c, f;
		size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;

		if (n == 1) {
			*o++ = (guchar)fold[*p++];
			continue;
		}
		if ((size_t)(end - p) < n) {
			/* Cut short: copied, never read past the end. */
			while (p < end)
				*o++ = *p++;
			break;
		}
		if (n == 4) {
			/* Beyond the BMP: U+10000, four bytes for four. */
			memcpy(o, "\xF0\x90\x80\x80", 4);
			o += 4;
			p += 4;
			continue;
		}
		if (n == 2)
			c = (gunichar)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
		else
			c = (gunichar)(p[0] & 0x0F) << 12 | (gunichar)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
		p += n;
		f = fold[c];
		if (f < 0x80) {
			*o++ = (guchar)f;
		} else if (f < 0x800) {
			*o++ = (guchar)(0xC0 | f >> 6);
			*o++ = (guchar)(0x80 | (f & 0x3F));
		} else {
			*o++ = (guchar)(0xE0 | f >> 12);
			*o++ = (guchar)(0x80 | (f >> 6 & 0x3F));
			*o++ = (guchar)(0x80 | (f & 0x3F));
		}
	}
	*o = '\0';
	return (size_t)(o - (guchar *)out);
}

/* Returns this thread's scratch space, fit for snap; NULL when none can be had. */
static hs_scratch_t *
thread_scratch(const struct prefilter_snapshot *snap)
{
	struct thread_scratch *ts = g_private_get(&scratch_key);

	if (ts == NULL) {
		ts = g_new0(struct thread_scratch, 1);
		g_private_set(&scratch_key, ts);
	}
	if (ts->generation == snap->generation)
		return ts->scratch;
	/* Cloning costs far less than hs_alloc_scratch() does. */
	if (ts->scratch != NULL)
		hs_free_scratch(ts->scratch);
	ts->scratch = NULL;
	ts->generation = 0;
	if (hs_clone_scratch(snap->prototype, &ts->scratch) != HS_SUCCESS)
		return NULL;
	ts->generation = snap->generation;
	return ts->scratch;
}

struct scan {
	const struct prefilter_db *db;
	bool *skip;
};

static int
scan_hit(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
    void *context)
{
	struct scan *scan = context;

	(void)from, (void)to, (void)flags;
	scan->skip[scan->db->rules[id]] = false;
	return 0;
}

/* True when db serves language: its own, or "other" for a language without one. */
static bool
db_serves(const struct prefilter_snapshot *snap, const struct prefilter_db *db,
    const char *language)
{
	if (strcmp(language, "und") == 0)
		return true;	/* every rule runs: every database helps */
	if (db->languages == NULL) {
		for (guint i = 0; i < snap->dbs->len; i++) {
			const struct prefilter_db *other = g_ptr_array_index(snap->dbs, i);

			if (other->languages != NULL && g_strv_contains(
			    (const char *const *)other->languages, language))
				return false;
		}
		return true;
	}
	return g_strv_contains((const char *const *)db->languages, language);
}

bool
prefilter_scan(const struct ruleset *set, const char *language, const char *text, size_t len,
    bool *skip)
{
	/* classify() holds set read-only; only these two pointers change, atomically. */
	struct prefilter *pf = g_atomic_pointer_get((struct prefilter **)&set->prefilter);
	const struct prefilter_snapshot *snap;
	GPtrArray *dbs;
	hs_scratch_t *scratch;
	char *folded;
	size_t folded_len;
	bool ok = true;

	if (pf == NULL || (snap = g_atomic_pointer_get(&pf->current)) == NULL ||
	    fold_size(len) > UINT_MAX)
		return false;
	dbs = g_ptr_array_new();
	for (guint i = 0; i < snap->dbs->len; i++)
		if (db_serves(snap, g_ptr_array_index(snap->dbs, i), language))
			g_ptr_array_add(dbs, g_ptr_array_index(snap->dbs, i));
	if (dbs->len == 0 || (scratch = thread_scratch(snap)) == NULL) {
		g_ptr_array_unref(dbs);
		return false;
	}
	/* Ruled out unless some database reports it. */
	for (guint d = 0; d < dbs->len; d++) {
		const struct prefilter_db *db = g_ptr_array_index(dbs, d);

		for (guint i = 0; i < db->count; i++)
			skip[db->rules[i]] = true;
	}
	folded = g_malloc(fold_size(len));
	folded_len = fold_text(snap->fold, text, len, folded);
	for (guint d = 0; ok && d < dbs->len; d++) {
		struct scan scan = { g_ptr_array_index(dbs, d), skip };

		ok = hs_scan(scan.db->db, folded, (unsigned int)folded_len, 0, scratch, scan_hit,
		    &scan) == HS_SUCCESS;
	}
	for (guint d = 0; !ok && d < dbs->len; d++) {
		const struct prefilter_db *db = g_ptr_array_index(dbs, d);

		for (guint i = 0; i < db->count; i++)
			skip[db->rules[i]] = false;
	}
	g_free(folded);
	g_ptr_array_unref(dbs);
	return ok;
}

#else /* !HAVE_HYPERSCAN: PCRE2 alone */

bool
prefilter_available(void)
{
	return false;
}

void
prefilter_free(struct prefilter *pf)
{
	(void)pf;	/* never made */
}

bool
prefilter_scan(const struct ruleset *set, const char *language, const char *text, size_t len,
    bool *skip)
{
	(void)set, (void)language, (void)text, (void)len, (void)skip;
	return false;
}

void
ruleset_prefilter_start(struct ruleset *set)
{
	(void)set;
}

bool
ruleset_prefilter_wait(struct ruleset *set, unsigned timeout_ms)
{
	(void)set, (void)timeout_ms;
	return false;
}

char *
ruleset_prefilter_describe(struct ruleset *set)
{
	(void)set;
	return g_strdup("off: built without Hyperscan");
}

#endif
