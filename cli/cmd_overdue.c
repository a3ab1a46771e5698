/*
 * cmd_overdue.c - `triage overdue`: the follow-up check, for cron or a
 * monitoring system.
 *
 *   triage overdue [--within 30m] [--lookback 7d] [--notify ADDRESS]
 *                  [--db PATH | -c CONF] [--now TIME]
 *
 * It speaks the monitoring-plugin convention (Nagios, Icinga): the first
 * line is "TRIAGE OVERDUE STATE - summary | perfdata", then one line per
 * ticket; the exit status is 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the
 * check could not run: bad arguments, no database, a database error). A
 * ticket past its due time with no answer is CRITICAL; one due soon, a
 * customer waiting on a follow-up, or a ticket closed without a last word
 * to the customer is a WARNING. With --notify the same digest goes by mail
 * (only when there is something to report) through the filter's AckRelay,
 * from its first SupportAddresses.
 */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <glib.h>
#include <gmime/gmime.h>

#include "cmd_report.h"
#include "commands.h"
#include "conf.h"
#include "dbopen.h"
#include "report.h"
#include "submit.h"

enum { STATE_OK, STATE_WARNING, STATE_CRITICAL, STATE_UNKNOWN };
static const char *const state_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* How each class reads in the digest. */
static const char *const class_names[OVERDUE_CLASSES] = {
	[OVERDUE_PAST_DUE] = "overdue",
	[OVERDUE_DUE_SOON] = "due-soon",
	[OVERDUE_FOLLOWUP] = "follow-up",
	[OVERDUE_UNCLOSED] = "unclosed",
};

/* Text from the database, with control characters as '?', appended to s. */
static void
append_safe(GString *s, const char *text)
{
	if (text == NULL) {
		g_string_append_c(s, '-');
		return;
	}
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
		g_string_append_c(s, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
}

/* The digest: the status line (returned separately, for a Subject) and a line a ticket. */
static int
digest(const struct overdue *o, const char *within_text, GString *out, char **summary)
{
	const long *n = o->counts;
	int state = n[OVERDUE_PAST_DUE] > 0 ? STATE_CRITICAL :
	    n[OVERDUE_DUE_SOON] + n[OVERDUE_FOLLOWUP] + n[OVERDUE_UNCLOSED] > 0 ? STATE_WARNING :
	    STATE_OK;
	GString *line = g_string_new(NULL);

	g_string_printf(line, "TRIAGE OVERDUE %s - ", state_names[state]);
	if (state == STATE_OK)
		g_string_append_printf(line, "nothing overdue, nothing due within %s", within_text);
	else
		g_string_append_printf(line, "%ld overdue, %ld due within %s, %ld follow-up%s "
		    "unanswered, %ld resolved without a reply", n[OVERDUE_PAST_DUE],
		    n[OVERDUE_DUE_SOON], within_text, n[OVERDUE_FOLLOWUP],
		    n[OVERDUE_FOLLOWUP] == 1 ? "" : "s", n[OVERDUE_UNCLOSED]);
	*summary = g_strdup(line->str);
	g_string_append_printf(out, "%s | overdue=%ld due_soon=%ld followup=%ld unclosed=%ld\n",
	    line->str, n[OVERDUE_PAST_DUE], n[OVERDUE_DUE_SOON], n[OVERDUE_FOLLOWUP],
	    n[OVERDUE_UNCLOSED]);
	g_string_free(line, TRUE);

	for (guint i = 0; i < o->items->len; i++) {
		const struct overdue_item *item = g_ptr_array_index(o->items, i);
		char d[32], t[32];

		g_string_append_printf(out, "%-9s %-10s %-8s ", class_names[item->what], item->ref,
		    item->urgency);
		append_safe(out, item->customer);
		switch (item->what) {
		case OVERDUE_PAST_DUE:
			g_string_append_printf(out, "  %s late (due %s UTC)",
			    cli_format_duration((double)item->late, d, sizeof(d)),
			    cli_format_time(item->due_at, t, sizeof(t)));
			break;
		case OVERDUE_DUE_SOON:
			g_string_append_printf(out, "  due in %s (%s UTC)",
			    cli_format_duration((double)-item->late, d, sizeof(d)),
			    cli_format_time(item->due_at, t, sizeof(t)));
			break;
		case OVERDUE_FOLLOWUP:
			g_string_append_printf(out, "  waiting %s since writing again (%s UTC)",
			    cli_format_duration((double)item->late, d, sizeof(d)),
			    cli_format_time(item->since, t, sizeof(t)));
			break;
		case OVERDUE_UNCLOSED:
			g_string_append_printf(out, "  resolved %s UTC with no reply to the "
			    "last message (%s ago)", cli_format_time(item->resolved_at, t, sizeof(t)),
			    cli_format_duration((double)item->late, d, sizeof(d)));
			break;
		}
		g_string_append_c(out, '\n');
	}
	return state;
}

/* The domain of an address, for the Message-ID. */
static const char *
domain_of(const char *address)
{
	const char *at = strrchr(address, '@');

	return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

/*
 * Composes the digest as a plain UTF-8 mail and hands it to the relay.
 * Returns 0, or -1 after a message on stderr.
 */
static int
notify(const struct config *config, const char *to, const char *subject, const char *body)
{
	const char *from = config->support_addresses[0];
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	GMimeFormatOptions *options = g_mime_format_options_new();
	GMimeStream *mem = g_mime_stream_mem_new();
	GMimeStream *text = g_mime_stream_mem_new_with_buffer(body, strlen(body));
	GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(text,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	GDateTime *date = g_date_time_new_now_utc();
	char *id = g_mime_utils_generate_message_id(domain_of(from));
	GByteArray *bytes;
	char reply[512] = "";
	int rc;

	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, NULL, from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, to);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_mime_message_set_date(msg, date);
	g_mime_message_set_message_id(msg, id);
	/* RFC 3834: made by a program, not a reply to anyone; nobody should answer it. */
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-generated", NULL);
	g_mime_object_set_header(GMIME_OBJECT(msg), "X-Auto-Response-Suppress", "All", NULL);
	/* The bytes as they are (UTF-8); set_text() would choose a charset of its own. */
	g_mime_part_set_content(GMIME_PART(part), content);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_object_write_to_stream(GMIME_OBJECT(msg), options, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));

	rc = submit_message(config->ack_relay, to, bytes->data, bytes->len, reply, sizeof(reply));
	if (rc != 0)
		fprintf(stderr, "triage overdue: --notify %s: %s failure: %s\n", to,
		    rc == 1 ? "temporary" : "permanent", reply);

	g_object_unref(mem);
	g_object_unref(content);
	g_object_unref(text);
	g_object_unref(part);
	g_object_unref(msg);
	g_mime_format_options_free(options);
	g_date_time_unref(date);
	g_free(id);
	return rc == 0 ? 0 : -1;
}

/* A plausible mailbox: local@domain, no spaces, brackets or control characters. */
static bool
address_ok(const char *address)
{
	const char *at = strchr(address, '@');

	if (at == NULL || at == address || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strlen(address) > 254)
		return false;
	for (const unsigned char *p = (const unsigned char *)address; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\\\"", *p) != NULL)
			return false;
	return true;
}

int
cmd_overdue(int argc, char **argv)
{
	char *db = NULL, *conf = NULL, *within_text = NULL, *lookback_text = NULL;
	char *now_text = NULL, *to = NULL, *summary = NULL;
	const GOptionEntry entries[] = {
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "the database (default: see triage(1))",
		    "PATH" },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &conf,
		    "the triage-milter.conf: database, SupportAddresses, AckRelay", "CONF" },
		{ "within", 0, 0, G_OPTION_ARG_STRING, &within_text,
		    "warn of tickets due within this long (default 30m)", "DURATION" },
		{ "lookback", 0, 0, G_OPTION_ARG_STRING, &lookback_text,
		    "check tickets resolved this long ago for a last reply (default 7d)",
		    "DURATION" },
		{ "notify", 0, 0, G_OPTION_ARG_STRING, &to,
		    "mail the digest to ADDRESS when there is something to report", "ADDRESS" },
		{ "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
		    "check as at this time (YYYY-MM-DD or ISO 8601), for tests and replays", "TIME" },
		{ NULL },
	};
	GOptionContext *context = g_option_context_new("- tickets to chase (Nagios plugin)");
	struct config *config = NULL;
	struct store *store = NULL;
	struct overdue *o = NULL;
	GString *out = g_string_new(NULL);
	GError *error = NULL;
	gint64 within = 30 * 60, lookback = 7 * 86400, now = g_get_real_time() / G_USEC_PER_SEC;
	int state = STATE_UNKNOWN;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		printf("TRIAGE OVERDUE UNKNOWN - %s\n", error->message);
		goto out;
	}
	if (argc != 1) {
		printf("TRIAGE OVERDUE UNKNOWN - unexpected argument '%s'\n", argv[1]);
		goto out;
	}
	if (within_text != NULL && !cli_parse_duration(within_text, &within)) {
		printf("TRIAGE OVERDUE UNKNOWN - --within %s: not a duration (30m, 2h, 1h30m)\n",
		    within_text);
		goto out;
	}
	if (lookback_text != NULL && !cli_parse_duration(lookback_text, &lookback)) {
		printf("TRIAGE OVERDUE UNKNOWN - --lookback %s: not a duration (7d, 48h)\n",
		    lookback_text);
		goto out;
	}
	if (now_text != NULL && !cli_parse_time(now_text, &now)) {
		printf("TRIAGE OVERDUE UNKNOWN - --now %s: not a date (YYYY-MM-DD or ISO 8601)\n",
		    now_text);
		goto out;
	}
	if (to != NULL && !address_ok(to)) {
		printf("TRIAGE OVERDUE UNKNOWN - --notify %s: not a mail address\n", to);
		goto out;
	}
	/* The settings --notify needs, from the same file the filter reads. */
	if (to != NULL) {
		config = conf != NULL ? config_load(conf, &error) : config_defaults();
		if (config == NULL) {
			printf("TRIAGE OVERDUE UNKNOWN - %s\n", error->message);
			goto out;
		}
	}
	store = cli_store_open(db, conf, true, &error);
	if (store == NULL) {
		printf("TRIAGE OVERDUE UNKNOWN - %s\n", error->message);
		goto out;
	}
	if (report_overdue(store, now, within, lookback, &o, &error) != 0) {
		printf("TRIAGE OVERDUE UNKNOWN - %s\n", error->message);
		goto out;
	}
	state = digest(o, within_text != NULL ? within_text : "30m", out, &summary);
	fputs(out->str, stdout);
	fflush(stdout);
	if (to != NULL && state != STATE_OK) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			fprintf(stderr, "triage overdue: --notify: cannot start libcurl\n");
		} else {
			/* The state stays what the tickets say; a mail not sent is said on stderr. */
			(void)notify(config, to, summary, out->str);
			curl_global_cleanup();
		}
	}
out:
	if (error != NULL)
		g_error_free(error);
	report_overdue_free(o);
	store_close(store);
	config_unref(config);
	g_option_context_free(context);
	g_string_free(out, TRUE);
	g_free(summary);
	g_free(db);
	g_free(conf);
	g_free(within_text);
	g_free(lookback_text);
	g_free(now_text);
	g_free(to);
	return state;
}
