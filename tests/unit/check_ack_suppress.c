/*
 * check_ack_suppress.c - whether a message gets an acknowledgement: every
 * rule both ways, the order of the checks, the robot names, the sender
 * syntax, domain alignment and the Authentication-Results parser.
 *
 * Views are filled by hand with the values the reader (rules/message.c)
 * gives: header values unfolded and RFC 2047 decoded, NULL when absent,
 * List-* headers as "Name: value" lines.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "ack_suppress.h"
#include "check_run.h"

static char *support[] = { "support@example.net", "help@example.net", NULL };
static char *agents[] = { "alice@example.net", NULL };
static char *trusted[] = { "mx.example.net", "MX2.example.net", NULL };

#define CUSTOMER "customer@example.com"
#define MAX_AR 3

/* The headers of one message; NULL is an absent header. */
struct msg {
	const char *from;		/* addr-spec, as view->from->address */
	const char *auto_submitted;
	const char *precedence;
	const char *xars;		/* X-Auto-Response-Suppress */
	const char *list;		/* one "List-...: value" line */
	const char *ar[MAX_AR];		/* Authentication-Results values */
	const char *x_triage_ack;
};

static struct message_view *
view_new(const struct msg *m)
{
	struct message_view *view = g_new0(struct message_view, 1);

	view->subject = g_strdup("Order 1234 never arrived");
	if (m->from != NULL) {
		view->from = g_new0(struct message_address, 1);
		view->from->name = g_strdup("");
		view->from->address = g_strdup(m->from);
	}
	view->auto_submitted = g_strdup(m->auto_submitted);
	view->precedence = g_strdup(m->precedence);
	view->x_auto_response_suppress = g_strdup(m->xars);
	view->list_headers = g_ptr_array_new_with_free_func(g_free);
	if (m->list != NULL)
		g_ptr_array_add(view->list_headers, g_strdup(m->list));
	view->authentication_results = g_ptr_array_new_with_free_func(g_free);
	for (int i = 0; i < MAX_AR && m->ar[i] != NULL; i++)
		g_ptr_array_add(view->authentication_results, g_strdup(m->ar[i]));
	return view;
}

static void
view_free(struct message_view *view)
{
	if (view->from != NULL) {
		g_free(view->from->name);
		g_free(view->from->address);
		g_free(view->from);
	}
	g_free(view->subject);
	g_free(view->auto_submitted);
	g_free(view->precedence);
	g_free(view->x_auto_response_suppress);
	g_ptr_array_unref(view->list_headers);
	g_ptr_array_unref(view->authentication_results);
	g_free(view);
}

/* Decides m from sender under the test policy; returns the reason or "answer". */
static const char *
decide(const struct msg *m, const char *sender, bool require_auth)
{
	struct ack_policy policy = {
		.support_addresses = support,
		.agent_addresses = agents,
		.require_auth = require_auth,
		.trusted_authserv_ids = trusted,
	};
	struct ack_headers extra = { .x_triage_ack = m->x_triage_ack };
	struct message_view *view = view_new(m);
	struct ack_decision out = { .answer = true, .reason = "unset" };

	ack_decide(view, sender, &extra, &policy, &out);
	view_free(view);
	ck_assert_msg(out.answer == (out.reason == NULL), "answer and reason disagree");
	return out.answer ? "answer" : out.reason;
}

struct decide_case {
	const char *name;
	const char *sender;
	struct msg msg;
	const char *want;		/* a reason, or "answer" */
};

#define FROM_CUSTOMER .from = CUSTOMER

/* --- the rules without AckRequireAuth, each both ways ----------------------- */

static const struct decide_case rule_cases[] = {
	{ "a customer", CUSTOMER, { FROM_CUSTOMER }, "answer" },
	{ "no From at all", CUSTOMER, { 0 }, "answer" },
	{ "an ESP's VERP envelope", "bounces-x1@esp.example.org",
	    { FROM_CUSTOMER }, "robot-address" },
	{ "envelope of another domain, a person's", "customer@mail.example.org",
	    { FROM_CUSTOMER }, "answer" },
	{ "envelope in angle brackets", "<" CUSTOMER ">", { FROM_CUSTOMER }, "answer" },
	{ "envelope with +detail", "customer+shop@example.com", { FROM_CUSTOMER }, "answer" },
	{ "quoted local part", "\"john doe\"@example.com", { FROM_CUSTOMER }, "answer" },
	{ "SMTPUTF8 sender", "j\xc3\xb6rg@ex\xc3\xa4mple.de", { FROM_CUSTOMER }, "answer" },

	/* own-mail */
	{ "our ack marker", CUSTOMER, { FROM_CUSTOMER, .x_triage_ack = "T-000123" }, "own-mail" },
	{ "our ack marker, empty", CUSTOMER, { FROM_CUSTOMER, .x_triage_ack = "" }, "own-mail" },
	{ "From a support address", CUSTOMER, { .from = "support@example.net" }, "own-mail" },
	{ "From a support address, any case", CUSTOMER, { .from = "Help@Example.NET" }, "own-mail" },
	{ "envelope an agent", "alice@example.net", { FROM_CUSTOMER }, "own-mail" },
	{ "envelope an agent in brackets", "<ALICE@example.net>", { FROM_CUSTOMER }, "own-mail" },
	{ "envelope support+detail", "support+loop@example.net", { FROM_CUSTOMER }, "own-mail" },
	{ "From support+detail", CUSTOMER, { .from = "support+x@example.net" }, "own-mail" },
	{ "a look-alike is not ours", "support@example.net.evil.org",
	    { .from = "support@example.net.evil.org" }, "answer" },
	{ "a longer local part is not ours", "supports@example.net",
	    { .from = "supports@example.net" }, "answer" },

	/* null-sender */
	{ "null reverse-path", "", { FROM_CUSTOMER }, "null-sender" },
	{ "null reverse-path in brackets", "<>", { FROM_CUSTOMER }, "null-sender" },

	/* bad-sender */
	{ "no sender at all (NULL)", NULL, { FROM_CUSTOMER }, "bad-sender" },
	{ "not an address", "customer", { FROM_CUSTOMER }, "bad-sender" },
	{ "dotless domain", "customer@localhost", { FROM_CUSTOMER }, "bad-sender" },
	{ "header injection", "customer@example.com\r\nBcc: victim@example.org",
	    { FROM_CUSTOMER }, "bad-sender" },
	{ "address literal", "customer@[192.0.2.1]", { FROM_CUSTOMER }, "bad-sender" },
	{ "source route", "@relay.example.org:customer@example.com", { FROM_CUSTOMER }, "bad-sender" },
	{ "unbalanced bracket", "<customer@example.com", { FROM_CUSTOMER }, "bad-sender" },

	/* auto-submitted (RFC 3834 5) */
	{ "Auto-Submitted: no", CUSTOMER, { FROM_CUSTOMER, .auto_submitted = "no" }, "answer" },
	{ "Auto-Submitted: No (comment)", CUSTOMER,
	    { FROM_CUSTOMER, .auto_submitted = "No (typed by a person)" }, "answer" },
	{ "Auto-Submitted: (comment) no", CUSTOMER,
	    { FROM_CUSTOMER, .auto_submitted = "(person) no" }, "answer" },
	{ "Auto-Submitted: auto-replied", CUSTOMER,
	    { FROM_CUSTOMER, .auto_submitted = "auto-replied" }, "auto-submitted" },
	{ "Auto-Submitted with parameters", CUSTOMER,
	    { FROM_CUSTOMER, .auto_submitted = "auto-replied; owner-email=\"bot@example.com\"" },
	    "auto-submitted" },
	{ "Auto-Submitted: auto-generated", CUSTOMER,
	    { FROM_CUSTOMER, .auto_submitted = "auto-generated" }, "auto-submitted" },
	{ "Auto-Submitted: AUTO-NOTIFIED", CUSTOMER,
	    { FROM_CUSTOMER, .auto_submitted = "AUTO-NOTIFIED" }, "auto-submitted" },
	{ "Auto-Submitted: no-thanks is not no", CUSTOMER,
	    { FROM_CUSTOMER, .auto_submitted = "no-thanks" }, "auto-submitted" },
	{ "Auto-Submitted: empty", CUSTOMER, { FROM_CUSTOMER, .auto_submitted = "" }, "auto-submitted" },

	/* list (RFC 2369, RFC 2919) */
	{ "List-Id", CUSTOMER, { FROM_CUSTOMER, .list = "List-Id: Users <users.lists.example.org>" }, "list" },
	{ "List-Unsubscribe", CUSTOMER,
	    { FROM_CUSTOMER, .list = "List-Unsubscribe: <mailto:leave@example.org>" }, "list" },
	{ "List-Post", CUSTOMER, { FROM_CUSTOMER, .list = "List-Post: NO" }, "list" },

	/* precedence */
	{ "Precedence: first-class", CUSTOMER, { FROM_CUSTOMER, .precedence = "first-class" }, "answer" },
	{ "Precedence: bulky is not bulk", CUSTOMER, { FROM_CUSTOMER, .precedence = "bulky" }, "answer" },
	{ "Precedence: bulk", CUSTOMER, { FROM_CUSTOMER, .precedence = "bulk" }, "precedence" },
	{ "Precedence: LIST", CUSTOMER, { FROM_CUSTOMER, .precedence = "LIST" }, "precedence" },
	{ "Precedence: junk (comment)", CUSTOMER, { FROM_CUSTOMER, .precedence = "junk (spam)" }, "precedence" },
	{ "Precedence: auto_reply", CUSTOMER, { FROM_CUSTOMER, .precedence = "auto_reply" }, "precedence" },

	/* x-auto-response-suppress */
	{ "X-Auto-Response-Suppress: None", CUSTOMER, { FROM_CUSTOMER, .xars = "None" }, "answer" },
	{ "X-Auto-Response-Suppress: DR, RN, NRN", CUSTOMER, { FROM_CUSTOMER, .xars = "DR, RN, NRN" }, "answer" },
	{ "X-Auto-Response-Suppress: empty", CUSTOMER, { FROM_CUSTOMER, .xars = "" }, "answer" },
	{ "X-Auto-Response-Suppress: All", CUSTOMER, { FROM_CUSTOMER, .xars = "All" },
	    "x-auto-response-suppress" },
	{ "X-Auto-Response-Suppress: OOF", CUSTOMER, { FROM_CUSTOMER, .xars = "OOF" },
	    "x-auto-response-suppress" },
	{ "X-Auto-Response-Suppress: DR, autoreply", CUSTOMER, { FROM_CUSTOMER, .xars = "DR, autoreply" },
	    "x-auto-response-suppress" },
	{ "X-Auto-Response-Suppress: rn,oof", CUSTOMER, { FROM_CUSTOMER, .xars = "rn,oof" },
	    "x-auto-response-suppress" },

	/* robot-address (more in robot_cases) */
	{ "envelope MAILER-DAEMON", "MAILER-DAEMON@mx.example.org", { FROM_CUSTOMER }, "robot-address" },
	{ "envelope list-request", "users-request@lists.example.org", { FROM_CUSTOMER }, "robot-address" },
	{ "From noreply", CUSTOMER, { .from = "noreply@example.com" }, "robot-address" },
	{ "From no-reply with a name around", CUSTOMER, { .from = "Shop.No-Reply@example.com" }, "robot-address" },
	{ "From noreplyguy is a person", CUSTOMER, { .from = "noreplyguy@example.com" }, "answer" },
	{ "envelope bouncer is a person", "bouncer@example.com", { FROM_CUSTOMER }, "answer" },
};

START_TEST(test_rules)
{
	const struct decide_case *c = &rule_cases[_i];
	const char *got = decide(&c->msg, c->sender, false);

	ck_assert_msg(strcmp(got, c->want) == 0, "%s: got %s, want %s", c->name, got, c->want);
}
END_TEST

/* --- the order: the most specific reason is the one recorded --------------- */

static const struct decide_case order_cases[] = {
	{ "our own ack: marker beats null sender and Auto-Submitted", "",
	    { .from = "support@example.net", .auto_submitted = "auto-replied",
	      .x_triage_ack = "T-000123" }, "own-mail" },
	{ "a forged From of ours beats a bad sender", "garbage",
	    { .from = "support@example.net" }, "own-mail" },
	{ "a DSN: null sender beats MAILER-DAEMON and Auto-Submitted", "",
	    { .from = "MAILER-DAEMON@mx.example.org", .auto_submitted = "auto-replied" }, "null-sender" },
	{ "bad sender beats list", "x@y", { FROM_CUSTOMER, .list = "List-Id: <a.b>" }, "bad-sender" },
	{ "Auto-Submitted beats list and precedence", "users-bounces@lists.example.org",
	    { FROM_CUSTOMER, .auto_submitted = "auto-generated", .precedence = "list",
	      .list = "List-Id: <users.lists.example.org>" }, "auto-submitted" },
	{ "list beats precedence and a -bounces envelope", "users-bounces+customer=example.com@lists.example.org",
	    { FROM_CUSTOMER, .precedence = "list", .list = "List-Id: <users.lists.example.org>" }, "list" },
	{ "precedence beats X-Auto-Response-Suppress", CUSTOMER,
	    { FROM_CUSTOMER, .precedence = "bulk", .xars = "All" }, "precedence" },
	{ "X-Auto-Response-Suppress beats a noreply From", CUSTOMER,
	    { .from = "noreply@example.com", .xars = "OOF" }, "x-auto-response-suppress" },
};

START_TEST(test_order)
{
	const struct decide_case *c = &order_cases[_i];
	const char *got = decide(&c->msg, c->sender, true);

	ck_assert_msg(strcmp(got, c->want) == 0, "%s: got %s, want %s", c->name, got, c->want);
}
END_TEST

/* With AckRequireAuth, kind-of-mail reasons still come before the policy one. */
START_TEST(test_order_policy_last)
{
	struct msg robot = { .from = "noreply@example.com" };
	struct msg list = { FROM_CUSTOMER, .list = "List-Id: <a.example.org>" };

	ck_assert_str_eq(decide(&robot, CUSTOMER, true), "robot-address");
	ck_assert_str_eq(decide(&list, CUSTOMER, true), "list");
	ck_assert_str_eq(decide(&robot, CUSTOMER, false), "robot-address");
}
END_TEST

START_TEST(test_null_arguments)
{
	struct msg m = { FROM_CUSTOMER };
	struct message_view *view = view_new(&m);
	struct ack_policy policy = { .support_addresses = support };
	struct ack_decision out = { .answer = true };

	ack_decide(NULL, CUSTOMER, NULL, &policy, &out);
	ck_assert(!out.answer);
	ck_assert_str_eq(out.reason, ACK_REASON_INTERNAL);
	out.answer = true;
	ack_decide(view, CUSTOMER, NULL, NULL, &out);
	ck_assert(!out.answer);
	ck_assert_str_eq(out.reason, ACK_REASON_INTERNAL);

	/* extra and every policy list may be NULL. */
	ack_decide(view, CUSTOMER, NULL, &(struct ack_policy){ 0 }, &out);
	ck_assert(out.answer);
	ck_assert_ptr_null(out.reason);

	/* A From the reader could not read: address "". */
	g_free(view->from->address);
	view->from->address = g_strdup("");
	ack_decide(view, CUSTOMER, NULL, &policy, &out);
	ck_assert(out.answer);
	view_free(view);
}
END_TEST

/* --- AckRequireAuth ------------------------------------------------------- */

static const struct decide_case auth_cases[] = {
	{ "no Authentication-Results", CUSTOMER, { FROM_CUSTOMER }, "unauthenticated" },
	{ "trusted dmarc=pass", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=pass (p=none dis=none) header.from=example.com" } },
	    "answer" },
	{ "trusted dmarc=pass without header.from", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=pass" } }, "answer" },
	{ "trusted dmarc=pass about another From", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=pass header.from=example.org" } },
	    "unauthenticated" },
	{ "trusted dmarc=fail", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=fail (p=reject) header.from=example.com" } },
	    "unauthenticated" },
	{ "second trusted id", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx2.example.net; dmarc=pass header.from=example.com" } }, "answer" },
	{ "no From: nothing to align with", CUSTOMER,
	    { .ar = { "mx.example.net; dmarc=pass" } }, "unauthenticated" },

	/* spf */
	{ "spf=pass, mailfrom the From domain", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass (mx.example.net: 192.0.2.1 is allowed) "
	      "smtp.mailfrom=customer@example.com" } }, "answer" },
	{ "spf=pass, mailfrom a bare domain", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass smtp.mailfrom=example.com" } }, "answer" },
	{ "spf=pass, mailfrom a subdomain of From", "x@mail.example.com",
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass smtp.mailfrom=x@mail.example.com" } }, "answer" },
	{ "spf=pass, mailfrom a parent of From", "x@example.com",
	    { .from = "a@eu.example.com", .ar = { "mx.example.net; spf=pass smtp.mailfrom=x@example.com" } },
	    "answer" },
	{ "spf=pass, mailfrom not aligned", "x@esp.example.org",
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass smtp.mailfrom=x@esp.example.org" } },
	    "unauthenticated" },
	{ "spf=pass for another envelope than ours", "other@elsewhere.example.org",
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass smtp.mailfrom=customer@example.com" } },
	    "unauthenticated" },
	{ "spf=pass on HELO only", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass smtp.helo=example.com" } }, "unauthenticated" },
	{ "spf=softfail", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=softfail smtp.mailfrom=example.com" } },
	    "unauthenticated" },
	{ "spf=pass, quoted local part", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass smtp.mailfrom=\"cus;tomer\"@example.com" } },
	    "answer" },

	/* dkim */
	{ "dkim=pass header.d the From domain", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass (2048-bit key) header.d=example.com "
	      "header.s=sel header.b=AbC+/1=" } }, "answer" },
	{ "dkim=pass header.d a subdomain", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.d=mail.example.com" } }, "answer" },
	{ "dkim=pass header.d a parent", CUSTOMER,
	    { .from = "a@support.example.com", .ar = { "mx.example.net; dkim=pass header.d=example.com" } },
	    "answer" },
	{ "dkim=pass header.d a top-level domain", CUSTOMER,
	    { .from = "a@example.com", .ar = { "mx.example.net; dkim=pass header.d=com" } }, "unauthenticated" },
	{ "dkim=pass header.d a suffix but no label boundary", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.d=notexample.com" } },
	    "unauthenticated" },
	{ "dkim=pass header.d From domain inside another", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.d=example.com.evil.example" } },
	    "unauthenticated" },
	{ "dkim=pass header.d a sibling", CUSTOMER,
	    { .from = "a@eu.example.com", .ar = { "mx.example.net; dkim=pass header.d=us.example.com" } },
	    "unauthenticated" },
	{ "dkim=pass header.i only", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.i=@example.com" } }, "answer" },
	{ "dkim=pass header.i user at subdomain", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.i=news@mail.example.com" } }, "answer" },
	{ "dkim=pass header.i without @", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.i=example.com" } }, "unauthenticated" },
	{ "dkim=pass header.d wins over header.i", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.d=esp.example.org header.i=@example.com" } },
	    "unauthenticated" },
	{ "dkim=pass of an ESP only", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.d=esp.example.org" } }, "unauthenticated" },
	{ "two signatures, the aligned one passes", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.d=esp.example.org; "
	      "dkim=pass header.d=example.com" } }, "answer" },
	{ "aligned signature fails, another passes", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=fail header.d=example.com; "
	      "dkim=pass header.d=other.example.org" } }, "unauthenticated" },
	{ "dkim with a method version", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim/1 = pass header . d = example.com" } }, "answer" },

	/* who said so */
	{ "untrusted pass is ignored", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mail.evil.example; dmarc=pass header.from=example.com" } },
	    "unauthenticated" },
	{ "trusted id only in a leading comment", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "(mx.example.net) mail.evil.example; dmarc=pass" } }, "unauthenticated" },
	{ "trusted id only in a trailing comment", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mail.evil.example (mx.example.net); dmarc=pass" } }, "unauthenticated" },
	{ "trusted id glued to a comment", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mail.evil.example(mx.example.net;dmarc=pass);dmarc=fail" } },
	    "unauthenticated" },
	{ "a pass inside a comment of a trusted fail", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=fail (; dmarc=pass) header.from=example.com" } },
	    "unauthenticated" },
	{ "a pass inside a quoted reason", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=fail reason=\"x; dmarc=pass\" header.from=example.com" } },
	    "unauthenticated" },
	{ "trusted id as a subdomain of an evil one", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net.evil.example; dmarc=pass" } }, "unauthenticated" },
	{ "untrusted pass and trusted fail", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mail.evil.example; dmarc=pass header.from=example.com",
	      "mx.example.net; dmarc=fail header.from=example.com" } }, "unauthenticated" },
	{ "trusted fail and trusted pass in separate headers", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=fail smtp.mailfrom=example.com",
	      "garbage", "mx2.example.net; dkim=pass header.d=example.com" } }, "answer" },
	{ "case everywhere", CUSTOMER,
	    { .from = "Customer@EXAMPLE.com", .ar = { "MX.Example.NET; DMARC=PASS Header.From=Example.COM" } },
	    "answer" },
	{ "quoted authserv-id", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "\"mx.example.net\"; dkim=pass header.d=\"example.com\"" } }, "answer" },
	{ "version 1", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net 1; dmarc=pass" } }, "answer" },
	{ "version 2 is not read", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net 2; dmarc=pass" } }, "unauthenticated" },
	{ "none", CUSTOMER, { FROM_CUSTOMER, .ar = { "mx.example.net; none" } }, "unauthenticated" },
	{ "Microsoft style with action=none and compauth", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; spf=pass (sender IP is 192.0.2.1) "
	      "smtp.mailfrom=bounce.example.com; dkim=none (message not signed) header.d=none;"
	      "dmarc=pass action=none header.from=example.com;compauth=pass reason=100" } }, "answer" },
	{ "a bad resinfo before a good one", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; x-weird pass; dkim=pass header.d=example.com" } },
	    "answer" },

	/* garbage means no pass */
	{ "garbage: empty", CUSTOMER, { FROM_CUSTOMER, .ar = { "" } }, "unauthenticated" },
	{ "garbage: no semicolon", CUSTOMER, { FROM_CUSTOMER, .ar = { "mx.example.net dmarc=pass" } },
	    "unauthenticated" },
	{ "garbage: semicolons", CUSTOMER, { FROM_CUSTOMER, .ar = { ";;;" } }, "unauthenticated" },
	{ "garbage: method without result", CUSTOMER, { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc" } },
	    "unauthenticated" },
	{ "garbage: unterminated quote", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dkim=pass header.d=\"example.com" } }, "unauthenticated" },
	{ "garbage: unterminated comment", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=pass (header.from=example.com" } },
	    "unauthenticated" },
	{ "garbage: stray parenthesis", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=pass) header.from=example.com" } },
	    "unauthenticated" },
	{ "garbage: open comments", CUSTOMER, { FROM_CUSTOMER, .ar = { "(((((" } }, "unauthenticated" },
	{ "garbage: binary", CUSTOMER,
	    { FROM_CUSTOMER, .ar = { "mx.example.net;\x01\x7f\xff=pass\xc3" } }, "unauthenticated" },
};

START_TEST(test_auth)
{
	const struct decide_case *c = &auth_cases[_i];
	const char *got = decide(&c->msg, c->sender, true);

	ck_assert_msg(strcmp(got, c->want) == 0, "%s: got %s, want %s", c->name, got, c->want);
	/* Without AckRequireAuth the same messages are all answered. */
	got = decide(&c->msg, c->sender, false);
	ck_assert_msg(strcmp(got, "answer") == 0 || c->msg.from == NULL,
	    "%s without AckRequireAuth: got %s, want answer", c->name, got);
}
END_TEST

START_TEST(test_auth_no_trusted_ids)
{
	struct msg m = { FROM_CUSTOMER, .ar = { "mx.example.net; dmarc=pass" } };
	struct message_view *view = view_new(&m);
	struct ack_policy policy = { .require_auth = true };
	struct ack_decision out;

	ack_decide(view, CUSTOMER, NULL, &policy, &out);
	ck_assert(!out.answer);
	ck_assert_str_eq(out.reason, ACK_REASON_UNAUTHENTICATED);
	view_free(view);
}
END_TEST

/* --- robot names: token and prefix rules, not substrings -------------------- */

struct bool_case {
	const char *in;
	bool want;
};

static const struct bool_case robot_cases[] = {
	{ "MAILER-DAEMON@mx.example.org", true },
	{ "mailer-daemon@mx.example.org", true },
	{ "Mailer_Daemon@example.org", true },
	{ "MAILER-DAEMON", true },		/* From: without a domain */
	{ "postmaster@example.org", true },
	{ "PostMaster@example.org", true },
	{ "users-request@lists.example.org", true },
	{ "owner-users@lists.example.org", true },
	{ "users-owner@lists.example.org", true },
	{ "no-reply@example.com", true },
	{ "noreply@example.com", true },
	{ "NoReply@example.com", true },
	{ "no_reply@example.com", true },
	{ "no.reply@example.com", true },
	{ "do-not-reply@example.com", true },
	{ "do_not_reply@example.com", true },
	{ "DoNotReply@example.com", true },
	{ "donotreply@example.com", true },
	{ "dont-reply@example.com", true },
	{ "noreply2@example.com", true },
	{ "no-reply-7@example.com", true },
	{ "billing-noreply@example.com", true },
	{ "noreply-billing@example.com", true },
	{ "noreply+abc@example.com", true },
	{ "\"no reply\"@example.com", true },
	{ "bounce@example.com", true },
	{ "bounces@example.com", true },
	{ "Bounces@example.com", true },
	{ "bounce-12345@esp.example.org", true },
	{ "users-bounces+customer=example.com@lists.example.org", true },
	{ "msprvs1=19386ItC=bounces-1234@esp.example.org", true },
	/* people */
	{ "customer@example.com", false },
	{ "noreplyguy@example.com", false },
	{ "snoreply@example.com", false },
	{ "reply@example.com", false },
	{ "no@example.com", false },
	{ "no--reply@example.com", false },
	{ "bouncer@example.com", false },
	{ "bouncy.castle@example.com", false },
	{ "request@example.com", false },
	{ "-request@example.com", false },
	{ "owner@example.com", false },
	{ "owner-@example.com", false },
	{ "ownership@example.com", false },
	{ "postmasters@example.com", false },
	{ "daemon@example.com", false },
	{ "nobody@example.com", false },
	{ "norah.eply@example.com", false },
	{ "prvs=1234abcd=customer@example.com", false },	/* BATV */
	{ "customer@noreply.example.com", false },		/* the domain is not looked at */
	{ "", false },
	{ "@example.com", false },
};

START_TEST(test_robot)
{
	const struct bool_case *c = &robot_cases[_i];
	bool got = ack_robot_address(c->in);

	ck_assert_msg(got == c->want, "ack_robot_address(\"%s\"): got %d, want %d", c->in, got, c->want);
}
END_TEST

/* --- the envelope sender's syntax --------------------------------------------- */

static const struct bool_case address_cases[] = {
	{ "customer@example.com", true },
	{ "first.last+tag@mail.example.co.uk", true },
	{ "o'brien@example.ie", true },
	{ "a!#$%&'*+-/=?^_`{|}~@example.com", true },
	{ "\"john doe\"@example.com", true },
	{ "\"a@b\\\"c\"@example.com", true },
	{ "j\xc3\xb6rg@ex\xc3\xa4mple.de", true },
	{ "x@xn--exmple-cua.de", true },
	{ "x@123.example", true },
	{ "", false },
	{ "customer", false },
	{ "@example.com", false },
	{ "customer@", false },
	{ "customer@localhost", false },
	{ "customer@example.com.", false },
	{ "customer@example..com", false },
	{ "customer@.example.com", false },
	{ "customer@-example.com", false },
	{ "customer@example-.com", false },
	{ "customer@exa_mple.com", false },
	{ "customer@[192.0.2.1]", false },
	{ "customer@[IPv6:2001:db8::1]", false },
	{ "a@@example.com", false },
	{ "a@b@example.com", false },
	{ ".customer@example.com", false },
	{ "customer.@example.com", false },
	{ "cust..omer@example.com", false },
	{ "cust omer@example.com", false },
	{ "customer@exa mple.com", false },
	{ "cust<omer@example.com", false },
	{ "customer@example.com\r\nBcc: victim@example.org", false },
	{ "\"customer\r\n\"@example.com", false },
	{ "\"\"@example.com", false },
	{ "\"unterminated@example.com", false },
	{ "\"bad\\\x01\"@example.com", false },
	{ "@relay.example.org:customer@example.com", false },
	{ "\xff\xfe@example.com", false },
	{ "j\xc3@example.com", false },
	{ "<customer@example.com>", false },
};

START_TEST(test_address)
{
	const struct bool_case *c = &address_cases[_i];
	bool got = ack_address_valid(c->in);

	ck_assert_msg(got == c->want, "ack_address_valid(\"%s\"): got %d, want %d", c->in, got, c->want);
}
END_TEST

START_TEST(test_address_bounds)
{
	char local[80], domain[300], addr[400];

	ck_assert(!ack_address_valid(NULL));
	/* Local part: 64 bytes is the most. */
	memset(local, 'a', 64);
	local[64] = '\0';
	g_snprintf(addr, sizeof(addr), "%s@example.com", local);
	ck_assert(ack_address_valid(addr));
	g_snprintf(addr, sizeof(addr), "a%s@example.com", local);
	ck_assert(!ack_address_valid(addr));

	/* A label: 63 bytes is the most. */
	memset(local, 'b', 63);
	local[63] = '\0';
	g_snprintf(addr, sizeof(addr), "a@%s.com", local);
	ck_assert(ack_address_valid(addr));
	g_snprintf(addr, sizeof(addr), "a@b%s.com", local);
	ck_assert(!ack_address_valid(addr));

	/* The whole address: 254 bytes is the most. */
	g_snprintf(domain, sizeof(domain), "%s.%s.%s.", local, local, local);	/* 192 */
	memset(domain + strlen(domain), 'c', 250 - strlen(domain));
	domain[250] = '\0';
	g_snprintf(addr, sizeof(addr), "abc@%s", domain);	/* 254 */
	ck_assert_uint_eq(strlen(addr), 254);
	ck_assert(ack_address_valid(addr));
	g_snprintf(addr, sizeof(addr), "abcd@%s", domain);
	ck_assert(!ack_address_valid(addr));
}
END_TEST

/* A sender too long for any address, in brackets: not copied, not valid. */
START_TEST(test_long_bracketed_sender)
{
	GString *s = g_string_new("<");
	struct msg m = { FROM_CUSTOMER };

	while (s->len < 5000)
		g_string_append(s, "a");
	g_string_append(s, "@example.com>");
	ck_assert_str_eq(decide(&m, s->str, false), "bad-sender");
	g_string_free(s, TRUE);
}
END_TEST

/* --- alignment ----------------------------------------------------------- */

struct align_case {
	const char *a;
	const char *b;
	bool want;
};

static const struct align_case align_cases[] = {
	{ "example.com", "example.com", true },
	{ "Example.COM", "example.com", true },
	{ "example.com.", "example.com", true },
	{ "mail.example.com", "example.com", true },
	{ "example.com", "a.b.example.com", true },
	{ "eu.example.com", "us.example.com", false },	/* siblings: fails closed */
	{ "notexample.com", "example.com", false },
	{ "example.com.evil.example", "example.com", false },
	{ "example.com", "com", false },
	{ "com", "com", true },
	{ ".example.com", "example.com", false },
	{ "example.com", "", false },
	{ "", "", false },
	{ ".", "example.com", false },
	{ NULL, "example.com", false },
	{ "example.com", NULL, false },
	{ "example.co.uk", "co.uk", true },		/* no Public Suffix List: documented */
};

START_TEST(test_align)
{
	const struct align_case *c = &align_cases[_i];
	bool got = ack_domain_aligned(c->a, c->b);

	ck_assert_msg(got == c->want, "aligned(%s, %s): got %d, want %d",
	    c->a ? c->a : "NULL", c->b ? c->b : "NULL", got, c->want);
	ck_assert_msg(ack_domain_aligned(c->b, c->a) == got, "aligned(%s, %s) is not symmetric",
	    c->a ? c->a : "NULL", c->b ? c->b : "NULL");
}
END_TEST

/* --- the parser itself ---------------------------------------------------- */

static const struct ack_authres_result *
result_at(const struct ack_authres *ar, guint i)
{
	ck_assert_uint_lt(i, ar->results->len);
	return g_ptr_array_index(ar->results, i);
}

START_TEST(test_parse_full)
{
	struct ack_authres *ar = ack_authres_parse(
	    " (front) mx.example.net (v=1) 1 ;\tspf=pass (192.0.2.1 allowed) smtp.mailfrom=a@example.com;"
	    " dkim/1=PASS reason=\"good sig\" header.d=example.com header.s=s1 header.b=\"Ab+/=\";"
	    " dmarc=pass (p=reject) header.from=example.com ; arc=none");
	const struct ack_authres_result *r;

	ck_assert_ptr_nonnull(ar);
	ck_assert_str_eq(ar->authserv_id, "mx.example.net");
	ck_assert_uint_eq(ar->version, 1);
	ck_assert_uint_eq(ar->results->len, 4);

	r = result_at(ar, 0);
	ck_assert_str_eq(r->method, "spf");
	ck_assert_str_eq(r->result, "pass");
	ck_assert_ptr_null(r->reason);
	ck_assert_str_eq(ack_authres_prop(r, "smtp", "mailfrom"), "a@example.com");

	r = result_at(ar, 1);
	ck_assert_str_eq(r->method, "dkim");
	ck_assert_str_eq(r->result, "pass");
	ck_assert_str_eq(r->reason, "good sig");
	ck_assert_uint_eq(r->props->len, 3);
	ck_assert_str_eq(ack_authres_prop(r, "header", "d"), "example.com");
	ck_assert_str_eq(ack_authres_prop(r, "header", "s"), "s1");
	ck_assert_str_eq(ack_authres_prop(r, "header", "b"), "Ab+/=");
	ck_assert_ptr_null(ack_authres_prop(r, "header", "i"));

	r = result_at(ar, 2);
	ck_assert_str_eq(r->method, "dmarc");
	ck_assert_str_eq(ack_authres_prop(r, "header", "from"), "example.com");

	r = result_at(ar, 3);
	ck_assert_str_eq(r->method, "arc");
	ck_assert_str_eq(r->result, "none");
	ack_authres_free(ar);
}
END_TEST

START_TEST(test_parse_none_and_version)
{
	struct ack_authres *ar = ack_authres_parse("\"mx \\\"q\\\" net\" 7 ; NONE ");

	ck_assert_ptr_nonnull(ar);
	ck_assert_str_eq(ar->authserv_id, "mx \"q\" net");
	ck_assert_uint_eq(ar->version, 7);
	ck_assert_uint_eq(ar->results->len, 0);
	ack_authres_free(ar);

	/* A huge version is capped, not overflowed. */
	ar = ack_authres_parse("mx 99999999999999999999999; spf=pass");
	ck_assert_ptr_nonnull(ar);
	ck_assert_uint_ne(ar->version, 1);
	ack_authres_free(ar);
}
END_TEST

START_TEST(test_parse_skips_bad_resinfo)
{
	struct ack_authres *ar = ack_authres_parse(
	    "mx; spf pass; =pass; dkim=pass header.d=\"a;b\" (c;d); dmarc=pass x.y; ; arc=pass;");

	ck_assert_ptr_nonnull(ar);
	ck_assert_uint_eq(ar->results->len, 2);
	ck_assert_str_eq(result_at(ar, 0)->method, "dkim");
	ck_assert_str_eq(ack_authres_prop(result_at(ar, 0), "header", "d"), "a;b");
	ck_assert_str_eq(result_at(ar, 1)->method, "arc");
	ack_authres_free(ar);
}
END_TEST

START_TEST(test_parse_bounds)
{
	GString *s = g_string_new("mx");
	struct ack_authres *ar;

	for (int i = 0; i < 3 * ACK_AUTHRES_MAX_RESULTS; i++)
		g_string_append_printf(s, "; dkim=fail header.d=d%d.example", i);
	ar = ack_authres_parse(s->str);
	ck_assert_ptr_nonnull(ar);
	ck_assert_uint_eq(ar->results->len, ACK_AUTHRES_MAX_RESULTS);
	ack_authres_free(ar);

	g_string_assign(s, "mx; dkim=pass");
	for (int i = 0; i < 3 * ACK_AUTHRES_MAX_PROPS; i++)
		g_string_append_printf(s, " header.p%d=v", i);
	ar = ack_authres_parse(s->str);
	ck_assert_ptr_nonnull(ar);
	ck_assert_uint_eq(result_at(ar, 0)->props->len, ACK_AUTHRES_MAX_PROPS);
	ack_authres_free(ar);

	/* Deeply nested comments: iterative, no stack to run out of. */
	g_string_assign(s, "mx; dmarc=pass ");
	for (int i = 0; i < 100000; i++)
		g_string_append_c(s, '(');
	for (int i = 0; i < 100000; i++)
		g_string_append_c(s, ')');
	ar = ack_authres_parse(s->str);
	ck_assert_ptr_nonnull(ar);
	ck_assert_uint_eq(ar->results->len, 1);
	ack_authres_free(ar);
	g_string_free(s, TRUE);
}
END_TEST

static const char *const garbage[] = {
	"", "   ", "(only a comment)", "mx.example.net", "mx.example.net dmarc=pass",
	"\"unterminated; dmarc=pass", "@; dmarc=pass", "mx 1 2; dmarc=pass", "=; dmarc=pass",
	"mx.example.net 1x; dmarc=pass", "mx; dmarc=pass (open", "mx; dmarc=pass close)",
	"mx; dmarc=pass reason=\"open", "mx; dmarc=pass (\\", "mx; (a \"(\" b) dmarc=pass (",
};

START_TEST(test_parse_garbage)
{
	ck_assert_ptr_null(ack_authres_parse(garbage[_i]));
}
END_TEST

/*
 * Every prefix of a rich header, and the header with each byte replaced by
 * each interesting one, parse without crashing or leaking (the sanitizers
 * and valgrind watch) and never invent a pass the original did not have.
 */
START_TEST(test_parse_mutations)
{
	static const char header[] =
	    "(c) \"mx.example.net\" 1; spf=fail (x) smtp.mailfrom=\"a b\"@example.com; "
	    "dkim/1=neutral reason=\"r\" header.d=example.com (c(n)) header.i=@example.com; "
	    "dmarc=fail action=none header.from=example.com; none";
	static const char bytes[] = "();=\"\\. @/\0";
	size_t len = strlen(header);

	for (size_t cut = 0; cut <= len; cut++) {
		char *s = g_strndup(header, cut);

		ack_authres_free(ack_authres_parse(s));
		g_free(s);
	}
	for (size_t i = 0; i < len; i++) {
		for (size_t b = 0; b < sizeof(bytes) - 1; b++) {
			char *s = g_strdup(header);
			struct ack_authres *ar;

			s[i] = bytes[b];
			ar = ack_authres_parse(s);
			for (guint j = 0; ar != NULL && j < ar->results->len; j++) {
				const struct ack_authres_result *r = g_ptr_array_index(ar->results, j);

				ck_assert_msg(strcmp(r->result, "pass") != 0,
				    "a pass appeared in \"%s\"", s);
			}
			ack_authres_free(ar);
			g_free(s);
		}
	}
}
END_TEST

static Suite *
ack_suite(void)
{
	Suite *s = suite_create("ack_suppress");
	TCase *rules = tcase_create("rules");
	TCase *auth = tcase_create("auth");
	TCase *names = tcase_create("names");
	TCase *parse = tcase_create("parse");

	tcase_add_loop_test(rules, test_rules, 0, (int)G_N_ELEMENTS(rule_cases));
	tcase_add_loop_test(rules, test_order, 0, (int)G_N_ELEMENTS(order_cases));
	tcase_add_test(rules, test_order_policy_last);
	tcase_add_test(rules, test_null_arguments);
	suite_add_tcase(s, rules);

	tcase_add_loop_test(auth, test_auth, 0, (int)G_N_ELEMENTS(auth_cases));
	tcase_add_test(auth, test_auth_no_trusted_ids);
	tcase_add_loop_test(auth, test_align, 0, (int)G_N_ELEMENTS(align_cases));
	suite_add_tcase(s, auth);

	tcase_add_loop_test(names, test_robot, 0, (int)G_N_ELEMENTS(robot_cases));
	tcase_add_loop_test(names, test_address, 0, (int)G_N_ELEMENTS(address_cases));
	tcase_add_test(names, test_address_bounds);
	tcase_add_test(names, test_long_bracketed_sender);
	suite_add_tcase(s, names);

	/* Generous: the suite also runs under valgrind. */
	tcase_set_timeout(parse, 120);
	tcase_add_test(parse, test_parse_full);
	tcase_add_test(parse, test_parse_none_and_version);
	tcase_add_test(parse, test_parse_skips_bad_resinfo);
	tcase_add_test(parse, test_parse_bounds);
	tcase_add_loop_test(parse, test_parse_garbage, 0, (int)G_N_ELEMENTS(garbage));
	tcase_add_test(parse, test_parse_mutations);
	suite_add_tcase(s, parse);
	return s;
}

int
main(void)
{
	return check_run(ack_suite());
}
