/*
 * log.c - one-line log messages, to syslog or standard error.
 */
#include <glib.h>

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Set once before the milter threads start, only read afterwards. */
static bool use_syslog;

void
log_open(bool to_syslog, const char *facility)
{
	static const struct { const char *name; int code; } facilities[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};
	int code = LOG_MAIL;

	for (size_t i = 0; i < G_N_ELEMENTS(facilities); i++)
		if (facility != NULL && strcmp(facility, facilities[i].name) == 0)
			code = facilities[i].code;
	use_syslog = to_syslog;
	if (use_syslog)
		openlog("triage-milter", LOG_PID, code);
}

void
log_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(priority, fmt, ap);
	} else {
		/* One write per line, so lines of different threads never mix. */
		char *line = g_strdup_vprintf(fmt, ap);

		fprintf(stderr, "triage-milter: %s\n", line);
		g_free(line);
	}
	va_end(ap);
}
