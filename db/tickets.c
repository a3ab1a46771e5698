/*
 * tickets.c - tickets and their events in the store.
 *
 * Prepared statements only, each kept in its slot of the store for the
 * life of the connection; nothing is ever pasted into SQL text.
 */
#include "tickets.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

enum slot {
	S_NEXT_NUMBER = STORE_SLOTS_TICKETS, S_INSERT_TICKET, S_INSERT_EVENT, S_FIND_BY_MESSAGE_ID, S_FIND_BY_REF,
	S_FOLLOWUP, S_RAISE, S_FIRST_RESPONSE, S_RESOLVE, S_PURGE_EVENTS, S_PURGE_TICKETS,
	S_ACK_STATE, S_ADD_RULE, S_PURGE_RULES,
};

#define TICKET_COLUMNS \
	"id, ref, urgency, received_at, IFNULL(due_at, 0), IFNULL(first_response_at, 0), " \
	"IFNULL(resolved_at, 0), contact_count"

static const char *const urgency_levels[] = { "low", "normal", "high", "critical" };

static int
urgency_level(const char *urgency)
{
	for (int i = 0; i < (int)(sizeof(urgency_levels) / sizeof(urgency_levels[0])); i++)
		if (urgency != NULL && strcmp(urgency, urgency_levels[i]) == 0)
			return i;
	return -1;
}

const char *
tickets_urgency_raise(const char *urgency)
{
	int level = urgency_level(urgency);

	if (level < 0)
		return NULL;
	return urgency_levels[level < 3 ? level + 1 : 3];
}

static void
bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	if (text != NULL)
		sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, index);
}

/* Runs a statement that returns no rows: 0, or -1. */
static int
run(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
read_ticket(sqlite3_stmt *stmt, struct ticket *out)
{
	const unsigned char *ref = sqlite3_column_text(stmt, 1);
	const unsigned char *urgency = sqlite3_column_text(stmt, 2);

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(stmt, 0);
	snprintf(out->ref, sizeof(out->ref), "%s", ref != NULL ? (const char *)ref : "");
	snprintf(out->urgency, sizeof(out->urgency), "%s",
	    urgency != NULL ? (const char *)urgency : "");
	out->received_at = sqlite3_column_int64(stmt, 3);
	out->due_at = sqlite3_column_int64(stmt, 4);
	out->first_response_at = sqlite3_column_int64(stmt, 5);
	out->resolved_at = sqlite3_column_int64(stmt, 6);
	out->contact_count = sqlite3_column_int(stmt, 7);
}

/* Steps a statement that returns at most one ticket: 1 found, 0 not, -1 error. */
static int
fetch_ticket(sqlite3_stmt *stmt, struct ticket *out)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		read_ticket(stmt, out);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
tickets_add_event(struct store *store, int64_t ticket_id, int64_t at, const char *kind,
    const char *actor, const char *message_id, const char *detail)
{
	sqlite3_stmt *stmt = store_stmt(store, S_INSERT_EVENT,
	    "INSERT INTO events (ticket_id, at, kind, actor, message_id, detail) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, ticket_id);
	sqlite3_bind_int64(stmt, 2, at);
	bind_text(stmt, 3, kind);
	bind_text(stmt, 4, actor);
	bind_text(stmt, 5, message_id);
	bind_text(stmt, 6, detail);
	return run(stmt);
}

int
tickets_create(struct store *store, const struct ticket_new *t, const char *prefix,
    struct ticket *out)
{
	sqlite3_stmt *stmt;
	int64_t number;
	char ref[TICKET_REF_MAX];

	if (t->customer_address == NULL || urgency_level(t->urgency) < 0 ||
	    strlen(prefix) > TICKET_REF_MAX - 21)
		return -1;
	stmt = store_stmt(store, S_NEXT_NUMBER,
	    "UPDATE counters SET value = value + 1 WHERE name = 'ticket' RETURNING value");
	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return -1;
	}
	number = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	snprintf(ref, sizeof(ref), "%s%06lld", prefix, (long long)number);

	stmt = store_stmt(store, S_INSERT_TICKET,
	    "INSERT INTO tickets (id, ref, message_id, queue_id, customer_address, "
	    "customer_name, subject, language, urgency, personality, topic, complaint, score, "
	    "received_at, due_at, last_contact_at, customer_text) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?14, ?16)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, number);
	bind_text(stmt, 2, ref);
	bind_text(stmt, 3, t->message_id);
	bind_text(stmt, 4, t->queue_id);
	bind_text(stmt, 5, t->customer_address);
	bind_text(stmt, 6, t->customer_name);
	bind_text(stmt, 7, t->subject);
	bind_text(stmt, 8, t->language);
	bind_text(stmt, 9, t->urgency);
	bind_text(stmt, 10, t->personality);
	bind_text(stmt, 11, t->topic);
	sqlite3_bind_int(stmt, 12, t->complaint ? 1 : 0);
	sqlite3_bind_double(stmt, 13, t->score);
	sqlite3_bind_int64(stmt, 14, t->received_at);
	if (t->due_at != 0)
		sqlite3_bind_int64(stmt, 15, t->due_at);
	bind_text(stmt, 16, t->text);
	if (run(stmt) != 0 ||
	    tickets_add_event(store, number, t->received_at, EVENT_RECEIVED, t->customer_address,
	    t->message_id, NULL) != 0)
		return -1;

	memset(out, 0, sizeof(*out));
	out->id = number;
	snprintf(out->ref, sizeof(out->ref), "%s", ref);
	snprintf(out->urgency, sizeof(out->urgency), "%s", t->urgency);
	out->received_at = t->received_at;
	out->due_at = t->due_at;
	out->contact_count = 1;
	return 0;
}

int
tickets_find_by_message_id(struct store *store, const char *message_id, struct ticket *out)
{
	/* The ticket's own message first; then any event's (acks, replies, follow-ups). */
	sqlite3_stmt *stmt = store_stmt(store, S_FIND_BY_MESSAGE_ID,
	    "SELECT " TICKET_COLUMNS " FROM tickets WHERE id = ("
	    "  SELECT id FROM ("
	    "    SELECT id, 0 AS pref FROM tickets WHERE message_id = ?1"
	    "    UNION ALL SELECT ticket_id, 1 FROM events WHERE message_id = ?1)"
	    "  ORDER BY pref, id DESC LIMIT 1)");

	if (stmt == NULL || message_id == NULL)
		return stmt == NULL ? -1 : 0;
	bind_text(stmt, 1, message_id);
	return fetch_ticket(stmt, out);
}

int
tickets_find_by_ref(struct store *store, const char *ref, struct ticket *out)
{
	sqlite3_stmt *stmt = store_stmt(store, S_FIND_BY_REF,
	    "SELECT " TICKET_COLUMNS " FROM tickets WHERE ref = ?1");

	if (stmt == NULL)
		return -1;
	bind_text(stmt, 1, ref);
	return fetch_ticket(stmt, out);
}

int
tickets_customer_followup(struct store *store, struct ticket *t, int64_t at,
    const char *message_id, const char *urgency, int64_t due_at)
{
	/* The customer writing again on a resolved ticket reopens it. */
	sqlite3_stmt *stmt = store_stmt(store, S_FOLLOWUP,
	    "UPDATE tickets SET contact_count = contact_count + 1, last_contact_at = ?2, "
	    "resolved_at = NULL WHERE id = ?1");

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, t->id);
	sqlite3_bind_int64(stmt, 2, at);
	if (run(stmt) != 0 ||
	    tickets_add_event(store, t->id, at, EVENT_CUSTOMER_FOLLOWUP, NULL, message_id,
	    t->resolved_at != 0 ? "reopened" : NULL) != 0)
		return -1;
	t->contact_count++;
	t->resolved_at = 0;

	if (urgency_level(urgency) > urgency_level(t->urgency)) {
		char detail[64];

		if (due_at == 0 || (t->due_at != 0 && t->due_at < due_at))
			due_at = t->due_at;
		stmt = store_stmt(store, S_RAISE,
		    "UPDATE tickets SET urgency = ?2, due_at = NULLIF(?3, 0) WHERE id = ?1");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, t->id);
		bind_text(stmt, 2, urgency);
		sqlite3_bind_int64(stmt, 3, due_at);
		snprintf(detail, sizeof(detail), "%s -> %s", t->urgency, urgency);
		if (run(stmt) != 0 ||
		    tickets_add_event(store, t->id, at, EVENT_URGENCY_RAISED, NULL, message_id,
		    detail) != 0)
			return -1;
		snprintf(t->urgency, sizeof(t->urgency), "%s", urgency);
		t->due_at = due_at;
	}
	return 0;
}

int
tickets_agent_reply(struct store *store, struct ticket *t, int64_t at, const char *agent,
    const char *message_id)
{
	if (tickets_add_event(store, t->id, at, EVENT_AGENT_REPLY, agent, message_id, NULL) != 0)
		return -1;
	if (t->first_response_at == 0) {
		sqlite3_stmt *stmt = store_stmt(store, S_FIRST_RESPONSE,
		    "UPDATE tickets SET first_response_at = ?2, first_response_by = ?3 "
		    "WHERE id = ?1 AND first_response_at IS NULL");

		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, t->id);
		sqlite3_bind_int64(stmt, 2, at);
		bind_text(stmt, 3, agent);
		if (run(stmt) != 0)
			return -1;
		t->first_response_at = at;
	}
	return 0;
}

int
tickets_resolve(struct store *store, struct ticket *t, int64_t at, const char *actor,
    const char *message_id)
{
	sqlite3_stmt *stmt;

	if (t->resolved_at != 0)
		return 0;
	stmt = store_stmt(store, S_RESOLVE,
	    "UPDATE tickets SET resolved_at = ?2 WHERE id = ?1 AND resolved_at IS NULL");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, t->id);
	sqlite3_bind_int64(stmt, 2, at);
	if (run(stmt) != 0 ||
	    tickets_add_event(store, t->id, at, EVENT_RESOLVED, actor, message_id, NULL) != 0)
		return -1;
	t->resolved_at = at;
	return 0;
}

int
tickets_set_ack_state(struct store *store, int64_t ticket_id, const char *state)
{
	sqlite3_stmt *stmt = store_stmt(store, S_ACK_STATE,
	    "UPDATE tickets SET ack_state = ?2 WHERE id = ?1");

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, ticket_id);
	bind_text(stmt, 2, state);
	return run(stmt);
}

int
tickets_add_rule(struct store *store, int64_t ticket_id, int64_t at, const char *rule)
{
	sqlite3_stmt *stmt = store_stmt(store, S_ADD_RULE,
	    "INSERT INTO ticket_rules (ticket_id, at, rule) VALUES (?1, ?2, ?3)");

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, ticket_id);
	sqlite3_bind_int64(stmt, 2, at);
	bind_text(stmt, 3, rule);
	return run(stmt);
}

int
tickets_purge(struct store *store, int64_t before, int *deleted)
{
	sqlite3_stmt *stmt;

	stmt = store_stmt(store, S_PURGE_RULES,
	    "DELETE FROM ticket_rules WHERE ticket_id IN "
	    "(SELECT id FROM tickets WHERE received_at < ?1)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, before);
	if (run(stmt) != 0)
		return -1;

	/* Events go by ON DELETE CASCADE too; deleting them first keeps that cheap. */
	stmt = store_stmt(store, S_PURGE_EVENTS,
	    "DELETE FROM events WHERE ticket_id IN (SELECT id FROM tickets WHERE received_at < ?1)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, before);
	if (run(stmt) != 0)
		return -1;
	stmt = store_stmt(store, S_PURGE_TICKETS, "DELETE FROM tickets WHERE received_at < ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, before);
	if (run(stmt) != 0)
		return -1;
	*deleted = sqlite3_changes(store->db);
	return 0;
}

bool
tickets_ref_in_text(const char *text, const char *prefix, char *ref)
{
	size_t plen = strlen(prefix);

	if (text == NULL || plen == 0)
		return false;
	for (const char *p = strstr(text, prefix); p != NULL; p = strstr(p + 1, prefix)) {
		const char *digits = p + plen;
		size_t n = 0;

		/* Not the tail of a longer word ("XT-000123" is not "T-000123"). */
		if (p > text && isalnum((unsigned char)p[-1]))
			continue;
		while (isdigit((unsigned char)digits[n]))
			n++;
		if (n == 0 || n > 18 || isalnum((unsigned char)digits[n]) ||
		    plen + n >= TICKET_REF_MAX)
			continue;
		/* As tickets_create writes it: "T-123" in a subject is T-000123. */
		snprintf(ref, TICKET_REF_MAX, "%s%06lld", prefix, strtoll(digits, NULL, 10));
		return true;
	}
	return false;
}
