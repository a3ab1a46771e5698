/*
 * quote.h - removing quoted history and the signature from a plain-text body.
 *
 * What a customer writes on top of a reply is what we classify; the quoted
 * thread below it is somebody else's words. Attribution lines and Outlook
 * header blocks are recognised in English, Swedish, Norwegian, Danish, German
 * and Bulgarian.
 */
#ifndef TRIAGE_QUOTE_H
#define TRIAGE_QUOTE_H

#include <stddef.h>

/* What quote_strip() removed; a bit set per kind. */
#define QUOTE_REMOVED_QUOTED_LINES 0x01u  /* lines beginning with '>' */
#define QUOTE_REMOVED_ATTRIBUTION  0x02u  /* "On ... wrote:" and the rest */
#define QUOTE_REMOVED_OUTLOOK      0x04u  /* "-----Original Message-----" or From:/Sent: block and the rest */
#define QUOTE_REMOVED_SIGNATURE    0x08u  /* "-- " line and the rest */

/*
 * Returns a newly allocated copy of the UTF-8 text (len bytes) without
 * quoted lines, without everything from an attribution line or an Outlook
 * original-message block on, and without the signature. Line endings become
 * "\n"; leading and trailing blank lines are trimmed. *removed (may be NULL)
 * receives the QUOTE_REMOVED_* bits. The caller frees with g_free(); never
 * NULL.
 *
 * When the customer wrote nothing of their own (a forward without comment,
 * a reply with everything quoted), the quote is the only content there is:
 * then the newest quoted message is returned instead, its '>' markers
 * removed, its headers and signature stripped. The result is empty only
 * when there is no text outside markers and signatures at all.
 */
char *quote_strip(const char *text, size_t len, unsigned *removed);

#endif
