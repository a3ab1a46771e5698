/*
 * ruleset.h - rule files: loading, compiling, sharing (triage-rules(5)).
 *
 * A rule set is built once from the .cf files of a directory, compiled
 * (PCRE2 with the JIT), and then only read: every milter thread may use the
 * same set at once. A reload builds a new set beside the old one; holders
 * keep theirs through a reference count until they let go.
 */
#ifndef TRIAGE_RULESET_H
#define TRIAGE_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "verdict.h"

struct ruleset;

/* The domain of the errors of this module; messages read "FILE:LINE: what". */
#define RULESET_ERROR (ruleset_error_quark())
GQuark ruleset_error_quark(void);

/*
 * Loads every *.cf file of dir in byte order of the names. Returns a set
 * with one reference, or NULL with *error naming the file and line of the
 * first problem; nothing is half-loaded.
 */
struct ruleset *ruleset_load_dir(const char *dir, GError **error);

/*
 * Loads rules from text, as if it were a file called name; for tests and
 * for `triage classify --rules-text`.
 */
struct ruleset *ruleset_load_string(const char *name, const char *text, GError **error);

struct ruleset *ruleset_ref(struct ruleset *set);
/* Drops a reference; the last one frees the set. NULL is accepted. */
void ruleset_unref(struct ruleset *set);

/*
 * Starts compiling the body rules of set into a Hyperscan prefilter, in a
 * thread of its own that holds a reference to set, and returns at once:
 * loading stays as fast as without it. classify() uses each language's
 * prefilter from the moment it is ready and PCRE2 alone until then; the
 * verdicts are the same either way, only faster. Does nothing when built
 * without Hyperscan, on a CPU Hyperscan does not support, when
 * TRIAGE_PREFILTER=0 is in the environment, or when already started.
 */
void ruleset_prefilter_start(struct ruleset *set);

/*
 * Waits at most timeout_ms for the compile started by
 * ruleset_prefilter_start() to end. Returns true when it has ended and
 * classify() uses a prefilter; false on timeout or when there is none.
 */
bool ruleset_prefilter_wait(struct ruleset *set, unsigned timeout_ms);

/*
 * Returns, newly allocated, one line saying what the prefilter compiled and
 * how long each language took ("en 54 rules 2.1 s, ..."), or "off: REASON".
 */
char *ruleset_prefilter_describe(struct ruleset *set);

/* Number of rules defined (including __ sub-rules). */
unsigned ruleset_rule_count(const struct ruleset *set);

/* Returns true when a rule called name is defined. */
bool ruleset_has_rule(const struct ruleset *set, const char *name);

#endif
