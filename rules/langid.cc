/*
 * langid.cc - the C interface of langid.h over CLD2 (C++).
 *
 * This is the only C++ file in rules/: it turns a CLD2 summary into a
 * struct langid_guess and makes sure no C++ exception reaches a C caller.
 * CLD2 reads its input with table-driven UTF-8 scanners that trust the
 * bytes, so everything handed to it here has been validated first.
 */
#include <cstdio>	/* compact_lang_det.h uses FILE without including it */
#include <cstring>

#include <glib.h>
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include "langid.h"

/*
 * At most this many bytes of text are examined. CLD2 is reliable after a
 * few hundred letters; the cap bounds the time spent on a huge body.
 */
#define LANGID_MAX_BYTES	(16 * 1024)

/*
 * Fewer letter bytes than this (as counted by CLD2, which includes the
 * spaces between words) is a word or two: "ok", "Hej", "thanks". No
 * detector can tell Swedish "Hej" from Danish "Hej", so such text is "und"
 * whatever CLD2 answers. CLD2 without kCLDFlagBestEffort already gives
 * UNKNOWN_LANGUAGE there; this makes the contract hold independently.
 */
#define LANGID_MIN_TEXT_BYTES	10

/*
 * Sets *guess to "und" with confidence 0.
 */
static void
langid_unknown(struct langid_guess *guess)
{
	g_strlcpy(guess->code, "und", sizeof(guess->code));
	guess->confidence = 0.0;
}

/*
 * Returns the length of the longest prefix of text[0..len) that is valid
 * UTF-8, ends on a character boundary and is at most LANGID_MAX_BYTES
 * long. Validating only the capped window keeps the cost bounded; a
 * character cut by the cap looks invalid to g_utf8_validate(), so its
 * "end" is exactly the boundary wanted. An embedded NUL also ends the
 * prefix (g_utf8_validate() with a length treats NUL as invalid).
 */
static size_t
langid_valid_prefix(const char *text, size_t len)
{
	const gchar *end;

	if (len > LANGID_MAX_BYTES)
		len = LANGID_MAX_BYTES;
	if (g_utf8_validate(text, (gssize) len, &end))
		return len;
	return (size_t) (end - text);
}

/*
 * Runs CLD2 on n bytes of valid UTF-8 and fills *guess. May throw
 * (std::bad_alloc from CLD2's internals); the caller catches.
 *
 * Flags are 0, not kCLDFlagBestEffort. On lang/dev.tsv plain CLD2 scores
 * 0.992 and best effort 0.993, but best effort turns every "unknown" into
 * a guess that CLD2 marks reliable: one word ("Hej" -> Danish, 80%), a
 * base64 blob (Swedish, 99%), a hex dump (English, 99%). A confident
 * wrong language misroutes a message; "und" sends it to the default queue.
 */
static void
langid_cld2(const char *text, size_t n, struct langid_guess *guess)
{
	CLD2::CLDHints hints = { NULL, NULL, CLD2::UNKNOWN_ENCODING,
	    CLD2::UNKNOWN_LANGUAGE };
	CLD2::Language language3[3];
	int percent3[3];
	double normalized_score3[3];
	int text_bytes = 0;
	bool is_reliable = false;
	CLD2::Language lang;
	const char *code;
	int percent;

	lang = CLD2::ExtDetectLanguageSummary(text, (int) n, true, &hints, 0,
	    language3, percent3, normalized_score3, NULL, &text_bytes,
	    &is_reliable);
	if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE ||
	    text_bytes < LANGID_MIN_TEXT_BYTES) {
		langid_unknown(guess);
		return;
	}
	code = CLD2::LanguageCode(lang);
	if (code == NULL || strcmp(code, "un") == 0 ||
	    strlen(code) >= sizeof(guess->code)) {
		langid_unknown(guess);
		return;
	}
	if (strcmp(code, "no") == 0)
		code = "nb";

	/*
	 * The share of the text in the answered language: language3[0] is
	 * usually the answer, but CLD2 does not promise it.
	 */
	percent = 0;
	for (int i = 0; i < 3; i++) {
		if (language3[i] == lang) {
			percent = percent3[i];
			break;
		}
	}
	if (percent < 0)
		percent = 0;
	if (percent > 100)
		percent = 100;

	g_strlcpy(guess->code, code, sizeof(guess->code));
	guess->confidence = percent / 100.0;
	if (!is_reliable)
		guess->confidence /= 2.0;
}

extern "C" void
langid_detect(const char *utf8, size_t len, struct langid_guess *guess)
{
	size_t n;

	if (guess == NULL)
		return;
	langid_unknown(guess);
	if (utf8 == NULL || len == 0)
		return;
	n = langid_valid_prefix(utf8, len);
	if (n == 0)
		return;
	try {
		langid_cld2(utf8, n, guess);
	} catch (...) {
		langid_unknown(guess);
	}
}
