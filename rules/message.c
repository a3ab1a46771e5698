/*
 * message.c - the reader: raw RFC 5322 bytes in, a normalised view out.
 *
 * GMime parses; this file decides what the customer's own words are (which
 * part, which charset, without quoted history) and enforces every bound.
 * All GMime objects are created and released inside message_read(), so the
 * view can be handed to another thread.
 */
#include "message.h"

#include <string.h>
#include <gmime/gmime.h>

#include "charset.h"
#include "html2text.h"
#include "quote.h"
#include "warn.h"

/* Addresses kept per address header, and message-ids kept from References. */
#define MAX_ADDRESSES 100
#define MAX_REFERENCES 100

void
message_limits_default(struct message_limits *limits)
{
	limits->max_bytes = 1024 * 1024;
	limits->max_depth = 8;
	limits->max_parts = 64;
	limits->max_headers = 256;
	limits->max_text = 64 * 1024;
}

/* A text part that could hold the customer's words, and how good a choice
 * it is: lower rank wins, ties go to the earlier part. */
struct text_candidate {
	GMimePart *part;        /* borrowed from the message tree, or NULL */
	const char *preamble;   /* when part is NULL: a broken multipart's text */
	unsigned rank;
	bool is_html;
};

/* Rank of a broken multipart's preamble: after every real text part. */
#define RANK_PREAMBLE 1000u

struct read_state {
	const struct message_limits *limits;
	struct message_view *view;
	GArray *candidates;  /* of struct text_candidate */
	GHashTable *parser_warnings_seen; /* "code:item", so a re-parse repeats none */
	bool warned_depth;
	bool warned_parts;
};

static void
address_free(gpointer data)
{
	struct message_address *a = data;

	if (a == NULL)
		return;
	g_free(a->name);
	g_free(a->address);
	g_free(a);
}

void
message_view_free(struct message_view *view)
{
	if (view == NULL)
		return;
	g_free(view->subject);
	address_free(view->from);
	g_ptr_array_unref(view->reply_to);
	g_ptr_array_unref(view->to);
	g_ptr_array_unref(view->cc);
	g_free(view->date);
	g_free(view->message_id);
	g_free(view->in_reply_to);
	g_ptr_array_unref(view->references);
	g_free(view->auto_submitted);
	g_free(view->precedence);
	g_free(view->x_auto_response_suppress);
	g_ptr_array_unref(view->list_headers);
	g_ptr_array_unref(view->authentication_results);
	g_free(view->text);
	g_free(view->text_charset);
	g_ptr_array_unref(view->warnings);
	g_free(view);
}

static struct message_view *
view_new(void)
{
	struct message_view *view = g_new0(struct message_view, 1);

	view->subject = g_strdup("");
	view->reply_to = g_ptr_array_new_with_free_func(address_free);
	view->to = g_ptr_array_new_with_free_func(address_free);
	view->cc = g_ptr_array_new_with_free_func(address_free);
	view->references = g_ptr_array_new_with_free_func(g_free);
	view->list_headers = g_ptr_array_new_with_free_func(g_free);
	view->authentication_results = g_ptr_array_new_with_free_func(g_free);
	view->warnings = g_ptr_array_new_with_free_func(g_free);
	view->text = g_strdup("");
	view->text_source = "none";
	strcpy(view->language.code, "und");
	return view;
}

/*
 * Cuts s (valid UTF-8) to at most max bytes at a character boundary, in
 * place. Returns true when something was cut.
 */
static bool
utf8_truncate(char *s, size_t max)
{
	size_t len = strlen(s);
	const char *end;

	if (len <= max)
		return false;
	end = g_utf8_find_prev_char(s, s + max + 1);
	if (end == NULL)
		end = s;
	s[end - s] = '\0';
	return true;
}

/*
 * Makes a header value safe to show and store: valid UTF-8 (bad bytes
 * become U+FFFD), no control
 * characters (CR and LF above all: a header value must never become two
 * headers downstream), whitespace runs collapsed, trimmed.
 */
static char *
clean_header_text(const char *raw)
{
	char *text = g_utf8_make_valid(raw, -1);
	GString *out = g_string_sized_new(strlen(text));
	bool space = false;

	for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_isspace(c) || g_unichar_iscntrl(c)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_unichar(out, c);
	}
	g_free(text);
	return g_string_free(out, FALSE);
}

/*
 * Converts a raw header value to UTF-8 by the body's rules, saying which
 * header was guessed at: raw 8-bit headers carry no charset at all.
 */
static char *
header_bytes_to_utf8(const char *name, const char *raw, GPtrArray *warnings)
{
	const char *used = NULL;
	char *utf8 = charset_to_utf8(raw, strlen(raw), NULL, &used, NULL);

	if (strcmp(used, "utf-8") != 0)
		warn_add(warnings, "%s: raw 8-bit header read as %s", name, used);
	return utf8;
}

/*
 * Turns a raw header value into UTF-8 RFC 2047 decoded text. Raw 8-bit
 * values that are not UTF-8 are converted by the body's fallback rules
 * first, so a windows-1251 Subject reads as Cyrillic, not as Latin-1.
 */
static char *
raw_header_to_utf8(GMimeParserOptions *options, const char *name, const char *raw,
    GPtrArray *warnings)
{
	char *utf8, *decoded, *clean;

	utf8 = header_bytes_to_utf8(name, raw, warnings);
	decoded = g_mime_utils_header_decode_text(options, utf8);
	clean = clean_header_text(decoded != NULL ? decoded : utf8);
	g_free(decoded);
	g_free(utf8);
	return clean;
}

/* Returns the raw value of the first header called name, or NULL. */
static const char *
header_raw(GMimeObject *object, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(object);
	GMimeHeader *header = g_mime_header_list_get_header(list, name);

	return header != NULL ? g_mime_header_get_raw_value(header) : NULL;
}

static char *
header_text(GMimeParserOptions *options, GMimeObject *object, const char *name,
    GPtrArray *warnings)
{
	const char *raw = header_raw(object, name);

	return raw != NULL ? raw_header_to_utf8(options, name, raw, warnings) : NULL;
}

static struct message_address *
address_new(InternetAddress *ia)
{
	struct message_address *a = g_new0(struct message_address, 1);
	const char *name = internet_address_get_name(ia);
	const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));

	a->name = clean_header_text(name != NULL ? name : "");
	a->address = clean_header_text(addr != NULL ? addr : "");
	return a;
}

/* Appends the mailboxes of list to out, descending into groups once. */
static void
collect_addresses(InternetAddressList *list, GPtrArray *out, unsigned nesting)
{
	int n = internet_address_list_length(list);

	for (int i = 0; i < n && out->len < MAX_ADDRESSES; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			g_ptr_array_add(out, address_new(ia));
		else if (INTERNET_ADDRESS_IS_GROUP(ia) && nesting == 0)
			collect_addresses(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), out, nesting + 1);
	}
}

/* Parses the address header name into out (of struct message_address *). */
static void
read_addresses(GMimeParserOptions *options, GMimeObject *object, const char *name,
    GPtrArray *out, GPtrArray *warnings)
{
	const char *raw = header_raw(object, name);
	InternetAddressList *list;
	char *utf8;

	if (raw == NULL)
		return;
	utf8 = header_bytes_to_utf8(name, raw, warnings);
	list = internet_address_list_parse(options, utf8);
	if (list != NULL) {
		collect_addresses(list, out, 0);
		g_object_unref(list);
	}
	if (out->len == 0 && *utf8 != '\0')
		warn_add(warnings, "%s: no address could be read", name);
	g_free(utf8);
}

static char *
message_id_of(const char *raw)
{
	char *id, *clean;

	if (raw == NULL)
		return NULL;
	id = g_mime_utils_decode_message_id(raw);
	if (id == NULL)
		return NULL;
	clean = clean_header_text(id);
	g_free(id);
	if (*clean == '\0') {
		g_free(clean);
		return NULL;
	}
	return clean;
}

static void
read_references(GMimeParserOptions *options, GMimeObject *object, struct message_view *view)
{
	const char *raw = header_raw(object, "References");
	GMimeReferences *refs;
	int n, first;

	if (raw == NULL)
		return;
	refs = g_mime_references_parse(options, raw);
	if (refs == NULL)
		return;
	/* The nearest ancestors come last; keep those when there are too many. */
	n = g_mime_references_length(refs);
	first = n > MAX_REFERENCES ? n - MAX_REFERENCES : 0;
	if (first > 0)
		warn_add(view->warnings, "References: %d message-ids, kept the last %d",
		    n, MAX_REFERENCES);
	for (int i = first; i < n; i++) {
		char *clean = clean_header_text(g_mime_references_get_message_id(refs, i));

		if (*clean != '\0')
			g_ptr_array_add(view->references, clean);
		else
			g_free(clean);
	}
	g_mime_references_free(refs);
}

static void
read_date(GMimeMessage *message, struct message_view *view)
{
	GDateTime *date;
	GDateTime *utc;

	if (header_raw(GMIME_OBJECT(message), "Date") == NULL)
		return;
	date = g_mime_message_get_date(message);
	if (date == NULL) {
		warn_add(view->warnings, "Date: cannot be parsed");
		return;
	}
	utc = g_date_time_to_utc(date);
	view->date = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
	view->date_unix = g_date_time_to_unix(utc);
	g_date_time_unref(utc);
}

/* Reads the headers that tell automated mail from a person's. */
static void
read_automation_headers(GMimeParserOptions *options, GMimeObject *object,
    struct message_view *view)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(object);
	int n = g_mime_header_list_get_count(list);

	view->auto_submitted = header_text(options, object, "Auto-Submitted", view->warnings);
	view->precedence = header_text(options, object, "Precedence", view->warnings);
	view->x_auto_response_suppress = header_text(options, object,
	    "X-Auto-Response-Suppress", view->warnings);

	for (int i = 0; i < n; i++) {
		GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(header);
		const char *raw = g_mime_header_get_raw_value(header);
		char *value;

		if (name == NULL || raw == NULL)
			continue;
		if (g_ascii_strncasecmp(name, "List-", 5) == 0) {
			value = raw_header_to_utf8(options, name, raw, view->warnings);
			g_ptr_array_add(view->list_headers, g_strdup_printf("%s: %s", name, value));
			g_free(value);
		} else if (g_ascii_strcasecmp(name, "Authentication-Results") == 0) {
			/*
			 * Not RFC 2047 decoded: RFC 8601 values carry no encoded
			 * words, and a verifier may quote sender-chosen text (a
			 * MAIL FROM, a header.from) in which an encoded word would
			 * decode into "; dmarc=pass". Unfolded and made valid only.
			 */
			char *utf8 = header_bytes_to_utf8(name, raw, view->warnings);

			g_ptr_array_add(view->authentication_results, clean_header_text(utf8));
			g_free(utf8);
		}
	}
	view->header_count = (unsigned)n;
}

static void
read_headers(GMimeParserOptions *options, GMimeMessage *message, struct message_view *view)
{
	GMimeObject *object = GMIME_OBJECT(message);
	GPtrArray *from = g_ptr_array_new_with_free_func(address_free);
	char *subject;

	subject = header_text(options, object, "Subject", view->warnings);
	if (subject != NULL) {
		g_free(view->subject);
		view->subject = subject;
	}

	read_addresses(options, object, "From", from, view->warnings);
	if (from->len > 0)
		view->from = g_ptr_array_steal_index(from, 0);
	g_ptr_array_unref(from);
	read_addresses(options, object, "Reply-To", view->reply_to, view->warnings);
	read_addresses(options, object, "To", view->to, view->warnings);
	read_addresses(options, object, "Cc", view->cc, view->warnings);

	read_date(message, view);
	view->message_id = message_id_of(header_raw(object, "Message-ID"));
	view->in_reply_to = message_id_of(header_raw(object, "In-Reply-To"));
	read_references(options, object, view);
	read_automation_headers(options, object, view);
}

static bool
is_text_subtype(GMimeContentType *type, const char *subtype)
{
	return g_mime_content_type_is_type(type, "text", subtype);
}

/* Walks the MIME tree depth-first, collecting text parts; bounded. */
static void
walk(struct read_state *state, GMimeObject *object, unsigned depth, unsigned nested_messages)
{
	struct message_view *view = state->view;
	const struct message_limits *limits = state->limits;

	if (object == NULL)
		return;
	if (depth > limits->max_depth) {
		view->truncated = true;
		if (!state->warned_depth)
			warn_add(view->warnings, "MIME depth over %u, deeper parts not read",
			    limits->max_depth);
		state->warned_depth = true;
		return;
	}
	if (view->parts >= limits->max_parts) {
		view->truncated = true;
		if (!state->warned_parts)
			warn_add(view->warnings, "more than %u MIME parts, the rest not read",
			    limits->max_parts);
		state->warned_parts = true;
		return;
	}
	view->parts++;
	if (depth > view->depth)
		view->depth = depth;

	if (GMIME_IS_MULTIPART(object)) {
		GMimeMultipart *multipart = GMIME_MULTIPART(object);
		int n = g_mime_multipart_get_count(multipart);

		for (int i = 0; i < n; i++)
			walk(state, g_mime_multipart_get_part(multipart, i), depth + 1,
			    nested_messages);
		/*
		 * A multipart whose boundary never appears has no parts: GMime
		 * keeps the whole body as its preamble, and those are the
		 * customer's words.
		 */
		if (n == 0 && g_mime_multipart_get_prologue(multipart) != NULL) {
			struct text_candidate candidate = {
				.preamble = g_mime_multipart_get_prologue(multipart),
				.rank = RANK_PREAMBLE,
			};

			g_array_append_val(state->candidates, candidate);
		}
	} else if (GMIME_IS_MESSAGE_PART(object)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));

		if (inner != NULL)
			walk(state, g_mime_message_get_mime_part(inner), depth + 1,
			    nested_messages + 1);
	} else if (GMIME_IS_MESSAGE_PARTIAL(object)) {
		warn_add(view->warnings, "message/partial part not reassembled");
	} else if (GMIME_IS_PART(object)) {
		GMimeContentType *type = g_mime_object_get_content_type(object);
		bool plain = is_text_subtype(type, "plain");
		bool html = is_text_subtype(type, "html");
		struct text_candidate candidate = { 0 };

		if ((!plain && !html) || g_mime_part_is_attachment(GMIME_PART(object)))
			return;
		/* The sender's own part beats a forwarded message's; plain beats HTML. */
		candidate.part = GMIME_PART(object);
		candidate.is_html = html;
		candidate.rank = nested_messages * 2 + (html ? 1 : 0);
		g_array_append_val(state->candidates, candidate);
	}
}

static int
candidate_compare(gconstpointer a, gconstpointer b)
{
	const struct text_candidate *x = a, *y = b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Decodes a part's content (transfer encoding undone) into bytes. */
static GByteArray *
part_bytes(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *bytes;

	if (content == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(content, mem) < 0) {
		g_object_unref(mem);
		return NULL;
	}
	/* The stream frees its array with g_byte_array_free(), whatever its
	 * reference count: take ownership instead of a reference. */
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return bytes;
}

static bool
is_blank(const char *s)
{
	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p))
		if (!g_unichar_isspace(g_utf8_get_char(p)))
			return false;
	return true;
}

/*
 * Turns one candidate into the customer's text; returns false, leaving the
 * view unchanged, when the part holds no words.
 */
static bool
take_text(struct read_state *state, const struct text_candidate *candidate)
{
	struct message_view *view = state->view;
	size_t max_text = state->limits->max_text;
	const char *declared, *used = NULL;
	GByteArray *bytes;
	char *utf8, *stripped;
	unsigned removed = 0;

	if (candidate->part != NULL) {
		bytes = part_bytes(candidate->part);
		if (bytes == NULL)
			return false;
		declared = g_mime_object_get_content_type_parameter(
		    GMIME_OBJECT(candidate->part), "charset");
		utf8 = charset_to_utf8((const char *)bytes->data, bytes->len, declared, &used,
		    view->warnings);
		g_byte_array_unref(bytes);
	} else {
		utf8 = charset_to_utf8(candidate->preamble, strlen(candidate->preamble), NULL,
		    &used, view->warnings);
	}

	if (candidate->is_html) {
		/* Room for the quoted history that quote_strip() will remove. */
		char *text = html_to_text(utf8, strlen(utf8), max_text * 4);

		g_free(utf8);
		utf8 = text;
	}
	stripped = quote_strip(utf8, strlen(utf8), &removed);
	g_free(utf8);
	if (is_blank(stripped)) {
		g_free(stripped);
		return false;
	}
	if (utf8_truncate(stripped, max_text)) {
		view->truncated = true;
		warn_add(view->warnings, "text over %zu bytes, the rest not read", max_text);
	}
	g_free(view->text);
	view->text = stripped;
	view->text_source = candidate->is_html ? "text/html" : "text/plain";
	view->text_charset = g_strdup(used);
	view->quote_removed = removed;
	return true;
}

static void
choose_text(struct read_state *state)
{
	/* A stable sort keeps document order among equal ranks. */
	g_array_sort(state->candidates, candidate_compare);
	for (guint i = 0; i < state->candidates->len; i++)
		if (take_text(state, &g_array_index(state->candidates, struct text_candidate, i)))
			return;
}

/*
 * Finds where the header block ends and, when it has more than max_headers
 * fields, the offset at which field max_headers + 1 begins. Returns the
 * number of fields seen (counting stops one past the limit).
 */
static unsigned
scan_headers(const char *bytes, size_t len, unsigned max_headers, size_t *cut,
    size_t *body)
{
	unsigned fields = 0;
	size_t pos = 0;

	*cut = 0;
	*body = len;
	while (pos < len) {
		const char *nl = memchr(bytes + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - bytes) + 1 : len;
		size_t content = end - pos;

		if (content == 1 || (content == 2 && bytes[pos] == '\r')) {
			*body = pos;
			break;
		}
		if (bytes[pos] != ' ' && bytes[pos] != '\t') {
			fields++;
			if (fields == max_headers + 1) {
				*cut = pos;
				/* Keep scanning for the body; count no further. */
			}
		}
		pos = end;
	}
	return fields;
}

/*
 * Applies the byte and header bounds. Returns the bytes GMime will parse:
 * either the input itself or, when headers had to be dropped, a new buffer
 * stored in *owned for the caller to free.
 */
static const char *
bound_input(const char *bytes, size_t *len, const struct message_limits *limits,
    struct message_view *view, char **owned)
{
	size_t cut, body;
	unsigned fields;

	*owned = NULL;
	view->bytes_total = *len;
	if (*len > limits->max_bytes) {
		*len = limits->max_bytes;
		view->truncated = true;
		warn_add(view->warnings, "message over %zu bytes, the rest not read",
		    limits->max_bytes);
	}
	view->bytes_read = *len;

	/* An mbox "From " line is not a header; GMime would take it as body. */
	if (*len > 5 && memcmp(bytes, "From ", 5) == 0) {
		const char *nl = memchr(bytes, '\n', *len);
		size_t skip = nl != NULL ? (size_t)(nl - bytes) + 1 : *len;

		bytes += skip;
		*len -= skip;
	}

	fields = scan_headers(bytes, *len, limits->max_headers, &cut, &body);
	if (fields > limits->max_headers && cut > 0) {
		GString *copy = g_string_sized_new(*len);

		g_string_append_len(copy, bytes, (gssize)cut);
		g_string_append_len(copy, bytes + body, (gssize)(*len - body));
		view->truncated = true;
		warn_add(view->warnings, "more than %u header fields, the rest not read",
		    limits->max_headers);
		*len = copy->len;
		*owned = g_string_free(copy, FALSE);
		return *owned;
	}
	return bytes;
}

static void
on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct read_state *state = data;
	struct message_view *view = state->view;
	static const struct { GMimeParserWarning code; const char *text; } names[] = {
		{ GMIME_WARN_DUPLICATED_HEADER, "duplicated header" },
		{ GMIME_WARN_DUPLICATED_PARAMETER, "duplicated parameter" },
		{ GMIME_WARN_UNENCODED_8BIT_HEADER, "unencoded 8-bit header" },
		{ GMIME_WARN_INVALID_CONTENT_TYPE, "invalid Content-Type" },
		{ GMIME_WARN_INVALID_RFC2047_HEADER_VALUE, "invalid RFC 2047 encoded word" },
		{ GMIME_WARN_MALFORMED_MULTIPART, "malformed multipart" },
		{ GMIME_WARN_TRUNCATED_MESSAGE, "truncated message" },
		{ GMIME_WARN_MALFORMED_MESSAGE, "malformed message" },
		{ GMIME_CRIT_INVALID_HEADER_NAME, "invalid header name" },
		{ GMIME_CRIT_CONFLICTING_HEADER, "conflicting header" },
		{ GMIME_CRIT_CONFLICTING_PARAMETER, "conflicting parameter" },
		{ GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY, "multipart without boundary" },
		{ GMIME_WARN_INVALID_PARAMETER, "invalid parameter" },
		{ GMIME_WARN_INVALID_ADDRESS_LIST, "invalid address list" },
		{ GMIME_CRIT_NESTING_OVERFLOW, "MIME nesting overflow" },
		{ GMIME_WARN_PART_WITHOUT_CONTENT, "part without content" },
		{ GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT, "part without headers or content" },
	};
	const char *text = "parser warning";
	char *clean, *key;

	key = g_strdup_printf("%d:%s", (int)code, item != NULL ? item : "");
	if (!g_hash_table_add(state->parser_warnings_seen, key))
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (names[i].code == code)
			text = names[i].text;
	/* item is untrusted input: cleaned and shortened before it is kept. */
	clean = clean_header_text(item != NULL ? item : "");
	utf8_truncate(clean, 80);
	/* GMime passes -1 when the problem has no one place (a missing end). */
	if (offset >= 0 && *clean != '\0')
		warn_add(view->warnings, "%s at byte %" G_GINT64_FORMAT ": %s", text, offset, clean);
	else if (offset >= 0)
		warn_add(view->warnings, "%s at byte %" G_GINT64_FORMAT, text, offset);
	else if (*clean != '\0')
		warn_add(view->warnings, "%s: %s", text, clean);
	else
		warn_add(view->warnings, "%s", text);
	g_free(clean);
}

static void
detect_language(struct message_view *view)
{
	/* The subject is often the most telling sentence of a short message. */
	char *sample = g_strconcat(view->subject, "\n\n", view->text, NULL);

	langid_detect(sample, strlen(sample), &view->language);
	g_free(sample);
}

/* Reads input that GMime could not parse as a message at all as plain text. */
static void
read_as_plain_text(struct read_state *state, const char *bytes, size_t len)
{
	struct message_view *view = state->view;
	const char *used = NULL;
	char *utf8 = charset_to_utf8(bytes, len, NULL, &used, view->warnings);
	char *stripped = quote_strip(utf8, strlen(utf8), &view->quote_removed);

	g_free(utf8);
	if (utf8_truncate(stripped, state->limits->max_text))
		view->truncated = true;
	g_free(view->text);
	view->text = stripped;
	view->text_source = "text/plain";
	view->text_charset = g_strdup(used);
}

struct message_view *
message_view_from_text(const char *text, size_t len, const struct message_limits *limits)
{
	struct message_limits defaults;
	struct message_view *view = view_new();

	if (limits == NULL) {
		message_limits_default(&defaults);
		limits = &defaults;
	}
	view->bytes_total = view->bytes_read = len;
	g_free(view->text);
	view->text = charset_to_utf8(text, len, "utf-8", NULL, view->warnings);
	if (utf8_truncate(view->text, limits->max_text))
		view->truncated = true;
	view->text_source = "text/plain";
	view->text_charset = g_strdup("utf-8");
	detect_language(view);
	return view;
}

struct message_view *
message_read(const char *bytes, size_t len, const struct message_limits *limits)
{
	struct message_limits defaults;
	struct message_view *view = view_new();
	struct read_state state = { 0 };
	GMimeParserOptions *options;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	char *owned;
	const char *input;

	if (limits == NULL) {
		message_limits_default(&defaults);
		limits = &defaults;
	}
	input = bound_input(bytes, &len, limits, view, &owned);

	state.limits = limits;
	state.view = view;
	state.candidates = g_array_new(FALSE, FALSE, sizeof(struct text_candidate));
	state.parser_warnings_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	options = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(options, on_parser_warning, &state);
	/* Lenient like a mail client: people's mail is rarely strictly valid. */
	g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);

	/* The memory stream copies the bytes; the caller's buffer stays theirs. */
	stream = g_mime_stream_mem_new_with_buffer(input, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	message = g_mime_parser_construct_message(parser, options);
	g_object_unref(parser);
	g_object_unref(stream);

	if (message != NULL) {
		read_headers(options, message, view);
		walk(&state, g_mime_message_get_mime_part(message), 0, 0);
		choose_text(&state);
		g_object_unref(message);
	} else {
		warn_add(view->warnings, "not an RFC 5322 message, read as plain text");
		read_as_plain_text(&state, input, len);
	}

	g_array_unref(state.candidates);
	g_hash_table_unref(state.parser_warnings_seen);
	g_mime_parser_options_free(options);
	g_free(owned);
	detect_language(view);
	return view;
}
