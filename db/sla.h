/*
 * sla.h - SLA calendars: when a ticket is due, and how much business time
 * lies between two instants.
 *
 * A calendar is business hours (open ranges per weekday, in local wall-clock
 * time), a time zone and a set of holidays (closed all day). Without
 * business hours every day is open 00:00-24:00, so business time is plain
 * elapsed time, except on holidays. Instants are Unix seconds (UTC) in and
 * out. Nothing here reads the clock, the environment (TZ) or any file but
 * the holidays file, so results depend on the arguments alone.
 *
 * Ownership: the caller owns a calendar and frees it with sla_calendar_free().
 * A calendar never changes after sla_calendar_new(), and GTimeZone lookups
 * do not write, so one calendar may be shared read-only between threads.
 *
 * Business hours grammar (day names in any case, blanks are spaces or tabs):
 *
 *	hours  = group *( "," group )
 *	group  = days 1*( blank range )
 *	days   = day [ "-" day ]		e.g. "mon-fri"; "fri-mon" wraps round
 *	day    = mon | tue | wed | thu | fri | sat | sun
 *	range  = time "-" time		opens < closes, so never overnight
 *	time   = H[H]:MM			00:00 .. 24:00; 24:00 only closes
 *
 * Examples: "mon-fri 08:00-17:00", "mon-thu 08:00-17:00, fri 08:00-15:00",
 * "mon-fri 08:00-12:00 13:00-17:00" (a lunch break), and a night shift as
 * "mon-fri 22:00-24:00, tue-sat 00:00-06:00". A day may be named in several
 * groups, but ranges that overlap on one day are an error: the likely
 * reason is "mon-fri 08:00-17:00, fri 08:00-15:00" written for a short
 * Friday, and silently keeping 17:00 would be wrong. At most 8 ranges a day.
 *
 * Targets (sla_duration_parse): one or more NUMBER UNIT parts, each unit
 * at most once, largest first, blanks allowed between parts, e.g. "30m",
 * "4h", "1h30m", "1bd", "3bd", "2d", "1bd 4h". Units are lower case:
 *
 *	m, h	minutes and hours of open time. Business time is real elapsed
 *		seconds inside open hours, so "1h" on an always-open calendar is
 *		3600 s even across a DST change. "4h" received Monday 16:00 with
 *		08:00-17:00 is due Tuesday 11:00. A target that runs out exactly
 *		at closing time is due at closing time, not at the next opening.
 *	bd	business days: the same local time N business days later.
 *		Counting starts at the first open instant at or after the
 *		received time (a Saturday ticket counts from Monday's opening),
 *		keeps that instant's local time of day, and lands on the Nth
 *		following business day (an open weekday that is not a holiday),
 *		clamped into that day's open hours: if the day has closed by that
 *		time it is due at the closing before it, if the day has not yet
 *		opened, at the opening. So "1bd" from Friday 16:00 is Monday
 *		16:00, and with "mon-thu 08:00-17:00, fri 08:00-15:00" from
 *		Thursday 16:00 it is Friday 15:00. N x a day's open hours was
 *		rejected: it would make that Thursday ticket due Monday 09:00,
 *		which nobody promising "next business day" means, and would leave
 *		"a day" undefined when days differ. On a calendar whose open days
 *		all have the same hours the two agree: sla_business_seconds from
 *		start to the due time is N x one day's open time.
 *	d	calendar days: the same local time N days later, business hours
 *		and holidays ignored (a promise made to the customer in calendar
 *		terms). Like iCalendar's P1D it is 23 or 25 h across a DST change;
 *		in UTC, and so with no business hours and no time zone, 1d = 1bd
 *		= 24 h.
 *
 * Parts apply largest first: "1bd 4h" is one business day, then four open
 * hours from there. Seconds are not a unit: no mail SLA is finer than a
 * minute, and "30s" next to "30m" invites typos. A zero target, or one over
 * a year (SLA_DURATION_DAYS_MAX days, 8784h, 527040m), is an error.
 *
 * Daylight saving time: open ranges are local wall-clock times in the
 * calendar's zone, and business time is measured in real seconds inside
 * them. A local time that does not exist (the spring-forward gap) means the
 * instant the clocks jump: a 02:30 opening on that day opens at 03:00. A
 * local time that occurs twice (fall-back) means its first occurrence. So
 * 08:00-17:00 is 9 h on both change days in Europe, while 00:00-24:00 is
 * 23 h and 25 h; "1bd" received at 01:30 in the repeated hour is due at the
 * first 01:30 of the next business day.
 *
 * Bounds: sla_due and sla_business_seconds clamp instants into
 * 0..SLA_TIME_MAX (1970-01-01 to 2100-01-01 UTC): a received time before
 * 1970 is a broken clock and counts from 1970-01-01T00:00Z, and clamping
 * keeps every loop short (day by day, at most 130 years). sla_due looks at
 * most SLA_HORIZON_DAYS local days past the start for open time; a calendar
 * closed for that long (a holidays file listing every day) gives SLA_NEVER
 * rather than a loop or an invented time.
 */
#ifndef TRIAGE_SLA_H
#define TRIAGE_SLA_H

#include <stdbool.h>
#include <glib.h>

struct sla_calendar;

/* A target, as sla_duration_parse leaves it. */
struct sla_duration {
	gint64 business_days;	/* "bd": 0..SLA_DURATION_DAYS_MAX */
	gint64 days;		/* "d": 0..SLA_DURATION_DAYS_MAX */
	gint64 seconds;		/* "h" and "m": open time, 0..SLA_DURATION_DAYS_MAX days */
};

#define SLA_DURATION_DAYS_MAX	366
#define SLA_HORIZON_DAYS	3653			/* ten years */
#define SLA_TIME_MAX		((gint64)4102444800)	/* 2100-01-01T00:00:00Z */
#define SLA_NEVER		G_MAXINT64		/* no due time within the horizon */

/* The domain of the errors of this module: SLA_ERROR_INVALID. */
#define SLA_ERROR (sla_error_quark())
GQuark sla_error_quark(void);
enum sla_error {
	SLA_ERROR_INVALID,	/* bad business hours, zone, holidays line or target */
};

/*
 * Builds a calendar. business_hours is NULL for always open, else text in
 * the grammar above; zone is NULL for UTC, else an identifier as
 * GTimeZone takes it ("Europe/Stockholm", "+01:00"); holidays_file is NULL
 * or a file of YYYY-MM-DD lines, local dates in that zone, each closed all
 * day (blank lines, # comment lines and a # comment after a date allowed;
 * at most 1 MiB). On error, NULL is returned and *error says what is wrong:
 * in SLA_ERROR, quoting the business hours or the zone, or reading
 * "FILE:LINE: what" for the holidays file; a file that cannot be read gives
 * G_FILE_ERROR naming it.
 */
struct sla_calendar *sla_calendar_new(const char *business_hours,
    const char *zone, const char *holidays_file, GError **error);

/* Frees the calendar; NULL is accepted. */
void sla_calendar_free(struct sla_calendar *cal);

/*
 * Parses a target such as "4h", "1h30m" or "3bd" into *out. On error,
 * false is returned, *out is left unchanged and *error (SLA_ERROR_INVALID)
 * quotes the text.
 */
bool sla_duration_parse(const char *text, struct sla_duration *out, GError **error);

/*
 * Returns the instant a ticket received at start is due under target d, or
 * SLA_NEVER (see Bounds above). Fields of d outside the ranges that
 * sla_duration_parse gives are clamped into them; a zero target is due at
 * start.
 */
gint64 sla_due(const struct sla_calendar *cal, gint64 start,
    const struct sla_duration *d);

/*
 * Returns the business seconds from from to to: the real seconds of
 * [from, to) that fall in open hours. 0 when to <= from. For a target of
 * hours and minutes, sla_business_seconds(cal, s, sla_due(cal, s, d)) is
 * d->seconds.
 */
gint64 sla_business_seconds(const struct sla_calendar *cal, gint64 from, gint64 to);

#endif
