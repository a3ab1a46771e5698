/*
 * sender.c - the thread that hands queued acknowledgements to the MTA.
 */
#include "sender.h"

#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "log.h"
#include "outbox.h"
#include "snapshot.h"
#include "submit.h"

#define POLL_SECONDS 5		/* a look at the outbox even when nobody woke us */
#define BACKOFF_MAX 3600	/* the back-off doubles from AckRetrySeconds up to this */

struct sender {
	struct store *store;	/* this thread's own connection */
	GThread *thread;
	GMutex lock;		/* guards woken and stopping */
	GCond cond;
	bool woken;
	bool stopping;
};

static gint64
now_seconds(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* Hands over one due item. Returns true when there was one. */
static bool
send_one(struct sender *s)
{
	struct outbox_item item;
	struct snapshot *snap;
	char reply[512];
	int taken = outbox_take(s->store, now_seconds(), &item), outcome;

	if (taken <= 0) {
		if (taken < 0)
			log_msg(LOG_ERR, "outbox: cannot read: %s", store_errmsg(s->store));
		return false;
	}
	snap = snapshot_current();
	outcome = submit_message(snap->config->ack_relay, item.recipient, item.message,
	    item.message_len, reply, sizeof(reply));
	if (outcome == 0) {
		if (outbox_sent(s->store, &item, now_seconds(), reply) != 0)
			log_msg(LOG_ERR, "ack %s to %s: sent, but not recorded: %s", item.message_id,
			    item.recipient, store_errmsg(s->store));
		else
			log_msg(LOG_INFO, "ack %s to %s: sent (%s)", item.message_id, item.recipient,
			    reply);
	} else {
		int attempts = item.attempts + 1;
		gint64 wait = MIN((gint64)snap->config->ack_retry_seconds << MIN(attempts - 1, 20),
		    BACKOFF_MAX);
		gint64 retry_at = outcome == 2 || attempts >= SENDER_MAX_ATTEMPTS ? 0 :
		    now_seconds() + wait;

		if (outbox_retry(s->store, &item, retry_at, reply) != 0)
			log_msg(LOG_ERR, "ack %s to %s: cannot record the failure: %s",
			    item.message_id, item.recipient, store_errmsg(s->store));
		else if (retry_at != 0)
			log_msg(LOG_WARNING, "ack %s to %s: attempt %d failed (%s); retry in %" G_GINT64_FORMAT
			    " s", item.message_id, item.recipient, attempts, reply, wait);
		else
			log_msg(LOG_WARNING, "ack %s to %s: given up after %d attempt%s (%s)",
			    item.message_id, item.recipient, attempts, attempts == 1 ? "" : "s", reply);
	}
	snapshot_unref(snap);
	outbox_item_clear(&item);
	return true;
}

static gpointer
sender_thread(gpointer data)
{
	struct sender *s = data;

	for (;;) {
		gint64 next = 0, deadline;

		g_mutex_lock(&s->lock);
		if (s->stopping) {
			g_mutex_unlock(&s->lock);
			break;
		}
		s->woken = false;
		g_mutex_unlock(&s->lock);

		while (send_one(s)) {
			g_mutex_lock(&s->lock);
			bool stop = s->stopping;
			g_mutex_unlock(&s->lock);
			if (stop)
				return NULL;
		}
		/* Sleep until woken, the next retry falls due, or the poll. */
		deadline = g_get_monotonic_time() + POLL_SECONDS * G_USEC_PER_SEC;
		if (outbox_next_due(s->store, &next) == 1) {
			gint64 in = (next - now_seconds()) * G_USEC_PER_SEC;

			if (in < POLL_SECONDS * G_USEC_PER_SEC)
				deadline = g_get_monotonic_time() + MAX(in, 0);
		}
		g_mutex_lock(&s->lock);
		while (!s->woken && !s->stopping)
			if (!g_cond_wait_until(&s->cond, &s->lock, deadline))
				break;
		g_mutex_unlock(&s->lock);
	}
	return NULL;
}

struct sender *
sender_start(const char *path, const struct store_options *opts, char *errbuf, size_t errlen)
{
	struct sender *s;
	struct store *store = store_open(path, opts, errbuf, errlen);
	int recovered;

	if (store == NULL)
		return NULL;
	recovered = outbox_recover(store);
	if (recovered > 0)
		log_msg(LOG_WARNING, "outbox: %d acknowledgement%s interrupted while being handed "
		    "to the MTA by the last run; not resent (they may have gone)", recovered,
		    recovered == 1 ? " was" : "s were");
	s = g_new0(struct sender, 1);
	s->store = store;
	g_mutex_init(&s->lock);
	g_cond_init(&s->cond);
	s->thread = g_thread_new("sender", sender_thread, s);
	return s;
}

void
sender_wake(struct sender *s)
{
	if (s == NULL)
		return;
	g_mutex_lock(&s->lock);
	s->woken = true;
	g_cond_signal(&s->cond);
	g_mutex_unlock(&s->lock);
}

void
sender_stop(struct sender *s)
{
	if (s == NULL)
		return;
	g_mutex_lock(&s->lock);
	s->stopping = true;
	g_cond_signal(&s->cond);
	g_mutex_unlock(&s->lock);
	g_thread_join(s->thread);
	store_close(s->store);
	g_mutex_clear(&s->lock);
	g_cond_clear(&s->cond);
	g_free(s);
}
