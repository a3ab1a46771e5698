/*
 * ticketing.h - what a message does to the tickets.
 *
 * A customer's message opens a ticket, or, when it continues one (its
 * In-Reply-To or References name a message of the ticket, or its Subject
 * carries the ticket's reference), is a follow-up: a repeat contact that
 * raises the urgency one level. An agent's message that continues a ticket
 * is a reply: the first one sets the first response time. Each call is one
 * transaction, committed before it returns, so the row exists before the
 * MTA hears the filter's answer.
 */
#ifndef TRIAGE_TICKETING_H
#define TRIAGE_TICKETING_H

#include <stdbool.h>
#include <glib.h>

#include "message.h"
#include "snapshot.h"
#include "store.h"
#include "tickets.h"
#include "verdict.h"

enum ticketing_kind {
	TICKETING_NONE,		/* nothing recorded (an agent's mail matching no ticket) */
	TICKETING_NEW,		/* a new ticket */
	TICKETING_FOLLOWUP,	/* the customer wrote again on a ticket */
	TICKETING_REPLY,	/* an agent answered a ticket */
};

struct ticketing_outcome {
	enum ticketing_kind kind;
	struct ticket ticket;	/* as it stands after this message */
	bool urgency_raised;
	bool resolved;		/* this message resolved the ticket */
	bool ack_queued;	/* an acknowledgement waits in the outbox */
	const char *ack_suppressed;	/* why none was queued (static), or NULL */
};

/*
 * The acknowledgement of a customer's message, when one is wanted: the
 * decision on the message itself (ack_suppress.h), the limits the store
 * enforces across messages, and how to compose it once the ticket is known.
 */
struct ticketing_ack {
	bool answer;			/* the message may be answered */
	const char *reason;		/* why not (static), when !answer */
	const char *recipient;		/* the envelope sender */
	gint64 dedupe_seconds;		/* none to one sender within this */
	int daily_cap;			/* at most this many to one sender in 24 h */
	int rate_limit;			/* at most this many a minute in all */
	/* Returns the message (g_bytes_unref) and its Message-ID (g_free). */
	GBytes *(*compose)(void *data, const struct ticket *ticket, char **message_id);
	void *data;
};

/*
 * Finds the ticket the message continues: In-Reply-To first, then the
 * References from the newest back, then a reference in the Subject.
 * Read-only. 1 found, 0 not, -1 on a database error.
 */
int ticketing_find(struct store *store, const struct snapshot *snap,
    const struct message_view *view, struct ticket *out);

/*
 * Records a customer's message with its verdict: a follow-up of *continued
 * when it is not NULL, else a new ticket due by the SLA of its urgency.
 * customer is the envelope sender, used when the message has no From.
 * With ack (may be NULL), queues the acknowledgement in the same
 * transaction, or records why not (an "ack_suppressed" event): the
 * message's own reason, a second one to the sender within the dedupe window
 * ("dedupe"), the sender's daily cap ("sender-cap"), the global rate
 * ("rate-cap").
 * 0 when committed, -1 when not (store_errmsg() says why).
 */
int ticketing_customer(struct store *store, const struct snapshot *snap,
    const struct message_view *view, const struct verdict *verdict,
    const struct ticket *continued, const char *queue_id, const char *customer, gint64 now,
    const struct ticketing_ack *ack, struct ticketing_outcome *out);

/*
 * Records an agent's message: a reply on the ticket it continues (found
 * again inside the transaction), resolving it when resolve is true. No
 * ticket: nothing is written and out->kind is TICKETING_NONE.
 * 0 when committed (or nothing to do), -1 when not.
 */
int ticketing_agent(struct store *store, const struct snapshot *snap,
    const struct message_view *view, const char *agent, bool resolve, gint64 now,
    struct ticketing_outcome *out);

/*
 * True when text has a line that is, blanks around it aside, the marker
 * (ResolveMarker), so an agent resolves a ticket by writing it alone.
 */
bool ticketing_has_marker(const char *text, const char *marker);

#endif
