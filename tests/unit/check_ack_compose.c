/*
 * check_ack_compose.c - the acknowledgement as a message: RFC 3834 and
 * RFC 5322 headers, threading, encoding, and customer text that tries to
 * add headers.
 */
#include <check.h>
#include <string.h>
#include <glib.h>
#include <gmime/gmime.h>

#include "ack_compose.h"
#include "message.h"
#include "check_run.h"

static const char original_text[] =
	"From: =?utf-8?q?Bj=C3=B6rn_N=C3=A4slund?= <bjorn@example.se>\r\n"
	"To: support@example.com\r\n"
	"Subject: SV: Re: =?utf-8?q?Var_=C3=A4r_min_best=C3=A4llning=3F?=\r\n"
	"Message-ID: <orig-3@example.se>\r\n"
	"References: <r1@example.se> <r2@example.se>\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"Hej, var är paketet?\r\n";

/* Composes an acknowledgement of original and parses it back. */
static GMimeMessage *
compose(const char *original, const char *body, char **raw, char **id)
{
	struct message_view *view = message_read(original, strlen(original), NULL);
	struct ack_message in = {
		.original = view, .recipient = "bjorn@example.se",
		.support_address = "support@example.com", .from_name = "Kundtjänst",
		.subject_format = "Re: [%t] %s", .ticket = "T-000042", .language = "sv",
		.body = body, .date = 1764064800,
	};
	GBytes *bytes = ack_compose(&in, id);
	gsize len;
	const char *data = g_bytes_get_data(bytes, &len);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	ck_assert_ptr_nonnull(msg);
	*raw = g_strndup(data, len);
	g_object_unref(parser);
	g_object_unref(stream);
	g_bytes_unref(bytes);
	message_view_free(view);
	return msg;
}

static const char *
header(GMimeMessage *msg, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(msg), name);
}

START_TEST(test_rfc3834_headers)
{
	char *raw, *id, *to, *from;
	GMimeMessage *msg = compose(original_text, "Tack för ditt meddelande.\nVi återkommer.\n",
	    &raw, &id);
	InternetAddressList *list;

	ck_assert_str_eq(header(msg, "Auto-Submitted"), "auto-replied");
	ck_assert_str_eq(header(msg, "X-Auto-Response-Suppress"), "All");
	ck_assert_str_eq(header(msg, "X-Triage-Ack"), "T-000042");
	ck_assert_str_eq(g_mime_object_get_header(g_mime_message_get_mime_part(msg),
	    "Content-Language"), "sv");
	ck_assert_ptr_nonnull(strstr(raw, "\r\nContent-Language: sv\r\n"));
	ck_assert_str_eq(header(msg, "In-Reply-To"), "<orig-3@example.se>");
	ck_assert_str_eq(header(msg, "References"),
	    "<r1@example.se> <r2@example.se> <orig-3@example.se>");
	ck_assert_str_eq(g_mime_message_get_message_id(msg), id);
	ck_assert(g_str_has_suffix(id, "@example.com"));
	/* Reply prefixes of the customer's client are not repeated. */
	ck_assert_str_eq(g_mime_message_get_subject(msg), "Re: [T-000042] Var är min beställning?");
	list = g_mime_message_get_to(msg);
	to = internet_address_list_to_string(list, NULL, FALSE);
	ck_assert_str_eq(to, "bjorn@example.se");
	from = internet_address_list_to_string(g_mime_message_get_from(msg), NULL, FALSE);
	ck_assert_str_eq(from, "Kundtjänst <support@example.com>");
	ck_assert_ptr_nonnull(g_mime_message_get_date(msg));
	/* Every line ends in CRLF; the body is quoted-printable UTF-8 text. */
	for (const char *p = strchr(raw, '\n'); p != NULL; p = strchr(p + 1, '\n'))
		ck_assert_msg(p > raw && p[-1] == '\r', "a bare LF at %ld", (long)(p - raw));
	ck_assert_ptr_nonnull(strstr(raw, "Content-Transfer-Encoding: quoted-printable"));
	ck_assert_ptr_nonnull(strstr(raw, "charset=utf-8"));
	{
		GMimeTextPart *part = GMIME_TEXT_PART(g_mime_message_get_mime_part(msg));
		char *text = g_mime_text_part_get_text(part);

		ck_assert_str_eq(text, "Tack för ditt meddelande.\r\nVi återkommer.\r\n");
		g_free(text);
	}
	g_free(to);
	g_free(from);
	g_free(raw);
	g_free(id);
	g_object_unref(msg);
}
END_TEST

/* A subject and a name with CR/LF, raw or encoded, cannot add a header. */
START_TEST(test_no_header_injection)
{
	static const char evil[] =
		"From: \"=?utf-8?q?Eve=0D=0ABcc:_all@example.org?=\" <eve@example.net>\r\n"
		"Subject: =?utf-8?q?Hi=0D=0ABcc:_victim@example.org=0D=0A=0D=0Abody?=\r\n"
		"Message-ID: <e@example.net>\r\n"
		"\r\n"
		"text\r\n";
	char *raw, *id;
	GMimeMessage *msg = compose(evil, "Body {{ticket}}\n", &raw, &id);
	char **lines = g_strsplit(raw, "\r\n", -1);
	int headers = 0;

	for (char **l = lines; *l != NULL && **l != '\0'; l++) {
		ck_assert_msg(g_ascii_strncasecmp(*l, "Bcc:", 4) != 0, "injected: %s", *l);
		if (**l != ' ' && **l != '\t')
			headers++;
	}
	ck_assert(g_mime_object_get_header(GMIME_OBJECT(msg), "Bcc") == NULL);
	/* From To Subject Date Message-ID In-Reply-To References Auto-Submitted
	 * X-Auto-Response-Suppress X-Triage-Ack Content-Language MIME-Version
	 * Content-Type Content-Transfer-Encoding: nothing else. */
	ck_assert_int_eq(headers, 14);
	ck_assert_ptr_nonnull(strstr(g_mime_message_get_subject(msg), "Hi Bcc: victim@example.org"));
	g_strfreev(lines);
	g_free(raw);
	g_free(id);
	g_object_unref(msg);
}
END_TEST

START_TEST(test_subject_core)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "Re: Parcel", "Parcel" },
		{ "RE: re:  AW: Paket", "Paket" },
		{ "SV: VS: Pakke", "Pakke" },
		{ "Отг: Пратка", "Пратка" },
		{ "Fwd: Re: x", "x" },
		{ "Reply needed", "Reply needed" },
		{ "", "" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = ack_subject_core(cases[i].in);

		ck_assert_msg(strcmp(got, cases[i].want) == 0, "\"%s\": got \"%s\", want \"%s\"",
		    cases[i].in, got, cases[i].want);
		g_free(got);
	}
}
END_TEST

/* No Message-ID on the original: no In-Reply-To or References to invent. */
START_TEST(test_original_without_message_id)
{
	static const char bare[] = "From: a@example.net\r\nSubject: Hi\r\n\r\ntext\r\n";
	char *raw, *id;
	GMimeMessage *msg = compose(bare, "ok\n", &raw, &id);

	ck_assert_ptr_null(header(msg, "In-Reply-To"));
	ck_assert_ptr_null(header(msg, "References"));
	ck_assert_str_eq(g_mime_message_get_subject(msg), "Re: [T-000042] Hi");
	g_free(raw);
	g_free(id);
	g_object_unref(msg);
}
END_TEST

static Suite *
compose_suite(void)
{
	Suite *s = suite_create("ack compose");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rfc3834_headers);
	tcase_add_test(tc, test_no_header_injection);
	tcase_add_test(tc, test_subject_core);
	tcase_add_test(tc, test_original_without_message_id);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int status;

	g_mime_init();
	status = check_run(compose_suite());
	g_mime_shutdown();
	return status;
}
