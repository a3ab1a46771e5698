/*
 * conf.c - triage-milter.conf: one table of settings, a parser, a printer.
 *
 * Every setting is one row of params[] below: its name, type, default (as it
 * would be written in the file), bounds, where it lives in struct config,
 * and a line of help. The defaults, the parser, the printer and the table
 * printer are all driven by that array, so a setting cannot exist in one and
 * be missing from another. The defaults go through the same parser as the
 * file, so a bad default is caught the first time the program starts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "sla.h"


/* Longest line accepted, newline not counted. */
#define CONFIG_LINE_MAX 4096

enum param_type {
	P_STRING,	/* any text */
	P_KEYWORD,	/* text, one of choices, stored as a string */
	P_PATH,		/* a file name */
	P_SOCKET,	/* a libmilter socket specification */
	P_BOOL,		/* yes|no|true|false|1|0 */
	P_UINT,		/* unsigned decimal in min..max */
	P_SIZE,		/* bytes with an optional K or M suffix, in min..max */
	P_UMASK,	/* octal, at most 0777 */
	P_ADDRESS,	/* one local@domain, stored lower case */
	P_ADDRLIST,	/* local@domain list, comma or space separated; min..max items */
	P_ENUM,		/* one of choices, stored as its index (an enum) */
	P_DURATION,	/* an SLA target: 30m, 4h, 1h30m, 1bd, 2d (sla.h), as a string */
	P_HOURS,	/* business hours: "mon-fri 08:00-17:00" (sla.h), as a string */
	P_ZONE,		/* a time zone GLib knows: Europe/Stockholm, UTC, +01:00 */
	P_PREFIX,	/* a ticket reference prefix: 1-11 printable ASCII, no blank */
	P_RELAY,	/* smtp://HOST[:PORT] or sendmail:/ABSOLUTE/PATH */
	P_SUBJECT,	/* a subject format: %t, %s and %% only */
};

static const char *const type_names[] = {
	[P_STRING] = "string",
	[P_KEYWORD] = "keyword",
	[P_PATH] = "path",
	[P_SOCKET] = "socket",
	[P_BOOL] = "bool",
	[P_UINT] = "unsigned",
	[P_SIZE] = "size",
	[P_UMASK] = "umask",
	[P_ADDRESS] = "address",
	[P_ADDRLIST] = "address-list",
	[P_ENUM] = "enum",
	[P_DURATION] = "duration",
	[P_HOURS] = "business-hours",
	[P_ZONE] = "time-zone",
	[P_PREFIX] = "prefix",
	[P_RELAY] = "relay",
	[P_SUBJECT] = "subject-format",
};

/* The word "none" unsets the setting: stored as NULL, or as empty. */
#define NONE_NULL	0x1	/* NULL string */
#define NONE_EMPTY	0x2	/* "" string, or an empty address list */

struct param {
	const char *name;
	enum param_type type;
	const char *dflt;		/* as written in the file */
	const char *fallback;		/* default when dflt names nothing that exists */
	uint64_t min, max;		/* P_UINT, P_SIZE, P_UMASK; item count for P_ADDRLIST */
	size_t offset;			/* of the field in struct config */
	unsigned flags;			/* NONE_* */
	const char *const *choices;	/* P_KEYWORD, P_ENUM: NULL-terminated */
	const char *help;
};

static const char *const facilities[] = {
	"mail", "daemon", "local0", "local1", "local2", "local3", "local4", "local5",
	"local6", "local7", NULL
};

/* Indexed by enum on_error. */
static const char *const on_error_names[] = { "accept", "tempfail", NULL };

static const char *const sync_names[] = { "off", "normal", "full", NULL };

/* The languages acknowledgement templates ship in. */
static const char *const ack_languages[] = { "en", "sv", "nb", "da", "de", "bg", NULL };

/* P_ENUM fields are written as enum on_error, the only enum so far. */
G_STATIC_ASSERT(ON_ERROR_ACCEPT == 0 && ON_ERROR_TEMPFAIL == 1);

#define K ((uint64_t)1024)
#define M (K * K)
#define OFF(field) offsetof(struct config, field)

static const struct param params[] = {
	{ "Socket", P_SOCKET, "local:triage-milter.sock", NULL, 0, 0, OFF(socket), 0, NULL,
	  "Where the MTA connects: local:PATH, inet:PORT[@HOST], inet6:PORT[@HOST]" },
	{ "UMask", P_UMASK, "007", NULL, 0, 0777, OFF(umask), 0, NULL,
	  "File mode mask for the unix socket and the files written" },
	{ "UserID", P_STRING, "none", NULL, 0, 0, OFF(user_id), NONE_NULL, NULL,
	  "user[:group] to run as after start-up; none stays who we are" },
	{ "PidFile", P_PATH, "none", NULL, 0, 0, OFF(pid_file), NONE_NULL, NULL,
	  "File to write the process id to; none for no file" },
	{ "SyslogFacility", P_KEYWORD, "mail", NULL, 0, 0, OFF(syslog_facility), 0, facilities,
	  "Syslog facility: mail, daemon, local0..local7" },
	{ "Syslog", P_BOOL, "yes", NULL, 0, 0, OFF(syslog), 0, NULL,
	  "Log to syslog; no logs to standard error" },
	{ "Database", P_PATH, "triage.db", NULL, 0, 0, OFF(database), 0, NULL,
	  "SQLite file of tickets" },
	{ "RulesDir", P_PATH, TRIAGE_DATADIR "/rules", TRIAGE_SRCDIR "/rules/cf", 0, 0,
	  OFF(rules_dir), 0, NULL,
	  "Directory of *.cf rule files" },
	{ "ModelFile", P_PATH, TRIAGE_DATADIR "/triage.model",
	  TRIAGE_SRCDIR "/rules/model/triage.model", 0, 0, OFF(model_file), NONE_EMPTY, NULL,
	  "Classifier model; none classifies with the rules alone" },
	{ "SupportAddresses", P_ADDRLIST, "support@localhost", NULL, 1, 1000,
	  OFF(support_addresses), 0, NULL,
	  "Recipients whose mail is triaged" },
	{ "AgentAddresses", P_ADDRLIST, "none", NULL, 0, 1000, OFF(agent_addresses),
	  NONE_EMPTY, NULL,
	  "Senders who are support agents: their replies are not new tickets" },
	{ "RouteCritical", P_ADDRESS, "none", NULL, 0, 0, OFF(route_critical), NONE_NULL, NULL,
	  "Recipient added to critical messages; none adds nobody" },
	{ "RouteHigh", P_ADDRESS, "none", NULL, 0, 0, OFF(route_high), NONE_NULL, NULL,
	  "Recipient added to high-urgency messages; none adds nobody" },
	{ "TagSubject", P_BOOL, "no", NULL, 0, 0, OFF(tag_subject), 0, NULL,
	  "Prefix the Subject with [urgency]" },
	{ "MaxScanBytes", P_SIZE, "256K", NULL, 4 * K, 64 * M, OFF(max_scan_bytes), 0, NULL,
	  "Body bytes read before the rest of the message is skipped" },
	{ "ClassifyBudget", P_UINT, "200", NULL, 1, 60000, OFF(classify_budget_ms), 0, NULL,
	  "Milliseconds a message may take to classify; over it OnInternalError applies" },
	{ "OnInternalError", P_ENUM, "accept", NULL, 0, 0, OFF(on_internal_error), 0,
	  on_error_names,
	  "What an internal error does to the message: accept or tempfail" },
	{ "DatabaseSync", P_KEYWORD, "normal", NULL, 0, 0, OFF(database_sync), 0, sync_names,
	  "SQLite's synchronous level: normal survives a crash of the filter (WAL), full also "
	  "a power cut, off neither" },
	{ "DatabaseTimeout", P_UINT, "5000", NULL, 1, 600000, OFF(database_timeout_ms), 0, NULL,
	  "Milliseconds a write waits for another writer's lock before OnInternalError applies" },
	{ "TicketPrefix", P_PREFIX, "T-", NULL, 0, 0, OFF(ticket_prefix), 0, NULL,
	  "Ticket references are this and six digits: T-000123" },
	{ "StoreText", P_BOOL, "no", NULL, 0, 0, OFF(store_text), 0, NULL,
	  "Keep the customer's text in the database (privacy: off by default)" },
	{ "ResolveMarker", P_STRING, "#resolved", NULL, 0, 0, OFF(resolve_marker), NONE_NULL, NULL,
	  "A line an agent writes alone in a reply to resolve the ticket; removed before "
	  "delivery" },
	{ "SLACritical", P_DURATION, "1h", NULL, 0, 0, OFF(sla[0]), 0, NULL,
	  "First answer due this long after a critical message (m, h, bd, d)" },
	{ "SLAHigh", P_DURATION, "4h", NULL, 0, 0, OFF(sla[1]), 0, NULL,
	  "First answer due this long after a high-urgency message" },
	{ "SLANormal", P_DURATION, "1bd", NULL, 0, 0, OFF(sla[2]), 0, NULL,
	  "First answer due this long after a normal message" },
	{ "SLALow", P_DURATION, "3bd", NULL, 0, 0, OFF(sla[3]), 0, NULL,
	  "First answer due this long after a low-urgency message" },
	{ "BusinessHours", P_HOURS, "none", NULL, 0, 0, OFF(business_hours), NONE_NULL, NULL,
	  "Open hours SLA targets count in, e.g. \"mon-fri 08:00-17:00\"; none: always open" },
	{ "TimeZone", P_ZONE, "UTC", NULL, 0, 0, OFF(time_zone), 0, NULL,
	  "The zone of BusinessHours, HolidaysFile and local times in acknowledgements" },
	{ "HolidaysFile", P_PATH, "none", NULL, 0, 0, OFF(holidays_file), NONE_NULL, NULL,
	  "YYYY-MM-DD lines: days closed all day" },
	{ "AckEnable", P_BOOL, "yes", NULL, 0, 0, OFF(ack_enable), 0, NULL,
	  "Answer each new ticket at once with an acknowledgement" },
	{ "AckRelay", P_RELAY, "smtp://127.0.0.1:25", NULL, 0, 0, OFF(ack_relay), 0, NULL,
	  "Where acknowledgements are submitted: smtp://HOST:PORT or sendmail:/PATH" },
	{ "AckFromName", P_STRING, "Customer Support", NULL, 0, 0, OFF(ack_from_name), NONE_EMPTY,
	  NULL, "Display name on the acknowledgement's From (the support address written to)" },
	{ "AckSubject", P_SUBJECT, "Re: [%t] %s", NULL, 0, 0, OFF(ack_subject), 0, NULL,
	  "Subject of the acknowledgement: %t the ticket, %s the customer's subject, %% a %" },
	{ "AckTemplatesDir", P_PATH, "none", NULL, 0, 0, OFF(ack_templates_dir), NONE_NULL, NULL,
	  "A directory of LANG/TYPE.txt templates that replace the shipped ones" },
	{ "AckDefaultLanguage", P_KEYWORD, "en", NULL, 0, 0, OFF(ack_default_language), 0,
	  ack_languages, "The language of acknowledgements to messages in any other language" },
	{ "AckRequireAuth", P_BOOL, "no", NULL, 0, 0, OFF(ack_require_auth), 0, NULL,
	  "Answer only senders an Authentication-Results from TrustedAuthservIDs vouches for" },
	{ "TrustedAuthservIDs", P_STRING, "none", NULL, 0, 0, OFF(trusted_authserv_ids),
	  NONE_NULL, NULL, "authserv-ids (comma or blank separated) whose Authentication-Results "
	  "count: your own MTA's" },
	{ "AckDedupeMinutes", P_UINT, "60", NULL, 0, 10080, OFF(ack_dedupe_minutes), 0, NULL,
	  "No second acknowledgement to one sender within this many minutes" },
	{ "AckDailyCap", P_UINT, "5", NULL, 1, 1000, OFF(ack_daily_cap), 0, NULL,
	  "At most this many acknowledgements to one sender in 24 hours" },
	{ "AckRetrySeconds", P_UINT, "30", NULL, 1, 3600, OFF(ack_retry_seconds), 0, NULL,
	  "First retry this long after the relay failed; doubling, at most an hour" },
	{ "AckRateLimit", P_UINT, "120", NULL, 1, 100000, OFF(ack_rate_limit), 0, NULL,
	  "At most this many acknowledgements a minute in all" },
};

#define FIELD(config, p, type) ((type *)(void *)((char *)(config) + (p)->offset))
#define CFIELD(config, p, type) ((type const *)(const void *)((const char *)(config) + (p)->offset))

/*
 * Formats a byte count as written in the file: with a K or M suffix when it
 * divides evenly. Returns a newly allocated string.
 */
static char *
size_text(uint64_t n)
{
	if (n != 0 && n % M == 0)
		return g_strdup_printf("%" PRIu64 "M", n / M);
	if (n != 0 && n % K == 0)
		return g_strdup_printf("%" PRIu64 "K", n / K);
	return g_strdup_printf("%" PRIu64, n);
}

/* Sets *error to "out of bounds" for p, saying the bounds. */
static void
out_of_bounds(const struct param *p, const char *value, GError **error)
{
	char *lo, *hi;

	if (p->type == P_SIZE) {
		lo = size_text(p->min);
		hi = size_text(p->max);
	} else if (p->type == P_UMASK) {
		lo = g_strdup_printf("%04" PRIo64, p->min);
		hi = g_strdup_printf("%04" PRIo64, p->max);
	} else {
		lo = g_strdup_printf("%" PRIu64, p->min);
		hi = g_strdup_printf("%" PRIu64, p->max);
	}
	g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
	    "%s: \"%s\" is out of bounds (%s..%s)", p->name, value, lo, hi);
	g_free(lo);
	g_free(hi);
}

/*
 * Parses digits in base (8 or 10) with, for P_SIZE, an optional K or M
 * suffix. Returns 1 with *out set, 0 when the text is not such a number, -1
 * when it is but does not fit in 64 bits.
 */
static int
parse_number(const char *s, int base, bool suffix, uint64_t *out)
{
	uint64_t n = 0, mult = 1;
	const char *c = s;

	for (; *c >= '0' && *c < '0' + base; c++) {
		if (n > (UINT64_MAX - (uint64_t)(*c - '0')) / (uint64_t)base)
			return -1;
		n = n * (uint64_t)base + (uint64_t)(*c - '0');
	}
	if (c == s)
		return 0;
	if (suffix && (*c == 'k' || *c == 'K'))
		mult = K, c++;
	else if (suffix && (*c == 'm' || *c == 'M'))
		mult = M, c++;
	if (*c != '\0')
		return 0;
	if (n > UINT64_MAX / mult)
		return -1;
	*out = n * mult;
	return 1;
}

/* True when s looks like local@domain: no quoting, no route, a dotted domain. */
static bool
address_ok(const char *s)
{
	const char *at = strrchr(s, '@'), *c;
	bool label_start = true;

	if (at == NULL || at == s || at[1] == '\0')
		return false;
	for (c = s; c < at; c++)
		if (*c <= ' ' || *c >= 0x7f || strchr("<>()[]\\,;:\"@", *c) != NULL)
			return false;
	for (c = at + 1; *c != '\0'; c++) {
		if (*c == '.') {
			if (label_start || c[-1] == '-')
				return false;
			label_start = true;
		} else if (g_ascii_isalnum(*c) || (*c == '-' && !label_start)) {
			label_start = false;
		} else {
			return false;
		}
	}
	return !label_start && c[-1] != '-';
}

/* Checks a port: decimal, 1..65535. */
static bool
port_ok(const char *s, size_t len)
{
	unsigned n = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		n = n * 10 + (unsigned)(s[i] - '0');
	}
	return n >= 1 && n <= 65535;
}

/*
 * Checks a socket as libmilter's smfi_setconn() reads it: local:PATH or
 * unix:PATH (absolute or relative to the working directory), inet:PORT,
 * inet:PORT@HOST, inet6:PORT, inet6:PORT@HOST. The protocol is
 * case-insensitive as in libmilter; the port must be numeric here.
 */
static bool
socket_ok(const struct param *p, const char *s, GError **error)
{
	const char *colon = strchr(s, ':'), *rest, *at;
	size_t plen;

	if (colon == NULL)
		goto bad;
	plen = (size_t)(colon - s);
	rest = colon + 1;
	if ((plen == 5 && g_ascii_strncasecmp(s, "local", 5) == 0) ||
	    (plen == 4 && g_ascii_strncasecmp(s, "unix", 4) == 0)) {
		if (*rest == '\0')
			goto bad;
		return true;
	}
	if ((plen == 4 && g_ascii_strncasecmp(s, "inet", 4) == 0) ||
	    (plen == 5 && g_ascii_strncasecmp(s, "inet6", 5) == 0)) {
		at = strchr(rest, '@');
		if (at != NULL && (at[1] == '\0' || strpbrk(at + 1, " \t") != NULL))
			goto bad;
		if (!port_ok(rest, at != NULL ? (size_t)(at - rest) : strlen(rest))) {
			g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
			    "%s: bad port in \"%s\" (1..65535)", p->name, s);
			return false;
		}
		return true;
	}
bad:
	g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
	    "%s: bad socket \"%s\" (local:PATH, unix:PATH, inet:PORT[@HOST], "
	    "inet6:PORT[@HOST])", p->name, s);
	return false;
}

/* Returns the index of value in choices (any case), or -1. */
static int
choice_index(const char *const *choices, const char *value)
{
	for (int i = 0; choices[i] != NULL; i++)
		if (g_ascii_strcasecmp(choices[i], value) == 0)
			return i;
	return -1;
}

static void
bad_choice(const struct param *p, const char *value, GError **error)
{
	char *allowed = g_strjoinv("|", (char **)p->choices);

	g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
	    "%s: bad value \"%s\" (%s)", p->name, value, allowed);
	g_free(allowed);
}

/*
 * Parses an address list: items separated by commas and/or white space,
 * each lower-cased. Returns a NULL-terminated vector, or NULL with *error set.
 */
static char **
parse_addrlist(const struct param *p, const char *value, GError **error)
{
	char **items = g_strsplit_set(value, ", \t", -1);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (char **it = items; *it != NULL; it++) {
		if (**it == '\0')
			continue;
		if (!address_ok(*it)) {
			g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
			    "%s: bad address \"%s\" (want local@domain)", p->name, *it);
			goto fail;
		}
		g_ptr_array_add(out, g_ascii_strdown(*it, -1));
	}
	if (out->len < p->min || out->len > p->max) {
		g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "%s: %u addresses is out of bounds (%" PRIu64 "..%" PRIu64 ")",
		    p->name, out->len, p->min, p->max);
		goto fail;
	}
	g_strfreev(items);
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
fail:
	g_strfreev(items);
	g_ptr_array_free(out, TRUE);
	return NULL;
}

/* Replaces the string at field with s (taking it). */
static void
set_string(char **field, char *s)
{
	g_free(*field);
	*field = s;
}

/*
 * True for the types whose value is kept as a string (char *) in struct
 * config: freed, printed and unset alike. No default: a new type must say.
 */
static bool
param_is_text(enum param_type type)
{
	switch (type) {
	case P_STRING:
	case P_KEYWORD:
	case P_PATH:
	case P_SOCKET:
	case P_ADDRESS:
	case P_DURATION:
	case P_HOURS:
	case P_ZONE:
	case P_PREFIX:
	case P_RELAY:
	case P_SUBJECT:
		return true;
	case P_BOOL:
	case P_UINT:
	case P_SIZE:
	case P_UMASK:
	case P_ENUM:
	case P_ADDRLIST:
		return false;
	}
	return false;
}

/*
 * Checks the values kept as text but with a grammar of their own, so that
 * a bad one is an error at its line, not when the rules are built.
 */
static bool
checked_ok(const struct param *p, const char *value, GError **error)
{
	struct sla_duration duration;
	struct sla_calendar *calendar;
	GTimeZone *zone;
	GError *inner = NULL;

	switch (p->type) {
	case P_DURATION:
		if (sla_duration_parse(value, &duration, &inner))
			return true;
		break;
	case P_HOURS:
		if ((calendar = sla_calendar_new(value, NULL, NULL, &inner)) != NULL) {
			sla_calendar_free(calendar);
			return true;
		}
		break;
	case P_ZONE:
		if ((zone = g_time_zone_new_identifier(value)) != NULL) {
			g_time_zone_unref(zone);
			return true;
		}
		g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "%s: unknown time zone \"%s\" (want e.g. Europe/Stockholm, UTC, +01:00)",
		    p->name, value);
		return false;
	case P_PREFIX:
		if (strlen(value) <= 11 && !g_ascii_isdigit(value[strlen(value) - 1])) {
			bool printable = true;

			for (const char *c = value; *c != '\0'; c++)
				printable &= *c > ' ' && *c < 0x7f;
			if (printable)
				return true;
		}
		g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "%s: bad prefix \"%s\" (1-11 printable ASCII characters, no blank, "
		    "not ending in a digit)", p->name, value);
		return false;
	case P_RELAY:
		if ((g_str_has_prefix(value, "smtp://") && value[7] != '\0' &&
		    strpbrk(value + 7, " \t") == NULL) ||
		    (g_str_has_prefix(value, "sendmail:/") && strpbrk(value, " \t") == NULL))
			return true;
		g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "%s: bad relay \"%s\" (smtp://HOST[:PORT] or sendmail:/PATH)", p->name, value);
		return false;
	case P_SUBJECT:
		for (const char *c = strchr(value, '%'); c != NULL; c = strchr(c + 2, '%'))
			if (c[1] != 't' && c[1] != 's' && c[1] != '%') {
				g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
				    "%s: bad format \"%s\" (%%t the ticket, %%s the subject, %%%% a %%)",
				    p->name, value);
				return false;
			}
		return true;
	default:
		g_assert_not_reached();
	}
	g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: %s", p->name,
	    inner->message);
	g_error_free(inner);
	return false;
}

/*
 * Sets p in config from value (trimmed, non-empty). Returns true, or false
 * with *error set ("Key: what is wrong") and config unchanged.
 */
static bool
param_set(struct config *config, const struct param *p, const char *value, GError **error)
{
	uint64_t n = 0;
	int rc, i;
	char **list;

	if ((p->flags & (NONE_NULL | NONE_EMPTY)) && g_ascii_strcasecmp(value, "none") == 0) {
		if (p->type == P_ADDRLIST) {
			g_strfreev(*FIELD(config, p, char **));
			*FIELD(config, p, char **) = g_new0(char *, 1);
		} else {
			set_string(FIELD(config, p, char *),
			    (p->flags & NONE_EMPTY) ? g_strdup("") : NULL);
		}
		return true;
	}

	switch (p->type) {
	case P_SOCKET:
		if (!socket_ok(p, value, error))
			return false;
		/* FALLTHROUGH */
	case P_STRING:
	case P_PATH:
		set_string(FIELD(config, p, char *), g_strdup(value));
		return true;
	case P_KEYWORD:
		if ((i = choice_index(p->choices, value)) < 0) {
			bad_choice(p, value, error);
			return false;
		}
		set_string(FIELD(config, p, char *), g_strdup(p->choices[i]));
		return true;
	case P_ENUM:
		if ((i = choice_index(p->choices, value)) < 0) {
			bad_choice(p, value, error);
			return false;
		}
		*FIELD(config, p, enum on_error) = (enum on_error)i;
		return true;
	case P_BOOL:
		if (g_ascii_strcasecmp(value, "yes") == 0 || g_ascii_strcasecmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0) {
			*FIELD(config, p, bool) = true;
		} else if (g_ascii_strcasecmp(value, "no") == 0 ||
		    g_ascii_strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0) {
			*FIELD(config, p, bool) = false;
		} else {
			g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
			    "%s: bad boolean \"%s\" (yes|no|true|false|1|0)", p->name, value);
			return false;
		}
		return true;
	case P_UINT:
	case P_SIZE:
	case P_UMASK:
		rc = parse_number(value, p->type == P_UMASK ? 8 : 10, p->type == P_SIZE, &n);
		if (rc == 0) {
			g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
			    "%s: bad number \"%s\"%s", p->name, value,
			    p->type == P_UMASK ? " (want octal)" :
			    p->type == P_SIZE ? " (want digits with an optional K or M)" : "");
			return false;
		}
		if (rc < 0 || n < p->min || n > p->max) {
			out_of_bounds(p, value, error);
			return false;
		}
		if (p->type == P_SIZE)
			*FIELD(config, p, size_t) = (size_t)n;
		else
			*FIELD(config, p, unsigned) = (unsigned)n;
		return true;
	case P_ADDRESS:
		if (!address_ok(value)) {
			g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
			    "%s: bad address \"%s\" (want local@domain)", p->name, value);
			return false;
		}
		set_string(FIELD(config, p, char *), g_ascii_strdown(value, -1));
		return true;
	case P_ADDRLIST:
		if ((list = parse_addrlist(p, value, error)) == NULL)
			return false;
		g_strfreev(*FIELD(config, p, char **));
		*FIELD(config, p, char **) = list;
		return true;
	case P_DURATION:
	case P_HOURS:
	case P_ZONE:
	case P_PREFIX:
	case P_RELAY:
	case P_SUBJECT:
		if (!checked_ok(p, value, error))
			return false;
		set_string(FIELD(config, p, char *), g_strdup(value));
		return true;
	}
	g_assert_not_reached();
}

/* The default of p as written in the file: dflt, or fallback when dflt is missing. */
static const char *
param_default(const struct param *p)
{
	if (p->fallback != NULL && !g_file_test(p->dflt, G_FILE_TEST_EXISTS))
		return p->fallback;
	return p->dflt;
}

struct config *
config_defaults(void)
{
	struct config *config = g_new0(struct config, 1);
	GError *error = NULL;

	config->refcount = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(params); i++)
		if (!param_set(config, &params[i], param_default(&params[i]), &error))
			g_error("config: bad default: %s", error->message);	/* a bug: aborts */
	return config;
}

static const struct param *
param_find(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(params); i++)
		if (g_ascii_strcasecmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

/*
 * Reads one line of fp into buf (CONFIG_LINE_MAX + 1 bytes), without its
 * newline, NUL-terminated; *len is its length, NUL bytes included. Returns 1,
 * 0 at end of file with nothing read, or -1 when the line is too long (the
 * rest of it is left unread).
 */
static int
read_line(FILE *fp, char *buf, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getc(fp)) != EOF && c != '\n') {
		if (n == CONFIG_LINE_MAX)
			return -1;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	*len = n;
	return c == EOF && n == 0 ? 0 : 1;
}

/* Sets *error to "PATH:LINE: " followed by the message of inner, which it frees. */
static void
error_at(GError **error, const char *path, unsigned lineno, GError *inner)
{
	g_set_error(error, inner->domain, inner->code, "%s:%u: %s", path, lineno,
	    inner->message);
	g_error_free(inner);
}

struct config *
config_load(const char *path, GError **error)
{
	struct config *config;
	unsigned seen[G_N_ELEMENTS(params)] = { 0 };	/* line each key was set on */
	char buf[CONFIG_LINE_MAX + 1];
	unsigned lineno = 0;
	GError *inner = NULL;
	size_t len;
	FILE *fp;
	int rc, saved;

	if ((fp = fopen(path, "r")) == NULL) {
		saved = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path,
		    g_strerror(saved));
		return NULL;
	}
	config = config_defaults();
	config->path = g_strdup(path);
	while ((rc = read_line(fp, buf, &len)) != 0) {
		char *key, *value;
		const struct param *p;

		lineno++;
		if (rc < 0) {
			g_set_error(&inner, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
			    "line longer than %d bytes", CONFIG_LINE_MAX);
			goto fail;
		}
		if (!g_utf8_validate(buf, (gssize)len, NULL)) {
			g_set_error(&inner, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
			    "line is not UTF-8 text");
			goto fail;
		}
		key = g_strstrip(buf);
		if (*key == '\0' || *key == '#')
			continue;
		value = key + strcspn(key, " \t");
		if (*value != '\0')
			*value++ = '\0';
		value = g_strchug(value);
		if ((p = param_find(key)) == NULL) {
			g_set_error(&inner, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
			    "unknown key \"%s\"", key);
			goto fail;
		}
		if (*value == '\0') {
			g_set_error(&inner, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
			    "%s: missing value", p->name);
			goto fail;
		}
		if (seen[p - params] != 0) {
			g_set_error(&inner, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
			    "%s: given twice (first on line %u)", p->name, seen[p - params]);
			goto fail;
		}
		seen[p - params] = lineno;
		if (!param_set(config, p, value, &inner))
			goto fail;
	}
	if (ferror(fp)) {
		saved = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path,
		    g_strerror(saved));
		fclose(fp);
		config_unref(config);
		return NULL;
	}
	fclose(fp);
	return config;
fail:
	error_at(error, path, lineno, inner);
	fclose(fp);
	config_unref(config);
	return NULL;
}

struct config *
config_ref(struct config *config)
{
	g_atomic_int_inc(&config->refcount);
	return config;
}

void
config_unref(struct config *config)
{
	if (config == NULL || !g_atomic_int_dec_and_test(&config->refcount))
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(params); i++) {
		const struct param *p = &params[i];

		if (param_is_text(p->type))
			g_free(*FIELD(config, p, char *));
		else if (p->type == P_ADDRLIST)
			g_strfreev(*FIELD(config, p, char **));
	}
	g_free(config->path);
	g_free(config);
}

/* Prints the value of p in config as the file would spell it. */
static void
param_print_value(const struct config *config, const struct param *p, FILE *out)
{
	const char *s;
	char *const *list;
	size_t len;

	if (param_is_text(p->type)) {
		s = *CFIELD(config, p, char *);
		fputs(s == NULL || *s == '\0' ? "none" : s, out);
		return;
	}
	switch (p->type) {
	case P_BOOL:
		fputs(*CFIELD(config, p, bool) ? "yes" : "no", out);
		break;
	case P_UINT:
		fprintf(out, "%u", *CFIELD(config, p, unsigned));
		break;
	case P_SIZE:
		fprintf(out, "%zu", *CFIELD(config, p, size_t));
		break;
	case P_UMASK:
		fprintf(out, "%04o", *CFIELD(config, p, unsigned));
		break;
	case P_ENUM:
		fputs(p->choices[*CFIELD(config, p, enum on_error)], out);
		break;
	case P_ADDRLIST:
		list = *CFIELD(config, p, char **);
		if (list == NULL || list[0] == NULL)
			fputs("none", out);
		/* ", " between items, or "," when that would make the line longer
		 * than config_load reads: the line the list came from had at least
		 * one byte between items, so with one it fits again. */
		len = strlen(p->name) + 1;
		for (size_t i = 0; list != NULL && list[i] != NULL; i++)
			len += strlen(list[i]) + (i > 0 ? 2 : 0);
		for (size_t i = 0; list != NULL && list[i] != NULL; i++)
			fprintf(out, "%s%s", i == 0 ? "" : len > CONFIG_LINE_MAX ? "," : ", ", list[i]);
		break;
	default:	/* text: printed above */
		break;
	}
}

void
config_print(const struct config *config, FILE *out)
{
	for (size_t i = 0; i < G_N_ELEMENTS(params); i++) {
		fprintf(out, "%s ", params[i].name);
		param_print_value(config, &params[i], out);
		fputc('\n', out);
	}
}

void
config_print_table(FILE *out)
{
	for (size_t i = 0; i < G_N_ELEMENTS(params); i++) {
		const struct param *p = &params[i];
		char *lo = NULL, *hi = NULL;

		fprintf(out, "%s\t%s", p->name, type_names[p->type]);
		if (p->type == P_UINT || p->type == P_ADDRLIST) {
			lo = g_strdup_printf("%" PRIu64, p->min);
			hi = g_strdup_printf("%" PRIu64, p->max);
		} else if (p->type == P_SIZE) {
			lo = size_text(p->min);
			hi = size_text(p->max);
		} else if (p->type == P_KEYWORD || p->type == P_ENUM) {
			lo = g_strjoinv("|", (char **)p->choices);
		}
		if (hi != NULL)
			fprintf(out, " %s..%s", lo, hi);
		else if (lo != NULL)
			fprintf(out, " %s", lo);
		fprintf(out, "\t%s\t%s\n", param_default(p), p->help);
		g_free(lo);
		g_free(hi);
	}
}

bool
config_address_in(char *const *list, const char *addr)
{
	size_t len;

	if (list == NULL || addr == NULL)
		return false;
	len = strlen(addr);
	if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>') {
		addr++;
		len -= 2;
	}
	for (; *list != NULL; list++)
		if (strlen(*list) == len && g_ascii_strncasecmp(*list, addr, len) == 0)
			return true;
	return false;
}
