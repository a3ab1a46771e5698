/*
 * outbox.c - acknowledgements waiting to be handed to the MTA.
 */
#include "outbox.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "tickets.h"

enum slot {
	S_QUEUE = STORE_SLOTS_OUTBOX, S_DUE, S_MARK_SENDING, S_SENT, S_RETRY, S_RECOVER,
	S_COUNT_TO, S_COUNT_ALL, S_NEXT_DUE,
};

static int
run(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Mirrors the outbox state on the ticket, for the views and reports. */
static int
set_ticket_state(struct store *store, int64_t ticket_id, const char *state)
{
	return tickets_set_ack_state(store, ticket_id, state);
}

int
outbox_queue(struct store *store, int64_t ticket_id, int64_t now, const char *recipient,
    const char *message_id, const void *message, size_t len)
{
	sqlite3_stmt *stmt = store_stmt(store, S_QUEUE,
	    "INSERT INTO outbox (ticket_id, created_at, recipient, message_id, message, "
	    "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?2)");

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, ticket_id);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_text(stmt, 3, recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, message_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob64(stmt, 5, message, len, SQLITE_TRANSIENT);
	if (run(stmt) != 0)
		return -1;
	return set_ticket_state(store, ticket_id, "queued");
}

int
outbox_take(struct store *store, int64_t now, struct outbox_item *out)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(store) != 0)
		return -1;
	stmt = store_stmt(store, S_DUE,
	    "SELECT id, ticket_id, recipient, message_id, message, attempts FROM outbox "
	    "WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1");
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, now);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(stmt);
		store_rollback(store);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		goto fail;
	}
	out->id = sqlite3_column_int64(stmt, 0);
	out->ticket_id = sqlite3_column_int64(stmt, 1);
	out->recipient = strdup((const char *)sqlite3_column_text(stmt, 2));
	out->message_id = strdup((const char *)sqlite3_column_text(stmt, 3));
	out->message_len = (size_t)sqlite3_column_bytes(stmt, 4);
	out->message = malloc(out->message_len + 1);
	if (out->message != NULL && out->message_len > 0)
		memcpy(out->message, sqlite3_column_blob(stmt, 4), out->message_len);
	out->attempts = sqlite3_column_int(stmt, 5);
	sqlite3_reset(stmt);
	if (out->recipient == NULL || out->message_id == NULL || out->message == NULL)
		goto fail;

	/* Marked before the hand-over: a crash from here on must not resend it. */
	stmt = store_stmt(store, S_MARK_SENDING,
	    "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?1");
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, out->id);
	if (run(stmt) != 0 || store_commit(store) != 0)
		goto fail;
	return 1;
fail:
	store_rollback(store);
	outbox_item_clear(out);
	return -1;
}

int
outbox_sent(struct store *store, const struct outbox_item *item, int64_t now, const char *reply)
{
	sqlite3_stmt *stmt;

	if (store_begin(store) != 0)
		return -1;
	stmt = store_stmt(store, S_SENT,
	    "UPDATE outbox SET state = 'sent', sent_at = ?2, last_reply = ?3 WHERE id = ?1");
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, item->id);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_text(stmt, 3, reply, -1, SQLITE_TRANSIENT);
	if (run(stmt) != 0 || set_ticket_state(store, item->ticket_id, "sent") != 0 ||
	    tickets_add_event(store, item->ticket_id, now, EVENT_ACKNOWLEDGED, NULL,
	    item->message_id, reply) != 0 ||
	    store_commit(store) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(store);
	return -1;
}

int
outbox_retry(struct store *store, const struct outbox_item *item, int64_t retry_at,
    const char *reply)
{
	sqlite3_stmt *stmt;

	if (store_begin(store) != 0)
		return -1;
	stmt = store_stmt(store, S_RETRY,
	    "UPDATE outbox SET state = CASE WHEN ?2 = 0 THEN 'failed' ELSE 'queued' END, "
	    "next_attempt_at = CASE WHEN ?2 = 0 THEN next_attempt_at ELSE ?2 END, "
	    "last_reply = ?3 WHERE id = ?1");
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, item->id);
	sqlite3_bind_int64(stmt, 2, retry_at);
	sqlite3_bind_text(stmt, 3, reply, -1, SQLITE_TRANSIENT);
	if (run(stmt) != 0 ||
	    (retry_at == 0 && set_ticket_state(store, item->ticket_id, "failed") != 0) ||
	    store_commit(store) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(store);
	return -1;
}

int
outbox_recover(struct store *store)
{
	sqlite3_stmt *stmt;
	int changed;

	if (store_begin(store) != 0)
		return -1;
	stmt = store_stmt(store, S_RECOVER,
	    "UPDATE outbox SET state = 'failed', last_reply = 'interrupted while handing it "
	    "to the MTA: not resent, it may have been delivered' WHERE state = 'sending'");
	if (stmt == NULL || run(stmt) != 0) {
		store_rollback(store);
		return -1;
	}
	changed = sqlite3_changes(store->db);
	if (store_commit(store) != 0)
		return -1;
	return changed;
}

static int
count(sqlite3_stmt *stmt, int *out)
{
	int rc = sqlite3_step(stmt);

	*out = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
outbox_count_to(struct store *store, const char *recipient, int64_t since, int *out)
{
	sqlite3_stmt *stmt = store_stmt(store, S_COUNT_TO,
	    "SELECT count(*) FROM outbox WHERE recipient = ?1 AND created_at >= ?2");

	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, since);
	return count(stmt, out);
}

int
outbox_count_all(struct store *store, int64_t since, int *out)
{
	sqlite3_stmt *stmt = store_stmt(store, S_COUNT_ALL,
	    "SELECT count(*) FROM outbox WHERE created_at >= ?1");

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, since);
	return count(stmt, out);
}

int
outbox_next_due(struct store *store, int64_t *when)
{
	sqlite3_stmt *stmt = store_stmt(store, S_NEXT_DUE,
	    "SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'");
	int rc, found = 0;

	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		*when = sqlite3_column_int64(stmt, 0);
		found = 1;
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? found : -1;
}

void
outbox_item_clear(struct outbox_item *item)
{
	free(item->recipient);
	free(item->message_id);
	free(item->message);
	memset(item, 0, sizeof(*item));
}
