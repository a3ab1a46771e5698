/*
 * filter.c - the libmilter callbacks of triage-milter.
 *
 * Per connection, a struct connection holds the snapshot (settings, rules,
 * model) taken when the connection opened; per message, a struct message
 * holds the envelope and the bytes collected, bounded by MaxScanBytes. At
 * end of message the bytes go through the classification core (rules/) and
 * the verdict comes back as X-Triage-* headers. One cleanup function serves
 * end of message, abort and close. Nothing here is shared between threads
 * except the snapshot, which is immutable.
 */
#include "filter.h"

#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <gmime/gmime.h>

#include "ack_compose.h"
#include "ack_suppress.h"
#include "classify.h"
#include "log.h"
#include "sender.h"
#include "snapshot.h"
#include "storepool.h"
#include "ticketing.h"

#define TRIAGE_HEADER_PREFIX "X-Triage-"
#define RULES_HEADER_WIDTH 72	/* fold X-Triage-Rules like X-Spam-Status */

/* Set before smfi_main() and never changed after: no lock needed to read them. */
static struct store_pool *store_pool;
static struct sender *ack_sender;

void
filter_set_store_pool(struct store_pool *pool)
{
	store_pool = pool;
}

void
filter_set_sender(struct sender *sender)
{
	ack_sender = sender;
}

struct message {
	char *queue_id;		/* the MTA's, for log lines; "NOQUEUE" until known */
	char *sender;		/* envelope sender without <>, "" for the null sender */
	char *auth;		/* {auth_authen}, or NULL */
	size_t header_bytes;	/* of raw, up to and including the blank line */
	char *support_rcpt;	/* the first recipient that is a support address */
	char *x_triage_ack;	/* the first X-Triage-Ack value: our own acknowledgement */
	bool triage;		/* a recipient is a support address */
	bool agent;		/* from a support agent: not a customer's message */
	bool truncated;		/* more than MaxScanBytes arrived */
	GByteArray *raw;	/* header block and body as read so far */
	size_t body_bytes;
	GHashTable *header_counts;	/* header name (lower case) -> occurrences */
	GPtrArray *forged;	/* "Name\tindex" of incoming X-Triage-* headers */
	char *subject;		/* the first Subject as the MTA gave it, or NULL */
};

struct connection {
	struct snapshot *snap;	/* reference taken at negotiation or connect */
	unsigned long steps;	/* SMFIP_* agreed with the MTA */
	struct message *msg;
};

static void
message_free(struct message *msg)
{
	if (msg == NULL)
		return;
	g_free(msg->queue_id);
	g_free(msg->sender);
	g_free(msg->auth);
	g_free(msg->support_rcpt);
	g_free(msg->x_triage_ack);
	g_free(msg->subject);
	g_byte_array_unref(msg->raw);
	g_hash_table_unref(msg->header_counts);
	g_ptr_array_unref(msg->forged);
	g_free(msg);
}

static struct connection *
connection_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

/* Returns the connection of ctx, creating it on first use. */
static struct connection *
connection_open(SMFICTX *ctx)
{
	struct connection *conn = smfi_getpriv(ctx);

	if (conn == NULL) {
		conn = g_new0(struct connection, 1);
		conn->snap = snapshot_current();
		smfi_setpriv(ctx, conn);
	}
	return conn;
}

/*
 * The answer "go on" to a step: SMFIS_NOREPLY where the MTA agreed not to
 * wait for one (no_reply_flag among the negotiated steps), else CONTINUE.
 */
static sfsistat
go_on(const struct connection *conn, unsigned long no_reply_flag)
{
	return conn != NULL && (conn->steps & no_reply_flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* Ends the current message, whichever callback ends it. */
static void
message_done(struct connection *conn)
{
	if (conn == NULL)
		return;
	message_free(conn->msg);
	conn->msg = NULL;
}

static const char *
queue_id(SMFICTX *ctx, struct message *msg)
{
	const char *id = smfi_getsymval(ctx, "i");

	if (id != NULL && (msg->queue_id == NULL || strcmp(msg->queue_id, id) != 0)) {
		g_free(msg->queue_id);
		msg->queue_id = g_strdup(id);
	}
	return msg->queue_id != NULL ? msg->queue_id : "NOQUEUE";
}

static sfsistat
on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	(void)host;
	(void)addr;
	return go_on(connection_open(ctx), SMFIP_NR_CONN);
}

static sfsistat
on_envfrom(SMFICTX *ctx, char **argv)
{
	struct connection *conn = connection_of(ctx);
	const char *auth = smfi_getsymval(ctx, "{auth_authen}");

	if (conn == NULL)
		return SMFIS_CONTINUE;
	message_done(conn);
	conn->msg = g_new0(struct message, 1);
	conn->msg->raw = g_byte_array_new();
	conn->msg->header_counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	conn->msg->forged = g_ptr_array_new_with_free_func(g_free);
	/* An authenticated sender is one of ours: the outbound path. */
	conn->msg->agent = auth != NULL && *auth != '\0';
	conn->msg->auth = conn->msg->agent ? g_strdup(auth) : NULL;
	conn->msg->sender = g_strdup(argv[0] != NULL ? argv[0] : "");
	g_strstrip(conn->msg->sender);
	if (conn->msg->sender[0] == '<') {
		size_t len = strlen(conn->msg->sender);

		memmove(conn->msg->sender, conn->msg->sender + 1, len);
		if (len > 1 && conn->msg->sender[len - 2] == '>')
			conn->msg->sender[len - 2] = '\0';
	}
	return go_on(conn, SMFIP_NR_MAIL);
}

static sfsistat
on_envrcpt(SMFICTX *ctx, char **argv)
{
	struct connection *conn = connection_of(ctx);

	if (conn != NULL && conn->msg != NULL && argv[0] != NULL &&
	    config_address_in(conn->snap->config->support_addresses, argv[0])) {
		conn->msg->triage = true;
		if (conn->msg->support_rcpt == NULL) {
			/* The acknowledgement comes from the address they wrote to. */
			char *addr = g_ascii_strdown(argv[0], -1);

			g_strstrip(addr);
			if (addr[0] == '<') {
				memmove(addr, addr + 1, strlen(addr));
				if (strchr(addr, '>') != NULL)
					*strchr(addr, '>') = '\0';
			}
			conn->msg->support_rcpt = addr;
		}
	}
	return go_on(conn, SMFIP_NR_RCPT);
}

static void
append(struct message *msg, const char *text, size_t len)
{
	g_byte_array_append(msg->raw, (const guint8 *)text, (guint)len);
}

/*
 * True when a From header names an agent (AgentAddresses) or one of the
 * support addresses: an answer going out, not a customer writing in. The
 * header's first mailbox counts; RFC 5322 allows several, and a customer
 * cannot make their mail an agent's by adding ours after their own.
 */
static bool
from_is_ours(const struct config *config, const char *value)
{
	InternetAddressList *list = internet_address_list_parse(NULL, value);
	bool ours = false;

	if (list != NULL) {
		for (int i = 0; i < internet_address_list_length(list); i++) {
			InternetAddress *a = internet_address_list_get_address(list, i);

			if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
				const char *addr = internet_address_mailbox_get_addr(
				    INTERNET_ADDRESS_MAILBOX(a));

				ours = config_address_in(config->agent_addresses, addr) ||
				    config_address_in(config->support_addresses, addr);
				break;
			}
		}
		g_object_unref(list);
	}
	return ours;
}

static sfsistat
on_header(SMFICTX *ctx, char *name, char *value)
{
	struct connection *conn = connection_of(ctx);
	struct message *msg = conn != NULL ? conn->msg : NULL;
	char *lower;
	guint count;

	if (msg == NULL)
		return SMFIS_CONTINUE;
	lower = g_ascii_strdown(name, -1);
	count = GPOINTER_TO_UINT(g_hash_table_lookup(msg->header_counts, lower)) + 1;
	g_hash_table_replace(msg->header_counts, lower, GUINT_TO_POINTER(count));
	if (g_ascii_strncasecmp(name, TRIAGE_HEADER_PREFIX, strlen(TRIAGE_HEADER_PREFIX)) == 0)
		g_ptr_array_add(msg->forged, g_strdup_printf("%s\t%u", name, count));
	if (msg->subject == NULL && g_ascii_strcasecmp(name, "Subject") == 0)
		msg->subject = g_strdup(value);
	if (g_ascii_strcasecmp(name, "From") == 0 && from_is_ours(conn->snap->config, value))
		msg->agent = true;
	if (msg->x_triage_ack == NULL && g_ascii_strcasecmp(name, "X-Triage-Ack") == 0)
		msg->x_triage_ack = g_strdup(value);

	if (msg->raw->len < conn->snap->config->max_scan_bytes) {
		append(msg, name, strlen(name));
		append(msg, ": ", 2);
		append(msg, value, strlen(value));
		append(msg, "\r\n", 2);
	} else {
		msg->truncated = true;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
on_eoh(SMFICTX *ctx)
{
	struct connection *conn = connection_of(ctx);

	if (conn != NULL && conn->msg != NULL) {
		/*
		 * Neither to a support address nor from an agent (whose answers
		 * go to customers, and are timed): leave it alone from here on.
		 * The From header decides the latter, so this is the earliest
		 * step that knows.
		 */
		if (!conn->msg->triage && !conn->msg->agent) {
			message_done(conn);
			return SMFIS_ACCEPT;
		}
		append(conn->msg, "\r\n", 2);
		conn->msg->header_bytes = conn->msg->raw->len;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
on_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct connection *conn = connection_of(ctx);
	struct message *msg = conn != NULL ? conn->msg : NULL;
	size_t room;

	if (msg == NULL)
		return SMFIS_CONTINUE;
	room = conn->snap->config->max_scan_bytes > msg->raw->len ?
	    conn->snap->config->max_scan_bytes - msg->raw->len : 0;
	append(msg, (const char *)chunk, MIN(len, room));
	msg->body_bytes += len;
	if (len > room) {
		/*
		 * Bounded memory: the rest of the body is not needed to classify.
		 * SKIP spares the MTA sending it, where the MTA agreed to SKIP.
		 */
		msg->truncated = true;
		return (conn->steps & SMFIP_SKIP) ? SMFIS_SKIP : SMFIS_CONTINUE;
	}
	return SMFIS_CONTINUE;
}

/* Removes incoming X-Triage-* headers: anyone can write them. */
static void
remove_forged_headers(SMFICTX *ctx, struct message *msg)
{
	/* From the last occurrence back, so the indexes stay valid. */
	for (guint i = msg->forged->len; i > 0; i--) {
		char **parts = g_strsplit(g_ptr_array_index(msg->forged, i - 1), "\t", 2);

		smfi_chgheader(ctx, parts[0], atoi(parts[1]), NULL);
		g_strfreev(parts);
	}
}

/* Builds "RULE,RULE,..." folded to lines of about RULES_HEADER_WIDTH. */
static char *
rules_header_value(const struct verdict *v)
{
	GString *s = g_string_new(NULL);
	size_t line = 0;

	for (guint i = 0; i < v->hits->len; i++) {
		const struct verdict_hit *h = &g_array_index(v->hits, struct verdict_hit, i);
		char *item = g_strdup_printf("%s%s", h->name, i + 1 < v->hits->len ? "," : "");

		if (line > 0 && line + strlen(item) > RULES_HEADER_WIDTH) {
			g_string_append(s, "\n\t");
			line = 0;
		}
		g_string_append(s, item);
		line += strlen(item);
		g_free(item);
	}
	if (s->len == 0)
		g_string_append(s, "none");
	return g_string_free(s, FALSE);
}

static void
add_headers(SMFICTX *ctx, const struct verdict *v)
{
	char *complaint = g_strdup_printf("%s score=%.2f", v->complaint ? "yes" : "no",
	    v->axes[AXIS_COMPLAINT]);
	char *personality = g_strdup_printf("%s confidence=%.2f",
	    personality_name(v->personality), v->personality_confidence);
	char *rules = rules_header_value(v);

	smfi_addheader(ctx, "X-Triage-Urgency", (char *)urgency_name(v->urgency));
	smfi_addheader(ctx, "X-Triage-Personality", personality);
	smfi_addheader(ctx, "X-Triage-Language", (char *)v->language);
	smfi_addheader(ctx, "X-Triage-Topic", (char *)topic_name(v->topic));
	smfi_addheader(ctx, "X-Triage-Complaint", complaint);
	smfi_addheader(ctx, "X-Triage-Rules", rules);
	g_free(complaint);
	g_free(personality);
	g_free(rules);
}

/*
 * With TagSubject, prefixes the Subject with the urgency ("[critical] ...")
 * unless it already carries that tag (a reply keeps one tag).
 */
static void
tag_subject(SMFICTX *ctx, const struct message *msg, const struct verdict *v)
{
	char *tag = g_strdup_printf("[%s]", urgency_name(v->urgency));
	const char *old = msg->subject != NULL ? msg->subject : "";
	char *subject;

	/* The MTA's value keeps its folding and encoded words: only prepend. */
	if (strstr(old, tag) == NULL) {
		subject = *old != '\0' ? g_strdup_printf("%s %s", tag, old) : g_strdup(tag);
		if (msg->subject != NULL)
			smfi_chgheader(ctx, "Subject", 1, subject);
		else
			smfi_addheader(ctx, "Subject", subject);
		g_free(subject);
	}
	g_free(tag);
}

/* Adds the recipient the help desk routes this urgency to, if any. */
static void
route(SMFICTX *ctx, const struct config *config, const struct verdict *v, const char *id)
{
	const char *to = v->urgency == URGENCY_CRITICAL ? config->route_critical :
	    v->urgency == URGENCY_HIGH ? config->route_high : NULL;
	char *bracketed;

	if (to == NULL)
		return;
	bracketed = g_strdup_printf("<%s>", to);
	if (smfi_addrcpt(ctx, bracketed) != MI_SUCCESS)
		log_msg(LOG_WARNING, "%s: cannot add recipient %s", id, to);
	g_free(bracketed);
}

/*
 * An internal error: one log line, then the message goes on untouched or
 * is tempfailed, as OnInternalError says. Triage must never be why mail is
 * lost; accept (the default) also means it is never why mail is late.
 */
static sfsistat
internal_error(SMFICTX *ctx, const struct config *config, const char *id, const char *what)
{
	if (config->on_internal_error == ON_ERROR_TEMPFAIL) {
		log_msg(LOG_ERR, "%s: %s; message tempfailed (OnInternalError tempfail)", id, what);
		(void)smfi_setreply(ctx, "451", "4.3.0",
		    "Support triage is unavailable for a moment, please try again later");
		return SMFIS_TEMPFAIL;
	}
	log_msg(LOG_ERR, "%s: %s; message accepted (OnInternalError accept)", id, what);
	return SMFIS_CONTINUE;
}

/* "T-000123 (new)" and the like, for the log line. */
static char *
ticket_words(const struct ticketing_outcome *t)
{
	switch (t->kind) {
	case TICKETING_NEW:
		return g_strdup_printf("ticket=%s new ack=%s", t->ticket.ref,
		    t->ack_queued ? "queued" : t->ack_suppressed != NULL ? t->ack_suppressed : "off");
	case TICKETING_FOLLOWUP:
		return g_strdup_printf("ticket=%s followup contacts=%d%s ack=%s", t->ticket.ref,
		    t->ticket.contact_count, t->urgency_raised ? " raised" : "",
		    t->ack_queued ? "queued" : t->ack_suppressed != NULL ? t->ack_suppressed : "off");
	case TICKETING_REPLY:
		return g_strdup_printf("ticket=%s reply%s", t->ticket.ref, t->resolved ? " resolved" : "");
	case TICKETING_NONE:
		break;
	}
	return g_strdup("ticket=none");
}

/*
 * Removes the lines that are the resolve marker from the body, as the
 * agent wrote them: in a text/plain part they stand in the raw body as
 * they were typed. Returns false (body untouched) when the body was not
 * read whole or no raw line is the marker (a base64 or HTML-only body).
 */
static bool
remove_marker(SMFICTX *ctx, const struct message *msg, const char *marker)
{
	const char *body = (const char *)msg->raw->data + msg->header_bytes;
	const char *end = (const char *)msg->raw->data + msg->raw->len;
	GString *kept = g_string_sized_new(msg->raw->len - msg->header_bytes);
	bool removed = false;

	if (msg->truncated || msg->header_bytes == 0) {
		g_string_free(kept, TRUE);
		return false;
	}
	for (const char *line = body; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *next = nl != NULL ? nl + 1 : end;
		char *text = g_strndup(line, (size_t)(next - line));

		if (strcmp(g_strstrip(text), marker) == 0)
			removed = true;
		else
			g_string_append_len(kept, line, next - line);
		g_free(text);
		line = next;
	}
	if (removed && smfi_replacebody(ctx, (unsigned char *)kept->str, (int)kept->len) !=
	    MI_SUCCESS)
		removed = false;
	g_string_free(kept, TRUE);
	return removed;
}

/* An agent's message: the outbound path, timed on its ticket, never classified. */
static sfsistat
agent_eom(SMFICTX *ctx, struct connection *conn, struct message *msg, const char *id)
{
	/*
	 * Our own acknowledgement, submitted through this MTA: From a support
	 * address, threaded onto the ticket, but no agent's answer. Counting it
	 * would make every first response time a few seconds.
	 */
	if (msg->x_triage_ack != NULL) {
		log_msg(LOG_INFO, "%s: our acknowledgement for %s, passed", id, msg->x_triage_ack);
		return SMFIS_CONTINUE;
	}
	const struct config *config = conn->snap->config;
	struct message_view *view = message_read((const char *)msg->raw->data, msg->raw->len, NULL);
	const char *agent = view->from != NULL && *view->from->address != '\0' ?
	    view->from->address : msg->auth != NULL ? msg->auth : msg->sender;
	bool resolve = ticketing_has_marker(view->text, config->resolve_marker);
	struct ticketing_outcome outcome = { 0 };
	sfsistat status = SMFIS_CONTINUE;
	char err[256] = "";
	struct store *store = store_pool != NULL ? store_pool_take(store_pool, err, sizeof(err)) : NULL;

	if (store_pool != NULL) {
		if (store == NULL || ticketing_agent(store, conn->snap, view, agent, resolve,
		    g_get_real_time() / G_USEC_PER_SEC, &outcome) != 0) {
			char *what = g_strdup_printf("cannot record the agent's reply: %s",
			    store != NULL ? store_errmsg(store) : err);

			status = internal_error(ctx, config, id, what);
			g_free(what);
		} else {
			char *words = ticket_words(&outcome);

			log_msg(LOG_INFO, "%s: from agent %s, not triaged, %s", id, agent, words);
			g_free(words);
			if (resolve && !remove_marker(ctx, msg, config->resolve_marker))
				log_msg(LOG_WARNING, "%s: resolve marker left in the message (body not "
				    "plain text or over MaxScanBytes)", id);
		}
		store_pool_give(store_pool, store);
	} else {
		log_msg(LOG_INFO, "%s: from agent %s, not triaged", id, agent);
	}
	message_view_free(view);
	return status;
}

/* What the acknowledgement of one message is made from. */
struct ack_context {
	const struct snapshot *snap;
	const struct message *msg;
	const struct message_view *view;
	const struct verdict *verdict;
};

/* ticketing_ack.compose: the template for their language and type, as a message. */
static GBytes *
compose_ack(void *data, const struct ticket *ticket, char **message_id)
{
	const struct ack_context *c = data;
	const struct config *config = c->snap->config;
	struct ack_values values = {
		.name = c->view->from != NULL ? c->view->from->name : NULL,
		.ticket = ticket->ref,
		.subject = c->view->subject,
		.due = ticket->due_at,
		.zone = c->snap->zone,
		.complaint = c->verdict->complaint,
	};
	const char *language = NULL;
	char *body = ack_render(c->snap->templates, c->verdict->language,
	    config->ack_default_language, personality_name(c->verdict->personality), &values,
	    &language);
	struct ack_message m = {
		.original = c->view,
		.recipient = c->msg->sender,
		.support_address = c->msg->support_rcpt != NULL ? c->msg->support_rcpt :
		    config->support_addresses[0],
		.from_name = config->ack_from_name,
		.subject_format = config->ack_subject,
		.ticket = ticket->ref,
		.language = language,
		.body = body,
		.date = g_get_real_time() / G_USEC_PER_SEC,
	};
	GBytes *bytes = ack_compose(&m, message_id);

	g_free(body);
	return bytes;
}

/* Whether this message may be answered at all, before any limit. */
static void
decide_ack(const struct snapshot *snap, const struct message *msg,
    const struct message_view *view, struct ticketing_ack *ack)
{
	const struct config *config = snap->config;
	struct ack_policy policy = {
		.support_addresses = config->support_addresses,
		.agent_addresses = config->agent_addresses,
		.require_auth = config->ack_require_auth,
		.trusted_authserv_ids = snap->trusted_authserv_ids,
	};
	struct ack_headers extra = { .x_triage_ack = msg->x_triage_ack };
	struct ack_decision decision;

	ack_decide(view, msg->sender, &extra, &policy, &decision);
	ack->answer = decision.answer;
	ack->reason = decision.reason;
	ack->recipient = msg->sender;
	ack->dedupe_seconds = (gint64)config->ack_dedupe_minutes * 60;
	ack->daily_cap = (int)config->ack_daily_cap;
	ack->rate_limit = (int)config->ack_rate_limit;
	ack->compose = compose_ack;
}

static sfsistat
on_eom(SMFICTX *ctx)
{
	struct connection *conn = connection_of(ctx);
	struct message *msg = conn != NULL ? conn->msg : NULL;
	const struct config *config;
	struct message_view *view;
	struct classify_input in = { 0 };
	struct ticketing_outcome outcome = { 0 };
	struct ticket continued;
	struct store *store = NULL;
	struct verdict v;
	gint64 start, elapsed_ms;
	sfsistat status = SMFIS_CONTINUE;
	char err[256] = "", *db_error = NULL, *words;
	const char *id;
	int found = 0;

	if (msg == NULL)
		return SMFIS_CONTINUE;
	config = conn->snap->config;
	id = queue_id(ctx, msg);
	if (msg->agent) {
		status = agent_eom(ctx, conn, msg, id);
		message_done(conn);
		return status;
	}

	start = g_get_monotonic_time();
	view = message_read((const char *)msg->raw->data, msg->raw->len, NULL);
	if (store_pool != NULL) {
		store = store_pool_take(store_pool, err, sizeof(err));
		/* Read before classifying: a repeat contact is one of the signals. */
		found = store != NULL ? ticketing_find(store, conn->snap, view, &continued) : -1;
	}
	in.view = view;
	in.known_ticket = found == 1;
	in.deadline = start + (gint64)config->classify_budget_ms * 1000;
	verdict_init(&v);
	classify(conn->snap->rules, conn->snap->model, &in, &v);
	elapsed_ms = (g_get_monotonic_time() - start) / 1000;
	if (v.incomplete) {
		char *what = g_strdup_printf("classification stopped at the %u ms ClassifyBudget "
		    "after %u rules fired", config->classify_budget_ms, v.hits->len);

		/* Tempfail before anything is recorded: the retry must not be a second ticket. */
		if (config->on_internal_error == ON_ERROR_TEMPFAIL) {
			status = internal_error(ctx, config, id, what);
			g_free(what);
			store_pool_give(store_pool, store);
			verdict_clear(&v);
			message_view_free(view);
			message_done(conn);
			return status;
		}
		/* Accept: the message goes on with the verdict of the rules that ran. */
		(void)internal_error(ctx, config, id, what);
		g_free(what);
	}

	if (store_pool != NULL) {
		struct ticketing_ack ack = { 0 };
		struct ack_context ack_context = { conn->snap, msg, view, &v };

		if (config->ack_enable) {
			decide_ack(conn->snap, msg, view, &ack);
			ack.data = &ack_context;
		}
		if (store == NULL || found < 0 ||
		    ticketing_customer(store, conn->snap, view, &v, found == 1 ? &continued : NULL,
		    id, msg->sender, g_get_real_time() / G_USEC_PER_SEC,
		    config->ack_enable ? &ack : NULL, &outcome) != 0)
			db_error = g_strdup_printf("cannot record the ticket: %s",
			    store != NULL ? store_errmsg(store) : err);
		store_pool_give(store_pool, store);
		if (outcome.ack_queued)
			sender_wake(ack_sender);
	}
	/* A follow-up carries the ticket's urgency, raised or not, for routing. */
	if (outcome.kind == TICKETING_FOLLOWUP)
		v.urgency = (enum urgency)MAX(urgency_from_name(outcome.ticket.urgency), 0);

	if (db_error != NULL && config->on_internal_error == ON_ERROR_TEMPFAIL) {
		status = internal_error(ctx, config, id, db_error);
	} else {
		remove_forged_headers(ctx, msg);
		add_headers(ctx, &v);
		if (outcome.kind != TICKETING_NONE)
			smfi_addheader(ctx, "X-Triage-Ticket", outcome.ticket.ref);
		if (config->tag_subject)
			tag_subject(ctx, msg, &v);
		route(ctx, config, &v, id);
		if (db_error != NULL)
			(void)internal_error(ctx, config, id, db_error);
	}
	words = ticket_words(&outcome);
	log_msg(LOG_INFO, "%s: urgency=%s complaint=%s personality=%s topic=%s language=%s "
	    "rules=%u forged=%u%s %s ms=%" G_GINT64_FORMAT, id, urgency_name(v.urgency),
	    v.complaint ? "yes" : "no", personality_name(v.personality), topic_name(v.topic),
	    v.language, v.hits->len, msg->forged->len, msg->truncated ? " truncated" : "",
	    words, elapsed_ms);
	if (!v.incomplete && elapsed_ms > (gint64)config->classify_budget_ms)
		log_msg(LOG_WARNING, "%s: classification took %" G_GINT64_FORMAT " ms, over the "
		    "%u ms budget", id, elapsed_ms, config->classify_budget_ms);
	g_free(words);
	g_free(db_error);
	verdict_clear(&v);
	message_view_free(view);
	message_done(conn);
	return status;
}

static sfsistat
on_abort(SMFICTX *ctx)
{
	message_done(connection_of(ctx));
	return SMFIS_CONTINUE;
}

static sfsistat
on_close(SMFICTX *ctx)
{
	struct connection *conn = connection_of(ctx);

	if (conn != NULL) {
		message_done(conn);
		snapshot_unref(conn->snap);
		g_free(conn);
	}
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

/*
 * Asks for the actions used (routing needs ADDRCPT only when configured),
 * drops the steps the filter never looks at, and asks the MTA for the
 * macros it needs, where it sends them.
 */
static sfsistat
on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	struct connection *conn = connection_open(ctx);
	const struct config *config = conn->snap->config;
	unsigned long actions = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	/* End of headers answers: ACCEPT ends the transaction for mail not ours. */
	unsigned long steps = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_SKIP |
	    SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_RCPT;

	(void)f2;
	(void)f3;
	if (config->route_critical != NULL || config->route_high != NULL)
		actions |= SMFIF_ADDRCPT;
	/* The resolve marker comes out of agents' replies. */
	if (config->resolve_marker != NULL && store_pool != NULL)
		actions |= SMFIF_CHGBODY;
	if ((f0 & actions) != actions) {
		log_msg(LOG_ERR, "the MTA does not offer the actions needed (offered 0x%lx)", f0);
		return SMFIS_REJECT;
	}
	if (f0 & SMFIF_SETSYMLIST) {
		actions |= SMFIF_SETSYMLIST;
		smfi_setsymlist(ctx, SMFIM_CONNECT, "{daemon_name} {client_addr}");
		/* Sendmail knows the queue id from MAIL on; Postfix from end of message. */
		smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
		smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	*pf0 = actions;
	/* Only what the MTA offers: an old MTA gets the steps it knows. */
	*pf1 = conn->steps = steps & f1;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

struct smfiDesc filter_description = {
	.xxfi_name = "triage-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_CHGBODY,
	.xxfi_connect = on_connect,
	.xxfi_envfrom = on_envfrom,
	.xxfi_envrcpt = on_envrcpt,
	.xxfi_header = on_header,
	.xxfi_eoh = on_eoh,
	.xxfi_body = on_body,
	.xxfi_eom = on_eom,
	.xxfi_abort = on_abort,
	.xxfi_close = on_close,
	.xxfi_negotiate = on_negotiate,
};
