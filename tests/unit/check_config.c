/*
 * check_config.c - unit tests for triage-milter.conf (milter/config.c): the
 * defaults, a full file printed back, every error with its line and key,
 * the bounds, size suffixes, address lists, sockets and the refcount.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "conf.h"
#include "check_run.h"


/* Writes len bytes of text to a new temporary file; returns its name. */
static char *
write_tmp(const char *text, size_t len)
{
	GError *error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("check_config-XXXXXX.conf", &path, &error);

	ck_assert_msg(fd >= 0, "g_file_open_tmp: %s", error ? error->message : "?");
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "short write");
	close(fd);
	return path;
}

/*
 * Loads len bytes of text as a file. Returns the configuration, or NULL with
 * *message set to the error message with the temporary path replaced by
 * "PATH".
 */
static struct config *
load_text(const char *text, size_t len, char **message)
{
	char *path = write_tmp(text, len);
	GError *error = NULL;
	struct config *config = config_load(path, &error);

	*message = NULL;
	if (config == NULL) {
		ck_assert_ptr_nonnull(error);
		ck_assert_msg(g_str_has_prefix(error->message, path),
		    "error \"%s\" does not start with the path", error->message);
		*message = g_strconcat("PATH", error->message + strlen(path), NULL);
		g_error_free(error);
	} else {
		ck_assert_ptr_null(error);
		ck_assert_str_eq(config->path, path);
	}
	g_unlink(path);
	g_free(path);
	return config;
}

/* Returns config_print's output. */
static char *
print_config(const struct config *config)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(fp);
	config_print(config, fp);
	fclose(fp);
	return buf;
}

/* Returns the value config_print shows for key (newly allocated). */
static char *
printed_value(const struct config *config, const char *key)
{
	char *all = print_config(config), **lines = g_strsplit(all, "\n", -1), *got = NULL;
	size_t klen = strlen(key);

	for (char **l = lines; *l != NULL && got == NULL; l++)
		if (strncmp(*l, key, klen) == 0 && (*l)[klen] == ' ')
			got = g_strdup(*l + klen + 1);
	g_strfreev(lines);
	free(all);
	ck_assert_msg(got != NULL, "key %s not printed", key);
	return got;
}

START_TEST(test_defaults)
{
	struct config *c = config_defaults();
	const char *rules = g_file_test(TRIAGE_DATADIR "/rules", G_FILE_TEST_EXISTS) ?
	    TRIAGE_DATADIR "/rules" : TRIAGE_SRCDIR "/rules/cf";
	const char *model = g_file_test(TRIAGE_DATADIR "/triage.model", G_FILE_TEST_EXISTS) ?
	    TRIAGE_DATADIR "/triage.model" : TRIAGE_SRCDIR "/rules/model/triage.model";

	ck_assert_int_eq(c->refcount, 1);
	ck_assert_ptr_null(c->path);
	ck_assert_str_eq(c->socket, "local:triage-milter.sock");
	ck_assert_uint_eq(c->umask, 007);
	ck_assert_ptr_null(c->user_id);
	ck_assert_ptr_null(c->pid_file);
	ck_assert_str_eq(c->syslog_facility, "mail");
	ck_assert(c->syslog);
	ck_assert_str_eq(c->database, "triage.db");
	ck_assert_str_eq(c->rules_dir, rules);
	ck_assert_str_eq(c->model_file, model);
	ck_assert_ptr_nonnull(c->support_addresses);
	ck_assert_str_eq(c->support_addresses[0], "support@localhost");
	ck_assert_ptr_null(c->support_addresses[1]);
	ck_assert_ptr_nonnull(c->agent_addresses);
	ck_assert_ptr_null(c->agent_addresses[0]);
	ck_assert_ptr_null(c->route_critical);
	ck_assert_ptr_null(c->route_high);
	ck_assert(!c->tag_subject);
	ck_assert_uint_eq(c->max_scan_bytes, 256 * 1024);
	ck_assert_uint_eq(c->classify_budget_ms, 200);
	ck_assert_int_eq(c->on_internal_error, ON_ERROR_ACCEPT);
	config_unref(c);
}
END_TEST

/* What config_print shows for the defaults reads back as the same configuration. */
START_TEST(test_defaults_round_trip)
{
	struct config *c = config_defaults(), *back;
	char *printed = print_config(c), *again, *message;

	back = load_text(printed, strlen(printed), &message);
	ck_assert_msg(back != NULL, "reading the printed defaults: %s", message);
	again = print_config(back);
	ck_assert_msg(strcmp(again, printed) == 0, "got\n%s\nwant\n%s", again, printed);
	free(printed);
	free(again);
	config_unref(back);
	config_unref(c);
}
END_TEST

/*
 * Found by fuzz/fuzz_config: an address list that fits its line with one
 * byte between addresses was printed with ", " on a line longer than
 * config_load reads, so the printed settings did not read back.
 */
START_TEST(test_long_list_round_trip)
{
	char *path = g_build_filename(TESTS_SRCDIR, "data", "fuzz-config-long-addrlist.conf", NULL);
	GError *error = NULL;
	struct config *c = config_load(path, &error), *back;
	char *printed, *again, *message, **lines;

	ck_assert_msg(c != NULL, "%s", error ? error->message : "?");
	ck_assert_uint_eq(g_strv_length(c->support_addresses), 220);
	printed = print_config(c);
	lines = g_strsplit(printed, "\n", -1);
	for (char **l = lines; *l != NULL; l++)
		ck_assert_msg(strlen(*l) <= 4096, "printed line of %zu bytes", strlen(*l));
	g_strfreev(lines);
	back = load_text(printed, strlen(printed), &message);
	ck_assert_msg(back != NULL, "reading the printed settings: %s", message);
	ck_assert_uint_eq(g_strv_length(back->support_addresses), 220);
	again = print_config(back);
	ck_assert_str_eq(again, printed);
	free(again);
	free(printed);
	config_unref(back);
	config_unref(c);
	g_free(path);
}
END_TEST

static const char full_file[] =
	"# triage-milter.conf: every key set\n"
	"\n"
	"socket\tinet:8891@127.0.0.1\n"
	"UMask 0027\n"
	"UserID  triage:mail  \n"
	"PidFile /run/triage-milter/triage-milter.pid\r\n"
	"   # an indented comment\n"
	"SyslogFacility LOCAL3\n"
	"Syslog false\n"
	"Database /var/lib/triage-milter/triage.db\n"
	"RulesDir /etc/triage-milter/rules\n"
	"ModelFile none\n"
	"SupportAddresses Support@Example.COM,help@example.com  billing@Example.com\n"
	"AgentAddresses alice@example.com, bob@example.com\n"
	"RouteCritical Oncall@Example.com\n"
	"RouteHigh team-lead@example.com\n"
	"TAGSUBJECT 1\n"
	"MaxScanBytes 1M\n"
	"ClassifyBudget 750\n"
	"OnInternalError TempFail\n"
	"DatabaseSync full\n"
	"DatabaseTimeout 250\n"
	"TicketPrefix SUP#\n"
	"StoreText yes\n"
	"ResolveMarker none\n"
	"SLACritical 30m\n"
	"SLAHigh 2h\n"
	"SLANormal 8h\n"
	"SLALow 1bd 4h\n"
	"BusinessHours mon-thu 08:00-17:00, fri 08:00-15:00\n"
	"TimeZone Europe/Stockholm\n"
	"HolidaysFile /etc/triage-milter/holidays\n"
	"AckEnable no\n"
	"AckRelay sendmail:/usr/sbin/sendmail\n"
	"AckFromName Kundtjänst\n"
	"AckSubject [%t] %s (100%%)\n"
	"AckTemplatesDir /etc/triage-milter/templates\n"
	"AckDefaultLanguage sv\n"
	"AckRequireAuth yes\n"
	"TrustedAuthservIDs mx1.example.com mx2.example.com\n"
	"AckDedupeMinutes 30\n"
	"AckDailyCap 3\n"
	"AckRetrySeconds 5\n"
	"AckRateLimit 600\n";

static const char full_printed[] =
	"Socket inet:8891@127.0.0.1\n"
	"UMask 0027\n"
	"UserID triage:mail\n"
	"PidFile /run/triage-milter/triage-milter.pid\n"
	"SyslogFacility local3\n"
	"Syslog no\n"
	"Database /var/lib/triage-milter/triage.db\n"
	"RulesDir /etc/triage-milter/rules\n"
	"ModelFile none\n"
	"SupportAddresses support@example.com, help@example.com, billing@example.com\n"
	"AgentAddresses alice@example.com, bob@example.com\n"
	"RouteCritical oncall@example.com\n"
	"RouteHigh team-lead@example.com\n"
	"TagSubject yes\n"
	"MaxScanBytes 1048576\n"
	"ClassifyBudget 750\n"
	"OnInternalError tempfail\n"
	"DatabaseSync full\n"
	"DatabaseTimeout 250\n"
	"TicketPrefix SUP#\n"
	"StoreText yes\n"
	"ResolveMarker none\n"
	"SLACritical 30m\n"
	"SLAHigh 2h\n"
	"SLANormal 8h\n"
	"SLALow 1bd 4h\n"
	"BusinessHours mon-thu 08:00-17:00, fri 08:00-15:00\n"
	"TimeZone Europe/Stockholm\n"
	"HolidaysFile /etc/triage-milter/holidays\n"
	"AckEnable no\n"
	"AckRelay sendmail:/usr/sbin/sendmail\n"
	"AckFromName Kundtjänst\n"
	"AckSubject [%t] %s (100%%)\n"
	"AckTemplatesDir /etc/triage-milter/templates\n"
	"AckDefaultLanguage sv\n"
	"AckRequireAuth yes\n"
	"TrustedAuthservIDs mx1.example.com mx2.example.com\n"
	"AckDedupeMinutes 30\n"
	"AckDailyCap 3\n"
	"AckRetrySeconds 5\n"
	"AckRateLimit 600\n";

START_TEST(test_full_file)
{
	char *message, *got, *again;
	struct config *c = load_text(full_file, sizeof(full_file) - 1, &message), *back;

	ck_assert_msg(c != NULL, "load: %s", message);
	got = print_config(c);
	ck_assert_msg(strcmp(got, full_printed) == 0, "got\n%s\nwant\n%s", got, full_printed);
	ck_assert_str_eq(c->model_file, "");
	ck_assert_int_eq(c->on_internal_error, ON_ERROR_TEMPFAIL);
	ck_assert_uint_eq(c->umask, 027);

	/* And the printed form reads back to itself. */
	back = load_text(got, strlen(got), &message);
	ck_assert_msg(back != NULL, "reload: %s", message);
	again = print_config(back);
	ck_assert_msg(strcmp(again, got) == 0, "got\n%s\nwant\n%s", again, got);
	free(again);
	free(got);
	config_unref(back);
	config_unref(c);
}
END_TEST

struct error_case {
	const char *name;
	const char *in;
	const char *want;	/* the message, PATH for the file name */
};

static const struct error_case error_cases[] = {
	{ "unknown key", "# c\nSocket local:x\nSockets local:y\n",
	  "PATH:3: unknown key \"Sockets\"" },
	{ "key=value is no key", "Syslog=yes\n", "PATH:1: unknown key \"Syslog=yes\"" },
	{ "missing value", "\n\nDatabase   \n", "PATH:3: Database: missing value" },
	{ "missing value, no blank", "TagSubject\n", "PATH:1: TagSubject: missing value" },
	{ "bad number", "ClassifyBudget 12ms\n",
	  "PATH:1: ClassifyBudget: bad number \"12ms\"" },
	{ "negative number", "\nClassifyBudget -1\n",
	  "PATH:2: ClassifyBudget: bad number \"-1\"" },
	{ "bad size", "MaxScanBytes 12KB\n",
	  "PATH:1: MaxScanBytes: bad number \"12KB\" (want digits with an optional K or M)" },
	{ "bad size suffix only", "MaxScanBytes K\n",
	  "PATH:1: MaxScanBytes: bad number \"K\" (want digits with an optional K or M)" },
	{ "bad umask digit", "UMask 0778\n", "PATH:1: UMask: bad number \"0778\" (want octal)" },
	{ "umask out of bounds", "UMask 1000\n",
	  "PATH:1: UMask: \"1000\" is out of bounds (0000..0777)" },
	{ "budget below min", "ClassifyBudget 0\n",
	  "PATH:1: ClassifyBudget: \"0\" is out of bounds (1..60000)" },
	{ "size above max", "# x\n# y\nMaxScanBytes 65537K\n",
	  "PATH:3: MaxScanBytes: \"65537K\" is out of bounds (4K..64M)" },
	{ "number overflows", "ClassifyBudget 99999999999999999999999\n",
	  "PATH:1: ClassifyBudget: \"99999999999999999999999\" is out of bounds (1..60000)" },
	{ "size overflows with suffix", "MaxScanBytes 18014398509481984K\n",
	  "PATH:1: MaxScanBytes: \"18014398509481984K\" is out of bounds (4K..64M)" },
	{ "bad boolean", "Syslog maybe\n",
	  "PATH:1: Syslog: bad boolean \"maybe\" (yes|no|true|false|1|0)" },
	{ "bad address in list", "SupportAddresses a@example.com, bob\n",
	  "PATH:1: SupportAddresses: bad address \"bob\" (want local@domain)" },
	{ "address without local part", "AgentAddresses @example.com\n",
	  "PATH:1: AgentAddresses: bad address \"@example.com\" (want local@domain)" },
	{ "address with empty label", "RouteHigh a@example..com\n",
	  "PATH:1: RouteHigh: bad address \"a@example..com\" (want local@domain)" },
	{ "address in angle brackets", "RouteCritical <a@example.com>\n",
	  "PATH:1: RouteCritical: bad address \"<a@example.com>\" (want local@domain)" },
	{ "single address is one", "RouteCritical a@example.com b@example.com\n",
	  "PATH:1: RouteCritical: bad address \"a@example.com b@example.com\" "
	  "(want local@domain)" },
	{ "empty address list", "SupportAddresses , ,\n",
	  "PATH:1: SupportAddresses: 0 addresses is out of bounds (1..1000)" },
	{ "support cannot be none", "SupportAddresses none\n",
	  "PATH:1: SupportAddresses: bad address \"none\" (want local@domain)" },
	{ "bad enum", "OnInternalError reject\n",
	  "PATH:1: OnInternalError: bad value \"reject\" (accept|tempfail)" },
	{ "bad facility", "SyslogFacility kern\n",
	  "PATH:1: SyslogFacility: bad value \"kern\" "
	  "(mail|daemon|local0|local1|local2|local3|local4|local5|local6|local7)" },
	{ "given twice", "Socket local:a\n\nsocket local:b\n",
	  "PATH:3: Socket: given twice (first on line 1)" },
	{ "given twice, same value", "TagSubject yes\nTagSubject yes\n",
	  "PATH:2: TagSubject: given twice (first on line 1)" },
	{ "not UTF-8", "Database a.db\nRulesDir /r\xe9gles\n", "PATH:2: line is not UTF-8 text" },
	{ "comment not UTF-8", "# caf\xe9\n", "PATH:1: line is not UTF-8 text" },
	{ "trailing comment is a value", "ClassifyBudget 5 # ms\n",
	  "PATH:1: ClassifyBudget: bad number \"5 # ms\"" },
	{ "bad socket", "Socket /var/run/t.sock\n",
	  "PATH:1: Socket: bad socket \"/var/run/t.sock\" "
	  "(local:PATH, unix:PATH, inet:PORT[@HOST], inet6:PORT[@HOST])" },
	{ "socket port 0", "Socket inet:0@localhost\n",
	  "PATH:1: Socket: bad port in \"inet:0@localhost\" (1..65535)" },
	{ "socket port 65536", "Socket inet6:65536\n",
	  "PATH:1: Socket: bad port in \"inet6:65536\" (1..65535)" },
	{ "bad SLA target", "\nSLAHigh 4 hours\n", "PATH:2: SLAHigh: " },
	{ "SLA in seconds", "SLACritical 30s\n", "PATH:1: SLACritical: " },
	{ "bad business hours", "BusinessHours mon-fri 17:00-08:00\n", "PATH:1: BusinessHours: " },
	{ "overlapping business hours", "BusinessHours mon-fri 08:00-17:00, fri 08:00-15:00\n",
	  "PATH:1: BusinessHours: " },
	{ "unknown zone", "TimeZone Europe/Atlantis\n",
	  "PATH:1: TimeZone: unknown time zone \"Europe/Atlantis\" "
	  "(want e.g. Europe/Stockholm, UTC, +01:00)" },
	{ "prefix ending in a digit", "TicketPrefix T1\n",
	  "PATH:1: TicketPrefix: bad prefix \"T1\" (1-11 printable ASCII characters, no blank, "
	  "not ending in a digit)" },
	{ "prefix with a blank", "TicketPrefix Ticket No\n",
	  "PATH:1: TicketPrefix: bad prefix \"Ticket No\" (1-11 printable ASCII characters, "
	  "no blank, not ending in a digit)" },
	{ "bad relay", "AckRelay 127.0.0.1:25\n",
	  "PATH:1: AckRelay: bad relay \"127.0.0.1:25\" (smtp://HOST[:PORT] or sendmail:/PATH)" },
	{ "relative sendmail", "AckRelay sendmail:sendmail\n",
	  "PATH:1: AckRelay: bad relay \"sendmail:sendmail\" (smtp://HOST[:PORT] or "
	  "sendmail:/PATH)" },
	{ "bad subject format", "AckSubject Re: %d\n",
	  "PATH:1: AckSubject: bad format \"Re: %d\" (%t the ticket, %s the subject, %% a %)" },
	{ "bad sync level", "DatabaseSync extra\n",
	  "PATH:1: DatabaseSync: bad value \"extra\" (off|normal|full)" },
};

START_TEST(test_errors)
{
	const struct error_case *e = &error_cases[_i];
	char *message;
	struct config *c = load_text(e->in, strlen(e->in), &message);

	ck_assert_msg(c == NULL, "%s: loaded, want error \"%s\"", e->name, e->want);
	/* A want ending in ": " is the start of a message another module words. */
	ck_assert_msg(g_str_has_suffix(e->want, ": ") ? g_str_has_prefix(message, e->want) &&
	    strlen(message) > strlen(e->want) : strcmp(message, e->want) == 0,
	    "%s: got \"%s\", want \"%s\"", e->name, message, e->want);
	g_free(message);
}
END_TEST

START_TEST(test_errors_binary)
{
	static const char nul[] = "Database a\0b\n";
	GString *text = g_string_new("# ok\n");
	char *message;

	ck_assert_ptr_null(load_text(nul, sizeof(nul) - 1, &message));
	ck_assert_str_eq(message, "PATH:1: line is not UTF-8 text");
	g_free(message);

	/* A line of 4096 bytes is fine; 4097 is not. */
	g_string_append(text, "Database ");
	while (text->len < 5 + 4096)
		g_string_append_c(text, 'x');
	g_string_append_c(text, '\n');
	struct config *c = load_text(text->str, text->len, &message);
	ck_assert_msg(c != NULL, "4096 bytes: %s", message);
	ck_assert_uint_eq(strlen(c->database), 4096 - strlen("Database "));
	config_unref(c);
	g_string_insert_c(text, 10, 'x');
	ck_assert_ptr_null(load_text(text->str, text->len, &message));
	ck_assert_str_eq(message, "PATH:2: line longer than 4096 bytes");
	g_free(message);
	g_string_free(text, TRUE);
}
END_TEST

START_TEST(test_unreadable)
{
	GError *error = NULL;
	const char *path = "/nonexistent/triage-milter.conf";
	char *dir = g_dir_make_tmp("check_config-XXXXXX", NULL), *want;

	ck_assert_ptr_null(config_load(path, &error));
	ck_assert_str_eq(error->message, "/nonexistent/triage-milter.conf: No such file or directory");
	ck_assert(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
	g_clear_error(&error);

	/* A directory opens but does not read. */
	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_null(config_load(dir, &error));
	want = g_strdup_printf("%s: Is a directory", dir);
	ck_assert_str_eq(error->message, want);
	g_clear_error(&error);
	g_free(want);
	g_rmdir(dir);
	g_free(dir);
}
END_TEST

/* One line, and what config_print then shows for its key (NULL: an error is wanted). */
struct value_case {
	const char *line;
	const char *want;
};

static const struct value_case value_cases[] = {
	/* Bounds: min, max, max + 1 is in error_cases or below. */
	{ "ClassifyBudget 1", "1" },
	{ "ClassifyBudget 60000", "60000" },
	{ "ClassifyBudget 60001", NULL },
	{ "ClassifyBudget 007", "7" },
	{ "MaxScanBytes 4096", "4096" },
	{ "MaxScanBytes 4095", NULL },
	{ "MaxScanBytes 4K", "4096" },
	{ "MaxScanBytes 3K", NULL },
	{ "MaxScanBytes 64M", "67108864" },
	{ "MaxScanBytes 67108864", "67108864" },
	{ "MaxScanBytes 67108865", NULL },
	{ "MaxScanBytes 65M", NULL },
	/* Size suffixes, either case. */
	{ "MaxScanBytes 256k", "262144" },
	{ "MaxScanBytes 256K", "262144" },
	{ "MaxScanBytes 1m", "1048576" },
	{ "MaxScanBytes 10000", "10000" },
	{ "MaxScanBytes 1G", NULL },
	{ "MaxScanBytes 4 K", NULL },
	/* Umask: octal, 0..0777. */
	{ "UMask 0", "0000" },
	{ "UMask 077", "0077" },
	{ "UMask 777", "0777" },
	{ "UMask 0777", "0777" },
	{ "UMask 8", NULL },
	{ "UMask 01000", NULL },
	/* Booleans. */
	{ "Syslog yes", "yes" },
	{ "Syslog NO", "no" },
	{ "Syslog True", "yes" },
	{ "Syslog false", "no" },
	{ "Syslog 1", "yes" },
	{ "Syslog 0", "no" },
	{ "Syslog 2", NULL },
	{ "Syslog y", NULL },
	/* Address lists: comma and/or space, lower-cased, empty items skipped. */
	{ "SupportAddresses A@B.example", "a@b.example" },
	{ "SupportAddresses a@x.org,b@y.org", "a@x.org, b@y.org" },
	{ "SupportAddresses a@x.org , , B@Y.ORG\tc@z", "a@x.org, b@y.org, c@z" },
	{ "SupportAddresses first.last+tag@sub-1.example.com", "first.last+tag@sub-1.example.com" },
	{ "SupportAddresses a@-x.org", NULL },
	{ "SupportAddresses a@x-.org", NULL },
	{ "SupportAddresses a@x.org.", NULL },
	{ "SupportAddresses a@.org", NULL },
	{ "SupportAddresses a@", NULL },
	{ "SupportAddresses a@b@c", NULL },
	{ "SupportAddresses a;b@c", NULL },
	{ "SupportAddresses r\xc3\xa9@c", NULL },
	{ "AgentAddresses NONE", "none" },
	{ "AgentAddresses x@y", "x@y" },
	{ "RouteCritical none", "none" },
	{ "RouteCritical Boss@Example.org", "boss@example.org" },
	{ "RouteHigh boss", NULL },
	/* Optional strings. */
	{ "UserID none", "none" },
	{ "UserID milter", "milter" },
	{ "PidFile none", "none" },
	{ "ModelFile none", "none" },
	{ "ModelFile /m/t.model", "/m/t.model" },
	{ "Database none", "none" },	/* not optional: a file called none */
	/* Keywords and enums, any case, printed canonical. */
	{ "SyslogFacility Daemon", "daemon" },
	{ "SyslogFacility local7", "local7" },
	{ "SyslogFacility local8", NULL },
	{ "OnInternalError ACCEPT", "accept" },
	{ "OnInternalError tempfail", "tempfail" },
	{ "OnInternalError reject", NULL },
	/* Sockets as libmilter spells them. */
	{ "Socket local:/run/triage/milter.sock", "local:/run/triage/milter.sock" },
	{ "Socket local:relative.sock", "local:relative.sock" },
	{ "Socket unix:/var/run/t.sock", "unix:/var/run/t.sock" },
	{ "Socket inet:8891", "inet:8891" },
	{ "Socket inet:1@localhost", "inet:1@localhost" },
	{ "Socket inet:65535@10.0.0.1", "inet:65535@10.0.0.1" },
	{ "Socket inet6:8891@::1", "inet6:8891@::1" },
	{ "Socket INET:8891@host", "INET:8891@host" },
	{ "Socket local:", NULL },
	{ "Socket inet:", NULL },
	{ "Socket inet:8891@", NULL },
	{ "Socket inet:0", NULL },
	{ "Socket inet:65536@h", NULL },
	{ "Socket inet:smtp@h", NULL },
	{ "Socket inet:-1@h", NULL },
	{ "Socket inet4:8891", NULL },
	{ "Socket tcp:8891", NULL },
	{ "Socket :8891", NULL },
};

START_TEST(test_values)
{
	const struct value_case *v = &value_cases[_i];
	char *text = g_strconcat(v->line, "\n", NULL), *message, *key, *got;
	struct config *c = load_text(text, strlen(text), &message);

	if (v->want == NULL) {
		ck_assert_msg(c == NULL, "\"%s\": loaded, want an error", v->line);
		key = g_strndup(v->line, strcspn(v->line, " "));
		/* The message names line 1 and the key. */
		ck_assert_msg(g_str_has_prefix(message, "PATH:1: ") &&
		    strstr(message, key) != NULL, "\"%s\": got \"%s\", want line 1 and %s",
		    v->line, message, key);
		g_free(key);
		g_free(message);
	} else {
		ck_assert_msg(c != NULL, "\"%s\": got \"%s\", want %s", v->line, message, v->want);
		key = g_strndup(v->line, strcspn(v->line, " "));
		got = printed_value(c, key);
		ck_assert_msg(strcmp(got, v->want) == 0, "\"%s\": got \"%s\", want \"%s\"",
		    v->line, got, v->want);
		g_free(got);
		g_free(key);
		config_unref(c);
	}
	g_free(text);
}
END_TEST

struct address_case {
	const char *addr;
	bool want;
};

static const struct address_case address_cases[] = {
	{ "support@example.com", true },
	{ "Support@Example.COM", true },
	{ "<support@example.com>", true },
	{ "<HELP@example.com>", true },
	{ "help@example.com", true },
	{ "support@example.co", false },
	{ "support@example.com.", false },
	{ "<support@example.com", false },
	{ "support@example.com>", false },
	{ "<>", false },
	{ "", false },
	{ "upport@example.com", false },
	{ "ssupport@example.com", false },
};

START_TEST(test_address_in)
{
	static char *const list[] = { "support@example.com", "help@example.com", NULL };
	static char *const empty[] = { NULL };
	const struct address_case *a = &address_cases[_i];
	bool got = config_address_in(list, a->addr);

	ck_assert_msg(got == a->want, "\"%s\": got %d, want %d", a->addr, got, a->want);
	ck_assert(!config_address_in(empty, a->addr));
	ck_assert(!config_address_in(NULL, a->addr));
}
END_TEST

START_TEST(test_refcount)
{
	struct config *c = config_defaults();

	ck_assert_ptr_eq(config_ref(c), c);
	ck_assert_int_eq(g_atomic_int_get(&c->refcount), 2);
	config_unref(c);
	ck_assert_int_eq(g_atomic_int_get(&c->refcount), 1);
	ck_assert_str_eq(c->socket, "local:triage-milter.sock");	/* still alive */
	config_unref(c);	/* frees: ASan and valgrind see a leak or a double free */
	config_unref(NULL);
}
END_TEST

/* A configuration outlives reloads: each holder keeps its own. */
START_TEST(test_reload_keeps_old)
{
	static const char text[] = "ClassifyBudget 5\n";
	struct config *old = config_defaults(), *held = config_ref(old), *fresh;
	char *message;

	fresh = load_text(text, sizeof(text) - 1, &message);
	ck_assert_ptr_nonnull(fresh);
	config_unref(old);	/* the daemon drops its reference */
	ck_assert_uint_eq(held->classify_budget_ms, 200);
	ck_assert_uint_eq(fresh->classify_budget_ms, 5);
	config_unref(held);
	config_unref(fresh);
}
END_TEST

START_TEST(test_print_table)
{
	static const char *const keys[] = {
		"Socket", "UMask", "UserID", "PidFile", "SyslogFacility", "Syslog", "Database",
		"RulesDir", "ModelFile", "SupportAddresses", "AgentAddresses", "RouteCritical",
		"RouteHigh", "TagSubject", "MaxScanBytes", "ClassifyBudget", "OnInternalError",
		"DatabaseSync", "DatabaseTimeout", "TicketPrefix", "StoreText", "ResolveMarker", "SLACritical",
		"SLAHigh", "SLANormal", "SLALow", "BusinessHours", "TimeZone", "HolidaysFile",
		"AckEnable", "AckRelay", "AckFromName", "AckSubject", "AckTemplatesDir",
		"AckDefaultLanguage", "AckRequireAuth", "TrustedAuthservIDs", "AckDedupeMinutes",
		"AckDailyCap", "AckRetrySeconds", "AckRateLimit",
	};
	char *buf = NULL, **lines, *printed;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	struct config *c = config_defaults();

	config_print_table(fp);
	fclose(fp);
	lines = g_strsplit(buf, "\n", -1);
	ck_assert_uint_eq(g_strv_length(lines), G_N_ELEMENTS(keys) + 1);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		char **cols = g_strsplit(lines[i], "\t", -1);

		ck_assert_msg(g_strv_length(cols) == 4, "line \"%s\": got %u columns, want 4",
		    lines[i], g_strv_length(cols));
		ck_assert_str_eq(cols[0], keys[i]);
		ck_assert_msg(*cols[3] != '\0', "%s: no help", keys[i]);
		g_strfreev(cols);
	}
	ck_assert_str_eq(lines[14], "MaxScanBytes\tsize 4K..64M\t256K\t"
	    "Body bytes read before the rest of the message is skipped");
	ck_assert(g_str_has_prefix(lines[16], "OnInternalError\tenum accept|tempfail\taccept\t"));
	g_strfreev(lines);
	free(buf);

	/* config_print follows the same order. */
	printed = print_config(c);
	lines = g_strsplit(printed, "\n", -1);
	ck_assert_uint_eq(g_strv_length(lines), G_N_ELEMENTS(keys) + 1);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		ck_assert_msg(g_str_has_prefix(lines[i], keys[i]) && lines[i][strlen(keys[i])] == ' ',
		    "line %zu: got \"%s\", want key %s", i + 1, lines[i], keys[i]);
	g_strfreev(lines);
	free(printed);
	config_unref(c);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_defaults_round_trip);
	tcase_add_test(tc, test_long_list_round_trip);
	tcase_add_test(tc, test_full_file);
	tcase_add_loop_test(tc, test_errors, 0, (int)G_N_ELEMENTS(error_cases));
	tcase_add_test(tc, test_errors_binary);
	tcase_add_test(tc, test_unreadable);
	tcase_add_loop_test(tc, test_values, 0, (int)G_N_ELEMENTS(value_cases));
	tcase_add_loop_test(tc, test_address_in, 0, (int)G_N_ELEMENTS(address_cases));
	tcase_add_test(tc, test_refcount);
	tcase_add_test(tc, test_reload_keeps_old);
	tcase_add_test(tc, test_print_table);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(config_suite());
}
