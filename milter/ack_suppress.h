/*
 * ack_suppress.h - whether a customer's message gets an acknowledgement.
 *
 * The acknowledgement is an automatic reply (RFC 3834), so it must never go
 * to a bounce, a mailing list, another robot, our own mail or (when so
 * configured) a sender nobody vouches for. ack_decide() answers that for
 * one message from what the filter already knows about it: the reader's
 * view, the envelope sender and the settings. It is a pure function: no
 * libmilter, no SQLite, no I/O, no globals; any thread may call it.
 *
 * The checks, in the order they run (the first that fires is the reason,
 * so the most specific reason is the one recorded):
 *
 *   own-mail        an X-Triage-Ack header (our acknowledgements carry
 *                   one), or From or envelope sender is a support or
 *                   agent address, "+detail" ignored. Runs first: our own
 *                   acknowledgement also has a null sender and
 *                   Auto-Submitted, and "it was ours" is the news.
 *   null-sender     the null reverse-path: a DSN, MDN or other report
 *                   (RFC 5321 4.5.5, RFC 3834 2).
 *   bad-sender      the envelope sender is not a syntactically valid
 *                   mailbox (ack_address_valid()): there is nobody to
 *                   answer, and it would be untrusted text in our To:.
 *   auto-submitted  Auto-Submitted present and its keyword is not "no"
 *                   (RFC 3834 5): the sender says it is a robot.
 *   list            any List-* header (RFC 2369, RFC 2919).
 *   precedence      Precedence: bulk, list, junk (or auto_reply, which
 *                   some vacation programs send).
 *   x-auto-response-suppress
 *                   X-Auto-Response-Suppress naming All, AutoReply or OOF.
 *   robot-address   envelope sender or From is a robot by its local part
 *                   (ack_robot_address()); a guess from a name, so it
 *                   comes after everything the message declares.
 *   unauthenticated require_auth and no trusted Authentication-Results
 *                   header vouches for the From domain (see below). Last:
 *                   it is policy, not what kind of mail this is, so an
 *                   unauthenticated list message is recorded as "list".
 *
 * Alignment (for require_auth) is an approximation of DMARC relaxed
 * alignment without the Public Suffix List: two domains are aligned when
 * they are equal, or one is a subdomain of the other and the parent has at
 * least two labels (ack_domain_aligned()). Sibling subdomains
 * (a.example.com, b.example.com) are therefore not aligned, which fails
 * closed; a two-label public suffix (co.uk) as the parent is accepted,
 * which needs that registry's own SPF or DKIM key to matter.
 */
#ifndef TRIAGE_ACK_SUPPRESS_H
#define TRIAGE_ACK_SUPPRESS_H

#include <stdbool.h>
#include <glib.h>

#include "message.h"

/* Reasons (static strings, stored as the event's detail). */
#define ACK_REASON_INTERNAL		"internal"	/* a NULL view or policy: never answer a bug */
#define ACK_REASON_OWN_MAIL		"own-mail"
#define ACK_REASON_NULL_SENDER		"null-sender"
#define ACK_REASON_BAD_SENDER		"bad-sender"
#define ACK_REASON_AUTO_SUBMITTED	"auto-submitted"
#define ACK_REASON_LIST			"list"
#define ACK_REASON_PRECEDENCE		"precedence"
#define ACK_REASON_X_AUTO_RESPONSE_SUPPRESS "x-auto-response-suppress"
#define ACK_REASON_ROBOT_ADDRESS	"robot-address"
#define ACK_REASON_UNAUTHENTICATED	"unauthenticated"

/*
 * The settings the decision needs; every pointer is borrowed. Address
 * lists are NULL-terminated and lower case (struct config's
 * support_addresses and agent_addresses can be used as they are); a NULL
 * list is empty.
 */
struct ack_policy {
	char *const *support_addresses;	/* SupportAddresses */
	char *const *agent_addresses;	/* AgentAddresses */
	bool require_auth;		/* AckRequireAuth */
	char *const *trusted_authserv_ids; /* TrustedAuthservIDs, any case */
};

/*
 * The headers the decision needs that struct message_view does not hold,
 * collected by the header callback; borrowed, NULL when absent.
 */
struct ack_headers {
	const char *x_triage_ack;	/* first X-Triage-Ack value ("" if empty) */
};

struct ack_decision {
	bool answer;
	const char *reason;	/* an ACK_REASON_* string, NULL when answer */
};

/*
 * Decides whether to acknowledge one inbound customer message. view is
 * the reader's view of it; envelope_sender is MAIL FROM without the angle
 * brackets ("" for the null reverse-path; "<...>" is also accepted, NULL
 * counts as a bad sender); extra may be NULL when no extra header was
 * seen. Always fills *out. A NULL view or policy suppresses with
 * ACK_REASON_INTERNAL.
 */
void ack_decide(const struct message_view *view, const char *envelope_sender,
    const struct ack_headers *extra, const struct ack_policy *policy,
    struct ack_decision *out);

/*
 * True when addr (no angle brackets) is a mailbox we could send to:
 * local-part (dot-atom or non-empty quoted string, UTF-8 allowed per
 * RFC 6531, at most 64 bytes) "@" a domain of at least two labels
 * (letters, digits, inner hyphens or UTF-8; labels up to 63 bytes, at most
 * 255 in all, no trailing dot); valid UTF-8, no controls, at most 254
 * bytes. Stricter than RFC 5321 on purpose: address literals
 * (user@[192.0.2.1]), dotless domains and source routes are refused, since
 * no customer's return path is one and an automatic reply to one goes
 * somewhere nobody meant.
 */
bool ack_address_valid(const char *addr);

/*
 * True when the local part of addr (any case; quoted local parts are
 * unquoted; everything from the first '+' ignored) names a robot:
 *   MAILER-DAEMON (also mailer_daemon, mailerdaemon), postmaster;
 *   NAME-request, owner-NAME, NAME-owner (RFC 3834 2, RFC 2142);
 *   tokens (split at - . _ = and blanks, trailing digits ignored): a run of
 *   adjacent tokens spelling noreply, donotreply or dontreply (no-reply,
 *   no_reply, do-not-reply, DoNotReply, noreply2, billing-noreply), or a
 *   token bounce or bounces (bounces-123, list-bounces, msprvs1=x=bounces-1).
 * Token rules match whole tokens, never substrings: "noreplyguy" and
 * "bouncer" are people.
 */
bool ack_robot_address(const char *addr);

/*
 * True when domains a and b (any case, one trailing dot ignored) are
 * aligned: equal, or one a subdomain of the other whose parent has at
 * least two labels. Empty or NULL is aligned with nothing.
 */
bool ack_domain_aligned(const char *a, const char *b);

/* --- one Authentication-Results value (RFC 8601), exposed for tests ------- */

/* A property of a result, "ptype.property=value": header.d=example.com. */
struct ack_authres_prop {
	char *ptype;		/* lower case: smtp, header, body, policy, ... */
	char *property;		/* lower case: mailfrom, d, i, from, ... */
	char *value;		/* as written, quoted strings unquoted, may be "" */
};

/* One resinfo, "method=result props": dkim=pass header.d=example.com. */
struct ack_authres_result {
	char *method;		/* lower case, without a method version */
	char *result;		/* lower case */
	char *reason;		/* reason=..., or NULL */
	GPtrArray *props;	/* of struct ack_authres_prop * */
};

struct ack_authres {
	char *authserv_id;	/* as written, unquoted */
	unsigned version;	/* 1 when absent */
	GPtrArray *results;	/* of struct ack_authres_result *; empty for "none" */
};

/* Bounds: results past these are not read (so cannot pass). */
#define ACK_AUTHRES_MAX_RESULTS	32
#define ACK_AUTHRES_MAX_PROPS	16

/*
 * Parses one Authentication-Results value (unfolded, without the field
 * name): authserv-id, optional version, then "none" or ";"-separated
 * results, with comments and quoted strings anywhere CFWS may be. A result
 * that cannot be parsed is skipped up to the next ";" outside comments and
 * quotes; "key=value" without a ptype (Microsoft's action=none) is skipped
 * within a result. Returns a newly allocated parse the caller frees with
 * ack_authres_free(), or NULL for garbage: no authserv-id followed by ";",
 * a comment or quoted string that does not close, a ')' outside a
 * comment. value may be NULL (gives NULL).
 */
struct ack_authres *ack_authres_parse(const char *value);

/* Frees a parse. NULL is accepted. */
void ack_authres_free(struct ack_authres *authres);

/*
 * Returns the value of the first property ptype.property (lower case) of
 * result, borrowed from it, or NULL.
 */
const char *ack_authres_prop(const struct ack_authres_result *result,
    const char *ptype, const char *property);

#endif
