/*
 * log.h - one-line log messages, to syslog or standard error.
 */
#ifndef TRIAGE_LOG_H
#define TRIAGE_LOG_H

#include <stdbool.h>
#include <syslog.h>
#include <glib.h>

/*
 * Sends messages to syslog with facility (a name: mail, daemon, local0..7),
 * or to standard error when to_syslog is false (foreground).
 */
void log_open(bool to_syslog, const char *facility);

/* Logs one line at priority; messages about a message start "QUEUEID: ". */
void log_msg(int priority, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
