/*
 * check_sla.c - unit tests for the SLA calendar (db/sla.c): the grammars of
 * business hours, targets and holidays files with their errors, due times
 * across weekends, holidays, DST changes and zones far from UTC, business
 * time, the agreement of the two, and the bounds.
 *
 * Times in the tables are local to the calendar's zone ("2025-06-02 10:00")
 * unless they end in Z, which is how the ambiguous and nonexistent local
 * times of a DST change are written. A missing zone fails the test: the
 * results would otherwise be silently wrong, not skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "sla.h"
#include "check_run.h"

#define H 3600

/* Writes text to a new temporary file; returns its name. */
static char *
write_tmp(const char *text, size_t len)
{
	GError *error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("check_sla-XXXXXX.holidays", &path, &error);

	ck_assert_msg(fd >= 0, "g_file_open_tmp: %s", error ? error->message : "?");
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "short write");
	close(fd);
	return path;
}

/* Builds a calendar that must build; holidays is the file's text or NULL. */
static struct sla_calendar *
cal_new(const char *hours, const char *zone, const char *holidays)
{
	GError *error = NULL;
	char *path = holidays ? write_tmp(holidays, strlen(holidays)) : NULL;
	struct sla_calendar *cal = sla_calendar_new(hours, zone, path, &error);

	ck_assert_msg(cal != NULL, "hours \"%s\" zone %s: %s", hours ? hours : "(null)",
	    zone ? zone : "UTC", error ? error->message : "?");
	if (path != NULL) {
		g_unlink(path);
		g_free(path);
	}
	return cal;
}

/*
 * Returns the instant of "YYYY-MM-DD HH:MM" in zone (NULL for UTC), or in
 * UTC when the text ends in Z.
 */
static gint64
at(const char *zone, const char *text)
{
	int y, mo, d, h, mi;
	GTimeZone *tz;
	GDateTime *dt;
	gint64 t;

	ck_assert_msg(sscanf(text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) == 5,
	    "bad time in test: %s", text);
	if (zone == NULL || text[strlen(text) - 1] == 'Z')
		tz = g_time_zone_new_utc();
	else
		tz = g_time_zone_new_identifier(zone);
	ck_assert_msg(tz != NULL, "time zone %s is missing: install tzdata", zone);
	dt = g_date_time_new(tz, y, mo, d, h, mi, 0);
	ck_assert_ptr_nonnull(dt);
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	g_time_zone_unref(tz);
	return t;
}

/* Formats t in zone and in UTC, for messages; the caller frees it. */
static char *
show(const char *zone, gint64 t)
{
	GTimeZone *tz;
	GDateTime *utc, *local;
	char *a, *b, *out;

	if (t == SLA_NEVER)
		return g_strdup("SLA_NEVER");
	tz = zone ? g_time_zone_new_identifier(zone) : g_time_zone_new_utc();
	ck_assert_ptr_nonnull(tz);
	utc = g_date_time_new_from_unix_utc(t);
	local = g_date_time_to_timezone(utc, tz);
	a = g_date_time_format(local, "%a %F %T %z");
	b = g_date_time_format(utc, "%FT%TZ");
	out = g_strdup_printf("%s (%s)", a, b);
	g_free(a);
	g_free(b);
	g_date_time_unref(local);
	g_date_time_unref(utc);
	g_time_zone_unref(tz);
	return out;
}

static struct sla_duration
dur(const char *text)
{
	struct sla_duration d;
	GError *error = NULL;

	ck_assert_msg(sla_duration_parse(text, &d, &error), "target \"%s\": %s", text,
	    error ? error->message : "?");
	return d;
}

/* Business seconds of d on a calendar where every open day is day_secs long. */
static gint64
dur_seconds(const struct sla_duration *d, gint64 day_secs)
{
	return d->business_days * day_secs + d->seconds;
}

struct due_case {
	const char *start;
	const char *target;
	const char *want;
};

/* Checks every row of cases on cal, printing got and want for each failure. */
static void
check_due(const struct sla_calendar *cal, const char *zone,
    const struct due_case *cases, size_t n)
{
	size_t i, failed = 0;

	for (i = 0; i < n; i++) {
		struct sla_duration d = dur(cases[i].target);
		gint64 start = at(zone, cases[i].start);
		gint64 want = at(zone, cases[i].want);
		gint64 got = sla_due(cal, start, &d);

		if (got != want) {
			char *g = show(zone, got), *w = show(zone, want);

			fprintf(stderr, "%s + %s: got %s, want %s\n", cases[i].start,
			    cases[i].target, g, w);
			g_free(g);
			g_free(w);
			failed++;
		}
	}
	ck_assert_msg(failed == 0, "%zu of %zu due times wrong (see above)", failed, n);
}

/* Business seconds between two times of the table's kind. */
static gint64
between(const struct sla_calendar *cal, const char *zone, const char *from, const char *to)
{
	return sla_business_seconds(cal, at(zone, from), at(zone, to));
}

/* --- grammars ------------------------------------------------------------------ */

START_TEST(test_duration_parse)
{
	static const struct {
		const char *text;
		gint64 bd, d, secs;
	} good[] = {
		{ "30m", 0, 0, 30 * 60 },
		{ "1h", 0, 0, H },
		{ "4h", 0, 0, 4 * H },
		{ "1h30m", 0, 0, 90 * 60 },
		{ " 1h 30m ", 0, 0, 90 * 60 },
		{ "90m", 0, 0, 90 * 60 },
		{ "1bd", 1, 0, 0 },
		{ "3bd", 3, 0, 0 },
		{ "2d", 0, 2, 0 },
		{ "1bd4h", 1, 0, 4 * H },
		{ "1bd 1d 1h 1m", 1, 1, H + 60 },
		{ "366d", 0, 366, 0 },
		{ "8784h", 0, 0, 8784 * H },
	};
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "empty" },
		{ "   ", "empty" },
		{ "h", "does not start with a number" },
		{ "-1h", "does not start with a number" },
		{ "1", "the unit must be m, h, d or bd" },
		{ "1.5h", "the unit must be m, h, d or bd" },
		{ "30s", "the unit must be m, h, d or bd" },
		{ "1x", "the unit must be m, h, d or bd" },
		{ "1H", "the unit must be m, h, d or bd" },
		{ "1b", "the unit must be m, h, d or bd" },
		{ "1hour", "the unit must be m, h, d or bd" },
		{ "30m1h", "largest first" },
		{ "1h1h", "largest first" },
		{ "0h", "longer than zero" },
		{ "0bd0m", "longer than zero" },
		{ "367d", "more than 366 days" },
		{ "367bd", "more than 366 days" },
		{ "8785h", "more than 366 days" },
		{ "8784h1m", "more than 366 days" },
		{ "99999999999999999999h", "too large" },
		{ "1h,", "\",\" does not start with a number" },
	};
	struct sla_duration d;
	GError *error = NULL;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(good); i++) {
		d = dur(good[i].text);
		ck_assert_msg(d.business_days == good[i].bd && d.days == good[i].d &&
		    d.seconds == good[i].secs,
		    "\"%s\": got %" G_GINT64_FORMAT "bd %" G_GINT64_FORMAT "d %"
		    G_GINT64_FORMAT "s", good[i].text, d.business_days, d.days, d.seconds);
	}
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		d.business_days = d.days = d.seconds = 42;
		ck_assert_msg(!sla_duration_parse(bad[i].text, &d, &error),
		    "\"%s\" accepted", bad[i].text);
		ck_assert_msg(error != NULL && error->domain == SLA_ERROR &&
		    strstr(error->message, bad[i].why) != NULL &&
		    strstr(error->message, bad[i].text) != NULL,
		    "\"%s\": error was \"%s\", want \"%s\"", bad[i].text,
		    error ? error->message : "(none)", bad[i].why);
		ck_assert_msg(d.business_days == 42 && d.days == 42 && d.seconds == 42,
		    "\"%s\": *out changed on error", bad[i].text);
		g_clear_error(&error);
	}
}
END_TEST

START_TEST(test_hours_grammar)
{
	static const struct {
		const char *hours;
		gint64 week;	/* open seconds in the week of Monday 2025-06-02 */
	} good[] = {
		{ "mon-fri 08:00-17:00", 45 * H },
		{ "MON-Fri 8:00-17:00", 45 * H },
		{ "  mon-fri\t08:00-17:00  ", 45 * H },
		{ "fri-mon 10:00-12:00", 4 * 2 * H },
		{ "wed 10:00-12:00", 2 * H },
		{ "mon-fri 08:00-12:00 13:00-17:00", 40 * H },
		{ "mon-fri 08:00-12:00 12:00-17:00", 45 * H },
		{ "mon-fri 13:00-17:00 08:00-12:00", 40 * H },
		{ "mon-fri 08:00-17:00,sat 09:00-13:00", 49 * H },
		{ "mon-thu 08:00-17:00, fri 08:00-15:00", 43 * H },
		{ "mon-sun 00:00-24:00", 168 * H },
		{ "mon-fri 22:00-24:00, tue-sat 00:00-06:00", 40 * H },
		{ "mon 08:00-09:00, mon 10:00-11:00", 2 * H },
	};
	static const struct {
		const char *hours, *why;
	} bad[] = {
		{ "", "no days given" },
		{ "  ", "no days given" },
		{ "mon", "has no hours after it" },
		{ "mon-fri", "has no hours after it" },
		{ "mon-fri, sat 08:00-12:00", "has no hours after it" },
		{ "mon-fri ", "no hours after \"mon-fri\"" },
		{ "mon-fri 08:00-17:00, sat ,sun 10:00-12:00", "no hours after \"sat\"" },
		{ "monday 08:00-17:00", "\"monday\" is not a day" },
		{ "xyz 08:00-17:00", "\"xyz\" is not a day" },
		{ "08:00-17:00", "is not a day" },
		{ "mon-fry 08:00-17:00", "\"mon-fry\" is not a day range" },
		{ "mon-fri 8-17", "\"8-17\" is not a range of times" },
		{ "mon-fri 08:00", "\"08:00\" is not a range of times" },
		{ "mon-fri 08:00 - 17:00", "\"08:00\" is not a range of times" },
		{ "mon-fri 08:00-17:00-18:00", "is not a range of times" },
		{ "mon-fri 08:60-09:00", "is not a range of times" },
		{ "mon-fri 08:00-25:00", "is not a range of times" },
		{ "mon-fri 08:00-24:01", "is not a range of times" },
		{ "mon-fri 08:000-09:00", "is not a range of times" },
		{ "mon-fri 08:00-17:00 sat", "\"sat\" is not a range of times" },
		{ "mon-fri 17:00-08:00", "closes before it opens" },
		{ "mon-fri 24:00-24:00", "closes before it opens" },
		{ "mon-fri 09:00-09:00", "closes before it opens" },
		{ "mon-fri 08:00-17:00,", "nothing after the last comma" },
		{ "mon-fri 08:00-17:00, ", "nothing after the last comma" },
		{ "mon-fri 08:00-17:00, fri 08:00-15:00", "fri 08:00-17:00 overlaps 08:00-15:00" },
		{ "mon 08:00-12:00 11:00-13:00", "mon 11:00-13:00 overlaps 08:00-12:00" },
		{ "mon 00:00-01:00 02:00-03:00 04:00-05:00 06:00-07:00 08:00-09:00 "
		  "10:00-11:00 12:00-13:00 14:00-15:00 16:00-17:00", "more than 8 ranges on mon" },
	};
	GError *error = NULL;
	struct sla_calendar *cal;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(good); i++) {
		gint64 got;

		cal = cal_new(good[i].hours, NULL, NULL);
		got = between(cal, NULL, "2025-06-02 00:00", "2025-06-09 00:00");
		ck_assert_msg(got == good[i].week, "\"%s\": got %" G_GINT64_FORMAT
		    " s a week, want %" G_GINT64_FORMAT, good[i].hours, got, good[i].week);
		sla_calendar_free(cal);
	}
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		cal = sla_calendar_new(bad[i].hours, NULL, NULL, &error);
		ck_assert_msg(cal == NULL, "\"%s\" accepted", bad[i].hours);
		ck_assert_msg(error != NULL && error->domain == SLA_ERROR &&
		    strstr(error->message, bad[i].why) != NULL &&
		    strstr(error->message, bad[i].hours) != NULL,
		    "\"%s\": error was \"%s\", want \"%s\"", bad[i].hours,
		    error ? error->message : "(none)", bad[i].why);
		g_clear_error(&error);
	}
	sla_calendar_free(NULL);
}
END_TEST

START_TEST(test_zone_errors)
{
	static const char *const bad[] = { "Europe/Nowhere", "", "Not a zone at all" };
	GError *error = NULL;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		ck_assert_ptr_null(sla_calendar_new("mon-fri 08:00-17:00", bad[i], NULL, &error));
		ck_assert_msg(error != NULL && strstr(error->message, "time zone") != NULL &&
		    strstr(error->message, bad[i]) != NULL, "zone \"%s\": %s", bad[i],
		    error ? error->message : "(no error)");
		g_clear_error(&error);
	}
	/* The zones the other tests use must be there: fail, never skip. */
	ck_assert_msg(g_file_test("/usr/share/zoneinfo/Europe/Stockholm", G_FILE_TEST_EXISTS) &&
	    g_file_test("/usr/share/zoneinfo/America/New_York", G_FILE_TEST_EXISTS) &&
	    g_file_test("/usr/share/zoneinfo/Asia/Tokyo", G_FILE_TEST_EXISTS) &&
	    g_file_test("/usr/share/zoneinfo/Pacific/Auckland", G_FILE_TEST_EXISTS),
	    "tzdata is not installed: the DST tests cannot run");
}
END_TEST

START_TEST(test_holidays_errors)
{
	static const struct {
		const char *text;
		size_t len;	/* 0: strlen */
		unsigned line;
		const char *why;
	} bad[] = {
		{ "2025-12-25\n\n# comment\nxmas\n", 0, 4, "\"xmas\" is not a date YYYY-MM-DD" },
		{ "2025-12-25\n2025-02-30\n", 0, 2, "there is no date 2025-02-30" },
		{ "2025-13-01\n", 0, 1, "there is no date 2025-13-01" },
		{ "0000-01-01\n", 0, 1, "there is no date 0000-01-01" },
		{ "# a\n# b\n2025-12-25 Christmas\n", 0, 3, "\"Christmas\" after the date is not a # comment" },
		{ "2025-12-251\n", 0, 1, "is not a date" },
		{ "25-12-2025\n", 0, 1, "\"25-12-2025\" is not a date" },
		{ "2025/12/25\n", 0, 1, "is not a date" },
		{ "2025-12-2", 0, 1, "is not a date" },
		{ "\n\n\n\n2025-1-01", 0, 5, "is not a date" },
		{ "2025-12-25\n2025-12\0-26\n", 23, 2, "NUL byte" },
	};
	GError *error = NULL;
	struct sla_calendar *cal;
	char *path, *where, *big;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		path = write_tmp(bad[i].text, bad[i].len ? bad[i].len : strlen(bad[i].text));
		where = g_strdup_printf("%s:%u: ", path, bad[i].line);
		cal = sla_calendar_new("mon-fri 08:00-17:00", NULL, path, &error);
		ck_assert_msg(cal == NULL, "holidays case %zu accepted", i);
		ck_assert_msg(error != NULL && error->domain == SLA_ERROR &&
		    strstr(error->message, where) != NULL &&
		    strstr(error->message, bad[i].why) != NULL,
		    "case %zu: error was \"%s\", want \"%s%s\"", i,
		    error ? error->message : "(none)", where, bad[i].why);
		g_clear_error(&error);
		g_unlink(path);
		g_free(path);
		g_free(where);
	}

	/* A file that cannot be read is named. */
	cal = sla_calendar_new(NULL, NULL, "/nonexistent/holidays.txt", &error);
	ck_assert_ptr_null(cal);
	ck_assert_msg(error != NULL && error->domain == G_FILE_ERROR &&
	    strstr(error->message, "/nonexistent/holidays.txt") != NULL,
	    "error was \"%s\"", error ? error->message : "(none)");
	g_clear_error(&error);

	/* Nor is a file of any size read whole. */
	big = g_strnfill(1024 * 1024 + 1, '#');
	path = write_tmp(big, strlen(big));
	ck_assert_ptr_null(sla_calendar_new(NULL, NULL, path, &error));
	ck_assert_msg(error != NULL && strstr(error->message, "larger than") != NULL &&
	    strstr(error->message, path) != NULL, "error was \"%s\"",
	    error ? error->message : "(none)");
	g_clear_error(&error);
	g_unlink(path);
	g_free(path);
	g_free(big);
}
END_TEST

START_TEST(test_holidays_file_forms)
{
	/* Comments, CRLF, blanks, a trailing comment, a repeat, an empty file. */
	struct sla_calendar *cal = cal_new("mon-fri 08:00-17:00", "Europe/Stockholm",
	    "# Swedish Christmas\r\n\r\n2025-12-24  # julafton\r\n"
	    "   2025-12-25\t# juldagen\n2025-12-26#annandag\n2025-12-25\n");
	static const struct due_case cases[] = {
		{ "2025-12-23 10:00", "1bd", "2025-12-29 10:00" },
	};

	check_due(cal, "Europe/Stockholm", cases, G_N_ELEMENTS(cases));
	sla_calendar_free(cal);

	cal = cal_new("mon-fri 08:00-17:00", NULL, "");
	ck_assert_int_eq(between(cal, NULL, "2025-12-22 00:00", "2025-12-29 00:00"), 45 * H);
	sla_calendar_free(cal);
}
END_TEST

/* --- due times ----------------------------------------------------------------- */

START_TEST(test_weekends_and_outside_hours)
{
	static const struct due_case cases[] = {
		/* The examples of the brief. */
		{ "2025-06-02 10:00", "1bd", "2025-06-03 10:00" },	/* Mon -> Tue */
		{ "2025-06-06 16:00", "1bd", "2025-06-09 16:00" },	/* Fri -> Mon */
		{ "2025-06-07 11:00", "1bd", "2025-06-10 08:00" },	/* Sat: from Mon 08:00 */
		{ "2025-06-08 23:59", "1bd", "2025-06-10 08:00" },	/* Sun */
		{ "2025-06-02 16:00", "4h", "2025-06-03 11:00" },
		/* Before opening, after closing, at the edges. */
		{ "2025-06-02 07:00", "30m", "2025-06-02 08:30" },
		{ "2025-06-02 07:00", "1bd", "2025-06-03 08:00" },
		{ "2025-06-02 18:00", "1h", "2025-06-03 09:00" },
		{ "2025-06-02 18:00", "1bd", "2025-06-04 08:00" },
		{ "2025-06-02 17:00", "1h", "2025-06-03 09:00" },	/* closing is closed */
		{ "2025-06-02 08:00", "9h", "2025-06-02 17:00" },	/* due at closing */
		{ "2025-06-02 16:00", "1h", "2025-06-02 17:00" },
		{ "2025-06-02 16:00", "61m", "2025-06-03 08:01" },
		/* Across the weekend. */
		{ "2025-06-06 16:30", "1h", "2025-06-09 08:30" },
		{ "2025-06-06 16:00", "3bd", "2025-06-11 16:00" },
		{ "2025-06-06 16:00", "5bd", "2025-06-13 16:00" },
		{ "2025-06-08 12:00", "4h", "2025-06-09 12:00" },
		{ "2025-06-06 12:00", "1h30m", "2025-06-06 13:30" },
		{ "2025-06-06 16:00", "18h", "2025-06-10 16:00" },
		/* Combinations, largest first. */
		{ "2025-06-06 16:00", "1bd 2h", "2025-06-10 09:00" },
		/* Calendar days ignore the business hours. */
		{ "2025-06-06 16:00", "1d", "2025-06-07 16:00" },
		{ "2025-06-06 16:00", "2d", "2025-06-08 16:00" },
	};
	struct sla_calendar *cal = cal_new("mon-fri 08:00-17:00", NULL, NULL);

	check_due(cal, NULL, cases, G_N_ELEMENTS(cases));
	ck_assert_int_eq(between(cal, NULL, "2025-06-06 16:00", "2025-06-09 09:00"), 2 * H);
	ck_assert_int_eq(between(cal, NULL, "2025-06-07 00:00", "2025-06-09 00:00"), 0);
	ck_assert_int_eq(between(cal, NULL, "2025-06-09 09:00", "2025-06-06 16:00"), 0);
	ck_assert_int_eq(between(cal, NULL, "2025-06-09 09:00", "2025-06-09 09:00"), 0);
	ck_assert_int_eq(between(cal, NULL, "2025-06-02 00:00", "2025-06-30 00:00"), 20 * 9 * H);
	sla_calendar_free(cal);
}
END_TEST

START_TEST(test_lunch_break)
{
	static const struct due_case cases[] = {
		{ "2025-06-02 11:00", "2h", "2025-06-02 14:00" },
		{ "2025-06-02 12:30", "30m", "2025-06-02 13:30" },
		{ "2025-06-02 11:00", "1h", "2025-06-02 12:00" },
		{ "2025-06-02 12:30", "1bd", "2025-06-03 13:00" },	/* counts from 13:00 */
		{ "2025-06-02 10:00", "1bd", "2025-06-03 10:00" },
	};
	struct sla_calendar *cal = cal_new("mon-fri 08:00-12:00 13:00-17:00", NULL, NULL);

	check_due(cal, NULL, cases, G_N_ELEMENTS(cases));
	ck_assert_int_eq(between(cal, NULL, "2025-06-02 11:30", "2025-06-02 13:30"), H);
	sla_calendar_free(cal);
}
END_TEST

START_TEST(test_uneven_days)
{
	/*
	 * "N business days" is the same local time N business days later,
	 * clamped into that day's hours; not N x some day's open time.
	 */
	static const struct due_case cases[] = {
		{ "2025-06-05 16:00", "1bd", "2025-06-06 15:00" },	/* Thu -> short Fri: its closing */
		{ "2025-06-05 10:00", "1bd", "2025-06-06 10:00" },
		{ "2025-06-06 14:00", "1bd", "2025-06-09 14:00" },	/* Fri -> Mon */
		{ "2025-06-05 16:00", "2bd", "2025-06-09 16:00" },	/* the short day only clamps its own */
		{ "2025-06-05 16:00", "4h", "2025-06-06 11:00" },
		{ "2025-06-06 14:00", "2h", "2025-06-09 09:00" },
		/* Tuesday opens late: before the opening is the opening. */
		{ "2025-06-02 08:00", "1bd", "2025-06-03 10:00" },
		/* Wednesday's lunch: the closing before the time, not after. */
		{ "2025-06-03 12:30", "1bd", "2025-06-04 12:00" },
	};
	struct sla_calendar *cal = cal_new("mon 08:00-17:00, tue 10:00-17:00, "
	    "wed 08:00-12:00 13:00-17:00, thu 08:00-17:00, fri 08:00-15:00", NULL, NULL);

	check_due(cal, NULL, cases, G_N_ELEMENTS(cases));
	/* Friday to Monday is one business day yet only 3 h of open time. */
	ck_assert_int_eq(between(cal, NULL, "2025-06-06 14:00", "2025-06-09 14:00"), 7 * H);
	sla_calendar_free(cal);
}
END_TEST

START_TEST(test_holidays)
{
	/* Easter 2025: Good Friday 18 April, Easter Monday 21 April; Christmas. */
	static const char holidays[] =
	    "2025-04-18\n2025-04-21\n2025-12-24\n2025-12-25\n2025-12-26\n";
	static const struct due_case cases[] = {
		{ "2025-04-17 16:00", "1bd", "2025-04-22 16:00" },
		{ "2025-04-17 16:00", "4h", "2025-04-22 11:00" },
		{ "2025-04-19 10:00", "1bd", "2025-04-23 08:00" },	/* Sat before a Monday holiday */
		{ "2025-04-21 10:00", "1h", "2025-04-22 09:00" },	/* on the holiday itself */
		{ "2025-04-17 16:00", "1d", "2025-04-18 16:00" },	/* calendar days ignore them */
		/* Three holidays in a row, then the weekend. */
		{ "2025-12-23 10:00", "1bd", "2025-12-29 10:00" },
		{ "2025-12-23 16:00", "2h", "2025-12-29 09:00" },
		{ "2025-12-23 10:00", "2bd", "2025-12-30 10:00" },
	};
	struct sla_calendar *cal = cal_new("mon-fri 08:00-17:00", "Europe/Stockholm", holidays);
	const char *z = "Europe/Stockholm";

	check_due(cal, z, cases, G_N_ELEMENTS(cases));
	/* A weekend and a holiday either side. */
	ck_assert_int_eq(between(cal, z, "2025-04-17 16:00", "2025-04-22 09:00"), 2 * H);
	ck_assert_int_eq(between(cal, z, "2025-04-14 00:00", "2025-04-28 00:00"), 8 * 9 * H);
	ck_assert_int_eq(between(cal, z, "2025-12-22 00:00", "2025-12-29 00:00"), 2 * 9 * H);
	sla_calendar_free(cal);

	/* With no business hours, holidays still close: 24/7 but shut at Christmas. */
	cal = cal_new(NULL, NULL, holidays);
	{
		static const struct due_case open_cases[] = {
			{ "2025-12-23 10:00", "1bd", "2025-12-27 10:00" },
			{ "2025-12-23 10:00", "24h", "2025-12-27 10:00" },
			{ "2025-12-23 10:00", "1h", "2025-12-23 11:00" },
			{ "2025-12-23 10:00", "1d", "2025-12-24 10:00" },
		};
		check_due(cal, NULL, open_cases, G_N_ELEMENTS(open_cases));
	}
	ck_assert_int_eq(between(cal, NULL, "2025-12-23 00:00", "2025-12-28 00:00"), 48 * H);
	sla_calendar_free(cal);
}
END_TEST

START_TEST(test_always_open_utc)
{
	/* No business hours and no zone: wall-clock time, 1bd = 1d = 24 h. */
	static const struct due_case cases[] = {
		{ "2025-06-07 11:00", "1bd", "2025-06-08 11:00" },
		{ "2025-06-07 11:00", "1d", "2025-06-08 11:00" },
		{ "2025-06-07 11:00", "24h", "2025-06-08 11:00" },
		{ "2025-06-07 23:50", "30m", "2025-06-08 00:20" },
		{ "2025-12-31 23:00", "1h30m", "2026-01-01 00:30" },
	};
	struct sla_calendar *cal = cal_new(NULL, NULL, NULL);

	check_due(cal, NULL, cases, G_N_ELEMENTS(cases));
	ck_assert_int_eq(sla_business_seconds(cal, 1000, 1000 + 7 * 86400), 7 * 86400);
	sla_calendar_free(cal);
}
END_TEST

/* --- daylight saving time ------------------------------------------------------ */

START_TEST(test_dst_stockholm)
{
	const char *z = "Europe/Stockholm";
	/* 2025-03-30 02:00 CET -> 03:00 CEST; 2025-10-26 03:00 CEST -> 02:00 CET. */
	static const struct due_case office[] = {
		{ "2025-03-28 16:00", "4h", "2025-03-31 11:00" },
		{ "2025-03-28 16:00", "1bd", "2025-03-31 16:00" },
		{ "2025-03-28 16:00", "1bd", "2025-03-31 14:00Z" },
		{ "2025-10-24 16:00", "1bd", "2025-10-27 16:00" },
		{ "2025-10-24 16:00", "1bd", "2025-10-27 15:00Z" },
	};
	static const struct due_case every_day[] = {
		{ "2025-03-29 16:00", "2h", "2025-03-30 09:00" },
		{ "2025-03-29 16:00", "2h", "2025-03-30 07:00Z" },
		{ "2025-10-25 16:00", "2h", "2025-10-26 08:00Z" },
	};
	/* Wall clock: hours are real seconds, days keep the local time. */
	static const struct due_case wall[] = {
		{ "2025-03-29 12:00", "24h", "2025-03-30 13:00" },
		{ "2025-03-29 12:00", "1d", "2025-03-30 12:00" },
		{ "2025-03-29 12:00", "1bd", "2025-03-30 12:00" },
		{ "2025-03-30 01:30", "1h", "2025-03-30 03:30" },	/* across the gap */
		{ "2025-10-25 12:00", "24h", "2025-10-26 11:00" },
		{ "2025-10-25 12:00", "1d", "2025-10-26 12:00" },
		{ "2025-10-26 00:30Z", "1h", "2025-10-26 01:30Z" },	/* 02:30 CEST -> 02:30 CET */
	};
	/* Ranges that open in the gap or in the repeated hour. */
	static const struct due_case odd[] = {
		{ "2025-03-29 12:00", "1m", "2025-03-30 01:01Z" },	/* 02:30 is 03:00 CEST */
		{ "2025-10-25 12:00", "1m", "2025-10-26 00:31Z" },	/* the first 02:30, CEST */
		{ "2025-10-25 12:00", "150m", "2025-10-26 03:00Z" },	/* to 04:00 CET */
		/* Counting from an opening in the gap keeps the opening's time. */
		{ "2025-03-29 12:00", "1bd", "2025-03-31 02:30" },
		{ "2025-03-30 01:00Z", "1bd", "2025-03-31 02:30" },
	};
	struct sla_calendar *cal;

	cal = cal_new("mon-fri 08:00-17:00", z, NULL);
	check_due(cal, z, office, G_N_ELEMENTS(office));
	ck_assert_int_eq(between(cal, z, "2025-03-28 10:00", "2025-03-31 10:00"), 9 * H);
	sla_calendar_free(cal);

	/* A DST day keeps its local open hours: 08-17 is 9 h on both. */
	cal = cal_new("mon-sun 08:00-17:00", z, NULL);
	check_due(cal, z, every_day, G_N_ELEMENTS(every_day));
	ck_assert_int_eq(between(cal, z, "2025-03-30 00:00", "2025-03-31 00:00"), 9 * H);
	ck_assert_int_eq(between(cal, z, "2025-10-26 00:00", "2025-10-27 00:00"), 9 * H);
	sla_calendar_free(cal);

	/* 00:00-24:00 is the day's real length: 23 h and 25 h. */
	cal = cal_new("mon-sun 00:00-24:00", z, NULL);
	ck_assert_int_eq(between(cal, z, "2025-03-30 00:00", "2025-03-31 00:00"), 23 * H);
	ck_assert_int_eq(between(cal, z, "2025-10-26 00:00", "2025-10-27 00:00"), 25 * H);
	sla_calendar_free(cal);

	cal = cal_new(NULL, z, NULL);
	check_due(cal, z, wall, G_N_ELEMENTS(wall));
	ck_assert_int_eq(between(cal, z, "2025-03-30 00:00", "2025-03-31 00:00"), 23 * H);
	ck_assert_int_eq(between(cal, z, "2025-10-26 00:00", "2025-10-27 00:00"), 25 * H);
	sla_calendar_free(cal);

	cal = cal_new("sun-mon 02:30-04:00", z, NULL);
	check_due(cal, z, odd, G_N_ELEMENTS(odd));
	ck_assert_int_eq(between(cal, z, "2025-03-30 00:00", "2025-03-31 00:00"), 1 * H);
	ck_assert_int_eq(between(cal, z, "2025-10-26 00:00", "2025-10-27 00:00"), 150 * 60);
	ck_assert_int_eq(between(cal, z, "2025-06-01 00:00", "2025-06-02 00:00"), 90 * 60);
	sla_calendar_free(cal);
}
END_TEST

START_TEST(test_dst_new_york)
{
	const char *z = "America/New_York";
	/* 2025-03-09 02:00 EST -> 03:00 EDT (07:00Z); 2025-11-02 02:00 EDT -> 01:00 EST (06:00Z). */
	static const struct due_case wall[] = {
		{ "2025-03-08 12:00", "24h", "2025-03-09 13:00" },
		{ "2025-03-08 12:00", "1d", "2025-03-09 12:00" },
		{ "2025-03-08 12:00", "1bd", "2025-03-09 16:00Z" },
		/* Received in the repeated hour, either time. */
		{ "2025-11-02 05:30Z", "1h", "2025-11-02 06:30Z" },
		{ "2025-11-02 05:30Z", "1d", "2025-11-03 06:30Z" },
		{ "2025-11-02 06:30Z", "1d", "2025-11-03 06:30Z" },
		/* Due in the repeated hour: its first occurrence. */
		{ "2025-11-01 05:30Z", "1d", "2025-11-02 05:30Z" },
		/* Due in the gap: when the clocks jump. */
		{ "2025-03-08 07:30Z", "1d", "2025-03-09 07:00Z" },
	};
	static const struct due_case night[] = {
		/* 01:00-03:00 every day; on 2 November that is 3 h. */
		{ "2025-11-01 05:30Z", "1bd", "2025-11-02 05:30Z" },
		{ "2025-11-02 06:30Z", "1bd", "2025-11-03 06:30Z" },
		{ "2025-11-01 05:30Z", "2h", "2025-11-02 05:30Z" },
		{ "2025-11-02 05:00Z", "3h", "2025-11-02 08:00Z" },
		{ "2025-11-02 05:00Z", "181m", "2025-11-03 06:01Z" },
		/* On 9 March 01:00-03:00 is one hour: 01:00-02:00 EST, then 03:00 EDT. */
		{ "2025-03-09 06:00Z", "1h", "2025-03-09 07:00Z" },
		{ "2025-03-09 06:00Z", "61m", "2025-03-10 05:01Z" },
	};
	static const struct due_case office[] = {
		{ "2025-03-07 16:00", "4h", "2025-03-10 11:00" },
		{ "2025-10-31 16:00", "1bd", "2025-11-03 16:00" },
		{ "2025-10-31 16:00", "1bd", "2025-11-03 21:00Z" },
	};
	struct sla_calendar *cal;

	cal = cal_new(NULL, z, NULL);
	check_due(cal, z, wall, G_N_ELEMENTS(wall));
	ck_assert_int_eq(between(cal, z, "2025-03-09 00:00", "2025-03-10 00:00"), 23 * H);
	ck_assert_int_eq(between(cal, z, "2025-11-02 00:00", "2025-11-03 00:00"), 25 * H);
	sla_calendar_free(cal);

	cal = cal_new("mon-sun 01:00-03:00", z, NULL);
	check_due(cal, z, night, G_N_ELEMENTS(night));
	ck_assert_int_eq(between(cal, z, "2025-11-02 00:00", "2025-11-03 00:00"), 3 * H);
	ck_assert_int_eq(between(cal, z, "2025-03-09 00:00", "2025-03-10 00:00"), 1 * H);
	sla_calendar_free(cal);

	cal = cal_new("sun 01:30-03:00", z, NULL);
	ck_assert_int_eq(between(cal, z, "2025-11-02 00:00", "2025-11-03 00:00"), 150 * 60);
	sla_calendar_free(cal);
	cal = cal_new("sun 02:30-04:00", z, NULL);
	ck_assert_int_eq(between(cal, z, "2025-03-09 00:00", "2025-03-10 00:00"), 1 * H);
	sla_calendar_free(cal);

	cal = cal_new("mon-fri 08:00-17:00", z, NULL);
	check_due(cal, z, office, G_N_ELEMENTS(office));
	sla_calendar_free(cal);
}
END_TEST

/* --- zones far from UTC -------------------------------------------------------- */

START_TEST(test_far_zones)
{
	/* Tokyo is UTC+9: Monday morning there is still Sunday in UTC. */
	static const struct due_case tokyo[] = {
		{ "2025-06-01 23:30Z", "1h", "2025-06-02 01:00Z" },	/* Mon 08:30 JST */
		{ "2025-06-06 08:00Z", "2h", "2025-06-09 01:00Z" },	/* Fri 17:00 JST */
		{ "2025-06-06 16:00Z", "1bd", "2025-06-10 00:00Z" },	/* Sat 01:00 JST, Fri UTC */
		{ "2025-06-02 10:00", "1bd", "2025-06-03 10:00" },
	};
	static const struct due_case tokyo_holiday[] = {
		/* Monday 2 June is a holiday in Tokyo, though it is Sunday in UTC. */
		{ "2025-06-01 23:30Z", "1h", "2025-06-03 01:00Z" },
	};
	/* Auckland is UTC+12 (NZST) or +13 (NZDT from 28 September 2025). */
	static const struct due_case auckland[] = {
		{ "2025-06-01 12:00Z", "1bd", "2025-06-02 20:30Z" },	/* Mon 00:00 NZST */
		{ "2025-09-26 16:00", "2h", "2025-09-29 09:30" },	/* across the change */
		{ "2025-09-26 16:00", "2h", "2025-09-28 20:30Z" },
		{ "2025-04-04 16:00", "1bd", "2025-04-07 16:00" },	/* NZDT -> NZST */
		{ "2025-04-04 16:00", "1bd", "2025-04-07 04:00Z" },
	};
	struct sla_calendar *cal;

	cal = cal_new("mon-fri 09:00-18:00", "Asia/Tokyo", NULL);
	check_due(cal, "Asia/Tokyo", tokyo, G_N_ELEMENTS(tokyo));
	ck_assert_int_eq(between(cal, "Asia/Tokyo", "2025-06-01 00:00Z", "2025-06-02 00:00Z"), 0);
	ck_assert_int_eq(between(cal, "Asia/Tokyo", "2025-06-02 00:00Z", "2025-06-03 00:00Z"), 9 * H);
	sla_calendar_free(cal);

	cal = cal_new("mon-fri 09:00-18:00", "Asia/Tokyo", "2025-06-02\n");
	check_due(cal, "Asia/Tokyo", tokyo_holiday, G_N_ELEMENTS(tokyo_holiday));
	sla_calendar_free(cal);
	/* A holiday on the UTC date (Sunday in Tokyo) closes nothing. */
	cal = cal_new("mon-fri 09:00-18:00", "Asia/Tokyo", "2025-06-01\n");
	check_due(cal, "Asia/Tokyo", tokyo, 1);
	sla_calendar_free(cal);

	cal = cal_new("mon-fri 08:30-17:00", "Pacific/Auckland", NULL);
	check_due(cal, "Pacific/Auckland", auckland, G_N_ELEMENTS(auckland));
	sla_calendar_free(cal);

	cal = cal_new(NULL, "Pacific/Auckland", NULL);
	ck_assert_int_eq(between(cal, "Pacific/Auckland", "2025-09-28 00:00", "2025-09-29 00:00"), 23 * H);
	ck_assert_int_eq(between(cal, "Pacific/Auckland", "2025-04-06 00:00", "2025-04-07 00:00"), 25 * H);
	sla_calendar_free(cal);
}
END_TEST

/* --- due time and business time agree ------------------------------------------ */

START_TEST(test_due_matches_business_seconds)
{
	static const struct {
		const char *hours, *zone, *holidays;
		gint64 day;	/* every open day's length, or 0 when they differ */
	} cals[] = {
		{ "mon-fri 08:00-17:00", "Europe/Stockholm", "2025-04-18\n2025-04-21\n2025-10-27\n", 9 * H },
		{ "mon-fri 08:00-12:00 13:00-17:00", "America/New_York", "2025-03-10\n", 8 * H },
		{ "mon-sat 09:00-18:00", "Asia/Tokyo", NULL, 9 * H },
		{ "mon-thu 08:00-17:00, fri 08:00-15:00", "Europe/Stockholm", NULL, 0 },
		{ "mon-sun 01:00-03:00", "America/New_York", NULL, 0 },
		{ "sun 02:30-04:00, sat 22:00-24:00", "Europe/Stockholm", NULL, 0 },
		{ NULL, "Pacific/Auckland", "2025-04-07\n", 0 },
		{ NULL, NULL, NULL, 24 * H },
	};
	static const char *const targets[] = {
		"1m", "30m", "1h", "1h30m", "4h", "9h", "17h", "1bd", "3bd", "1bd 2h"
	};
	/* Windows round the DST changes of 2025 in all three hemispheres' zones. */
	static const char *const windows[][2] = {
		{ "2025-03-05 00:00Z", "2025-04-12 00:00Z" },
		{ "2025-09-24 00:00Z", "2025-11-06 00:00Z" },
	};
	size_t c, t, w, checked = 0, failed = 0;

	for (c = 0; c < G_N_ELEMENTS(cals); c++) {
		struct sla_calendar *cal = cal_new(cals[c].hours, cals[c].zone, cals[c].holidays);

		for (t = 0; t < G_N_ELEMENTS(targets); t++) {
			struct sla_duration d = dur(targets[t]);

			if (d.business_days > 0 && cals[c].day == 0)
				continue;
			for (w = 0; w < G_N_ELEMENTS(windows); w++) {
				gint64 s = at(NULL, windows[w][0]), end = at(NULL, windows[w][1]);

				/* A prime step, so starts fall at every time of day. */
				for (; s < end; s += 97 * 60 + 13) {
					gint64 due = sla_due(cal, s, &d);
					gint64 got = sla_business_seconds(cal, s, due);
					gint64 want = dur_seconds(&d, cals[c].day);

					checked++;
					if (due == SLA_NEVER || due < s || got != want) {
						if (failed++ < 10)
							fprintf(stderr, "%s %s: %" G_GINT64_FORMAT
							    " + %s: due %" G_GINT64_FORMAT
							    ", business %" G_GINT64_FORMAT
							    " s, want %" G_GINT64_FORMAT "\n",
							    cals[c].hours ? cals[c].hours : "always",
							    cals[c].zone ? cals[c].zone : "UTC",
							    s, targets[t], due, got, want);
					}
				}
			}
		}
		sla_calendar_free(cal);
	}
	ck_assert_msg(failed == 0, "%zu of %zu checks failed (see above)", failed, checked);
	ck_assert_uint_gt(checked, 10000);
}
END_TEST

/* --- bounds -------------------------------------------------------------------- */

START_TEST(test_closed_for_years)
{
	GString *all = g_string_new("# every day from 2025 to 2036\n");
	struct sla_duration d = dur("1h");
	struct sla_calendar *cal;
	GDate *date = g_date_new_dmy(1, G_DATE_JANUARY, 2025);
	gint64 start = at(NULL, "2025-06-02 10:00");
	char buf[16];

	while (g_date_get_year(date) < 2037) {
		g_date_strftime(buf, sizeof(buf), "%Y-%m-%d\n", date);
		g_string_append(all, buf);
		/* Stop after 2032 once, to see a due time eight years on is found. */
		if (g_date_get_year(date) == 2032 && g_date_get_month(date) == 12 &&
		    g_date_get_day(date) == 31) {
			cal = cal_new("mon-fri 08:00-17:00", NULL, all->str);
			ck_assert_int_eq(sla_due(cal, start, &d), at(NULL, "2033-01-03 09:00"));
			d = dur("1bd");
			ck_assert_int_eq(sla_due(cal, start, &d), at(NULL, "2033-01-04 08:00"));
			d = dur("1h");
			sla_calendar_free(cal);
		}
		g_date_add_days(date, 1);
	}
	g_date_free(date);

	/* Closed for more than the ten-year horizon: no due time, and it ends. */
	cal = cal_new("mon-fri 08:00-17:00", NULL, all->str);
	ck_assert(sla_due(cal, start, &d) == SLA_NEVER);
	d = dur("1bd");
	ck_assert(sla_due(cal, start, &d) == SLA_NEVER);
	d = dur("1bd 1h");
	ck_assert(sla_due(cal, start, &d) == SLA_NEVER);
	d = dur("2d");
	ck_assert_int_eq(sla_due(cal, start, &d), start + 2 * 86400);
	/* Open on the day received, closed ever after. */
	start = at(NULL, "2024-12-31 10:00");
	d = dur("7h");
	ck_assert_int_eq(sla_due(cal, start, &d), at(NULL, "2024-12-31 17:00"));
	d = dur("7h1m");
	ck_assert(sla_due(cal, start, &d) == SLA_NEVER);
	d = dur("1bd");
	ck_assert(sla_due(cal, start, &d) == SLA_NEVER);
	start = at(NULL, "2025-06-02 10:00");
	ck_assert_int_eq(sla_business_seconds(cal, start, at(NULL, "2036-12-31 23:00")), 0);
	sla_calendar_free(cal);

	cal = cal_new(NULL, "Europe/Stockholm", all->str);
	d = dur("1m");
	ck_assert(sla_due(cal, start, &d) == SLA_NEVER);
	sla_calendar_free(cal);
	g_string_free(all, TRUE);
}
END_TEST

START_TEST(test_bounds)
{
	struct sla_calendar *cal = cal_new(NULL, NULL, NULL);
	struct sla_duration d = dur("1h");
	struct sla_duration huge = { G_MAXINT64, G_MAXINT64, G_MAXINT64 };
	struct sla_duration negative = { -1, G_MININT64, -5 };
	gint64 start = at(NULL, "2025-06-02 10:00");

	/* Before 1970 counts from 1970. */
	ck_assert_int_eq(sla_due(cal, -5000, &d), 3600);
	ck_assert_int_eq(sla_due(cal, G_MININT64, &d), 3600);
	/* Out-of-range fields are clamped, so nothing overflows. */
	ck_assert_int_eq(sla_due(cal, start, &huge), start + 3 * SLA_DURATION_DAYS_MAX * 86400);
	ck_assert_int_eq(sla_due(cal, start, &negative), start);
	/* Past 2100 counts from 2100. */
	ck_assert_int_eq(sla_due(cal, G_MAXINT64, &d), SLA_TIME_MAX + 3600);
	/* Business time is clamped to 1970..2100 and still ends. */
	ck_assert_int_eq(sla_business_seconds(cal, G_MININT64, G_MAXINT64), SLA_TIME_MAX);
	ck_assert_int_eq(sla_business_seconds(cal, G_MAXINT64, G_MININT64), 0);
	sla_calendar_free(cal);

	/*
	 * The whole range with weekdays 08-17 in Stockholm: 1970-01-01 to
	 * 2099-12-31 is 47482 days starting on a Thursday, so 33916 weekdays.
	 */
	cal = cal_new("mon-fri 08:00-17:00", "Europe/Stockholm", NULL);
	ck_assert_int_eq(sla_business_seconds(cal, G_MININT64, G_MAXINT64), (gint64)33916 * 9 * H);
	ck_assert_int_eq(sla_due(cal, -1, &d), at("Europe/Stockholm", "1970-01-01 09:00"));
	sla_calendar_free(cal);
}
END_TEST

/* The calendar is read-only: several threads share one and agree. */
static gpointer
due_thread(gpointer data)
{
	const struct sla_calendar *cal = data;
	struct sla_duration d = { 0, 0, 4 * H };
	gint64 s, sum = 0;

	for (s = 1735689600; s < 1735689600 + 60 * 86400; s += 3607)
		sum += sla_due(cal, s, &d) - s;
	return g_memdup2(&sum, sizeof(sum));
}

START_TEST(test_shared_between_threads)
{
	struct sla_calendar *cal = cal_new("mon-fri 08:00-17:00", "Europe/Stockholm", "2025-01-06\n");
	GThread *threads[4];
	gint64 *sums[4];
	unsigned i;

	for (i = 0; i < 4; i++)
		threads[i] = g_thread_new("sla", due_thread, cal);
	for (i = 0; i < 4; i++)
		sums[i] = g_thread_join(threads[i]);
	for (i = 1; i < 4; i++)
		ck_assert_int_eq(*sums[i], *sums[0]);
	ck_assert_int_gt(*sums[0], 0);
	for (i = 0; i < 4; i++)
		g_free(sums[i]);
	sla_calendar_free(cal);
}
END_TEST

static Suite *
sla_suite(void)
{
	Suite *s = suite_create("sla");
	TCase *tc;

	tc = tcase_create("grammar");
	tcase_add_test(tc, test_duration_parse);
	tcase_add_test(tc, test_hours_grammar);
	tcase_add_test(tc, test_zone_errors);
	tcase_add_test(tc, test_holidays_errors);
	tcase_add_test(tc, test_holidays_file_forms);
	suite_add_tcase(s, tc);

	tc = tcase_create("due");
	tcase_add_test(tc, test_weekends_and_outside_hours);
	tcase_add_test(tc, test_lunch_break);
	tcase_add_test(tc, test_uneven_days);
	tcase_add_test(tc, test_holidays);
	tcase_add_test(tc, test_always_open_utc);
	suite_add_tcase(s, tc);

	tc = tcase_create("zones");
	tcase_add_test(tc, test_dst_stockholm);
	tcase_add_test(tc, test_dst_new_york);
	tcase_add_test(tc, test_far_zones);
	suite_add_tcase(s, tc);

	/* The sweeps and the whole-range sums take a while under valgrind. */
	tc = tcase_create("sweeps");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_due_matches_business_seconds);
	tcase_add_test(tc, test_closed_for_years);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_shared_between_threads);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(sla_suite());
}
