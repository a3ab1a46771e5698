/*
 * sender.h - the thread that hands queued acknowledgements to the MTA.
 *
 * Never inside a milter callback: the callback queues (db/outbox.h) and
 * wakes this thread, which submits with the null reverse-path (RFC 3834:
 * a bounce of an auto-reply must go nowhere) to AckRelay, over SMTP with
 * libcurl ("smtp://host:port") or through a sendmail binary
 * ("sendmail:/usr/sbin/sendmail"). A temporary failure is retried with
 * back-off (AckRetrySeconds, 30 s, doubling to an hour, SENDER_MAX_ATTEMPTS
 * in all); a
 * permanent one (5xx) is given up at once. Each outcome is one log line.
 */
#ifndef TRIAGE_SENDER_H
#define TRIAGE_SENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

#define SENDER_MAX_ATTEMPTS 16	/* about 11 hours of retrying */

struct sender;

/*
 * Opens its own connection to the database at path, recovers what a crash
 * left half-sent (outbox_recover), and starts the thread. NULL with errbuf.
 * The relay is read from the current snapshot for each message, so a
 * reload can change it.
 */
struct sender *sender_start(const char *path, const struct store_options *opts, char *errbuf,
    size_t errlen);

/* Something was queued: look now rather than at the next poll. Thread-safe. */
void sender_wake(struct sender *sender);

/* Finishes the message in hand, stops the thread, closes. NULL is accepted. */
void sender_stop(struct sender *sender);

#endif
