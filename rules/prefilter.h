/*
 * prefilter.h - a Hyperscan prefilter in front of the body rules.
 *
 * Inside rules/ only: ruleset.c frees it, classify.c asks it which body
 * rules can be skipped, and the tests check its rewrite. The public side
 * (start, wait, describe) is in ruleset.h.
 *
 * PCRE2 stays the matcher of record. Each body rule's pattern is rewritten
 * into a pattern for Hyperscan that matches a superset of what PCRE2 would
 * match, compiled per language in prefilter mode, and scanned once over the
 * text; a rule whose pattern Hyperscan did not report cannot match and is
 * skipped, one that it did report is confirmed by PCRE2 as before. So the
 * prefilter may only ever skip a rule PCRE2 would not fire.
 */
#ifndef TRIAGE_PREFILTER_H
#define TRIAGE_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

struct ruleset;
struct prefilter;		/* a rule set's databases; owned by the set */
struct prefilter_probe;		/* PCRE2's character sets, asked while rewriting */

/* The domain of the rewrite's errors: why a pattern must stay on PCRE2 alone. */
#define PREFILTER_ERROR (prefilter_error_quark())
GQuark prefilter_error_quark(void);

/* True when built with Hyperscan. */
bool prefilter_available(void);

/*
 * A probe answers "which code points does this one-character atom match?"
 * by asking PCRE2 itself over a subject holding every code point (4.4 MB).
 * Its answers are cached; it is not thread-safe: one per compiling thread.
 */
struct prefilter_probe *prefilter_probe_new(void);
void prefilter_probe_free(struct prefilter_probe *probe);

/*
 * Rewrites pattern (PCRE2 syntax, compiled with options) into Hyperscan
 * syntax, to be compiled with HS_FLAG_UTF8 | HS_FLAG_DOTALL and scanned
 * over the folded text (prefilter.c: lower case of upper case, Unicode
 * spaces and digits to ASCII, beyond the BMP to U+10000). Assertions (\b,
 * ^, $, lookaheads, lookbehinds) are dropped, as they only narrow a match,
 * except that a lookbehind where nothing is consumed yet is matched
 * instead; every character, escape and class becomes the folded class of
 * exactly the code points PCRE2 matches with it, case variants included,
 * so no case or Unicode handling is left to Hyperscan; lazy and possessive
 * repeats become plain ones and {n,m} becomes {n,}. The result matches
 * the folded text wherever PCRE2 matches the text. Returns the new text,
 * or NULL with *error saying which construct it does not handle (back
 * references, conditions, recursion, the x flag ...): such a pattern
 * stays on PCRE2 alone.
 */
char *prefilter_rewrite(struct prefilter_probe *probe, const char *pattern, uint32_t options,
    GError **error);

/* Frees a prefilter; NULL is accepted. Only from the rule set's last unref. */
void prefilter_free(struct prefilter *pf);

/*
 * Scans text (len bytes of valid UTF-8) with the prefilter of language, if
 * one is ready, and sets skip[i] for each body rule i (index into the set's
 * rules, skip holding one flag per rule, all false on entry) that cannot
 * match it. Returns false, setting nothing, when there is no prefilter for
 * the language yet (or at all: "und" never has one) or the scan failed.
 * Thread-safe: each thread keeps its own Hyperscan scratch space.
 */
bool prefilter_scan(const struct ruleset *set, const char *language, const char *text,
    size_t len, bool *skip);

#endif
