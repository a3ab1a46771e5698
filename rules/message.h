/*
 * message.h - the reader: raw RFC 5322 bytes in, a normalised view out.
 *
 * The view is the only input the classifier ever sees: decoded headers,
 * the customer's own words as UTF-8 (quoted history and signature removed),
 * their language, and warnings about anything malformed on the way. Every
 * bound is a field of struct message_limits; input over a bound is read up
 * to the bound, never rejected.
 *
 * Requires g_mime_init() to have been called once by the program.
 * A struct message_view belongs to one thread; it holds no GMime object.
 */
#ifndef TRIAGE_MESSAGE_H
#define TRIAGE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "langid.h"

struct message_limits {
	size_t max_bytes;    /* raw bytes read from the input */
	unsigned max_depth;  /* MIME nesting, attached messages included */
	unsigned max_parts;  /* MIME parts visited */
	unsigned max_headers;/* header fields of the top-level message */
	size_t max_text;     /* bytes of customer text kept (UTF-8) */
};

/* The defaults: 1 MiB, depth 8, 64 parts, 256 headers, 64 KiB of text. */
void message_limits_default(struct message_limits *limits);

struct message_address {
	char *name;     /* display name, UTF-8, may be "" */
	char *address;  /* addr-spec, may be "" for a group or garbage */
};

struct message_view {
	char *subject;                    /* never NULL ("" when absent) */
	struct message_address *from;     /* NULL when absent or unparsable */
	GPtrArray *reply_to;              /* of struct message_address * */
	GPtrArray *to;
	GPtrArray *cc;
	char *date;                       /* RFC 3339 UTC, NULL when absent/bad */
	gint64 date_unix;                 /* seconds since the epoch, 0 if none */
	char *message_id;                 /* without <>, NULL when absent */
	char *in_reply_to;                /* without <>, NULL when absent */
	GPtrArray *references;            /* of char *, without <> */

	/* Headers that tell automated mail from a person's. NULL when absent. */
	char *auto_submitted;
	char *precedence;
	char *x_auto_response_suppress;
	GPtrArray *list_headers;          /* "List-Id: value" strings */
	GPtrArray *authentication_results;/* raw values, unfolded */

	char *text;                       /* customer's own text, UTF-8, never NULL */
	const char *text_source;          /* "text/plain", "text/html" or "none" */
	char *text_charset;               /* charset applied, NULL when no text */
	unsigned quote_removed;           /* QUOTE_REMOVED_* bits */
	struct langid_guess language;

	size_t bytes_read;                /* raw bytes considered */
	size_t bytes_total;               /* raw bytes offered */
	unsigned header_count;            /* top-level header fields seen */
	unsigned parts;                   /* MIME parts visited */
	unsigned depth;                   /* deepest MIME nesting seen */
	bool truncated;                   /* some bound was reached */
	GPtrArray *warnings;              /* of char *, one line each */
};

/*
 * Reads len bytes of one message under limits (NULL for the defaults).
 * Returns a newly allocated view the caller frees with message_view_free();
 * never NULL: malformed input gives what could be read and warnings.
 */
struct message_view *message_read(const char *bytes, size_t len,
    const struct message_limits *limits);

/*
 * Makes a view of a plain-text body with no headers (for classifying text
 * that did not come as a message): the text as given (invalid UTF-8
 * replaced), bounded by limits->max_text, its language detected. Never NULL.
 */
struct message_view *message_view_from_text(const char *text, size_t len,
    const struct message_limits *limits);

/* Frees a view and everything it holds. NULL is accepted. */
void message_view_free(struct message_view *view);

/*
 * Serialises a view as a JSON object (UTF-8). Returns a newly allocated
 * string the caller frees with g_free().
 */
char *message_view_to_json(const struct message_view *view, bool pretty);

#endif
