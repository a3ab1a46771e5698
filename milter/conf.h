/*
 * conf.h - triage-milter.conf: one table of settings, a parser, a printer.
 *
 * The file is "Key value" lines in the style of opendkim.conf. Every setting
 * is a row of one defaults table (name, type, default, bounds, help); an
 * unknown key or a bad value is an error naming the file and line. A loaded
 * configuration is immutable and reference-counted: a reload builds a new
 * one, and each connection keeps the one it started with.
 *
 * Keys are case-insensitive; the value is the rest of the line, trimmed.
 * Lines starting with # (after blanks) are comments; a # later in a line is
 * part of the value. The optional settings (UserID, PidFile, ModelFile,
 * AgentAddresses, RouteCritical, RouteHigh) take the word "none" to unset
 * them, which is also how config_print shows them unset, so its output
 * reads back as the same configuration.
 */
#ifndef TRIAGE_MILTER_CONF_H
#define TRIAGE_MILTER_CONF_H

#include <stdbool.h>
#include <stdio.h>
#include <glib.h>

enum on_error { ON_ERROR_ACCEPT, ON_ERROR_TEMPFAIL };

struct config {
	gint refcount;
	char *path;			/* file it was read from, or NULL for defaults */

	char *socket;			/* Socket: local:/path, inet:port@host, inet6:port@host */
	unsigned umask;			/* UMask: for the unix socket and files, <= 0777 */
	char *user_id;			/* UserID user[:group], or NULL to stay who we are */
	char *pid_file;			/* PidFile, or NULL */
	char *syslog_facility;		/* SyslogFacility: mail, local0..local7, daemon */
	bool syslog;			/* Syslog: log to syslog (else stderr) */

	char *database;			/* Database: SQLite file */
	char *rules_dir;		/* RulesDir */
	char *model_file;		/* ModelFile, "" for none (never NULL) */

	char **support_addresses;	/* SupportAddresses: NULL-terminated, lower case, >= 1 */
	char **agent_addresses;		/* AgentAddresses: likewise, may be empty (never NULL) */
	char *route_critical;		/* RouteCritical: rcpt added for critical, or NULL; lower case */
	char *route_high;		/* RouteHigh */
	bool tag_subject;		/* TagSubject: prefix the Subject with [urgency] */

	size_t max_scan_bytes;		/* MaxScanBytes: body bytes read before SMFIS_SKIP */
	unsigned classify_budget_ms;	/* ClassifyBudget: over it, OnInternalError applies */
	enum on_error on_internal_error;/* OnInternalError accept|tempfail */

	char *database_sync;		/* DatabaseSync: off, normal, full */
	unsigned database_timeout_ms;	/* DatabaseTimeout: SQLite's busy timeout */
	char *ticket_prefix;		/* TicketPrefix */
	bool store_text;		/* StoreText */
	char *resolve_marker;		/* ResolveMarker, or NULL */
	char *sla[4];			/* SLACritical, SLAHigh, SLANormal, SLALow (sla.h targets) */
	char *business_hours;		/* BusinessHours, or NULL for always open */
	char *time_zone;		/* TimeZone */
	char *holidays_file;		/* HolidaysFile, or NULL */

	bool ack_enable;		/* AckEnable */
	char *ack_relay;		/* AckRelay: smtp://HOST:PORT or sendmail:/PATH */
	char *ack_from_name;		/* AckFromName, "" for none */
	char *ack_subject;		/* AckSubject: %t, %s, %% */
	char *ack_templates_dir;	/* AckTemplatesDir, or NULL */
	char *ack_default_language;	/* AckDefaultLanguage */
	bool ack_require_auth;		/* AckRequireAuth */
	char *trusted_authserv_ids;	/* TrustedAuthservIDs, or NULL */
	unsigned ack_dedupe_minutes;	/* AckDedupeMinutes */
	unsigned ack_daily_cap;		/* AckDailyCap */
	unsigned ack_rate_limit;	/* AckRateLimit: per minute */
	unsigned ack_retry_seconds;	/* AckRetrySeconds: the first back-off */
};

/*
 * Returns the configuration with every setting at its default (the quick
 * start's: socket and database under the working directory). One reference.
 */
struct config *config_defaults(void);

/*
 * Reads path over the defaults. Returns a configuration with one reference,
 * or NULL with *error reading "PATH:LINE: what is wrong" (unknown key, bad
 * value, value out of bounds, key given twice, a line over 4096 bytes or not
 * UTF-8), in G_KEY_FILE_ERROR (PARSE for the line, INVALID_VALUE for the
 * value); a file that cannot be read gives "PATH: reason" in G_FILE_ERROR.
 * The first error stops the reading.
 */
struct config *config_load(const char *path, GError **error);

struct config *config_ref(struct config *config);
/* Drops a reference; the last frees the configuration. NULL is accepted. */
void config_unref(struct config *config);

/*
 * Prints the effective settings, one "Key value" line each, in table order,
 * as `triage-milter -n` shows them: what was read, or the default.
 */
void config_print(const struct config *config, FILE *out);

/* Prints the table: every key with its type, default and help (for the man page). */
void config_print_table(FILE *out);

/*
 * True when addr (any case, in <> or not) is one of list (lower case,
 * NULL-terminated). A NULL list or addr is in nothing.
 */
bool config_address_in(char *const *list, const char *addr);

#endif
