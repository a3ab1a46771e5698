/*
 * jsonout.h - the little that every JSON writer of triage shares.
 */
#ifndef TRIAGE_JSONOUT_H
#define TRIAGE_JSONOUT_H

#include <stdbool.h>
#include <json-glib/json-glib.h>

/*
 * Serialises what builder built, then releases the builder. Returns a
 * string to g_free().
 */
char *jsonout_finish(JsonBuilder *builder, bool pretty);

/* x rounded to two decimals: enough to read, and stable in golden files. */
double jsonout_round2(double x);

#endif
