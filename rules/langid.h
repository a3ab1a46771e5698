/*
 * langid.h - naming the language of a text (ISO 639-1) with a confidence.
 *
 * A C interface over CLD2 (Compact Language Detector 2, C++), chosen by
 * measurement on shared/corpus/lang/dev.tsv: see README.md.
 */
#ifndef TRIAGE_LANGID_H
#define TRIAGE_LANGID_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct langid_guess {
	char code[8];       /* ISO 639-1 ("sv", "nb", "bg"), or "und" when unknown */
	double confidence;  /* 0.0 .. 1.0 */
};

/*
 * Detects the language of len bytes of valid UTF-8 text and fills *guess
 * (guess must not be NULL; utf8 may be NULL when len is 0).
 *
 * code is CLD2's code: ISO 639-1 where one exists ("sv", "bg"), otherwise
 * ISO 639-2/3 or a BCP 47 tag ("haw", "zh-Hant"), always shorter than 8.
 * Norwegian is reported as "nb" (Nynorsk stays "nn"). Text too short to
 * tell (under about 10 letters: "ok", "Hej", "thanks"), with no letters,
 * or not in any known language gives "und" with confidence 0.
 *
 * confidence = p / 100, halved when CLD2 says the answer is not reliable,
 * where p (0..100) is the percentage of the text CLD2 attributes to the
 * reported language. So a whole text in one language, reliably, is near
 * 1.0; below 0.5 means CLD2 found the answer unreliable or less than
 * half of the text is in that language.
 *
 * The text must be UTF-8 (CLD2 requires it). When it is not, only the
 * valid prefix is examined (an embedded NUL also ends it); invalid bytes
 * never reach CLD2. At most the first 16 KiB are examined, cut at a
 * character boundary. Never fails: any internal error gives "und".
 * Thread-safe (CLD2 keeps no mutable state).
 */
void langid_detect(const char *utf8, size_t len, struct langid_guess *guess);

#ifdef __cplusplus
}
#endif

#endif
