/*
 * check_langid.c - unit tests for langid_detect() (rules/langid.h).
 *
 * Every input is handed over in a heap buffer of exactly its length, with
 * no terminating NUL, so that valgrind or ASan catch a read past the end.
 */
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <glib.h>

#include "langid.h"
#include "check_run.h"

/*
 * Runs langid_detect() on a private copy of len bytes of text and checks
 * the contract that holds for every input: a NUL-terminated code shorter
 * than 8, a confidence in [0, 1], and confidence 0 with "und".
 */
static struct langid_guess
detect_n(const char *text, size_t len)
{
	struct langid_guess guess;
	char *copy = g_malloc(len > 0 ? len : 1);

	memcpy(copy, text, len);
	memset(&guess, 'x', sizeof(guess));
	langid_detect(copy, len, &guess);
	g_free(copy);

	ck_assert_msg(memchr(guess.code, '\0', sizeof(guess.code)) != NULL,
	    "code not NUL-terminated");
	ck_assert_msg(guess.confidence >= 0.0 && guess.confidence <= 1.0,
	    "confidence %f outside [0, 1] for \"%s\"", guess.confidence,
	    guess.code);
	if (strcmp(guess.code, "und") == 0)
		ck_assert_msg(guess.confidence == 0.0,
		    "got und with confidence %f, want 0", guess.confidence);
	return guess;
}

static struct langid_guess
detect(const char *text)
{
	return detect_n(text, strlen(text));
}

/* What a customer writes to a support mailbox, in each product language. */
static const struct {
	const char *want;
	const char *text;
} samples[] = {
	{ "en", "Hello, I still haven't received my order and nobody answers "
	    "the phone. What is going on?" },
	{ "sv", "Hej, jag har fortfarande inte fått min beställning och ingen "
	    "svarar i telefon. Vad händer?" },
	{ "nb", "Hei, jeg har fortsatt ikke fått bestillingen min, og ingen "
	    "svarer på telefonen. Hva skjer?" },
	{ "da", "Hej, jeg har stadig ikke modtaget min bestilling, og der er "
	    "ingen, der tager telefonen. Hvad sker der?" },
	{ "de", "Hallo, ich habe meine Bestellung immer noch nicht erhalten "
	    "und niemand geht ans Telefon. Was ist da los?" },
	{ "bg", "Здравейте, все още не съм получил поръчката си и никой не "
	    "вдига телефона. Какво става?" },
};

START_TEST(test_product_languages)
{
	struct langid_guess g = detect(samples[_i].text);

	ck_assert_msg(strcmp(g.code, samples[_i].want) == 0,
	    "got %s, want %s for \"%s\"", g.code, samples[_i].want,
	    samples[_i].text);
	ck_assert_msg(g.confidence >= 0.5,
	    "got confidence %f for %s, want >= 0.5 (reliable, one language)",
	    g.confidence, g.code);
}
END_TEST

START_TEST(test_empty)
{
	struct langid_guess g;

	g = detect("");
	ck_assert_str_eq(g.code, "und");

	langid_detect(NULL, 0, &g);
	ck_assert_str_eq(g.code, "und");
	ck_assert(g.confidence == 0.0);

	g = detect("12345 !!! ... 67");
	ck_assert_str_eq(g.code, "und");
}
END_TEST

START_TEST(test_too_short)
{
	static const char *const words[] = { "ok", "OK", "Hej", "Tack!", "thanks" };

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		struct langid_guess g = detect(words[i]);

		ck_assert_msg(strcmp(g.code, "und") == 0,
		    "got %s (%f), want und for \"%s\"", g.code, g.confidence,
		    words[i]);
	}
}
END_TEST

/*
 * A base64 blob (a mangled attachment) is no language. CLD2 with
 * kCLDFlagBestEffort would call this one Swedish, "reliable", at 99%:
 * one reason langid.cc does not use that flag.
 */
START_TEST(test_not_language)
{
	static const char blob[] =
	    "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB1L9RIvNEVUxTveLruM0rfj"
	    "0WAK1jHDhaXXzOI8d4VFmtvBtMkA/+SNV1tdpcY4BAEl9l2w/j4kSUt26phkV9mG"
	    "CE/tCLl4r019GWp0RqhrWACeY2thHbFiEbZamq3/KcXlLZxQjFAjRzRNjAetkcvW"
	    "Bor8df9ikvBioJyjgcieced7mprp4wsNvbb1EKJk753ngVAde2uSronrBZxat0Pb"
	    "Z1humPrSfaC5lovAOaHvNMk5ubjlI6i++J1HhgjF7PbKNYdY9tJ+bPRScpN5d6dI"
	    "/Yg5HbZ5ztp9x78fAF7oeb7q13mUz1czQewXtYu/frNNJxHJk8HZdrEosxiNwYKa";
	struct langid_guess g = detect(blob);

	ck_assert_msg(strcmp(g.code, "und") == 0,
	    "got %s (%f), want und for a base64 blob", g.code, g.confidence);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	static const char *const bad[] = {
		"\xff\xfe\xfd garbage",			/* not UTF-8 at all */
		"\xc0\xaf overlong slash",		/* overlong encoding */
		"\xed\xa0\x80 surrogate",		/* UTF-16 surrogate */
		"\xf4\x90\x80\x80 beyond U+10FFFF",
		"\xe2\x82",				/* truncated sequence */
		"\x80\x80\x80\x80\x80\x80\x80\x80",	/* lone continuations */
	};
	struct langid_guess g;
	char *text;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g = detect(bad[i]);
		ck_assert_msg(strcmp(g.code, "und") == 0,
		    "got %s, want und for bad input %zu", g.code, i);
	}

	/* A valid sentence followed by junk: the valid prefix decides. */
	text = g_strconcat(samples[1].text, " \xc3\x28 \xff trailing junk", NULL);
	g = detect(text);
	ck_assert_str_eq(g.code, "sv");
	g_free(text);

	/* A sentence cut in the middle of a two-byte letter. */
	g = detect_n(samples[5].text, strlen(samples[5].text) - 1);
	ck_assert_str_eq(g.code, "bg");
}
END_TEST

START_TEST(test_odd_but_valid)
{
	/* Controls and noncharacters (U+FFFE, U+FDD0) are valid UTF-8. */
	static const char controls[] = "Hej, jag har fortfarande inte fått "
	    "min beställning \x01\x02\x1b[0m \xef\xbf\xbe\xef\xb7\x90 \x7f "
	    "och ingen svarar i telefon. Vad händer?";
	/* An embedded NUL ends the text examined. */
	static const char nul[] = "Hej, jag har fortfarande inte fått min "
	    "beställning och ingen svarar i telefon.\0Hallo, ich habe meine "
	    "Bestellung immer noch nicht erhalten und niemand geht ans Telefon.";
	struct langid_guess g;

	g = detect_n(controls, sizeof(controls) - 1);
	ck_assert_str_eq(g.code, "sv");
	g = detect_n(nul, sizeof(nul) - 1);
	ck_assert_str_eq(g.code, "sv");
}
END_TEST

START_TEST(test_long_text_capped)
{
	GString *s = g_string_new(NULL);
	struct langid_guess g;

	/*
	 * 20 KiB of Bulgarian, then 20 KiB of German: only the first 16 KiB
	 * count, and the cap falls wherever it falls inside a letter.
	 */
	g_string_append_c(s, 'x');	/* odd offset for the 2-byte letters */
	while (s->len < 20 * 1024) {
		g_string_append(s, samples[5].text);
		g_string_append_c(s, ' ');
	}
	while (s->len < 40 * 1024) {
		g_string_append(s, samples[4].text);
		g_string_append_c(s, ' ');
	}
	g = detect_n(s->str, s->len);
	ck_assert_str_eq(g.code, "bg");
	ck_assert(g.confidence > 0.9);
	g_string_free(s, TRUE);
}
END_TEST

static Suite *
langid_suite(void)
{
	Suite *s = suite_create("langid");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_product_languages, 0, G_N_ELEMENTS(samples));
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_too_short);
	tcase_add_test(tc, test_not_language);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_odd_but_valid);
	tcase_add_test(tc, test_long_text_capped);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(langid_suite());
}
