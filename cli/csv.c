/*
 * csv.c - reading comma-separated values (RFC 4180), bounded.
 *
 * A byte-at-a-time state machine over a buffered FILE. Only one field is
 * held while it is being read, so memory is bounded by CSV_FIELD_MAX and
 * CSV_FIELDS_MAX whatever the size of the file.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "csv.h"

G_DEFINE_QUARK(triage-csv-error-quark, csv_error)

struct csv_reader {
	FILE *fp;
	bool owned;		/* close fp in csv_close() */
	char *name;
	unsigned long line;	/* line of the next byte */
	unsigned long record_line;
	bool started;		/* the byte-order mark has been looked for */
	bool failed;
	GString *field;
};

static struct csv_reader *
reader_new(FILE *fp, const char *name, bool owned)
{
	struct csv_reader *r = g_new0(struct csv_reader, 1);

	r->fp = fp;
	r->owned = owned;
	r->name = g_strdup(name);
	r->line = 1;
	r->field = g_string_new(NULL);
	return r;
}

struct csv_reader *
csv_open(const char *path, GError **error)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return reader_new(stdin, "(stdin)", false);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		int saved = errno;

		g_set_error(error, CSV_ERROR, CSV_ERROR_IO, "%s: %s", path, g_strerror(saved));
		return NULL;
	}
	return reader_new(fp, path, true);
}

struct csv_reader *
csv_new(FILE *fp, const char *name)
{
	return reader_new(fp, name, false);
}

void
csv_close(struct csv_reader *r)
{
	if (r == NULL)
		return;
	if (r->owned)
		fclose(r->fp);
	g_string_free(r->field, TRUE);
	g_free(r->name);
	g_free(r);
}

unsigned long
csv_line(const struct csv_reader *r)
{
	return r->record_line;
}

int
csv_column(const GPtrArray *header, const char *name)
{
	for (guint i = 0; i < header->len; i++)
		if (strcmp(header->pdata[i], name) == 0)
			return (int)i;
	return -1;
}

static int
fail(struct csv_reader *r, GError **error, int code, const char *what)
{
	r->failed = true;
	g_set_error(error, CSV_ERROR, code, "%s:%lu: %s", r->name, r->line, what);
	return -1;
}

/* Appends byte c to the current field, within CSV_FIELD_MAX; -1 when over it. */
static int
field_add(struct csv_reader *r, int c, GError **error)
{
	if (c == '\0')
		return fail(r, error, CSV_ERROR_SYNTAX, "NUL byte");
	if (r->field->len >= CSV_FIELD_MAX)
		return fail(r, error, CSV_ERROR_LIMIT, "field longer than CSV_FIELD_MAX bytes");
	g_string_append_c(r->field, (char)c);
	return 0;
}

/* Moves the current field into fields, within CSV_FIELDS_MAX. */
static int
field_end(struct csv_reader *r, GPtrArray *fields, GError **error)
{
	if (fields->len >= CSV_FIELDS_MAX)
		return fail(r, error, CSV_ERROR_LIMIT, "more than CSV_FIELDS_MAX fields");
	g_ptr_array_add(fields, g_strndup(r->field->str, r->field->len));
	g_string_truncate(r->field, 0);
	return 0;
}

/* Consumes the LF of a CRLF after c (a CR or LF) and counts the line. */
static void
line_end(struct csv_reader *r, int c)
{
	if (c == '\r') {
		int next = getc(r->fp);

		if (next != '\n' && next != EOF)
			ungetc(next, r->fp);
	}
	r->line++;
}

/* Skips a UTF-8 byte-order mark at the very start of the input. */
static void
skip_bom(struct csv_reader *r)
{
	int b[3], n = 0;

	r->started = true;
	while (n < 3 && (b[n] = getc(r->fp)) != EOF) {
		if (b[n] != (int)("\xEF\xBB\xBF"[n] & 0xFF))
			break;
		n++;
	}
	if (n == 3)
		return;
	/* Not a BOM: only its first byte can have been read past, and one
	 * byte of push-back is all that stdio guarantees. */
	if (n < 3 && b[n] != EOF)
		ungetc(b[n], r->fp);
	if (n > 0) {
		/* Bytes EF or EF BB began the file but no BOM: keep them. */
		for (int i = 0; i < n; i++)
			g_string_append_c(r->field, (char)b[i]);
	}
}

int
csv_next(struct csv_reader *r, GPtrArray *fields, GError **error)
{
	bool quoted = false;
	int c;

	if (r->failed) {
		g_set_error(error, CSV_ERROR, CSV_ERROR_SYNTAX, "%s: reader stopped after an error",
		    r->name);
		return -1;
	}
	g_ptr_array_set_size(fields, 0);
	if (!r->started)
		skip_bom(r);

	/* Blank lines are no record. */
	for (;;) {
		c = getc(r->fp);
		if ((c == '\n' || c == '\r') && r->field->len == 0)
			line_end(r, c);
		else
			break;
	}
	if (c == EOF && r->field->len == 0) {
		if (ferror(r->fp))
			return fail(r, error, CSV_ERROR_IO, g_strerror(errno));
		return 0;
	}
	r->record_line = r->line;

	/* c is the first byte of a field. */
	for (;;) {
		if (c == '"' && r->field->len == 0 && !quoted) {
			quoted = true;
			for (;;) {
				c = getc(r->fp);
				if (c == EOF)
					return fail(r, error, CSV_ERROR_SYNTAX,
					    "quoted field not closed at end of input");
				if (c == '"') {
					c = getc(r->fp);
					if (c != '"')
						break;	/* the closing quote */
				} else if (c == '\n')
					r->line++;
				if (field_add(r, c, error) < 0)
					return -1;
			}
			if (c != ',' && c != '\n' && c != '\r' && c != EOF)
				return fail(r, error, CSV_ERROR_SYNTAX,
				    "character after the closing quote of a field");
		}
		while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
			if (field_add(r, c, error) < 0)
				return -1;
			c = getc(r->fp);
		}
		if (field_end(r, fields, error) < 0)
			return -1;
		quoted = false;
		if (c != ',')
			break;
		c = getc(r->fp);
	}
	if (c == EOF && ferror(r->fp))
		return fail(r, error, CSV_ERROR_IO, g_strerror(errno));
	if (c != EOF)
		line_end(r, c);
	return 1;
}
