/*
 * classify.h - the classification core: a message view in, a verdict out.
 *
 * Knows nothing of libmilter or SQLite: the milter, the command line and
 * the tests all call the same function.
 */
#ifndef TRIAGE_CLASSIFY_H
#define TRIAGE_CLASSIFY_H

#include <stdbool.h>

#include "message.h"
#include "model.h"
#include "ruleset.h"
#include "verdict.h"

struct classify_input {
	const struct message_view *view;
	bool known_ticket;	/* the caller knows it continues an open ticket */
	const char *language;	/* overrides the view's language when not NULL */
	gint64 deadline;	/* g_get_monotonic_time() past which rules stop; 0: none */
};

/*
 * Runs every rule of set that applies to the message's language (all of
 * them when the language is "und"), adds the learned model's weighted
 * contribution when model is not NULL, and fills out (initialised with
 * verdict_init()). Past in->deadline the remaining rules are skipped and
 * out->incomplete is set: the verdict is what the rules run so far say,
 * so a pathological message costs a bounded time. Thread-safe: set and
 * model are only read.
 */
void classify(const struct ruleset *set, const struct model *model,
    const struct classify_input *in, struct verdict *out);

#endif
