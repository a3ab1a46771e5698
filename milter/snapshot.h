/*
 * snapshot.h - what one connection works with: settings, rules and model.
 *
 * A snapshot is immutable and reference-counted. Each connection takes a
 * reference to the current one when it opens and keeps it to the end, so a
 * reload (a new snapshot built aside, then swapped in) never changes the
 * rules under a message in flight.
 */
#ifndef TRIAGE_SNAPSHOT_H
#define TRIAGE_SNAPSHOT_H

#include <glib.h>

#include "ack_template.h"
#include "conf.h"
#include "model.h"
#include "ruleset.h"
#include "sla.h"
#include "verdict.h"

struct snapshot {
	gint refcount;
	struct config *config;		/* owned */
	struct ruleset *rules;		/* owned reference */
	struct model *model;		/* owned, NULL when ModelFile is none */
	struct sla_calendar *calendar;	/* owned: BusinessHours, TimeZone, HolidaysFile */
	struct sla_duration sla[URGENCY_CRITICAL + 1];	/* SLA targets by enum urgency */
	GTimeZone *zone;		/* owned reference: TimeZone */
	struct ack_templates *templates;	/* owned; NULL when AckEnable is no */
	char **trusted_authserv_ids;	/* owned: TrustedAuthservIDs split, or NULL */
};

/*
 * The shipped acknowledgement templates: the installed ones, or the source
 * tree's when the program runs from its build directory.
 */
const char *snapshot_builtin_templates(void);

/*
 * Builds a snapshot from config (taking a reference): loads its rules and
 * model, builds its SLA calendar, loads the acknowledgement templates.
 * NULL with *error when any of them fails.
 */
struct snapshot *snapshot_build(struct config *config, GError **error);

struct snapshot *snapshot_ref(struct snapshot *snap);
/* Drops a reference; the last frees everything. NULL is accepted. */
void snapshot_unref(struct snapshot *snap);

/* Makes snap the current snapshot (taking a reference); thread-safe. */
void snapshot_install(struct snapshot *snap);

/* Returns a new reference to the current snapshot; thread-safe. */
struct snapshot *snapshot_current(void);

#endif
