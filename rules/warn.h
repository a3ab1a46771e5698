/*
 * warn.h - collecting one-line warnings about malformed input.
 */
#ifndef TRIAGE_WARN_H
#define TRIAGE_WARN_H

#include <glib.h>

/* Maximum warnings kept per message: hostile input could produce millions. */
#define WARN_MAX 64

/*
 * Appends a newly formatted line to warnings (a GPtrArray of char * whose
 * free function is g_free). Does nothing when warnings is NULL or already
 * holds WARN_MAX lines.
 */
void warn_add(GPtrArray *warnings, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
