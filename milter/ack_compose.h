/*
 * ack_compose.h - the acknowledgement as a message, composed with GMime.
 *
 * An RFC 3834 automatic reply: From the support address the customer wrote
 * to, To the envelope sender (where a reply to the message is meant to go
 * when it is automatic), Subject "Re: [T-000123] their subject" (AckSubject),
 * a new Message-ID, Date, In-Reply-To and References threading it under
 * theirs, Auto-Submitted: auto-replied and X-Auto-Response-Suppress: All (so
 * other robots stay quiet), X-Triage-Ack naming the ticket (so we know our
 * own), Content-Language, and the body as UTF-8 text/plain in
 * quoted-printable. Text that came from the customer (subject, name) goes
 * into headers only through GMime's encoders, with control characters
 * replaced first: it can never start a header of its own.
 */
#ifndef TRIAGE_ACK_COMPOSE_H
#define TRIAGE_ACK_COMPOSE_H

#include <glib.h>

#include "message.h"

struct ack_message {
	const struct message_view *original;	/* the customer's message */
	const char *recipient;		/* envelope sender: the To */
	const char *support_address;	/* the From */
	const char *from_name;		/* AckFromName, may be "" */
	const char *subject_format;	/* AckSubject: %t, %s, %% */
	const char *ticket;		/* T-000123 */
	const char *language;		/* of the body: Content-Language */
	const char *body;		/* rendered template, UTF-8, \n line ends */
	gint64 date;			/* Unix seconds */
};

/*
 * Composes the message: CRLF line ends, ready for SMTP. Returns the bytes
 * (g_bytes_unref) and sets *message_id to the new Message-ID without <>
 * (g_free).
 */
GBytes *ack_compose(const struct ack_message *in, char **message_id);

/*
 * The customer's subject without the reply and forward prefixes mail
 * clients add in our six languages (Re:, AW:, SV:, VS:, Отг:, Fwd: ...), so
 * the acknowledgement says "Re: [T-...] Parcel", not "Re: [T-...] Re: Parcel".
 * Returns a new string.
 */
char *ack_subject_core(const char *subject);

#endif
