/*
 * charset.c - turning text of a declared, missing or wrong charset into UTF-8.
 *
 * The declared charset is trusted only when the bytes agree with it. The
 * fallbacks are the ones support mail in our languages needs: UTF-8 when the
 * bytes are valid UTF-8 (mislabelled mail from modern clients), windows-1251
 * or KOI8-R for 8-bit Cyrillic (Bulgarian, Russian), windows-1252 for 8-bit
 * Western text (Swedish, Danish, German in Latin-1/-15 and Outlook's cp1252).
 */
#include "charset.h"
#include "warn.h"

#include <stdbool.h>
#include <string.h>
#include <gmime/gmime.h>

/* Share of 8-bit bytes among letters above which 8-bit text is Cyrillic:
 * every Cyrillic letter is 8-bit, while Latin-1 text in a Western language
 * has a few accented letters among many ASCII ones (Swedish: under 10%). */
#define CYRILLIC_HIGH_SHARE 0.40

static bool
is_ascii(const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)bytes[i] & 0x80)
			return false;
	return true;
}

/* Counts 8-bit bytes and ASCII letters; the ratio tells Cyrillic from Latin. */
static double
high_byte_share(const unsigned char *p, size_t len)
{
	size_t high = 0, letters = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] & 0x80)
			high++;
		else if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z'))
			letters++;
	}
	if (high + letters == 0)
		return 0.0;
	return (double)high / (double)(high + letters);
}

const char *
charset_guess_8bit(const char *bytes, size_t len)
{
	const unsigned char *p = (const unsigned char *)bytes;
	size_t cp1251 = 0, koi8 = 0;

	if (high_byte_share(p, len) < CYRILLIC_HIGH_SHARE)
		return "windows-1252";

	/*
	 * The six most frequent Bulgarian and Russian letters (о а е и н т)
	 * sit at different codes in the two charsets; lower case dominates
	 * running text, so whichever charset puts them where the bytes are
	 * wins.
	 */
	for (size_t i = 0; i < len; i++) {
		switch (p[i]) {
		case 0xEE: case 0xE0: case 0xE5: case 0xE8: case 0xED: case 0xF2:
			cp1251++;
			break;
		case 0xCF: case 0xC1: case 0xC5: case 0xC9: case 0xCE: case 0xD4:
			koi8++;
			break;
		default:
			break;
		}
	}
	return koi8 > cp1251 ? "koi8-r" : "windows-1251";
}

/*
 * True when the bytes are valid UTF-8 and contain at least one multi-byte
 * sequence: real Latin-1 or cp1251 text is almost never valid UTF-8 by
 * accident, so such bytes are UTF-8 whatever the label says.
 */
static bool
is_multibyte_utf8(const char *bytes, size_t len)
{
	return !is_ascii(bytes, len) && g_utf8_validate(bytes, (gssize)len, NULL);
}

/*
 * Share of the 8-bit bytes that belong to well-formed UTF-8 sequences; near
 * 1.0 means UTF-8 with a few damaged bytes, near 0 means another charset.
 */
static double
utf8_valid_share(const char *bytes, size_t len)
{
	const char *p = bytes, *end = bytes + len;
	size_t good = 0, bad = 0;

	while (p < end) {
		const char *stop;

		if (g_utf8_validate(p, end - p, &stop))
			stop = end;
		for (const char *q = p; q < stop; q++)
			if ((unsigned char)*q & 0x80)
				good++;
		if (stop >= end)
			break;
		bad++;
		p = stop + 1;
	}
	if (good + bad == 0)
		return 1.0;
	return (double)good / (double)(good + bad);
}

/* Converts with iconv through GLib; NULL when the charset is unknown or the
 * bytes are not valid in it. */
static char *
convert_strict(const char *bytes, size_t len, const char *charset)
{
	gsize in_read = 0, out_len = 0;
	char *out;

	out = g_convert(bytes, (gssize)len, "UTF-8", charset, &in_read, &out_len, NULL);
	if (out != NULL && in_read != len) {
		g_free(out);
		return NULL;
	}
	return out;
}

/* Converts 8-bit bytes in a guessed single-byte charset; cannot fail, since
 * ISO-8859-1 maps every byte (windows-1252 leaves five undefined). */
static char *
convert_guessed(const char *bytes, size_t len, const char **used)
{
	const char *guess = charset_guess_8bit(bytes, len);
	char *out = convert_strict(bytes, len, guess);

	if (out == NULL) {
		guess = "iso-8859-1";
		out = convert_strict(bytes, len, guess);
	}
	if (out == NULL) {	/* no iconv at all: keep what is valid */
		guess = "utf-8";
		out = g_utf8_make_valid(bytes, (gssize)len);
	}
	*used = guess;
	return out;
}

/*
 * Removes NUL and the C0 controls other than tab, line feed and carriage
 * return, in place: they have no business in text and would cut C strings
 * short or confuse a terminal.
 */
static void
strip_controls(char *s)
{
	char *w = s;

	for (const char *r = s; *r != '\0'; r++) {
		unsigned char c = (unsigned char)*r;

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		if (c == 0x7F)
			continue;
		*w++ = *r;
	}
	*w = '\0';
}

/* The declared charsets whose every byte sequence is valid, so a successful
 * conversion proves nothing and the content must be checked. */
static bool
is_single_byte_latin(const char *iconv_name)
{
	static const char *const names[] = {
		"iso-8859-1", "iso-8859-15", "cp1252", "windows-1252", "us-ascii",
		"ascii", "latin1",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_ascii_strcasecmp(iconv_name, names[i]) == 0)
			return true;
	return false;
}

static bool
is_utf8_name(const char *iconv_name)
{
	return g_ascii_strcasecmp(iconv_name, "utf-8") == 0 ||
	    g_ascii_strcasecmp(iconv_name, "utf8") == 0;
}

/*
 * Returns the name of a declared charset as people know it (lower case,
 * "windows-1251" rather than GMime's "windows-cp1251" or iconv's "CP1251"),
 * interned so it can be kept without freeing.
 */
static const char *
charset_display_name(const char *declared)
{
	static const struct { const char *alias; const char *name; } aliases[] = {
		{ "latin1", "iso-8859-1" }, { "l1", "iso-8859-1" },
		{ "iso8859-1", "iso-8859-1" }, { "iso_8859-1", "iso-8859-1" },
		{ "latin-9", "iso-8859-15" }, { "latin9", "iso-8859-15" },
		{ "utf8", "utf-8" }, { "ascii", "us-ascii" },
	};
	char *lower = g_ascii_strdown(declared, -1);
	const char *name = lower, *digits = NULL;
	const char *interned;

	if (g_str_has_prefix(lower, "windows-cp"))
		digits = lower + 10;
	else if (g_str_has_prefix(lower, "x-cp"))
		digits = lower + 4;
	else if (g_str_has_prefix(lower, "cp") && strlen(lower) == 6)
		digits = lower + 2;
	for (size_t i = 0; i < G_N_ELEMENTS(aliases); i++)
		if (strcmp(lower, aliases[i].alias) == 0)
			name = aliases[i].name;
	if (digits != NULL && g_str_has_prefix(digits, "125")) {
		char *windows = g_strconcat("windows-", digits, NULL);

		interned = g_intern_string(windows);
		g_free(windows);
	} else {
		interned = g_intern_string(name);
	}
	g_free(lower);
	return interned;
}

/* Applies the fallbacks to bytes whose label could not be used. */
static char *
convert_undeclared(const char *bytes, size_t len, const char **used)
{
	if (is_ascii(bytes, len) || g_utf8_validate(bytes, (gssize)len, NULL)) {
		*used = "utf-8";
		return g_strndup(bytes, len);
	}
	if (utf8_valid_share(bytes, len) >= 0.5) {
		*used = "utf-8";
		return g_utf8_make_valid(bytes, (gssize)len);
	}
	return convert_guessed(bytes, len, used);
}

/* True for the wide encodings, in which NUL bytes are part of characters. */
static bool
is_wide_name(const char *iconv_name)
{
	return g_ascii_strncasecmp(iconv_name, "utf-16", 6) == 0 ||
	    g_ascii_strncasecmp(iconv_name, "utf-32", 6) == 0 ||
	    g_ascii_strncasecmp(iconv_name, "ucs-", 4) == 0;
}

/* Returns a copy of bytes without NUL bytes, its length in *out_len. */
static char *
copy_without_nul(const char *bytes, size_t len, size_t *out_len)
{
	char *copy = g_malloc(len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (bytes[i] != '\0')
			copy[n++] = bytes[i];
	copy[n] = '\0';
	*out_len = n;
	return copy;
}

char *
charset_to_utf8(const char *bytes, size_t len, const char *declared,
    const char **used, GPtrArray *warnings)
{
	const char *applied = "utf-8";
	const char *iconv_name = NULL;
	char *out = NULL, *no_nul = NULL;

	if (declared != NULL && *declared != '\0')
		iconv_name = g_mime_charset_iconv_name(declared);

	/* NUL bytes would end the text early in every step below. */
	if (len > 0 && (iconv_name == NULL || !is_wide_name(iconv_name)) &&
	    memchr(bytes, '\0', len) != NULL) {
		no_nul = copy_without_nul(bytes, len, &len);
		bytes = no_nul;
		warn_add(warnings, "NUL bytes removed from text");
	}

	if (len == 0) {
		g_free(no_nul);
		if (used != NULL)
			*used = applied;
		return g_strdup("");
	}

	if (iconv_name == NULL) {
		out = convert_undeclared(bytes, len, &applied);
		if (!is_ascii(bytes, len))
			warn_add(warnings, "8-bit text without a charset, read as %s", applied);
	} else if (is_utf8_name(iconv_name)) {
		if (g_utf8_validate(bytes, (gssize)len, NULL)) {
			out = g_strndup(bytes, len);
		} else {
			out = convert_undeclared(bytes, len, &applied);
			if (strcmp(applied, "utf-8") == 0)
				warn_add(warnings, "invalid UTF-8 bytes replaced with U+FFFD");
			else
				warn_add(warnings, "declared utf-8 but is not, read as %s", applied);
		}
	} else if (is_single_byte_latin(iconv_name) && !is_ascii(bytes, len) &&
	    (is_multibyte_utf8(bytes, len) ||
	    high_byte_share((const unsigned char *)bytes, len) >= CYRILLIC_HIGH_SHARE)) {
		/* A Western label on UTF-8 or on Cyrillic text: the label is wrong. */
		out = convert_undeclared(bytes, len, &applied);
		warn_add(warnings, "declared %s but is not, read as %s", declared, applied);
	} else {
		out = convert_strict(bytes, len, iconv_name);
		if (out != NULL) {
			applied = charset_display_name(declared);
		} else {
			out = convert_undeclared(bytes, len, &applied);
			warn_add(warnings, "charset %s unknown or not matching the text, read as %s",
			    declared, applied);
		}
	}

	g_free(no_nul);
	strip_controls(out);
	if (used != NULL)
		*used = applied;
	return out;
}
