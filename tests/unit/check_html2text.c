/*
 * check_html2text.c - unit tests for html_to_text().
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "html2text.h"
#include "check_run.h"

/* Large enough never to cut the outputs in the table below. */
#define BIG	(1024 * 1024)

/* One HTML body and the text it renders as. */
struct render_case {
	const char	*name;
	const char	*html;
	const char	*want;
};

static const struct render_case cases[] = {
	/* Paragraphs and line breaks. */
	{ "paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo" },
	{ "br", "a<br>b<br><br>c", "a\nb\n\nc" },
	{ "br run", "a<br><br><br><br>b", "a\n\nb" },
	{ "br at ends", "<br><br>Hi<br><br>", "Hi" },
	{ "br ending a block", "<div>a<br></div><div>b</div>", "a\nb" },
	{ "br between blocks", "<div>a</div><br><div>b</div>", "a\n\nb" },
	{ "divs", "<div>a</div><div>b</div>", "a\nb" },
	{ "empty divs", "<div>a</div><div></div><div></div><div>b</div>",
	    "a\nb" },
	{ "heading", "<h1>Title</h1>Body", "Title\nBody" },
	{ "hr", "<div>a</div><hr><div>b</div>", "a\nb" },
	/* libxml2 puts leading bare text in an implied <p>. */
	{ "implied p", "a<div>b</div>", "a\n\nb" },
	{ "upper case tags", "<P>One<BR>Two</P>", "One\nTwo" },
	{ "document", "<!DOCTYPE html><html><head><title>Subject</title>"
	    "</head><body><p>Hello,</p><p>Thanks.</p></body></html>",
	    "Hello,\n\nThanks." },
	{ "plain text", "just text", "just text" },
	{ "comment", "a<!-- hidden -->b", "ab" },
	{ "dl", "<dl><dt>Term</dt><dd>Meaning</dd></dl>", "Term\nMeaning" },

	/* Lists. */
	{ "ul", "<ul><li>one</li><li>two</li></ul>", "- one\n- two" },
	{ "ol after p", "<p>Steps:</p><ol><li>a</li><li>b</li></ol>",
	    "Steps:\n\n- a\n- b" },
	{ "li holding p", "<ul><li><p>one</p></li><li>two</li></ul>",
	    "- one\n\n- two" },
	{ "nested lists", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
	    "- a\n- b\n- c" },
	{ "empty li", "<ul><li></li><li><script>x</script></li></ul>"
	    "<p>after</p>", "after" },
	{ "li whitespace", "<ul>\n  <li>  one  </li>\n  <li>two</li>\n</ul>",
	    "- one\n- two" },

	/* Tables. */
	{ "table", "<table><tr><td>Name</td><td>Qty</td></tr>"
	    "<tr><td>Apple</td><td>3</td></tr></table>",
	    "Name\tQty\nApple\t3" },
	{ "table empty cells", "<table><tr><td></td><td>a</td><td></td>"
	    "<td>b</td><td></td></tr></table>", "a\tb" },

	/* Entities. */
	{ "entities", "Fish &amp; chips, caf&eacute;, 1&nbsp;kg, &lt;b&gt;",
	    "Fish & chips, café, 1 kg, <b>" },
	{ "numeric entities", "&#229;&#xE4;&#246; &#x434;&#1072;",
	    "åäö да" },
	{ "nbsp run", "a&nbsp;&nbsp; &nbsp;b", "a b" },
	{ "nbsp only", "<p>&nbsp;</p><p>&nbsp;</p>", "" },
	{ "raw nbsp", "a\302\240\302\240b", "a b" },
	{ "unknown entity", "a &bogus; b", "a &bogus; b" },

	/* Content that is never shown. */
	{ "script and style", "<html><head><title>T</title>"
	    "<style>p { color: red }</style></head><body>"
	    "<script>if (a < b) alert(1);</script><p>Hello</p>"
	    "<noscript>enable js</noscript><template>tpl</template>"
	    "<style>.x{}</style></body></html>", "Hello" },
	{ "title in body", "<title>T</title>Hello", "Hello" },

	/* Quoted history. */
	{ "gmail_quote", "<div dir=\"ltr\">Thanks!</div><br>"
	    "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">"
	    "On Mon, 1 Jan 2024 at 10:00, Ann &lt;ann@example.com&gt; wrote:"
	    "<br></div><blockquote class=\"gmail_quote\" style=\"margin:0\">"
	    "Old question</blockquote></div>", "Thanks!" },
	{ "gmail_quote among classes", "Yes<div class=\"x gmail_quote "
	    "gmail_quote_container\">old</div>", "Yes" },
	{ "gmail_attr", "<div>Reply</div><div class=\"gmail_attr\">"
	    "On Mon, Ann wrote:</div>", "Reply" },
	{ "gmail inline reply", "<div>Answer one</div>"
	    "<blockquote class=\"gmail_quote\">Q1</blockquote>"
	    "<div>Answer two</div>", "Answer one\nAnswer two" },
	{ "blockquote cite", "<div>Yes</div><blockquote type=\"cite\">"
	    "<div>Question?</div></blockquote><div>Bye</div>", "Yes\nBye" },
	{ "blockquote CITE", "Yes<BLOCKQUOTE TYPE=CITE>old</BLOCKQUOTE>",
	    "Yes" },
	{ "blockquote kept", "<p>He wrote:</p><blockquote>a poem</blockquote>",
	    "He wrote:\n\na poem" },
	{ "yahoo_quoted", "<div>Hi</div><div class=\"yahoo_quoted\" "
	    "id=\"yahoo_quoted_123\">old</div>", "Hi" },
	{ "thunderbird", "<p>Sure.</p><div class=\"moz-cite-prefix\">"
	    "On 1/1/24 Ann wrote:<br></div><blockquote type=\"cite\">old"
	    "</blockquote>", "Sure." },
	{ "outlook divRplyFwdMsg", "<div>Reply text</div><hr "
	    "style=\"display:inline-block;width:98%\">"
	    "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>From:</b> Ann<br>"
	    "<b>Sent:</b> Monday</div><div>Original body</div>",
	    "Reply text" },
	{ "outlook cut inside", "<div><p>Top</p><div><div>"
	    "<div id=\"divRplyFwdMsg\">From: Ann</div><p>old</p></div>"
	    "</div><p>older</p></div><p>oldest</p>", "Top" },
	{ "outlook appendonsend", "<p>New</p><div id=\"appendonsend\"></div>"
	    "<hr><p>Old</p>", "New" },

	/* Preformatted text. */
	{ "pre", "<p>Code:</p><pre>  if (x)\n\ty = 1;  \n</pre><p>done</p>",
	    "Code:\n\n  if (x)\n\ty = 1;\n\ndone" },
	{ "pre leading newline", "<pre>\nline1\r\n  line2\n</pre>",
	    "line1\n  line2" },
	{ "pre blank lines", "<pre>a\n   \n\n\n\nb</pre>", "a\n\nb" },
	{ "pre inline markup", "<pre>a <b>b</b>  c</pre>", "a b  c" },

	/* Whitespace. */
	{ "collapse", "  Hello \n\t  world  <b> bold </b> !  ",
	    "Hello world bold !" },
	{ "inline no space", "foo<b>bar</b>baz", "foobarbaz" },
	{ "inline spaces", "<b>bold</b> <i>it</i>\n<span>s</span>",
	    "bold it s" },
	{ "block trims spaces", "<div>  a  </div>  <div>  b  </div>",
	    "a\nb" },
	{ "unicode spaces", "a\342\200\203b\343\200\200c", "a b c" },

	/* Non-ASCII text. */
	{ "swedish", "<p>Hej! Jag har en fråga om min beställning.</p>"
	    "<p>ÅÄÖ åäö</p>",
	    "Hej! Jag har en fråga om min beställning.\n\nÅÄÖ åäö" },
	{ "bulgarian", "<p>Здравейте,</p><p>имам въпрос за поръчката си.</p>",
	    "Здравейте,\n\nимам въпрос за поръчката си." },
	{ "meta charset ignored", "<html><head><meta charset=\"iso-8859-1\">"
	    "</head><body>Räksmörgås</body></html>", "Räksmörgås" },
	{ "meta content-type ignored", "<html><head>"
	    "<meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=windows-1251\"></head>"
	    "<body>Добър ден</body></html>", "Добър ден" },

	/* Broken markup. */
	{ "unclosed", "<div><p>one<p>two<ul><li>three<li>four</ul>five",
	    "one\n\ntwo\n\n- three\n- four\nfive" },
	{ "unclosed at end", "<p>Hello <b>world", "Hello world" },
	{ "stray close tags", "</p></div>a</b></li>b", "ab" },
	{ "bare brackets", "a < b > c", "a < b > c" },
	{ "tag soup", "<<p>>x<</p>", ">x<" },
};

/*
 * Each case's html renders as its want.
 */
START_TEST(test_render)
{
	const struct render_case *c = &cases[_i];
	char *got;

	got = html_to_text(c->html, strlen(c->html), BIG);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, c->want) == 0,
	    "%s: got \"%s\", want \"%s\"", c->name, got, c->want);
	g_free(got);
}
END_TEST

/*
 * Asserts that got is a rendering of at most max bytes: non-NULL, valid
 * UTF-8 and not too long.
 */
static void
assert_sane(const char *got, size_t max)
{
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(g_utf8_validate(got, -1, NULL),
	    "output is not valid UTF-8");
	ck_assert_msg(strlen(got) <= max, "got %zu bytes, want at most %zu",
	    strlen(got), max);
}

START_TEST(test_empty)
{
	static const char *const inputs[] = {
		"", " ", "\n\t \r\n", "<html></html>",
		"<p></p><br><div> </div>", "<!-- only a comment -->",
		"<script>x()</script>", "<", "&nbsp;",
	};
	size_t i;
	char *got;

	got = html_to_text(NULL, 0, BIG);
	ck_assert_str_eq(got, "");
	g_free(got);
	got = html_to_text("<p>ignored</p>", 0, BIG);
	ck_assert_str_eq(got, "");
	g_free(got);
	for (i = 0; i < G_N_ELEMENTS(inputs); i++) {
		got = html_to_text(inputs[i], strlen(inputs[i]), BIG);
		ck_assert_msg(strcmp(got, "") == 0,
		    "input \"%s\": got \"%s\", want \"\"", inputs[i], got);
		g_free(got);
	}
}
END_TEST

/*
 * NUL bytes are dropped; bytes that are not UTF-8 become U+FFFD and do not
 * garble the text after them.
 */
START_TEST(test_bad_bytes)
{
	static const char nul[] = "<p>ab\0cd</p>\0<p>e</p>";
	static const char latin1[] = "<p>caf\351 \345\344\366 åäö</p>";
	static const char truncated[] = "<p>x\320";	/* half a "д" */
	char *got;

	got = html_to_text(nul, sizeof(nul) - 1, BIG);
	ck_assert_str_eq(got, "abcd\n\ne");
	g_free(got);
	got = html_to_text(latin1, sizeof(latin1) - 1, BIG);
	ck_assert_str_eq(got, "caf\357\277\275 \357\277\275\357\277\275"
	    "\357\277\275 åäö");
	g_free(got);
	got = html_to_text(truncated, sizeof(truncated) - 1, BIG);
	ck_assert_str_eq(got, "x\357\277\275");
	g_free(got);
}
END_TEST

/*
 * Random bytes, with and without markup mixed in, render as valid UTF-8
 * within the bound.
 */
START_TEST(test_garbage)
{
	static const char *const bits[] = {
		"<", ">", "</", "<p>", "<div>", "<li>", "<br>", "<pre>",
		"<blockquote type=cite>", "&", "&#", ";", "\"", "=", "\n",
		"<!--", "-->", "<script>", "å", "д",
	};
	GRand *rng = g_rand_new_with_seed(20240101);
	GString *in = g_string_new(NULL);
	size_t max;
	int round, i;
	char *got;

	for (round = 0; round < 40; round++) {
		g_string_truncate(in, 0);
		for (i = 0; i < 20000; i++) {
			if (round % 2 == 1 && g_rand_int_range(rng, 0, 4) == 0)
				g_string_append(in, bits[g_rand_int_range(rng,
				    0, G_N_ELEMENTS(bits))]);
			else
				g_string_append_c(in,
				    (char)g_rand_int_range(rng, 0, 256));
		}
		max = round % 4 < 2 ? BIG : (size_t)g_rand_int_range(rng, 0,
		    2000);
		got = html_to_text(in->str, in->len, max);
		assert_sane(got, max);
		g_free(got);
	}
	g_string_free(in, TRUE);
	g_rand_free(rng);
}
END_TEST

/*
 * For every bound, the output fits, is valid UTF-8 and is a prefix of the
 * whole rendering: the cut falls between characters, never inside one.
 */
START_TEST(test_max_out)
{
	static const char html[] = "<p>Hej åäö!</p><ul><li>Здравейте</li>"
	    "<li>€ 5</li></ul><pre>  x  \n y</pre><p>\360\237\230\200 end</p>";
	char *whole, *got;
	size_t max, len;

	whole = html_to_text(html, strlen(html), BIG);
	ck_assert_str_eq(whole, "Hej åäö!\n\n- Здравейте\n- € 5\n  x\n y\n\n"
	    "\360\237\230\200 end");
	len = strlen(whole);
	for (max = 0; max <= len + 2; max++) {
		got = html_to_text(html, strlen(html), max);
		assert_sane(got, max);
		ck_assert_msg(strncmp(got, whole, strlen(got)) == 0,
		    "max_out %zu: got \"%s\", want a prefix of \"%s\"", max,
		    got, whole);
		if (max >= len)
			ck_assert_str_eq(got, whole);
		g_free(got);
	}
	/* A cut inside "ö" (2 bytes) and inside the emoji (4 bytes). */
	got = html_to_text(html, strlen(html), strlen("Hej åä") + 1);
	ck_assert_str_eq(got, "Hej åä");
	g_free(got);
	got = html_to_text("<b>ab\360\237\230\200</b>", 13, 5);
	ck_assert_str_eq(got, "ab");
	g_free(got);
	g_free(whole);
}
END_TEST

/*
 * A large body with a small bound.
 */
START_TEST(test_max_out_large)
{
	GString *in = g_string_new(NULL);
	char *got;
	int i;

	for (i = 0; i < 100000; i++)
		g_string_append(in, "<p>ord på svenska, думи</p>");
	got = html_to_text(in->str, in->len, 1000);
	assert_sane(got, 1000);
	ck_assert_msg(strlen(got) > 900, "got only %zu bytes", strlen(got));
	ck_assert(g_str_has_prefix(got, "ord på svenska, думи\n\nord"));
	g_free(got);
	g_string_free(in, TRUE);
}
END_TEST

/*
 * Builds open times the tag open, then text, then close times close.
 */
static GString *
nest(const char *open, int times, const char *text, const char *close)
{
	GString *s = g_string_new("<p>before</p>");
	int i;

	for (i = 0; i < times; i++)
		g_string_append(s, open);
	g_string_append(s, text);
	if (close != NULL)
		for (i = 0; i < times; i++)
			g_string_append(s, close);
	return s;
}

/*
 * Hostile nesting finishes, and what comes before it is rendered.
 */
START_TEST(test_deep)
{
	static const struct {
		const char	*open;
		const char	*close;
	} deep[] = {
		{ "<div>", "</div>" },
		{ "<div>", NULL },
		{ "<b>", "</b>" },
		{ "<ul><li>", "</li></ul>" },
		{ "<blockquote type=cite>", "</blockquote>" },
		{ "<pre>", "</pre>" },
		{ "<table><tr><td>", NULL },
	};
	GString *in;
	size_t i;
	char *got;

	for (i = 0; i < G_N_ELEMENTS(deep); i++) {
		in = nest(deep[i].open, 50000, "deep", deep[i].close);
		got = html_to_text(in->str, in->len, BIG);
		assert_sane(got, BIG);
		ck_assert_msg(g_str_has_prefix(got, "before"),
		    "%s x 50000: got \"%.40s\", want \"before...\"",
		    deep[i].open, got);
		g_free(got);
		g_string_free(in, TRUE);
	}
	/* Moderate nesting is rendered whole. */
	in = nest("<div>", 100, "deep", "</div>");
	g_string_append(in, "after");
	got = html_to_text(in->str, in->len, BIG);
	ck_assert_str_eq(got, "before\n\ndeep\nafter");
	g_free(got);
	g_string_free(in, TRUE);
}
END_TEST

static Suite *
html2text_suite(void)
{
	Suite *s = suite_create("html2text");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_render, 0, G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_max_out);
	tcase_add_test(tc, test_max_out_large);
	tcase_add_test(tc, test_deep);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(html2text_suite());
}
