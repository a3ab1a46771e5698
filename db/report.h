/*
 * report.h - the supervisors' figures, computed by SQL over the store.
 *
 * Every figure `triage report`, `triage overdue`, `triage themes` and the
 * HTML report show comes from here, in one place, so the command line, the
 * page and the tests agree. Read-only: safe while the filter writes (WAL).
 * Times are Unix seconds; durations are seconds.
 *
 * First response time is first_response_at - received_at of answered
 * tickets. Percentiles use the nearest-rank method: the p-th percentile of
 * n sorted values is the value at rank ceil(p/100 * n) (1-based).
 */
#ifndef TRIAGE_REPORT_H
#define TRIAGE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "store.h"

enum report_by {
	REPORT_BY_NONE,		/* one row: all tickets */
	REPORT_BY_URGENCY,	/* critical, high, normal, low: in that order */
	REPORT_BY_PERSONALITY,
	REPORT_BY_LANGUAGE,
	REPORT_BY_TOPIC,
	REPORT_BY_AGENT,	/* first_response_by; unanswered tickets under "(none)" */
	REPORT_BY_DAY,		/* YYYY-MM-DD, UTC */
	REPORT_BY_WEEK,		/* ISO 8601 week, YYYY-Www, UTC */
};

/* Parses "urgency", "personality", ... ; -1 for an unknown name. */
int report_by_from_name(const char *name);
const char *report_by_name(enum report_by by);

/* One group of tickets received in the period. */
struct report_row {
	char *group;		/* the group's name; "all" for REPORT_BY_NONE */
	long tickets;		/* received in the period */
	long complaints;
	long answered;		/* with a first response */
	long open;		/* not resolved (now) */
	/* First response time of the answered ones; -1 when none is answered. */
	double median, p90, p95, max;
	/* Shares of the answered ones (0..1); -1 when none is answered. */
	double within_sla;	/* first response at or before due_at */
	double within_half_sla;	/* within half the time from received to due: "exceeded" */
};

/* One ISO week of the period, for the spread over time. */
struct report_week {
	char week[12];		/* YYYY-Www */
	long tickets;
	long answered;
	double median;		/* first response, -1 when none answered */
	double within_sla;	/* -1 when none answered */
	long backlog;		/* tickets received up to the week's end, unresolved at its end */
};

struct report {
	gint64 since, until;	/* the period: received_at in [since, until) */
	enum report_by by;
	GPtrArray *rows;	/* of struct report_row *, in the order above */
	struct report_row total;	/* all tickets of the period */
	GArray *weeks;		/* of struct report_week, oldest first */
	/*
	 * Consistency week to week: the coefficient of variation (standard
	 * deviation / mean) of the weekly medians, over weeks with answers;
	 * -1 with fewer than two such weeks. Lower is steadier.
	 */
	double weekly_median_cv;
	long backlog_now;	/* unresolved tickets now, whenever received */
};

/*
 * Builds the report for tickets received in [since, until). Returns 0, or
 * -1 with *error. The caller frees it with report_free().
 */
int report_build(struct store *store, gint64 since, gint64 until, enum report_by by,
    struct report **out, GError **error);
void report_free(struct report *report);

/* For the HTML page: how first response times spread, per urgency. */
struct report_histogram {
	char urgency[16];
	/* Counts of answered tickets by first response time, in the buckets
	 * [0,15m) [15m,1h) [1h,4h) [4h,8h) [8h,1d) [1d,3d) [3d,inf). */
	long buckets[7];
};

/* Fills histograms (4 entries, critical first) for tickets received in [since, until). */
int report_histograms(struct store *store, gint64 since, gint64 until,
    struct report_histogram histograms[4], GError **error);

/* Complaints per topic and week, and the rules fired most, for `triage themes`. */
struct theme_row {
	char week[12];		/* YYYY-Www */
	char topic[16];
	long complaints;
	/*
	 * Complaints on the topic the week before, for the week-over-week
	 * change; -1 in the first week of the period (the week before is
	 * outside it). A topic that had complaints the week before and none
	 * this week has a row with complaints 0.
	 */
	long previous;
};
struct theme_rule {
	char week[12];
	char *rule;		/* owned */
	long count;		/* complaint tickets of the week that fired it */
};
/*
 * The themes' weeks: topics oldest week first, within a week the most
 * complaints first; rules likewise, at most top_rules a week (by the time
 * the rule fired). The caller frees topics with g_array_unref() and rules
 * with g_ptr_array_unref() (which frees each rule).
 */
int report_themes(struct store *store, gint64 since, gint64 until, unsigned top_rules,
    GArray **topics /* of struct theme_row */, GPtrArray **rules /* of struct theme_rule * */,
    GError **error);

/*
 * The ISO 8601 week (YYYY-Www, 12 bytes with the NUL) of a Unix time, UTC:
 * the labels of struct report_week, struct theme_row and REPORT_BY_WEEK.
 */
void report_week_label(gint64 t, char week[12]);

/*
 * `triage overdue`: what a supervisor must chase, at `now`. Each ticket is
 * listed once, in the most urgent class that applies (the order below).
 */
enum overdue_class {
	OVERDUE_PAST_DUE,	/* no answer, not resolved, due_at < now: CRITICAL */
	OVERDUE_DUE_SOON,	/* no answer, not resolved, due within `within`: WARNING */
	OVERDUE_FOLLOWUP,	/* not resolved; the customer wrote again after the
				 * last agent reply (or there is none): WARNING */
	OVERDUE_UNCLOSED,	/* resolved within `lookback` with no agent reply at or
				 * after the customer's last contact: WARNING */
};
#define OVERDUE_CLASSES 4

struct overdue_item {
	enum overdue_class what;
	char ref[32];
	char urgency[16];
	char *customer;		/* owned: the customer's address */
	gint64 received_at;
	gint64 due_at;		/* 0 when the ticket has none */
	gint64 resolved_at;	/* 0 when not resolved */
	/*
	 * The time the lateness counts from: due_at (PAST_DUE, DUE_SOON), the
	 * first unanswered follow-up (FOLLOWUP), the customer's last contact
	 * (UNCLOSED); late is now - since (negative: due in that long).
	 */
	gint64 since;
	gint64 late;
};

struct overdue {
	gint64 now;
	GPtrArray *items;	/* of struct overdue_item *: by class, the latest first */
	long counts[OVERDUE_CLASSES];
};

/*
 * Finds the tickets of each class at now (within and lookback in seconds).
 * Returns 0, or -1 with *error. Free with report_overdue_free().
 */
int report_overdue(struct store *store, gint64 now, gint64 within, gint64 lookback,
    struct overdue **out, GError **error);
void report_overdue_free(struct overdue *overdue);

/* `triage ticket`: one ticket's timeline. Strings are owned; NULL where the column is. */
struct timeline_event {
	gint64 at;
	char *kind, *actor, *message_id, *detail;
};
struct timeline_rule {
	gint64 at;
	char *rule;
};
struct timeline {
	char *ref, *message_id, *queue_id, *customer_address, *customer_name, *subject;
	char *language, *urgency, *personality, *topic, *ack_state, *first_response_by;
	bool complaint;
	double score;
	long contact_count;
	gint64 received_at;
	/* 0 where not yet (or never set). */
	gint64 due_at, first_response_at, resolved_at, last_contact_at;
	GPtrArray *events;	/* of struct timeline_event *, in time order */
	GPtrArray *rules;	/* of struct timeline_rule *, in time order */
};

/*
 * Reads the ticket named ref. Returns 1 (found, *out set), 0 (no such
 * ticket) or -1 with *error. Free with report_timeline_free().
 */
int report_timeline(struct store *store, const char *ref, struct timeline **out,
    GError **error);
void report_timeline_free(struct timeline *timeline);

#endif
