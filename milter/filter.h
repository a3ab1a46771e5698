/*
 * filter.h - the libmilter callbacks of triage-milter.
 */
#ifndef TRIAGE_FILTER_H
#define TRIAGE_FILTER_H

#include <libmilter/mfapi.h>

/* The filter description handed to smfi_register(). */
extern struct smfiDesc filter_description;

#endif
