/*
 * sender.c - the thread that hands queued acknowledgements to the MTA.
 */
#include "sender.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <curl/curl.h>
#include <glib.h>

#include "log.h"
#include "outbox.h"
#include "snapshot.h"

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

/* Feeds the message to libcurl's upload. */
struct upload {
	const unsigned char *data;
	size_t len, done;
};

static size_t
read_message(char *buf, size_t size, size_t count, void *data)
{
	struct upload *u = data;
	size_t n = MIN(size * count, u->len - u->done);

	memcpy(buf, u->data + u->done, n);
	u->done += n;
	return n;
}

static int
submit_smtp(const char *url, const char *recipient, const unsigned char *message, size_t len,
    char *reply, size_t replylen)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	struct upload u = { message, len, 0 };
	char errbuf[CURL_ERROR_SIZE] = "", *bracketed;
	long code = 0;
	CURLcode rc;

	if (curl == NULL) {
		g_strlcpy(reply, "cannot start libcurl", replylen);
		return 1;
	}
	bracketed = g_strdup_printf("<%s>", recipient);
	rcpt = curl_slist_append(rcpt, bracketed);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	/* No CURLOPT_MAIL_FROM: libcurl then sends MAIL FROM:<>, the null reverse-path. */
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);	/* threads: no SIGALRM */
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		snprintf(reply, replylen, "%ld accepted by %s", code, url);
	else
		snprintf(reply, replylen, "%ld %s", code,
		    *errbuf != '\0' ? errbuf : curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	g_free(bracketed);
	if (rc == CURLE_OK)
		return 0;
	/* A 5xx is the MTA's final word; anything else may pass later. */
	return code >= 500 && code < 600 ? 2 : 1;
}

static int
submit_sendmail(const char *path, const char *recipient, const unsigned char *message,
    size_t len, char *reply, size_t replylen)
{
	/* -f "<>": the null reverse-path; "--" so no address reads as an option. */
	char *argv[] = { (char *)path, "-i", "-f", "<>", "--", (char *)recipient, NULL };
	GError *error = NULL;
	GPid pid;
	int in, status;
	gsize off = 0;

	if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
	    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &in,
	    NULL, NULL, &error)) {
		snprintf(reply, replylen, "cannot run %s: %s", path, error->message);
		g_error_free(error);
		return 1;
	}
	while (off < len) {
		ssize_t n = write(in, message + off, len - off);

		if (n <= 0)
			break;
		off += (gsize)n;
	}
	close(in);
	if (waitpid(pid, &status, 0) < 0)
		status = -1;
	g_spawn_close_pid(pid);
	if (off == len && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(reply, replylen, "accepted by %s", path);
		return 0;
	}
	snprintf(reply, replylen, "%s exited %d", path,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	/* sysexits: 75 (EX_TEMPFAIL) and unknown outcomes are retried. */
	return WIFEXITED(status) && (WEXITSTATUS(status) == 65 || WEXITSTATUS(status) == 67) ? 2 : 1;
}

int
sender_submit(const char *relay, const char *recipient, const unsigned char *message,
    size_t len, char *reply, size_t replylen)
{
	if (g_str_has_prefix(relay, "sendmail:"))
		return submit_sendmail(relay + 9, recipient, message, len, reply, replylen);
	return submit_smtp(relay, recipient, message, len, reply, replylen);
}

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
	outcome = sender_submit(snap->config->ack_relay, item.recipient, item.message,
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
