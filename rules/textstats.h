/*
 * textstats.h - the measurements behind the eval rules of triage-rules(5).
 */
#ifndef TRIAGE_TEXTSTATS_H
#define TRIAGE_TEXTSTATS_H

#include <stdbool.h>

#include "message.h"

struct text_stats {
	double caps_ratio;	/* upper-case share of the body's letters; 0 under 12 letters */
	unsigned exclamations;	/* '!' in subject and body */
	unsigned questions;	/* '?' in subject and body */
	unsigned length;	/* characters of the body */
	unsigned words;		/* words of the body */
	unsigned numbers;	/* digit runs in subject and body */
	unsigned order_ids;	/* order, invoice, ticket references */
	unsigned versions;	/* version numbers */
	bool greeting;		/* the body opens with a greeting */
	bool signoff;		/* one of its last three lines is a sign-off */
	bool repeat_contact;	/* continues an earlier conversation */
};

/*
 * Measures view. known_ticket is the caller's knowledge that the message
 * belongs to an existing ticket. Thread-safe: the patterns it uses are
 * compiled once and only read.
 */
void textstats_compute(const struct message_view *view, bool known_ticket,
    struct text_stats *out);

#endif
