/*
 * ack_template.h - acknowledgement templates and their renderer.
 *
 * Every customer who writes to support gets an acknowledgement at once, in
 * their language and written for their personality type (analytical,
 * personal, functional, intuitive). The texts live in files, one per
 * language and type, LANG/TYPE.txt under a directory: the shipped
 * templates/ and optionally an override directory of the site's own, whose
 * files replace single shipped ones or add a language.
 *
 * Template syntax (UTF-8 text, one template per file):
 *
 *	# comment	A line whose first character is # is a comment; it
 *			produces nothing, not even an empty line.
 *	{{name}}	The customer's display name.
 *	{{ticket}}	The ticket reference (T-000123).
 *	{{subject}}	The Subject of the customer's message.
 *	{{due}}		When they will have an answer: date and time, spelled
 *			in the template's language ("Tuesday 26 November at
 *			11:00", "tisdag 26 november kl. 11:00").
 *	{{due_date}}	Only the date ("Tuesday 26 November").
 *	{{due_time}}	Only the clock time, as written in the language
 *			("11:00"; Norwegian and Danish "11.00").
 *	{{complaint}}	"yes" for a complaint, else empty: meant for sections,
 *			so that only a complaint gets an apology.
 *	{{#x}}...{{/x}}	The text between renders only when x is present
 *			(non-empty after cleaning, see below).
 *	{{^x}}...{{/x}}	Only when x is absent. Sections nest (at most 8 deep)
 *			and may span lines; x is any of the seven names.
 *
 * Blanks inside the braces are allowed ({{ name }}). A line holding nothing
 * but one section tag ({{#due}}, {{^due}} or {{/due}}, blanks aside) is
 * "standalone" and vanishes entirely, so optional paragraphs can be
 * written with the tags on lines of their own. There is no escape for a
 * literal "{{": any "{{" starts a tag.
 *
 * The rendered text is normalised: trailing blanks are cut from every
 * line, runs of empty lines become one (so a paragraph that a section left
 * out leaves no hole), empty lines at the start and end are dropped, and
 * the body ends with exactly one \n. Lines are joined with \n; the mail
 * composer turns them into CRLF.
 *
 * A file that breaks a rule is an error at load time, never at render
 * time: an unknown placeholder, an unterminated "{{", a section closed that
 * was not open or closed under the wrong name, a section left open, a
 * section nested too deep, bytes that are not UTF-8, a control character
 * other than TAB, a template with no text, a file over
 * ACK_TEMPLATE_FILE_MAX bytes. The GError's message starts "FILE:LINE: ".
 * Errors about a whole file (unreadable, too large, no text, a missing
 * template, a file name that is not a type) start "FILE: ".
 *
 * Directory layout: DIR/LANG/TYPE.txt. LANG is a lower-case language code
 * of two or three letters (as the language detector reports them: en, sv,
 * nb, da, de, bg). TYPE is analytical, personal, functional or intuitive;
 * any other *.txt in a language directory is an error (a misspelt
 * override would otherwise be ignored without a word). Files not ending in
 * .txt (README, editor backups) and names starting with "." are ignored.
 * Once both directories are read, every language must have all four
 * types: a language directory may be partial in the override directory
 * only when the shipped one completes it. The shipped directory must
 * contain en, the last fallback.
 *
 * Values are inserted as plain text in one pass: a value that contains
 * "{{...}}" is printed as it stands, never read as a tag. Before that,
 * each value is cleaned: bytes that are not UTF-8 become U+FFFD; control
 * characters (C0 but TAB, DEL, C1), the Unicode line and paragraph
 * separators and the bidirectional embedding, override and isolate
 * controls become a space, so a value can neither add a line nor turn the
 * text around it backwards; runs of spaces become one, blanks at both
 * ends are cut; and a value longer than its maximum (ACK_*_MAX, counted in
 * characters) is cut at a character boundary and ends in "…". A value
 * that is empty after cleaning is absent.
 *
 * Dates are spelled from tables in this module, not from the C library's
 * locale, which is process-wide and not safe to switch in a threaded
 * daemon. A language with no table here (one added by an override) gets
 * ISO dates: "2024-11-26 11:00".
 *
 * Ownership and threads: the caller owns the set from ack_templates_load()
 * and frees it with ack_templates_free(). A set never changes after it is
 * loaded, and rendering writes nothing but its result, so one set may be
 * shared read-only by any number of threads; a configuration reload loads
 * a new set.
 */
#ifndef TRIAGE_ACK_TEMPLATE_H
#define TRIAGE_ACK_TEMPLATE_H

#include <stdbool.h>
#include <glib.h>

#define ACK_NAME_MAX		100	/* characters of {{name}} */
#define ACK_TICKET_MAX		32	/* characters of {{ticket}} */
#define ACK_SUBJECT_MAX		200	/* characters of {{subject}} */
#define ACK_TEMPLATE_FILE_MAX	(64 * 1024)	/* bytes of one template file */
#define ACK_SECTION_DEPTH_MAX	8

/* The type used when the caller's is NULL or not one of the four: its
 * numbered steps read well for anyone. */
#define ACK_DEFAULT_PERSONALITY	"functional"

/* The language of last resort; the shipped directory must have it. */
#define ACK_LAST_LANGUAGE	"en"

#define ACK_TEMPLATE_ERROR	(ack_template_error_quark())
GQuark ack_template_error_quark(void);

enum ack_template_error {
	ACK_TEMPLATE_ERROR_IO,		/* a file or directory cannot be read */
	ACK_TEMPLATE_ERROR_SYNTAX,	/* a template breaks a rule above */
	ACK_TEMPLATE_ERROR_MISSING,	/* a language lacks a type, or en is missing */
};

struct ack_templates;

/* What goes into the placeholders. Borrowed: nothing is kept after the call. */
struct ack_values {
	const char *name;	/* customer's display name, or NULL */
	const char *ticket;	/* T-000123 */
	const char *subject;	/* the Subject they wrote, or NULL */
	gint64 due;		/* Unix seconds; 0 (or less) for no due time */
	GTimeZone *zone;	/* zone the due time is told in; NULL for UTC */
	bool complaint;	/* a complaint: {{#complaint}} apologises, {{^complaint}} does not */
};

/* Which part of a due time ack_format_due() spells. */
enum ack_due_part {
	ACK_DUE_FULL,		/* {{due}} */
	ACK_DUE_DATE,		/* {{due_date}} */
	ACK_DUE_TIME,		/* {{due_time}} */
};

/*
 * Loads every LANG/TYPE.txt of builtin_dir, then those of override_dir
 * (NULL for none), whose files replace the shipped ones one by one. On
 * error, NULL is returned, *error says which file and line, and nothing is
 * kept.
 */
struct ack_templates *ack_templates_load(const char *builtin_dir, const char *override_dir,
    GError **error);

/* Frees a set of templates; NULL is allowed. */
void ack_templates_free(struct ack_templates *t);

/*
 * Renders the acknowledgement for personality in language, or, when the
 * set has no such language, in fallback_language, else in en. Either
 * language may be NULL or "und"; "sv-SE" and "sv_SE" find "sv". Returns
 * the body (UTF-8, lines joined with \n, ending in \n), which the caller
 * frees with g_free(); never NULL. When language_used is not NULL it is
 * set to the language chosen, a string owned by t.
 */
char *ack_render(const struct ack_templates *t, const char *language,
    const char *fallback_language, const char *personality, const struct ack_values *v,
    const char **language_used);

/*
 * Spells the instant when (Unix seconds) in zone (NULL for UTC) as
 * {{due}}, {{due_date}} or {{due_time}} would in language: ISO 8601 for a
 * language without a table. Returns a string to g_free(), or NULL when
 * when is not a time GDateTime can hold.
 */
char *ack_format_due(const char *language, gint64 when, GTimeZone *zone,
    enum ack_due_part part);

#endif
