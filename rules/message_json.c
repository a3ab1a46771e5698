/*
 * message_json.c - the reader's view as JSON, for `triage read` and tests.
 */
#include "message.h"

#include <json-glib/json-glib.h>

#include "jsonout.h"
#include "quote.h"

static void
add_string_or_null(JsonBuilder *b, const char *member, const char *value)
{
	json_builder_set_member_name(b, member);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

static void
add_address(JsonBuilder *b, const struct message_address *a)
{
	json_builder_begin_object(b);
	add_string_or_null(b, "name", a->name);
	add_string_or_null(b, "address", a->address);
	json_builder_end_object(b);
}

static void
add_address_list(JsonBuilder *b, const char *member, const GPtrArray *list)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (guint i = 0; i < list->len; i++)
		add_address(b, g_ptr_array_index(list, i));
	json_builder_end_array(b);
}

static void
add_string_list(JsonBuilder *b, const char *member, const GPtrArray *list)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (guint i = 0; i < list->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(list, i));
	json_builder_end_array(b);
}

static void
add_quote_removed(JsonBuilder *b, unsigned bits)
{
	static const struct { unsigned bit; const char *name; } kinds[] = {
		{ QUOTE_REMOVED_QUOTED_LINES, "quoted-lines" },
		{ QUOTE_REMOVED_ATTRIBUTION, "attribution" },
		{ QUOTE_REMOVED_OUTLOOK, "outlook" },
		{ QUOTE_REMOVED_SIGNATURE, "signature" },
	};

	json_builder_set_member_name(b, "removed");
	json_builder_begin_array(b);
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (bits & kinds[i].bit)
			json_builder_add_string_value(b, kinds[i].name);
	json_builder_end_array(b);
}

char *
message_view_to_json(const struct message_view *view, bool pretty)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	add_string_or_null(b, "subject", view->subject);
	json_builder_set_member_name(b, "from");
	if (view->from != NULL)
		add_address(b, view->from);
	else
		json_builder_add_null_value(b);
	add_address_list(b, "reply_to", view->reply_to);
	add_address_list(b, "to", view->to);
	add_address_list(b, "cc", view->cc);
	add_string_or_null(b, "date", view->date);
	add_string_or_null(b, "message_id", view->message_id);
	add_string_or_null(b, "in_reply_to", view->in_reply_to);
	add_string_list(b, "references", view->references);

	json_builder_set_member_name(b, "automation");
	json_builder_begin_object(b);
	add_string_or_null(b, "auto_submitted", view->auto_submitted);
	add_string_or_null(b, "precedence", view->precedence);
	add_string_or_null(b, "x_auto_response_suppress", view->x_auto_response_suppress);
	add_string_list(b, "list", view->list_headers);
	add_string_list(b, "authentication_results", view->authentication_results);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "body");
	json_builder_begin_object(b);
	add_string_or_null(b, "source", view->text_source);
	add_string_or_null(b, "charset", view->text_charset);
	add_quote_removed(b, view->quote_removed);
	add_string_or_null(b, "text", view->text);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "language");
	json_builder_begin_object(b);
	add_string_or_null(b, "code", view->language.code);
	json_builder_set_member_name(b, "confidence");
	json_builder_add_double_value(b, jsonout_round2(view->language.confidence));
	json_builder_end_object(b);

	json_builder_set_member_name(b, "limits");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "bytes_total");
	json_builder_add_int_value(b, (gint64)view->bytes_total);
	json_builder_set_member_name(b, "bytes_read");
	json_builder_add_int_value(b, (gint64)view->bytes_read);
	json_builder_set_member_name(b, "headers");
	json_builder_add_int_value(b, view->header_count);
	json_builder_set_member_name(b, "parts");
	json_builder_add_int_value(b, view->parts);
	json_builder_set_member_name(b, "depth");
	json_builder_add_int_value(b, view->depth);
	json_builder_set_member_name(b, "truncated");
	json_builder_add_boolean_value(b, view->truncated);
	json_builder_end_object(b);

	add_string_list(b, "warnings", view->warnings);
	json_builder_end_object(b);
	return jsonout_finish(b, pretty);
}
