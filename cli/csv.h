/*
 * csv.h - reading comma-separated values (RFC 4180), bounded.
 *
 * It lives in cli/ because `triage learn` reads its training data with it;
 * bench/eval-model.c links the same file. Nothing in rules/ or db/ needs it.
 *
 * The grammar is RFC 4180's, with the usual leniencies: records end with
 * CRLF, LF or a lone CR; a UTF-8 byte-order mark at the start is skipped;
 * a blank line is no record; a double quote inside an unquoted field is an
 * ordinary character. A quoted field may hold commas, line breaks (kept as
 * they are) and doubled quotes (read as one). Errors: a quoted field still
 * open at end of input, anything but a comma or line break after a closing
 * quote, a NUL byte, and going over CSV_FIELD_MAX or CSV_FIELDS_MAX.
 * Fields are bytes: nothing checks that they are UTF-8.
 */
#ifndef TRIAGE_CSV_H
#define TRIAGE_CSV_H

#include <stdio.h>
#include <glib.h>

struct csv_reader;

#define CSV_FIELD_MAX (1u << 20)	/* bytes in one field */
#define CSV_FIELDS_MAX 4096u		/* fields in one record */

/* The domain of the errors of this module; messages read "NAME:LINE: what". */
#define CSV_ERROR (csv_error_quark())
GQuark csv_error_quark(void);

enum csv_error_code {
	CSV_ERROR_IO,		/* the file could not be opened or read */
	CSV_ERROR_SYNTAX,	/* the bytes are not CSV */
	CSV_ERROR_LIMIT		/* a field or record over a bound */
};

/* Opens path ("-" for standard input); NULL with *error when it cannot. */
struct csv_reader *csv_open(const char *path, GError **error);

/*
 * Reads from fp, which stays the caller's (csv_close() does not close it);
 * name is used in error messages and copied.
 */
struct csv_reader *csv_new(FILE *fp, const char *name);

/*
 * Reads the next record into fields (a GPtrArray whose free function is
 * g_free; it is emptied first) as newly allocated NUL-terminated strings.
 * Returns 1 for a record, 0 at end of input, -1 with *error set. After an
 * error the reader is spent: further calls return -1 again.
 */
int csv_next(struct csv_reader *reader, GPtrArray *fields, GError **error);

/* The line on which the record last returned by csv_next() began (1-based). */
unsigned long csv_line(const struct csv_reader *reader);

/* Returns the index of the field equal to name in a header record, or -1. */
int csv_column(const GPtrArray *header, const char *name);

/* Closes the reader (and the file, if csv_open() opened it); NULL is accepted. */
void csv_close(struct csv_reader *reader);

#endif
