/*
 * cmd_report.h - what the read-only subcommands (report, overdue, themes,
 * ticket) share: their database options, reading times and durations,
 * and writing them.
 */
#ifndef TRIAGE_CLI_CMD_REPORT_H
#define TRIAGE_CLI_CMD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <glib.h>

/*
 * Parses a time: YYYY-MM-DD (midnight UTC) or a full ISO 8601 time
 * (2024-03-04T10:00:00Z, +01:00; UTC when it names no zone). False for
 * anything else, an impossible date included.
 */
bool cli_parse_time(const char *text, gint64 *out);

/*
 * Parses a duration: whole numbers each followed by s, m, h or d
 * ("30m", "1h30m", "2d"), or a bare number of seconds. At most 10 years.
 */
bool cli_parse_duration(const char *text, gint64 *out);

/* Writes seconds as people read them: "45s", "12m 05s", "1h 05m", "2d 03h"; "-" when < 0 is "none". */
const char *cli_format_duration(double seconds, char *buf, size_t len);

/* Writes a Unix time as "YYYY-MM-DD HH:MM:SS" (UTC), or "-" for 0. */
const char *cli_format_time(gint64 t, char *buf, size_t len);

/*
 * Writes text from the database (a customer's subject or address, a
 * Message-ID) with control characters shown as '?': nothing a customer
 * wrote can move the cursor of the terminal reading it. NULL writes "-".
 */
void cli_put_safe(FILE *out, const char *text);

#endif
