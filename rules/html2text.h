/*
 * html2text.h - rendering an HTML body as the plain text a person reads.
 *
 * Uses libxml2's forgiving HTML parser; never regular expressions.
 */
#ifndef TRIAGE_HTML2TEXT_H
#define TRIAGE_HTML2TEXT_H

#include <stddef.h>

/*
 * Renders len bytes of UTF-8 HTML as plain UTF-8 text: block elements and
 * <br> become line breaks, <p> a blank line, list items get "- ", table
 * cells are separated by a tab, entities are decoded, whitespace (U+00A0
 * included) is collapsed as a browser would except in <pre>, <script>,
 * <style>, <head> and quoted history (<blockquote type="cite">, Gmail's
 * "gmail_quote" and "gmail_attr", Yahoo's "yahoo_quoted", Thunderbird's
 * "moz-cite-prefix", Outlook's "divRplyFwdMsg" or "appendonsend" and
 * everything after it) are dropped. Lines carry no trailing blanks, at most
 * one blank line comes in a row, and the text is trimmed at both ends.
 *
 * The input is taken as UTF-8 whatever a <meta> says; NUL bytes are
 * ignored and bytes that are not UTF-8 read as U+FFFD. html may be NULL
 * when len is 0. Markup nested deeper than libxml2's limit (256 levels)
 * ends the text there.
 *
 * Output is valid UTF-8 of at most max_out bytes, cut between characters.
 * Returns a newly allocated string the caller frees with g_free(); never
 * NULL (empty on input that holds no text). Safe to call from several
 * threads at once; never calls xmlCleanupParser().
 */
char *html_to_text(const char *html, size_t len, size_t max_out);

#endif
