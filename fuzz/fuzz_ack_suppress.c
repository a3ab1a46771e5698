/*
 * fuzz_ack_suppress.c - whether a message gets an acknowledgement.
 *
 * Each input is used twice: as one Authentication-Results value for
 * ack_authres_parse() (and the address checks), and as a whole message,
 * read by message_read() and given to ack_decide() under a policy that
 * requires authentication, so the Authentication-Results headers of the
 * message are parsed and checked for alignment too. Seeds of both kinds
 * mix well: a header value is a message with no headers, and a message is
 * an Authentication-Results value that fails at once.
 */
#include <gmime/gmime.h>

#include "ack_suppress.h"
#include "message.h"
#include "fuzz.h"

static char *support[] = { "support@example.com", "help@example.se", NULL };
static char *agents[] = { "agent@example.com", NULL };
static char *trusted[] = { "mx.example.com", "MX.Example.NET", NULL };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	g_mime_init();
	return 0;
}

static void
check_authres(const char *value)
{
	struct ack_authres *a = ack_authres_parse(value);

	if (a == NULL)
		return;
	if (a->authserv_id == NULL || a->results == NULL ||
	    a->results->len > ACK_AUTHRES_MAX_RESULTS)
		abort();
	for (guint i = 0; i < a->results->len; i++) {
		const struct ack_authres_result *r = g_ptr_array_index(a->results, i);
		const char *d;

		if (r->method == NULL || r->result == NULL || r->props == NULL ||
		    r->props->len > ACK_AUTHRES_MAX_PROPS)
			abort();
		if ((d = ack_authres_prop(r, "header", "d")) != NULL)
			(void)ack_domain_aligned(d, "example.com");
		if ((d = ack_authres_prop(r, "smtp", "mailfrom")) != NULL) {
			const char *at = strrchr(d, '@');

			(void)ack_domain_aligned(at != NULL ? at + 1 : d, "mail.example.com");
		}
	}
	ack_authres_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ack_policy policy = { support, agents, true, trusted };
	struct ack_headers extra = { NULL };
	struct ack_decision d;
	struct message_view *view;
	char *text = fuzz_strndup(data, size);
	const char *sender;

	check_authres(text);
	if (size <= 1024) {
		(void)ack_address_valid(text);
		(void)ack_robot_address(text);
		(void)ack_domain_aligned(text, "example.com");
	}
	g_free(text);

	view = message_read((const char *)data, size, NULL);
	sender = view->from != NULL ? view->from->address : "customer@example.org";
	ack_decide(view, sender, NULL, &policy, &d);
	if (d.answer != (d.reason == NULL))
		abort();
	policy.require_auth = false;
	ack_decide(view, size % 2 ? "<bounce-1@example.org>" : "", &extra, &policy, &d);
	extra.x_triage_ack = "";
	ack_decide(view, NULL, &extra, NULL, &d);
	if (d.answer || d.reason == NULL)
		abort();
	message_view_free(view);
	return 0;
}
