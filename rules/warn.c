/*
 * warn.c - collecting one-line warnings about malformed input.
 */
#include "warn.h"

#include <stdarg.h>

void
warn_add(GPtrArray *warnings, const char *fmt, ...)
{
	va_list ap;

	if (warnings == NULL || warnings->len >= WARN_MAX)
		return;
	va_start(ap, fmt);
	g_ptr_array_add(warnings, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}
