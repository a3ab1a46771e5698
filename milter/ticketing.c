/*
 * ticketing.c - what a message does to the tickets.
 */
#include "ticketing.h"

#include <string.h>

#include "outbox.h"

/* References beyond this many (newest first) are not looked at: a thread
 * that long has long been threaded by its newer ones. */
#define REFERENCES_LOOKED_AT 20

int
ticketing_find(struct store *store, const struct snapshot *snap,
    const struct message_view *view, struct ticket *out)
{
	char ref[TICKET_REF_MAX];
	int found;

	if (view->in_reply_to != NULL &&
	    (found = tickets_find_by_message_id(store, view->in_reply_to, out)) != 0)
		return found;
	if (view->references != NULL) {
		for (guint i = view->references->len, looked = 0;
		    i > 0 && looked < REFERENCES_LOOKED_AT; i--, looked++) {
			found = tickets_find_by_message_id(store,
			    g_ptr_array_index(view->references, i - 1), out);
			if (found != 0)
				return found;
		}
	}
	if (tickets_ref_in_text(view->subject, snap->config->ticket_prefix, ref))
		return tickets_find_by_ref(store, ref, out);
	return 0;
}

static gint64
due_for(const struct snapshot *snap, gint64 from, enum urgency urgency)
{
	gint64 due = sla_due(snap->calendar, from, &snap->sla[urgency]);

	/* SLA_NEVER: a calendar closed past its horizon; no due time, not a bogus one. */
	return due == SLA_NEVER ? 0 : due;
}

/* Which limit, if any, stops an acknowledgement the message itself allows. */
static int
ack_limit(struct store *store, const struct ticketing_ack *ack, gint64 now, const char **reason)
{
	int n = 0;

	*reason = NULL;
	if (ack->dedupe_seconds > 0) {
		if (outbox_count_to(store, ack->recipient, now - ack->dedupe_seconds, &n) != 0)
			return -1;
		if (n > 0) {
			*reason = "dedupe";
			return 0;
		}
	}
	if (outbox_count_to(store, ack->recipient, now - 86400, &n) != 0)
		return -1;
	if (n >= ack->daily_cap) {
		*reason = "sender-cap";
		return 0;
	}
	if (outbox_count_all(store, now - 60, &n) != 0)
		return -1;
	if (n >= ack->rate_limit)
		*reason = "rate-cap";
	return 0;
}

/* Queues the acknowledgement, or records why there is none. */
static int
acknowledge(struct store *store, const struct ticketing_ack *ack, gint64 now,
    struct ticketing_outcome *out)
{
	const char *reason = ack->answer ? NULL : ack->reason;
	GBytes *message;
	char *message_id = NULL;
	gsize len;
	const void *data;
	int rc;

	if (reason == NULL && ack_limit(store, ack, now, &reason) != 0)
		return -1;
	if (reason != NULL) {
		out->ack_suppressed = reason;
		if (tickets_add_event(store, out->ticket.id, now, EVENT_ACK_SUPPRESSED, NULL, NULL,
		    reason) != 0)
			return -1;
		/* A follow-up's suppressed acknowledgement leaves the first one's state. */
		return out->kind == TICKETING_NEW ?
		    tickets_set_ack_state(store, out->ticket.id, "suppressed") : 0;
	}
	message = ack->compose(ack->data, &out->ticket, &message_id);
	data = g_bytes_get_data(message, &len);
	rc = outbox_queue(store, out->ticket.id, now, ack->recipient, message_id, data, len);
	g_bytes_unref(message);
	g_free(message_id);
	out->ack_queued = rc == 0;
	return rc;
}

int
ticketing_customer(struct store *store, const struct snapshot *snap,
    const struct message_view *view, const struct verdict *verdict,
    const struct ticket *continued, const char *queue_id, const char *customer, gint64 now,
    const struct ticketing_ack *ack, struct ticketing_outcome *out)
{
	const struct config *config = snap->config;

	memset(out, 0, sizeof(*out));
	if (store_begin(store) != 0)
		return -1;
	if (continued != NULL) {
		/* A repeat contact: one level up, or the message's own if higher. */
		const char *raised = tickets_urgency_raise(continued->urgency);
		int level = urgency_from_name(raised != NULL ? raised : "normal");
		enum urgency urgency = (enum urgency)MAX(level, (int)verdict->urgency);

		out->ticket = *continued;
		if (tickets_customer_followup(store, &out->ticket, now, view->message_id,
		    urgency_name(urgency), due_for(snap, now, urgency)) != 0)
			goto fail;
		out->kind = TICKETING_FOLLOWUP;
		out->urgency_raised = strcmp(out->ticket.urgency, continued->urgency) != 0;
	} else {
		struct ticket_new t = {
			.message_id = view->message_id,
			.queue_id = queue_id,
			.customer_address = view->from != NULL && *view->from->address != '\0' ?
			    view->from->address : customer,
			.customer_name = view->from != NULL && *view->from->name != '\0' ?
			    view->from->name : NULL,
			.subject = view->subject,
			.language = verdict->language,
			.urgency = urgency_name(verdict->urgency),
			.personality = personality_name(verdict->personality),
			.topic = topic_name(verdict->topic),
			.complaint = verdict->complaint,
			.score = verdict->axes[AXIS_URGENCY],
			.received_at = now,
			.due_at = due_for(snap, now, verdict->urgency),
			.text = config->store_text ? view->text : NULL,
		};

		if (t.customer_address == NULL || *t.customer_address == '\0')
			t.customer_address = "<>";
		if (tickets_create(store, &t, config->ticket_prefix, &out->ticket) != 0)
			goto fail;
		out->kind = TICKETING_NEW;
	}
	for (guint i = 0; i < verdict->hits->len; i++)
		if (tickets_add_rule(store, out->ticket.id, now,
		    g_array_index(verdict->hits, struct verdict_hit, i).name) != 0)
			goto fail;
	if (ack != NULL && acknowledge(store, ack, now, out) != 0)
		goto fail;
	if (store_commit(store) != 0)
		return -1;
	return 0;
fail:
	store_rollback(store);
	return -1;
}

int
ticketing_agent(struct store *store, const struct snapshot *snap,
    const struct message_view *view, const char *agent, bool resolve, gint64 now,
    struct ticketing_outcome *out)
{
	int found;

	memset(out, 0, sizeof(*out));
	if (store_begin(store) != 0)
		return -1;
	found = ticketing_find(store, snap, view, &out->ticket);
	if (found <= 0) {
		store_rollback(store);
		return found;
	}
	if (tickets_agent_reply(store, &out->ticket, now, agent, view->message_id) != 0 ||
	    (resolve && out->ticket.resolved_at == 0 &&
	    tickets_resolve(store, &out->ticket, now, agent, view->message_id) != 0)) {
		store_rollback(store);
		return -1;
	}
	if (store_commit(store) != 0)
		return -1;
	out->kind = TICKETING_REPLY;
	out->resolved = resolve;
	return 0;
}

bool
ticketing_has_marker(const char *text, const char *marker)
{
	size_t len;

	if (text == NULL || marker == NULL || (len = strlen(marker)) == 0)
		return false;
	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *end = strchr(line, '\n');
		const char *a = line, *b = end != NULL ? end : line + strlen(line);

		while (a < b && g_ascii_isspace(*a))
			a++;
		while (b > a && g_ascii_isspace(b[-1]))
			b--;
		if ((size_t)(b - a) == len && memcmp(a, marker, len) == 0)
			return true;
		line = end != NULL ? end + 1 : NULL;
	}
	return false;
}
