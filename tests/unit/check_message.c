/*
 * check_message.c - the reader: headers, part choice, bounds, hostile input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "message.h"
#include "check_run.h"

static struct message_view *
read_string(const char *text)
{
	return message_read(text, strlen(text), NULL);
}

static bool
has_warning_containing(const struct message_view *view, const char *needle)
{
	for (guint i = 0; i < view->warnings->len; i++)
		if (strstr(g_ptr_array_index(view->warnings, i), needle) != NULL)
			return true;
	return false;
}

struct subject_case {
	const char *raw;
	const char *want;
};

static const struct subject_case subject_cases[] = {
	{ "plain ascii", "plain ascii" },
	{ "=?utf-8?Q?F=C3=A5r_ikke_logget_inn?=", "F\xc3\xa5r ikke logget inn" },
	{ "=?UTF-8?B?0J/QvtGA0YrRh9C60LDRgtCw?=", "\xd0\x9f\xd0\xbe\xd1\x80\xd1\x8a\xd1\x87\xd0\xba\xd0\xb0\xd1\x82\xd0\xb0" },
	{ "=?iso-8859-1?q?gr=FC=DFe?= =?iso-8859-1?q?_aus_K=F6ln?=", "gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln" },
	{ "=?koi8-r?B?8M/S38vB1ME=?=", "\xd0\x9f\xd0\xbe\xd1\x80\xd1\x8a\xd0\xba\xd0\xb0\xd1\x82\xd0\xb0" },
	{ "Re: =?windows-1252?Q?=93Urgent=94?= order", "Re: \xe2\x80\x9cUrgent\xe2\x80\x9d order" },
	{ "folded\r\n over\r\n\tlines", "folded over lines" },
	/* An encoded CR LF must not become a second header line downstream. */
	{ "=?utf-8?Q?hello=0D=0ABcc:_victim@example.com?=", "hello Bcc: victim@example.com" },
	/* GMime's decoder turns an encoded NUL into '?': no NUL gets through. */
	{ "=?utf-8?Q?nul=00byte?=", "nul?byte" },
	/* Raw 8-bit UTF-8, as sent by SMTPUTF8 clients. */
	{ "Best\xc3\xa4llning saknas", "Best\xc3\xa4llning saknas" },
	/* Raw 8-bit windows-1251 with no encoded word at all. */
	{ "\xcf\xee\xf0\xfa\xf7\xea\xe0\xf2\xe0 \xec\xe8", "\xd0\x9f\xd0\xbe\xd1\x80\xd1\x8a\xd1\x87\xd0\xba\xd0\xb0\xd1\x82\xd0\xb0 \xd0\xbc\xd0\xb8" },
};

START_TEST(test_subject_decoding)
{
	const struct subject_case *c = &subject_cases[_i];
	char *msg = g_strdup_printf("From: a@example.com\r\nSubject: %s\r\n\r\nbody\r\n", c->raw);
	struct message_view *view = read_string(msg);

	ck_assert_msg(strcmp(view->subject, c->want) == 0, "subject %s: got \"%s\", want \"%s\"",
	    c->raw, view->subject, c->want);
	message_view_free(view);
	g_free(msg);
}
END_TEST

START_TEST(test_addresses_and_ids)
{
	struct message_view *view = read_string(
	    "From: =?utf-8?Q?S=C3=B6ren_=C3=85berg?= <soren@example.se>\n"
	    "Reply-To: Sales <sales@example.se>, other@example.se\n"
	    "To: Support <support@shop.example>, undisclosed-recipients:;\n"
	    "Cc: Team: a@example.com, b@example.com;\n"
	    "Date: Mon, 03 Mar 2025 11:30:00 +0100\n"
	    "Message-ID: <abc@example.se>\n"
	    "In-Reply-To: <parent@shop.example>\n"
	    "References: <root@shop.example> <parent@shop.example>\n"
	    "\n"
	    "text\n");

	ck_assert_ptr_nonnull(view->from);
	ck_assert_str_eq(view->from->name, "S\xc3\xb6ren \xc3\x85" "berg");
	ck_assert_str_eq(view->from->address, "soren@example.se");
	ck_assert_uint_eq(view->reply_to->len, 2);
	ck_assert_uint_eq(view->to->len, 1);
	ck_assert_uint_eq(view->cc->len, 2);	/* group members, flattened */
	ck_assert_str_eq(((struct message_address *)g_ptr_array_index(view->cc, 1))->address,
	    "b@example.com");
	ck_assert_str_eq(view->date, "2025-03-03T10:30:00Z");
	ck_assert_int_eq(view->date_unix, 1740997800);
	ck_assert_str_eq(view->message_id, "abc@example.se");
	ck_assert_str_eq(view->in_reply_to, "parent@shop.example");
	ck_assert_uint_eq(view->references->len, 2);
	ck_assert_str_eq(g_ptr_array_index(view->references, 0), "root@shop.example");
	message_view_free(view);
}
END_TEST

START_TEST(test_missing_headers)
{
	struct message_view *view = read_string("X-Nothing: here\n\njust a body\n");

	ck_assert_ptr_null(view->from);
	ck_assert_str_eq(view->subject, "");
	ck_assert_ptr_null(view->date);
	ck_assert_ptr_null(view->message_id);
	ck_assert_str_eq(view->text, "just a body");
	message_view_free(view);
}
END_TEST

START_TEST(test_bad_date_warns)
{
	struct message_view *view = read_string("Date: the day after tomorrow\n\nx\n");

	ck_assert_ptr_null(view->date);
	ck_assert(has_warning_containing(view, "Date"));
	message_view_free(view);
}
END_TEST

START_TEST(test_plain_preferred_over_html)
{
	struct message_view *view = read_string(
	    "Content-Type: multipart/alternative; boundary=b\n\n"
	    "--b\nContent-Type: text/html\n\n<p>html words</p>\n"
	    "--b\nContent-Type: text/plain\n\nplain words\n--b--\n");

	ck_assert_str_eq(view->text, "plain words");
	ck_assert_str_eq(view->text_source, "text/plain");
	message_view_free(view);
}
END_TEST

START_TEST(test_blank_plain_falls_back_to_html)
{
	struct message_view *view = read_string(
	    "Content-Type: multipart/alternative; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\n \n\n"
	    "--b\nContent-Type: text/html\n\n<p>only <b>html</b> has words</p>\n--b--\n");

	ck_assert_str_eq(view->text, "only html has words");
	ck_assert_str_eq(view->text_source, "text/html");
	message_view_free(view);
}
END_TEST

START_TEST(test_attachments_skipped)
{
	struct message_view *view = read_string(
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain; name=log.txt\nContent-Disposition: attachment\n\n"
	    "attached log\n"
	    "--b\nContent-Type: text/plain\n\ncustomer words\n--b--\n");

	ck_assert_str_eq(view->text, "customer words");
	message_view_free(view);
}
END_TEST

START_TEST(test_own_text_beats_forwarded)
{
	struct message_view *view = read_string(
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner words\n"
	    "--b\nContent-Type: text/plain\n\nouter words\n--b--\n");

	ck_assert_str_eq(view->text, "outer words");
	message_view_free(view);
}
END_TEST

START_TEST(test_missing_boundary_keeps_words)
{
	struct message_view *view = read_string(
	    "Content-Type: multipart/mixed; boundary=never-used\n\n"
	    "The boundary never appears.\nI still want my refund.\n");

	ck_assert_str_eq(view->text, "The boundary never appears.\nI still want my refund.");
	ck_assert(view->warnings->len > 0);
	message_view_free(view);
}
END_TEST

START_TEST(test_byte_bound)
{
	struct message_limits limits;
	GString *msg = g_string_new("Subject: big\n\n");
	struct message_view *view;

	message_limits_default(&limits);
	limits.max_bytes = 4096;
	while (msg->len < 100000)
		g_string_append(msg, "all work and no play makes jack a dull boy\n");
	view = message_read(msg->str, msg->len, &limits);
	ck_assert(view->truncated);
	ck_assert_uint_eq(view->bytes_read, 4096);
	ck_assert_uint_eq(view->bytes_total, msg->len);
	ck_assert_uint_le(strlen(view->text), 4096);
	ck_assert(strlen(view->text) > 3000);
	ck_assert_str_eq(view->subject, "big");
	message_view_free(view);
	g_string_free(msg, TRUE);
}
END_TEST

START_TEST(test_text_bound_at_char_boundary)
{
	struct message_limits limits;
	GString *msg = g_string_new("Content-Type: text/plain; charset=utf-8\n\n");
	struct message_view *view;

	message_limits_default(&limits);
	limits.max_text = 1001;	/* odd, so a two-byte letter would straddle it */
	for (int i = 0; i < 2000; i++)
		g_string_append(msg, "\xc3\xa5");
	view = message_read(msg->str, msg->len, &limits);
	ck_assert(view->truncated);
	ck_assert_uint_eq(strlen(view->text), 1000);
	ck_assert(g_utf8_validate(view->text, -1, NULL));
	message_view_free(view);
	g_string_free(msg, TRUE);
}
END_TEST

START_TEST(test_header_bound)
{
	GString *msg = g_string_new("From: first@example.com\n");
	struct message_view *view;

	for (int i = 0; i < 10000; i++)
		g_string_append_printf(msg, "X-Spam-%d: filler\n", i);
	g_string_append(msg, "Subject: after the flood\n\nthe body survives\n");
	view = message_read(msg->str, msg->len, NULL);
	ck_assert(view->truncated);
	ck_assert_uint_eq(view->header_count, 256);
	ck_assert(has_warning_containing(view, "header fields"));
	ck_assert_str_eq(view->from->address, "first@example.com");
	ck_assert_str_eq(view->text, "the body survives");
	message_view_free(view);
	g_string_free(msg, TRUE);
}
END_TEST

START_TEST(test_depth_bound)
{
	GString *msg = g_string_new(NULL);
	struct message_view *view;
	const int depth = 1000;

	for (int i = 0; i < depth; i++)
		g_string_append_printf(msg, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	g_string_append(msg, "Content-Type: text/plain\n\ndeep words\n");
	for (int i = depth - 1; i >= 0; i--)
		g_string_append_printf(msg, "--b%d--\n", i);
	view = message_read(msg->str, msg->len, NULL);
	ck_assert(view->truncated);
	ck_assert_uint_le(view->depth, 8);
	ck_assert(g_utf8_validate(view->text, -1, NULL));
	message_view_free(view);
	g_string_free(msg, TRUE);
}
END_TEST

START_TEST(test_parts_bound)
{
	GString *msg = g_string_new("Content-Type: multipart/mixed; boundary=b\n\n");
	struct message_view *view;

	for (int i = 0; i < 500; i++)
		g_string_append_printf(msg, "--b\nContent-Type: image/png\n\n%d\n", i);
	g_string_append(msg, "--b\nContent-Type: text/plain\n\nlate words\n--b--\n");
	view = message_read(msg->str, msg->len, NULL);
	ck_assert(view->truncated);
	ck_assert_uint_eq(view->parts, 64);
	ck_assert(has_warning_containing(view, "MIME parts"));
	message_view_free(view);
	g_string_free(msg, TRUE);
}
END_TEST

START_TEST(test_binary_input)
{
	unsigned char bytes[65536];
	struct message_view *view;

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)((i * 2654435761u) >> 13);
	view = message_read((const char *)bytes, sizeof(bytes), NULL);
	ck_assert(g_utf8_validate(view->text, -1, NULL));
	ck_assert(g_utf8_validate(view->subject, -1, NULL));
	message_view_free(view);

	view = message_read("", 0, NULL);
	ck_assert_str_eq(view->text, "");
	message_view_free(view);
}
END_TEST

START_TEST(test_mbox_from_line_skipped)
{
	struct message_view *view = read_string(
	    "From someone@example.com Mon Mar  3 10:00:00 2025\n"
	    "From: someone@example.com\nSubject: mbox\n\nhello\n");

	ck_assert_str_eq(view->subject, "mbox");
	ck_assert_str_eq(view->from->address, "someone@example.com");
	message_view_free(view);
}
END_TEST

START_TEST(test_automation_headers)
{
	struct message_view *view = read_string(
	    "Auto-Submitted: auto-replied\n"
	    "Precedence: bulk\n"
	    "X-Auto-Response-Suppress: OOF, AutoReply\n"
	    "List-Id: <news.example.org>\n"
	    "list-unsubscribe: <mailto:x@example.org>\n"
	    "Authentication-Results: mx.example; dmarc=pass\n"
	    "  header.from=example.org\n"
	    "\n"
	    "away\n");

	ck_assert_str_eq(view->auto_submitted, "auto-replied");
	ck_assert_str_eq(view->precedence, "bulk");
	ck_assert_str_eq(view->x_auto_response_suppress, "OOF, AutoReply");
	ck_assert_uint_eq(view->list_headers->len, 2);
	ck_assert_str_eq(g_ptr_array_index(view->list_headers, 0), "List-Id: <news.example.org>");
	ck_assert_uint_eq(view->authentication_results->len, 1);
	ck_assert_str_eq(g_ptr_array_index(view->authentication_results, 0),
	    "mx.example; dmarc=pass header.from=example.org");
	message_view_free(view);
}
END_TEST

/*
 * A verifier quotes the sender's MAIL FROM in its Authentication-Results:
 * an encoded word there must stay text, not decode into "; dmarc=pass".
 */
START_TEST(test_authentication_results_not_decoded)
{
	struct message_view *view = read_string(
	    "Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=\"=?utf-8?Q?"
	    "=22;_dmarc=3Dpass;_x=3D=22?=\"@evil.example\n"
	    "\n"
	    "hi\n");

	ck_assert_uint_eq(view->authentication_results->len, 1);
	ck_assert_str_eq(g_ptr_array_index(view->authentication_results, 0),
	    "mx.example.net; spf=fail smtp.mailfrom=\"=?utf-8?Q?=22;_dmarc=3Dpass;_x=3D=22?=\""
	    "@evil.example");
	ck_assert_ptr_null(strstr(g_ptr_array_index(view->authentication_results, 0),
	    "dmarc=pass"));
	message_view_free(view);
}
END_TEST

static Suite *
message_suite(void)
{
	Suite *s = suite_create("message");
	TCase *headers = tcase_create("headers");
	TCase *body = tcase_create("body");
	TCase *bounds = tcase_create("bounds");

	tcase_add_loop_test(headers, test_subject_decoding, 0, G_N_ELEMENTS(subject_cases));
	tcase_add_test(headers, test_addresses_and_ids);
	tcase_add_test(headers, test_missing_headers);
	tcase_add_test(headers, test_bad_date_warns);
	tcase_add_test(headers, test_automation_headers);
	tcase_add_test(headers, test_authentication_results_not_decoded);
	tcase_add_test(headers, test_mbox_from_line_skipped);
	tcase_add_test(body, test_plain_preferred_over_html);
	tcase_add_test(body, test_blank_plain_falls_back_to_html);
	tcase_add_test(body, test_attachments_skipped);
	tcase_add_test(body, test_own_text_beats_forwarded);
	tcase_add_test(body, test_missing_boundary_keeps_words);
	tcase_add_test(bounds, test_byte_bound);
	tcase_add_test(bounds, test_text_bound_at_char_boundary);
	tcase_add_test(bounds, test_header_bound);
	tcase_add_test(bounds, test_depth_bound);
	tcase_add_test(bounds, test_parts_bound);
	tcase_add_test(bounds, test_binary_input);
	tcase_set_timeout(bounds, 30);
	suite_add_tcase(s, headers);
	suite_add_tcase(s, body);
	suite_add_tcase(s, bounds);
	return s;
}

int
main(void)
{
	int status;

	g_mime_init();
	status = check_run(message_suite());
	g_mime_shutdown();
	return status;
}
