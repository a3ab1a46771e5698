/*
 * tickets.h - tickets and their events in the store.
 *
 * A ticket is one customer matter: the message that opened it, the verdict,
 * when it is due, when it was first answered and by whom, when resolved. An
 * event is one thing that happened to it, with the Message-ID of the mail
 * that did it, so later mail can be threaded onto the ticket by its
 * In-Reply-To or References. Times are Unix seconds (UTC).
 *
 * Every function returns 1 or 0 where it finds something, 0 where it does
 * something, and -1 on a database error (store_errmsg() says why). Writers
 * call them inside store_begin()/store_commit().
 */
#ifndef TRIAGE_TICKETS_H
#define TRIAGE_TICKETS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

#define TICKET_REF_MAX 32

/* Event kinds, as stored. */
#define EVENT_RECEIVED		"received"
#define EVENT_ACKNOWLEDGED	"acknowledged"
#define EVENT_ACK_SUPPRESSED	"ack_suppressed"
#define EVENT_AGENT_REPLY	"agent_reply"
#define EVENT_CUSTOMER_FOLLOWUP	"customer_followup"
#define EVENT_URGENCY_RAISED	"urgency_raised"
#define EVENT_RESOLVED		"resolved"

/* What a new ticket is made of; strings may be NULL where the column may. */
struct ticket_new {
	const char *message_id;
	const char *queue_id;
	const char *customer_address;	/* required */
	const char *customer_name;
	const char *subject;
	const char *language;
	const char *urgency;		/* critical, high, normal, low: required */
	const char *personality;
	const char *topic;
	bool complaint;
	double score;
	int64_t received_at;
	int64_t due_at;
	const char *text;		/* the customer's text; NULL unless StoreText */
};

/* A ticket as read back. 0 in a time means "not yet". */
struct ticket {
	int64_t id;
	char ref[TICKET_REF_MAX];
	char urgency[16];
	int64_t received_at;
	int64_t due_at;
	int64_t first_response_at;
	int64_t resolved_at;
	int contact_count;
};

/*
 * Creates a ticket and its "received" event. Its reference is prefix and the
 * ticket number, zero-padded to six digits (T-000123). Fills out.
 */
int tickets_create(struct store *store, const struct ticket_new *t, const char *prefix,
    struct ticket *out);

/* Finds the ticket whose own message, or one of whose events, has message_id. */
int tickets_find_by_message_id(struct store *store, const char *message_id, struct ticket *out);

/* Finds a ticket by its reference (T-000123). */
int tickets_find_by_ref(struct store *store, const char *ref, struct ticket *out);

/* Adds an event; actor, message_id and detail may be NULL. */
int tickets_add_event(struct store *store, int64_t ticket_id, int64_t at, const char *kind,
    const char *actor, const char *message_id, const char *detail);

/*
 * The customer wrote again: counts the contact, records the follow-up
 * event (detail "reopened" when the ticket was resolved: it is open
 * again), and when urgency (may be NULL) is higher than the ticket's,
 * raises it with an "urgency_raised" event and sets due_at (if not 0) to
 * the earlier of the old and the new. Updates t.
 */
int tickets_customer_followup(struct store *store, struct ticket *t, int64_t at,
    const char *message_id, const char *urgency, int64_t due_at);

/*
 * An agent answered: records the reply event and, if it is the first
 * answer, the first response time and who gave it. Updates t.
 */
int tickets_agent_reply(struct store *store, struct ticket *t, int64_t at, const char *agent,
    const char *message_id);

/* Marks the ticket resolved (once; again is a no-op) with an event. Updates t. */
int tickets_resolve(struct store *store, struct ticket *t, int64_t at, const char *actor,
    const char *message_id);

/*
 * The acknowledgement's state on the ticket: pending (the default), queued,
 * suppressed, sent, failed.
 */
int tickets_set_ack_state(struct store *store, int64_t ticket_id, const char *state);

/* Records that a customer's message on the ticket fired rule (for themes). */
int tickets_add_rule(struct store *store, int64_t ticket_id, int64_t at, const char *rule);

/* Deletes the tickets received before `before`, with their events; *deleted counts them. */
int tickets_purge(struct store *store, int64_t before, int *deleted);

/*
 * The urgency one level up from urgency (critical stays critical), or
 * NULL for an unknown name. Pure; in this header because the store's
 * urgency names are the contract.
 */
const char *tickets_urgency_raise(const char *urgency);

/*
 * Finds a ticket reference (prefix followed by digits, as tickets_create
 * makes them) in text, such as a Subject "Re: [T-000123] ...". Copies it to
 * ref (TICKET_REF_MAX bytes) and returns true when there is one.
 */
bool tickets_ref_in_text(const char *text, const char *prefix, char *ref);

#endif
