/*
 * charset.h - turning text of a declared, missing or wrong charset into UTF-8.
 *
 * Mail declares charsets carelessly: missing on 8-bit parts, "us-ascii" on
 * Latin-1 text, "utf-8" on windows-1251. These functions always return valid
 * UTF-8, guessing when the declaration cannot be right.
 */
#ifndef TRIAGE_CHARSET_H
#define TRIAGE_CHARSET_H

#include <stddef.h>
#include <glib.h>

/*
 * Guesses the charset of 8-bit text that is not valid UTF-8: "windows-1251"
 * or "koi8-r" for Cyrillic, "windows-1252" (a superset of Latin-1 for the
 * printable range) otherwise. Returns a static string; never NULL.
 */
const char *charset_guess_8bit(const char *bytes, size_t len);

/*
 * Converts len bytes (bytes may be NULL when len is 0) in charset declared (NULL when the part declared none)
 * to a newly allocated, NUL-terminated, valid UTF-8 string; the caller frees
 * it with g_free(). When the declared charset is unknown or the bytes are not
 * valid in it, a fallback is chosen (UTF-8 if the bytes are valid UTF-8,
 * else charset_guess_8bit()) and a line saying so is appended to warnings
 * (may be NULL). *used (may be NULL) receives the charset actually applied,
 * a static or interned string. Never returns NULL.
 */
char *charset_to_utf8(const char *bytes, size_t len, const char *declared,
    const char **used, GPtrArray *warnings);

#endif
