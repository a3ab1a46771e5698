/*
 * outbox.h - acknowledgements waiting to be handed to the MTA.
 *
 * The filter queues an acknowledgement in the transaction that records its
 * ticket; a sender thread takes the due ones one at a time. The guarantee
 * (README, "Delivery"): an acknowledgement the MTA refused or could not
 * take is retried with back-off until it is accepted or given up; one
 * whose hand-over was interrupted by a crash (state "sending" at start-up)
 * is never sent again, because it may already have been, and is marked
 * failed with the reason. So none is sent twice, and none is lost to a
 * relay that is down.
 *
 * Conventions as in tickets.h: 1/0 for found, 0 for done, -1 for a database
 * error (store_errmsg()). Times are Unix seconds.
 */
#ifndef TRIAGE_OUTBOX_H
#define TRIAGE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One queued acknowledgement, as outbox_take() hands it out. */
struct outbox_item {
	int64_t id;
	int64_t ticket_id;
	char *recipient;	/* owned */
	char *message_id;	/* owned */
	unsigned char *message;	/* owned: the whole RFC 5322 message */
	size_t message_len;
	int attempts;		/* before this one */
};

/* Queues an acknowledgement for now. Inside the caller's transaction. */
int outbox_queue(struct store *store, int64_t ticket_id, int64_t now, const char *recipient,
    const char *message_id, const void *message, size_t len);

/*
 * Takes the oldest due item (next_attempt_at <= now) and marks it
 * "sending", in a transaction of its own. 1 with *out filled (free it with
 * outbox_item_clear()), 0 when none is due.
 */
int outbox_take(struct store *store, int64_t now, struct outbox_item *out);

/* The MTA took it: "sent", with its reply; records the "acknowledged" event. */
int outbox_sent(struct store *store, const struct outbox_item *item, int64_t now,
    const char *reply);

/*
 * The MTA did not take it: back to "queued" for retry_at, or "failed" when
 * retry_at is 0 (given up). Records the reply either way.
 */
int outbox_retry(struct store *store, const struct outbox_item *item, int64_t retry_at,
    const char *reply);

/*
 * At start-up: items left "sending" by a crash are marked failed (they may
 * have reached the MTA). Returns how many, or -1.
 */
int outbox_recover(struct store *store);

/* Acknowledgements queued to recipient since `since` (the dedupe window, the daily cap). */
int outbox_count_to(struct store *store, const char *recipient, int64_t since, int *count);

/* Acknowledgements queued to anyone since `since` (the global rate cap). */
int outbox_count_all(struct store *store, int64_t since, int *count);

/* The earliest next_attempt_at among queued items; 1 found, 0 none. */
int outbox_next_due(struct store *store, int64_t *when);

void outbox_item_clear(struct outbox_item *item);

#endif
