/*
 * check_quote.c - unit tests for quote_strip(): real-looking replies from
 * Gmail, Thunderbird, Apple Mail, Outlook and mobile clients in the six
 * languages, and the boundaries (empty, CRLF, invalid UTF-8, 100,000 lines).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "quote.h"
#include "check_run.h"

#define Q QUOTE_REMOVED_QUOTED_LINES
#define A QUOTE_REMOVED_ATTRIBUTION
#define O QUOTE_REMOVED_OUTLOOK
#define S QUOTE_REMOVED_SIGNATURE

struct quote_case {
	const char *name;
	const char *in;
	const char *want;
	unsigned bits;
};

static const struct quote_case cases[] = {
	/* --- boundaries and layout ----------------------------------------- */
	{ "empty", "", "", 0 },
	{ "blank lines only", "\n \n\t\n\n", "", 0 },
	{ "plain text, blank runs collapsed, ends trimmed",
	  "\n\nHello,\n\n\n\nmy invoice is wrong.   \n\n\n",
	  "Hello,\n\nmy invoice is wrong.", 0 },
	{ "indentation of the first line kept",
	  "  1. Log in\n  2. Fail\n", "  1. Log in\n  2. Fail", 0 },
	{ "CRLF",
	  "Hej!\r\n\r\nFakturan \xc3\xa4r fel.\r\n\r\n"
	  "Den 3 mars 2025 kl. 10:02 skrev Anna Svensson <anna@example.se>:\r\n"
	  "> Hej\r\n",
	  "Hej!\n\nFakturan \xc3\xa4r fel.", A },
	{ "interleaved quoted lines removed",
	  "> Which order?\nOrder 1234.\n  > And the date?\n\nYesterday.\n",
	  "Order 1234.\n\nYesterday.", Q },

	/* --- English attributions ------------------------------------------ */
	{ "en Gmail",
	  "Thanks, that worked.\n\n"
	  "On Mon, 3 Mar 2025 at 10:02, Anna Svensson <anna@example.se> wrote:\n\n"
	  "> Please try again.\n> \n> Anna\n",
	  "Thanks, that worked.", A },
	{ "en Gmail US, narrow no-break space before AM",
	  "Still no refund.\n\n"
	  "On Mon, Mar 3, 2025 at 10:02\xe2\x80\xaf" "AM Support Team <support@example.com> wrote:\n\n"
	  "> We have refunded you.\n",
	  "Still no refund.", A },
	{ "en Gmail wrapped over two lines",
	  "Still broken.\n\n"
	  "On Mon, 3 Mar 2025 at 10:02, Anna Svensson <\n"
	  "anna@example.se> wrote:\n\n"
	  "> Try again.\n",
	  "Still broken.", A },
	{ "en Apple Mail",
	  "Ok.\n\nOn 3 Mar 2025, at 10:02, Anna Svensson <anna@example.se> wrote:\n\n"
	  "> Your order has shipped.\n",
	  "Ok.", A },
	{ "en Thunderbird",
	  "Yes please.\n\nOn 03/03/2025 10:02, Anna Svensson wrote:\n> Shall we cancel?\n",
	  "Yes please.", A },
	{ "en Outlook for Mac, original not quoted",
	  "See below.\n\n"
	  "On 3/3/25, 10:02 AM, \"Anna Svensson\" <anna@example.se> wrote:\n\n"
	  "Your ticket has been closed.\n",
	  "See below.", A },
	{ "en weak form followed by a quote",
	  "Agreed.\n\nAnna Svensson wrote:\n> Shall we cancel?\n",
	  "Agreed.", A },
	{ "en weak form with an address, no quote",
	  "Agreed.\n\nAnna <anna@example.se> wrote:\nShall we cancel?\n",
	  "Agreed.", A },
	{ "en 'wrote:' mid-paragraph kept",
	  "Hi,\nMy colleague wrote: the invoice is wrong.\nPlease check it.\n",
	  "Hi,\nMy colleague wrote: the invoice is wrong.\nPlease check it.", 0 },
	{ "en 'wrote:' ending a line, own words below, kept",
	  "Hi,\nMy colleague wrote:\nthe invoice is wrong, please check.\nThanks\n",
	  "Hi,\nMy colleague wrote:\nthe invoice is wrong, please check.\nThanks", 0 },
	{ "en 'On ... wrote:' without date or address kept",
	  "On Monday my colleague wrote:\nthe invoice is wrong.\n",
	  "On Monday my colleague wrote:\nthe invoice is wrong.", 0 },

	/* --- Swedish -------------------------------------------------------- */
	{ "sv Gmail, weekday first",
	  "Hej,\nTack!\n\n"
	  "tis 4 mars 2025 kl 09:12 skrev Anna Svensson <anna@example.se>:\n\n> Hej\n",
	  "Hej,\nTack!", A },
	{ "sv Gmail 'Den', wrapped over three lines",
	  "Tack.\n\n"
	  "Den m\xc3\xa5n 3 mars 2025 kl 10:02 skrev Anna-Karin\n"
	  "Svensson-Lindqvist <\n"
	  "anna-karin.svensson-lindqvist@example.se>:\n\n> Hej\n",
	  "Tack.", A },
	{ "sv Thunderbird",
	  "Det st\xc3\xa4mmer.\n\nDen 2025-03-03 kl. 10:02, skrev Anna Svensson:\n> Hej\n",
	  "Det st\xc3\xa4mmer.", A },
	{ "sv Apple Mail",
	  "Ok.\n\n3 mars 2025 kl. 10:02 skrev Anna Svensson <anna@example.se>:\n\n> Hej\n",
	  "Ok.", A },
	{ "sv customer sentence with 'skrev' kept",
	  "Jag skrev till er i g\xc3\xa5r om detta:\nfakturan \xc3\xa4r fel.\n",
	  "Jag skrev till er i g\xc3\xa5r om detta:\nfakturan \xc3\xa4r fel.", 0 },

	/* --- Norwegian (bokmål) --------------------------------------------- */
	{ "nb Gmail",
	  "Takk for svar.\n\n"
	  "man. 3. mar. 2025 kl. 10:02 skrev Ola Nordmann <ola@example.no>:\n\n> Hei\n",
	  "Takk for svar.", A },
	{ "nb Thunderbird",
	  "Det stemmer.\n\nDen 03.03.2025 10:02, skrev Ola Nordmann:\n> Hei\n",
	  "Det stemmer.", A },

	/* --- Danish --------------------------------------------------------- */
	{ "da Gmail, time with a dot",
	  "Tak.\n\n"
	  "Den man. 3. mar. 2025 kl. 10.02 skrev Lars Jensen <lars@example.dk>:\n\n> Hej\n",
	  "Tak.", A },
	{ "da weak 'skrev:' followed by a quote",
	  "Det passer.\n\nLars Jensen skrev:\n\n> Hej\n",
	  "Det passer.", A },

	/* --- German --------------------------------------------------------- */
	{ "de Gmail",
	  "Danke.\n\n"
	  "Am Mo., 3. M\xc3\xa4rz 2025 um 10:02 Uhr schrieb Hans M\xc3\xbcller <hans@example.de>:\n\n"
	  "> Hallo\n",
	  "Danke.", A },
	{ "de Thunderbird",
	  "Passt.\n\nAm 03.03.2025 um 10:02 schrieb Hans M\xc3\xbcller:\n> Hallo\n",
	  "Passt.", A },
	{ "de name first",
	  "Passt.\n\nHans M\xc3\xbcller <hans@example.de> schrieb am 03.03.2025:\n\n> Hallo\n",
	  "Passt.", A },
	{ "de customer sentence with 'schrieb' kept",
	  "Am Montag schrieb ich Ihnen:\nDie Rechnung ist falsch.\n",
	  "Am Montag schrieb ich Ihnen:\nDie Rechnung ist falsch.", 0 },

	/* --- Bulgarian ------------------------------------------------------ */
	{ "bg Gmail",
	  "\xd0\x91\xd0\xbb\xd0\xb0\xd0\xb3\xd0\xbe\xd0\xb4\xd0\xb0\xd1\x80\xd1\x8f.\n\n"	/* Благодаря. */
	  "\xd0\x9d\xd0\xb0 \xd0\xbf\xd0\xbd, 3.03.2025 \xd0\xb3. \xd0\xb2 10:02 \xd1\x87. "	/* На пн, 3.03.2025 г. в 10:02 ч. */
	  "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2 "	/* Иван Петров */
	  "<ivan@example.bg> \xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0:\n\n"		/* написа: */
	  "> \xd0\x97\xd0\xb4\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb5\xd0\xb9\xd1\x82\xd0\xb5\n",	/* Здравейте */
	  "\xd0\x91\xd0\xbb\xd0\xb0\xd0\xb3\xd0\xbe\xd0\xb4\xd0\xb0\xd1\x80\xd1\x8f.", A },
	{ "bg weak 'написа:' followed by a quote",
	  "\xd0\x94\xd0\xb0.\n\n"								/* Да. */
	  "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2 "	/* Иван Петров */
	  "\xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0:\n> x\n",				/* написа: */
	  "\xd0\x94\xd0\xb0.", A },

	/* --- Outlook separators --------------------------------------------- */
	{ "en Original Message",
	  "Please see below.\n\n-----Original Message-----\nFrom: Support\n"
	  "Sent: Monday, March 3, 2025 10:02 AM\nTo: Anna\nSubject: Invoice\n\nOld text\n",
	  "Please see below.", O },
	{ "sv Ursprungligt meddelande",
	  "Se nedan.\n\n-----Ursprungligt meddelande-----\nFr\xc3\xa5n: Support\n\nGammalt\n",
	  "Se nedan.", O },
	{ "nb Opprinnelig melding, spaced",
	  "Se under.\n\n----- Opprinnelig melding -----\nFra: Kundeservice\n",
	  "Se under.", O },
	{ "da Oprindelig meddelelse",
	  "Se nedenfor.\n\n-----Oprindelig meddelelse-----\nFra: Kundeservice\n",
	  "Se nedenfor.", O },
	{ "de Urspr\xc3\xbcngliche Nachricht, upper case",
	  "Siehe unten.\n\n--URSPR\xc3\x9c" "NGLICHE NACHRICHT--\nVon: Support\n",
	  "Siehe unten.", O },
	{ "bg Оригинално съобщение",
	  "\xd0\x94\xd0\xb0.\n\n-----"
	  "\xd0\x9e\xd1\x80\xd0\xb8\xd0\xb3\xd0\xb8\xd0\xbd\xd0\xb0\xd0\xbb\xd0\xbd\xd0\xbe "
	  "\xd1\x81\xd1\x8a\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5-----\nx\n",
	  "\xd0\x94\xd0\xb0.", O },
	{ "en Gmail forward with a comment",
	  "See below.\n\n---------- Forwarded message ---------\n"
	  "From: Anna Svensson <anna@example.se>\nDate: Mon, 3 Mar 2025 at 10:02\n"
	  "Subject: Invoice\nTo: <support@example.com>\n\n\nThe invoice is wrong.\n",
	  "See below.", O },
	{ "sv Thunderbird forward",
	  "F\xc3\xb6r k\xc3\xa4nnedom.\n\n-------- Vidarebefordrat meddelande --------\n"
	  "\xc3\x84mne: Faktura\nDatum: Mon, 3 Mar 2025 10:02:00 +0100\n",
	  "F\xc3\xb6r k\xc3\xa4nnedom.", O },
	{ "en Apple Mail forward",
	  "FYI\n\nBegin forwarded message:\n\nFrom: Anna Svensson <anna@example.se>\n"
	  "Subject: Invoice\nDate: 3 March 2025 at 10:02:00 CET\nTo: support@example.com\n\n"
	  "The invoice is wrong.\n",
	  "FYI", O },

	/* --- Outlook header blocks ------------------------------------------ */
	{ "en header block under a rule",
	  "Thanks\n\n________________________________\n"
	  "From: Support <support@example.com>\nSent: Monday, March 3, 2025 10:02 AM\n"
	  "To: Anna Svensson\nSubject: RE: Invoice\n\nOld text\n",
	  "Thanks", O },
	{ "sv header block, bold",
	  "Tack\n\n*Fr\xc3\xa5n:* Support <support@example.com>\n"
	  "*Skickat:* den 3 mars 2025 10:02\n*Till:* Anna\n*\xc3\x84mne:* SV: Faktura\n\nGammalt\n",
	  "Tack", O },
	{ "nb header block",
	  "Takk\n\nFra: Kundeservice <kundeservice@example.no>\n"
	  "Sendt: mandag 3. mars 2025 10:02\nTil: Ola\nEmne: SV: Faktura\n",
	  "Takk", O },
	{ "da header block, Dato after Til",
	  "Tak\n\nFra: Kundeservice <ks@example.dk>\nTil: Lars\n"
	  "Dato: 3. marts 2025 kl. 10.02\nEmne: SV: Faktura\n",
	  "Tak", O },
	{ "de header block",
	  "Danke\n\nVon: Support <support@example.de>\n"
	  "Gesendet: Montag, 3. M\xc3\xa4rz 2025 10:02\nAn: Hans\nBetreff: AW: Rechnung\n",
	  "Danke", O },
	{ "bg header block",
	  "\xd0\x94\xd0\xb0.\n\n\xd0\x9e\xd1\x82: Support <support@example.bg>\n"		/* От: */
	  "\xd0\x98\xd0\xb7\xd0\xbf\xd1\x80\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbd\xd0\xbe: "		/* Изпратено: */
	  "3 \xd0\xbc\xd0\xb0\xd1\x80\xd1\x82 2025 \xd0\xb3. 10:02\n"
	  "\xd0\x94\xd0\xbe: \xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\n",				/* До: Иван */
	  "\xd0\x94\xd0\xb0.", O },
	{ "lone 'From: x' kept",
	  "From: Anna in accounting\nThe invoice is wrong.\n",
	  "From: Anna in accounting\nThe invoice is wrong.", 0 },
	{ "'From:' and 'Subject:' without a date kept",
	  "From: Anna\nSubject: the invoice\n\nIt is wrong.\n",
	  "From: Anna\nSubject: the invoice\n\nIt is wrong.", 0 },
	{ "underscore rule alone kept",
	  "Hello\n________________________________\nMore text\n",
	  "Hello\n________________________________\nMore text", 0 },

	/* --- signatures ----------------------------------------------------- */
	{ "signature '-- '",
	  "Hello\n\n-- \nAnna Svensson\nAcme AB\n", "Hello", S },
	{ "signature '--' without the space",
	  "Hello\n\n--\r\nAnna Svensson\r\n", "Hello", S },
	{ "'---' is text",
	  "Hello\n---\nMore\n", "Hello\n---\nMore", 0 },
	{ "'-- text' is text",
	  "Hello\n-- not a signature\nMore\n", "Hello\n-- not a signature\nMore", 0 },
	{ "signature, then quote",
	  "Thanks\n\n-- \nAnna\n\nOn Mon, 3 Mar 2025 at 10:02, Support <s@example.com> wrote:\n> x\n",
	  "Thanks", S },
	{ "en Sent from my iPhone",
	  "Ok\n\nSent from my iPhone\n", "Ok", S },
	{ "sv Skickat från min iPhone",
	  "Ok\n\nSkickat fr\xc3\xa5n min iPhone\n", "Ok", S },
	{ "nb/da Sendt fra min iPhone",
	  "Ok\n\nSendt fra min iPhone\n", "Ok", S },
	{ "de Von meinem iPhone gesendet",
	  "Ok\n\nVon meinem iPhone gesendet\n", "Ok", S },
	{ "bg Изпратено от моя iPhone",
	  "Ok\n\n\xd0\x98\xd0\xb7\xd0\xbf\xd1\x80\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbd\xd0\xbe "
	  "\xd0\xbe\xd1\x82 \xd0\xbc\xd0\xbe\xd1\x8f iPhone\n", "Ok", S },
	{ "Samsung sign-off",
	  "Ok\n\nSent from my Samsung Galaxy smartphone.\n", "Ok", S },
	{ "sv Samsung sign-off",
	  "Ok\n\nSkickat fr\xc3\xa5n min Samsung Galaxy-smartphone.\n", "Ok", S },
	{ "Get Outlook for iOS with its link",
	  "Ok\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n", "Ok", S },
	{ "sv H\xc3\xa4mta Outlook f\xc3\xb6r Android",
	  "Ok\n\nH\xc3\xa4mta Outlook f\xc3\xb6r Android\n", "Ok", S },
	{ "de Outlook f\xc3\xbcr iOS beziehen",
	  "Ok\n\nOutlook f\xc3\xbcr iOS<https://aka.ms/o0ukef> beziehen\n", "Ok", S },
	{ "a sentence starting 'Sent from my' kept",
	  "Sent from my phone yesterday, but it bounced.\nPlease check.\n",
	  "Sent from my phone yesterday, but it bounced.\nPlease check.", 0 },
	{ "iOS reply: sign-off above a quoted attribution",
	  "OK, thanks!\n\nSent from my iPhone\n\n"
	  "> On 3 Mar 2025, at 10:02, Anna <anna@example.se> wrote:\n>\n> Hello\n",
	  "OK, thanks!", S },

	/* --- nothing of the customer's own: the quote is the content -------- */
	{ "entirely quoted reply",
	  "On Mon, 3 Mar 2025 at 10:02, Anna <anna@example.se> wrote:\n"
	  "> The invoice is wrong.\n>\n> Anna\n",
	  "The invoice is wrong.\n\nAnna", A },
	{ "entirely quoted, nested quote dropped",
	  "> a\n> > b\n> c\n", "a\nc", Q },
	{ "Gmail forward without a comment",
	  "---------- Forwarded message ---------\n"
	  "From: Kund <kund@example.se>\nDate: Mon, 3 Mar 2025 at 10:02\n"
	  "Subject: Faktura\nTo: <support@example.com>\n\n\n"
	  "Hej, fakturan \xc3\xa4r fel.\n\nMvh Kund\n",
	  "Hej, fakturan \xc3\xa4r fel.\n\nMvh Kund", O },
	{ "Outlook forward without a comment, signature in it",
	  "________________________________\nFrom: Kund <kund@example.se>\n"
	  "Sent: den 3 mars 2025 10:02\nTo: Support\nSubject: Faktura\n\n"
	  "Fakturan \xc3\xa4r fel.\n\n-- \nKund AB\n",
	  "Fakturan \xc3\xa4r fel.", O | S },
	{ "iOS, nothing written above the quote",
	  "Sent from my iPhone\n\n"
	  "> On 3 Mar 2025, at 10:02, Anna <anna@example.se> wrote:\n>\n> Hello\n",
	  "Hello", S | Q | A },
	{ "bottom-posted reply: quote and answer both returned",
	  "On Mon, 3 Mar 2025 at 10:02, Anna <anna@example.se> wrote:\n> Which order?\n\nOrder 1234.\n",
	  "Which order?\n\nOrder 1234.", A },
	{ "only a signature", "-- \nAnna Svensson\n", "", S },
};

START_TEST(test_table)
{
	const struct quote_case *t = &cases[_i];
	unsigned bits = 0xffu;
	char *got = quote_strip(t->in, strlen(t->in), &bits);

	ck_assert_msg(strcmp(got, t->want) == 0,
	    "%s: got \"%s\", want \"%s\"", t->name, got, t->want);
	ck_assert_msg(bits == t->bits, "%s: got bits 0x%02x, want 0x%02x",
	    t->name, bits, t->bits);
	g_free(got);
}
END_TEST

START_TEST(test_null)
{
	unsigned bits = 0xffu;
	char *got = quote_strip(NULL, 0, &bits);

	ck_assert_str_eq(got, "");
	ck_assert_uint_eq(bits, 0);
	g_free(got);

	/* removed may be NULL. */
	got = quote_strip("Hi\n> x\n", 7, NULL);
	ck_assert_str_eq(got, "Hi");
	g_free(got);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	/* A stray Latin-1 byte and a NUL become U+FFFD; no crash, no cut short. */
	static const char in[] = "Hej \xe4r\0ok\n> x\n";
	unsigned bits = 0;
	char *got = quote_strip(in, sizeof(in) - 1, &bits);

	ck_assert_str_eq(got, "Hej \xef\xbf\xbdr\xef\xbf\xbdok");
	ck_assert_uint_eq(bits, QUOTE_REMOVED_QUOTED_LINES);
	g_free(got);
}
END_TEST

#define LONG_LINES 100000

/* 100,000 lines of customer text above a Gmail attribution. */
START_TEST(test_long_text)
{
	GString *in = g_string_new(NULL), *want = g_string_new(NULL);
	unsigned bits = 0;
	char *got;
	int i;

	for (i = 0; i < LONG_LINES; i++) {
		g_string_append_printf(in, "line %d of the customer's text\r\n", i);
		g_string_append_printf(want, "%sline %d of the customer's text",
		    i > 0 ? "\n" : "", i);
	}
	g_string_append(in, "\r\nOn Mon, 3 Mar 2025 at 10:02, Anna <anna@example.se> wrote:\r\n> q\r\n");
	got = quote_strip(in->str, in->len, &bits);
	ck_assert_msg(strcmp(got, want->str) == 0, "long text: got %zu bytes, want %zu",
	    strlen(got), want->len);
	ck_assert_uint_eq(bits, QUOTE_REMOVED_ATTRIBUTION);
	g_free(got);
	g_string_free(in, TRUE);
	g_string_free(want, TRUE);
}
END_TEST

/* 100,000 quoted lines and nothing else: returned unquoted. */
START_TEST(test_long_quoted)
{
	GString *in = g_string_new(NULL), *want = g_string_new(NULL);
	unsigned bits = 0;
	char *got;
	int i;

	for (i = 0; i < LONG_LINES; i++) {
		g_string_append_printf(in, "> quoted %d\n", i);
		g_string_append_printf(want, "%squoted %d", i > 0 ? "\n" : "", i);
	}
	got = quote_strip(in->str, in->len, &bits);
	ck_assert_msg(strcmp(got, want->str) == 0, "long quote: got %zu bytes, want %zu",
	    strlen(got), want->len);
	ck_assert_uint_eq(bits, QUOTE_REMOVED_QUOTED_LINES);
	g_free(got);
	g_string_free(in, TRUE);
	g_string_free(want, TRUE);
}
END_TEST

/* A 1 MB line ending in "wrote:" is too long to be an attribution. */
START_TEST(test_long_line)
{
	const size_t n = 1024 * 1024;
	GString *in = g_string_new(NULL);
	unsigned bits = 0;
	char *got;

	g_string_append(in, "Mon 3 Mar 2025 10:02 anna@example.se ");
	while (in->len < n)
		g_string_append_c(in, 'x');
	g_string_append(in, " wrote:");
	got = quote_strip(in->str, in->len, &bits);
	ck_assert_str_eq(got, in->str);
	ck_assert_uint_eq(bits, 0);
	g_free(got);
	g_string_free(in, TRUE);
}
END_TEST

static Suite *
quote_suite(void)
{
	Suite *s = suite_create("quote");
	TCase *tc = tcase_create("cases");
	TCase *tl = tcase_create("long");

	tcase_add_loop_test(tc, test_table, 0, (int)G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_null);
	tcase_add_test(tc, test_invalid_utf8);
	suite_add_tcase(s, tc);

	/* Generous: the suite also runs under valgrind. */
	tcase_set_timeout(tl, 120);
	tcase_add_test(tl, test_long_text);
	tcase_add_test(tl, test_long_quoted);
	tcase_add_test(tl, test_long_line);
	suite_add_tcase(s, tl);
	return s;
}

int
main(void)
{
	return check_run(quote_suite());
}
