/*
 * ack_compose.c - the acknowledgement as a message, composed with GMime.
 */
#include "ack_compose.h"

#include <string.h>
#include <gmime/gmime.h>

#define SUBJECT_MAX 200		/* characters of the customer's subject we repeat */
#define REFERENCES_MAX 10	/* of theirs we carry on (RFC 5322 3.6.4 allows trimming) */

/* Reply and forward prefixes, lower case, as clients in our languages write them. */
static const char *const reply_prefixes[] = {
	"re:", "aw:", "sv:", "vs:", "antw:", "ref:", "fw:", "fwd:", "wg:", "vb:", "vl:",
	"отг:", "отн:", "пр:", NULL
};

char *
ack_subject_core(const char *subject)
{
	const char *s = subject != NULL ? subject : "";

	for (;;) {
		bool stripped = false;

		while (g_unichar_isspace(g_utf8_get_char(s)) && *s != '\0')
			s = g_utf8_next_char(s);
		for (size_t i = 0; reply_prefixes[i] != NULL && !stripped; i++) {
			glong chars = g_utf8_strlen(reply_prefixes[i], -1);
			const char *end;
			char *head;

			/* Whole characters: the view's subject is valid UTF-8. */
			if (g_utf8_strlen(s, -1) < chars)
				continue;
			end = g_utf8_offset_to_pointer(s, chars);
			head = g_utf8_strdown(s, end - s);
			if (strcmp(head, reply_prefixes[i]) == 0) {
				s = end;
				stripped = true;
			}
			g_free(head);
		}
		if (!stripped)
			break;
	}
	return g_strdup(s);
}

/* Customer text for a header: control characters become spaces, cut to max characters. */
static char *
header_safe(const char *text, glong max)
{
	char *valid = g_utf8_make_valid(text != NULL ? text : "", -1);
	GString *out = g_string_new(NULL);
	glong n = 0;

	for (const char *p = valid; *p != '\0' && n < max; p = g_utf8_next_char(p), n++) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029)
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

static char *
format_subject(const char *format, const char *ticket, const char *subject)
{
	GString *out = g_string_new(NULL);

	for (const char *p = format; *p != '\0'; p++) {
		if (*p == '%' && p[1] == 't') {
			g_string_append(out, ticket);
			p++;
		} else if (*p == '%' && p[1] == 's') {
			g_string_append(out, subject);
			p++;
		} else if (*p == '%' && p[1] == '%') {
			g_string_append_c(out, '%');
			p++;
		} else {
			g_string_append_c(out, *p);
		}
	}
	return g_strstrip(g_string_free(out, FALSE));
}

/* The domain of the support address, for the Message-ID. */
static const char *
domain_of(const char *address)
{
	const char *at = strrchr(address, '@');

	return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

GBytes *
ack_compose(const struct ack_message *in, char **message_id)
{
	const struct message_view *orig = in->original;
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	GMimeFormatOptions *options = g_mime_format_options_new();
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;
	GDateTime *date = g_date_time_new_from_unix_utc(in->date);
	char *name = header_safe(in->from_name, 100);
	char *core = ack_subject_core(orig->subject);
	char *safe_core = header_safe(core, SUBJECT_MAX);
	char *subject = format_subject(in->subject_format, in->ticket, safe_core);
	char *id = g_mime_utils_generate_message_id(domain_of(in->support_address));
	GString *refs = g_string_new(NULL);
	GBytes *out;

	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, name, in->support_address);
	/* The recipient is the envelope sender, bare: its display name is not ours to invent. */
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, in->recipient);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_mime_message_set_date(msg, date);
	g_mime_message_set_message_id(msg, id);
	if (orig->message_id != NULL) {
		char *bracketed = g_strdup_printf("<%s>", orig->message_id);
		guint first = orig->references != NULL && orig->references->len > REFERENCES_MAX ?
		    orig->references->len - REFERENCES_MAX : 0;

		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", bracketed, NULL);
		for (guint i = first; orig->references != NULL && i < orig->references->len; i++)
			g_string_append_printf(refs, "<%s> ", (char *)g_ptr_array_index(orig->references, i));
		g_string_append(refs, bracketed);
		g_mime_object_set_header(GMIME_OBJECT(msg), "References", refs->str, NULL);
		g_free(bracketed);
	}
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-replied", NULL);
	g_mime_object_set_header(GMIME_OBJECT(msg), "X-Auto-Response-Suppress", "All", NULL);
	g_mime_object_set_header(GMIME_OBJECT(msg), "X-Triage-Ack", in->ticket, NULL);

	/*
	 * The body as UTF-8 bytes; g_mime_text_part_set_text() would pick the
	 * "best" charset (ISO-8859-1 for Swedish), and acknowledgements are UTF-8.
	 */
	{
		GMimeStream *text = g_mime_stream_mem_new_with_buffer(in->body, strlen(in->body));
		GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(text,
		    GMIME_CONTENT_ENCODING_DEFAULT);

		g_mime_part_set_content(GMIME_PART(part), content);
		g_object_unref(content);
		g_object_unref(text);
	}
	g_mime_text_part_set_charset(part, "utf-8");
	/* A Content-* header belongs to the part; GMime writes it in the one header block. */
	g_mime_object_set_header(GMIME_OBJECT(part), "Content-Language", in->language, NULL);
	g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));

	g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_object_write_to_stream(GMIME_OBJECT(msg), options, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	out = g_bytes_new(bytes->data, bytes->len);

	*message_id = id;
	g_string_free(refs, TRUE);
	g_free(subject);
	g_free(safe_core);
	g_free(core);
	g_free(name);
	g_date_time_unref(date);
	g_object_unref(mem);
	g_mime_format_options_free(options);
	g_object_unref(part);
	g_object_unref(msg);
	return out;
}
