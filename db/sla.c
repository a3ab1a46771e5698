/*
 * sla.c - SLA calendars: due times and business time.
 *
 * Everything is worked out one local day at a time. A local day is a day
 * number (days since 1970-01-01 in the calendar's zone); its open hours are
 * the ranges of its weekday, or none on a holiday; day_spans() turns each
 * range into a pair of real instants with local_to_utc(), the one place that
 * knows about daylight saving time. After that, business time is plain
 * arithmetic on instants, which is why open time is always real seconds and
 * why sla_business_seconds and sla_due agree by construction.
 */
#include <stdlib.h>
#include <string.h>

#include "sla.h"

#define DAY		((gint64)86400)
#define RANGES_MAX	8			/* open ranges on one weekday */
#define HOLIDAYS_MAX_BYTES (1024 * 1024)	/* a holidays file larger is refused */

G_DEFINE_QUARK(triage-sla-error-quark, sla_error)

/* Seconds after local midnight: 0 <= open < close <= 86400. */
struct range {
	gint32 open, close;
};

/* The open ranges of one weekday, ascending, neither touching nor overlapping. */
struct weekday {
	unsigned n;
	struct range r[RANGES_MAX];
};

/* An open range of one particular day, as real instants: [start, end). */
struct span {
	gint64 start, end;
};

struct sla_calendar {
	GTimeZone *tz;
	bool utc;			/* no zone given: offsets are all 0, skip lookups */
	struct weekday week[7];		/* Monday first */
	gint64 *holidays;		/* local day numbers, ascending, no repeats */
	size_t nholidays;
};

static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/* Floor division and remainder, for day numbers before 1970 in zones west of UTC. */
static gint64
floor_div(gint64 a, gint64 b)
{
	return a >= 0 ? a / b : -((-a - 1) / b) - 1;
}

/* The weekday of a day number, Monday 0: 1970-01-01 was a Thursday. */
static unsigned
weekday_of(gint64 day)
{
	return (unsigned)(day + 3 - floor_div(day + 3, 7) * 7);
}

/* The day number of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static gint64
day_number(gint64 y, unsigned m, unsigned d)
{
	gint64 era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (gint64)doe - 719468;
}

/* The zone's offset from UTC, in seconds, at instant t. */
static gint32
offset_at(const struct sla_calendar *cal, gint64 t)
{
	if (cal->utc)
		return 0;
	return g_time_zone_get_offset(cal->tz,
	    g_time_zone_find_interval(cal->tz, G_TIME_TYPE_UNIVERSAL, t));
}

/* Local wall-clock seconds since 1970-01-01T00:00 local, at instant t. */
static gint64
utc_to_local(const struct sla_calendar *cal, gint64 t)
{
	return t + offset_at(cal, t);
}

static gint64
local_day(const struct sla_calendar *cal, gint64 t)
{
	return floor_div(utc_to_local(cal, t), DAY);
}

/*
 * Returns the instant at which the local wall clock reads local: its first
 * occurrence when it reads it twice (fall-back), and the instant the clock
 * jumps past it when it never does (spring-forward). The offsets a day
 * either side are the only candidates, which assumes at most one change of
 * offset within two days, true of every zone in use; if not, the answer is
 * still an instant near local, and the search still ends.
 */
static gint64
local_to_utc(const struct sla_calendar *cal, gint64 local)
{
	gint32 before, after;
	gint64 lo, hi, mid;

	if (cal->utc)
		return local;
	before = offset_at(cal, local - DAY);
	after = offset_at(cal, local + DAY);
	/* The larger offset gives the earlier instant, so try it first. */
	if (before < after) {
		gint32 swap = before;

		before = after;
		after = swap;
	}
	if (offset_at(cal, local - before) == before)
		return local - before;
	if (offset_at(cal, local - after) == after)
		return local - after;
	/* A gap: the first instant whose wall clock reads past local. */
	lo = local - before;
	hi = local - after;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (utc_to_local(cal, mid) >= local)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int
compare_day(const void *a, const void *b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return (x > y) - (x < y);
}

/* True when day is a business day: its weekday has hours and it is no holiday. */
static bool
business_day(const struct sla_calendar *cal, gint64 day)
{
	if (cal->week[weekday_of(day)].n == 0)
		return false;
	return cal->nholidays == 0 || bsearch(&day, cal->holidays, cal->nholidays,
	    sizeof(*cal->holidays), compare_day) == NULL;
}

/* Fills out with the open spans of day, ascending; returns how many. */
static unsigned
day_spans(const struct sla_calendar *cal, gint64 day, struct span out[RANGES_MAX])
{
	const struct weekday *w = &cal->week[weekday_of(day)];
	unsigned i;

	if (!business_day(cal, day))
		return 0;
	for (i = 0; i < w->n; i++) {
		out[i].start = local_to_utc(cal, day * DAY + w->r[i].open);
		out[i].end = local_to_utc(cal, day * DAY + w->r[i].close);
	}
	return w->n;
}

/* --- building a calendar -------------------------------------------------- */

static void
skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* Reads a day name at *p; returns its index (Monday 0) or -1. */
static int
parse_day(const char **p)
{
	int i;

	for (i = 0; i < 7; i++) {
		if (g_ascii_strncasecmp(*p, day_names[i], 3) == 0 &&
		    !g_ascii_isalpha((*p)[3])) {
			*p += 3;
			return i;
		}
	}
	return -1;
}

/* Reads H[H]:MM at *p, 00:00..24:00; returns seconds after midnight or -1. */
static gint32
parse_clock(const char **p)
{
	const char *c = *p;
	int h, m;

	if (!g_ascii_isdigit(*c))
		return -1;
	h = *c++ - '0';
	if (g_ascii_isdigit(*c))
		h = h * 10 + (*c++ - '0');
	if (*c != ':' || !g_ascii_isdigit(c[1]) || !g_ascii_isdigit(c[2]) ||
	    g_ascii_isdigit(c[3]))
		return -1;
	m = (c[1] - '0') * 10 + (c[2] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*p = c + 3;
	return h * 3600 + m * 60;
}

/* Writes HH:MM for seconds after midnight into buf. */
static const char *
clock_text(gint32 s, char buf[8])
{
	g_snprintf(buf, 8, "%02d:%02d", s / 3600, s / 60 % 60);
	return buf;
}

/*
 * The length of the word at p, for quoting it in a message: up to a blank,
 * a comma or the end, at least one character unless at the end, at most 40.
 */
static int
word_len(const char *p)
{
	int n = p[0] != '\0' ? 1 : 0;

	while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t' && p[n] != ',' && n < 40)
		n++;
	return n;
}

static int
compare_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	/* By closing too, so that an overlap is always reported the same way. */
	if (x->open != y->open)
		return (x->open > y->open) - (x->open < y->open);
	return (x->close > y->close) - (x->close < y->close);
}

/*
 * Sorts each weekday's ranges, refuses overlaps and joins ranges that
 * touch (08:00-12:00 12:00-17:00 is one range). Returns false with *error set.
 */
static bool
tidy_week(struct weekday week[7], const char *text, GError **error)
{
	char a[8], b[8], c[8], d[8];
	unsigned day, i, n;

	for (day = 0; day < 7; day++) {
		struct weekday *w = &week[day];

		qsort(w->r, w->n, sizeof(w->r[0]), compare_range);
		for (i = 1, n = w->n ? 1 : 0; i < w->n; i++) {
			struct range *last = &w->r[n - 1];

			if (w->r[i].open < last->close) {
				g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID,
				    "business hours \"%s\": %s %s-%s overlaps %s-%s", text,
				    day_names[day], clock_text(w->r[i].open, a),
				    clock_text(w->r[i].close, b), clock_text(last->open, c),
				    clock_text(last->close, d));
				return false;
			}
			if (w->r[i].open == last->close)
				last->close = w->r[i].close;
			else
				w->r[n++] = w->r[i];
		}
		w->n = n;
	}
	return true;
}

/* Parses business hours text (see sla.h) into week; false with *error set. */
static bool
parse_hours(const char *text, struct weekday week[7], GError **error)
{
	const char *p = text, *word;
	int first, last, day, ranges;
	gint32 open, close;

#define FAIL(...) do { \
		char *why_ = g_strdup_printf(__VA_ARGS__); \
		g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID, \
		    "business hours \"%s\": %s", text, why_); \
		g_free(why_); \
		return false; \
	} while (0)

	skip_blanks(&p);
	if (*p == '\0')
		FAIL("no days given");
	for (;;) {
		word = p;
		if ((first = parse_day(&p)) < 0)
			FAIL("\"%.*s\" is not a day (mon..sun)", word_len(word), word);
		last = first;
		if (*p == '-') {
			p++;
			if ((last = parse_day(&p)) < 0)
				FAIL("\"%.*s\" is not a day range such as mon-fri",
				    word_len(word), word);
		}
		if (*p != ' ' && *p != '\t')
			FAIL("\"%.*s\" is not a day range, or has no hours after it",
			    word_len(word), word);
		for (ranges = 0;; ranges++) {
			skip_blanks(&p);
			if (*p == ',' || *p == '\0')
				break;
			word = p;
			if ((open = parse_clock(&p)) < 0 || *p++ != '-' ||
			    (close = parse_clock(&p)) < 0 ||
			    (*p != '\0' && *p != ' ' && *p != '\t' && *p != ','))
				FAIL("\"%.*s\" is not a range of times HH:MM-HH:MM "
				    "between 00:00 and 24:00", word_len(word), word);
			if (open >= close)
				FAIL("\"%.*s\" closes before it opens (write a night as "
				    "two ranges on two days)", word_len(word), word);
			for (day = first;; day = (day + 1) % 7) {
				struct weekday *w = &week[day];

				if (w->n == RANGES_MAX)
					FAIL("more than %d ranges on %s", RANGES_MAX,
					    day_names[day]);
				w->r[w->n].open = open;
				w->r[w->n++].close = close;
				if (day == last)
					break;
			}
		}
		if (ranges == 0)
			FAIL("no hours after \"%.*s\"", word_len(word), word);
		if (*p == '\0')
			break;
		p++;		/* the comma */
		skip_blanks(&p);
		if (*p == '\0')
			FAIL("nothing after the last comma");
	}
#undef FAIL
	return tidy_week(week, text, error);
}

/*
 * Reads the holidays file into cal. Returns false with *error set:
 * "FILE:LINE: what" for a bad line.
 */
static bool
load_holidays(struct sla_calendar *cal, const char *path, GError **error)
{
	GArray *days;
	char *data, *line = NULL;
	gsize len, at, eol;
	unsigned lineno, y, m, d;
	const char *rest;
	gint64 day;
	size_t i, n;

	if (!g_file_get_contents(path, &data, &len, error))
		return false;
	if (len > HOLIDAYS_MAX_BYTES) {
		g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID,
		    "%s: larger than %d bytes; not a holidays file?", path,
		    HOLIDAYS_MAX_BYTES);
		g_free(data);
		return false;
	}
	days = g_array_new(FALSE, FALSE, sizeof(gint64));
	for (at = 0, lineno = 1; at < len; at = eol + 1, lineno++) {
		const char *nl = memchr(data + at, '\n', len - at);

		eol = nl != NULL ? (gsize)(nl - data) : len;
		line = g_strstrip(g_strndup(data + at, eol - at));
		if (memchr(data + at, '\0', eol - at) != NULL) {
			g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID,
			    "%s:%u: a NUL byte; not a text file?", path, lineno);
			goto fail;
		}
		if (line[0] == '\0' || line[0] == '#') {
			g_free(line);
			continue;
		}
		if (strlen(line) < 10 || !g_ascii_isdigit(line[0]) ||
		    !g_ascii_isdigit(line[1]) || !g_ascii_isdigit(line[2]) ||
		    !g_ascii_isdigit(line[3]) || line[4] != '-' ||
		    !g_ascii_isdigit(line[5]) || !g_ascii_isdigit(line[6]) ||
		    line[7] != '-' || !g_ascii_isdigit(line[8]) ||
		    !g_ascii_isdigit(line[9]) || (line[10] != '\0' &&
		    line[10] != ' ' && line[10] != '\t' && line[10] != '#')) {
			g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID,
			    "%s:%u: \"%.40s\" is not a date YYYY-MM-DD", path, lineno, line);
			goto fail;
		}
		rest = line + 10;
		skip_blanks(&rest);
		if (*rest != '\0' && *rest != '#') {
			g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID,
			    "%s:%u: \"%.40s\" after the date is not a # comment",
			    path, lineno, rest);
			goto fail;
		}
		y = (unsigned)g_ascii_strtoull(line, NULL, 10);
		m = (unsigned)g_ascii_strtoull(line + 5, NULL, 10);
		d = (unsigned)g_ascii_strtoull(line + 8, NULL, 10);
		if (y == 0 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y)) {
			g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID,
			    "%s:%u: there is no date %.10s", path, lineno, line);
			goto fail;
		}
		day = day_number(y, m, d);
		g_array_append_val(days, day);
		g_free(line);
	}
	g_free(data);
	g_array_sort(days, compare_day);
	for (i = 0, n = 0; i < days->len; i++)
		if (n == 0 || g_array_index(days, gint64, i) != g_array_index(days, gint64, n - 1))
			g_array_index(days, gint64, n++) = g_array_index(days, gint64, i);
	cal->nholidays = n;
	cal->holidays = (gint64 *)(void *)g_array_free(days, FALSE);
	return true;
fail:
	g_free(line);
	g_free(data);
	g_array_free(days, TRUE);
	return false;
}

struct sla_calendar *
sla_calendar_new(const char *business_hours, const char *zone,
    const char *holidays_file, GError **error)
{
	struct sla_calendar *cal = g_new0(struct sla_calendar, 1);
	unsigned day;

	if (zone == NULL) {
		cal->tz = g_time_zone_new_utc();
		cal->utc = true;
	} else if (zone[0] == '\0' ||
	    (cal->tz = g_time_zone_new_identifier(zone)) == NULL) {
		g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID,
		    "time zone \"%s\" is unknown (an IANA name such as Europe/Stockholm)",
		    zone);
		goto fail;
	}
	if (business_hours == NULL) {
		for (day = 0; day < 7; day++) {
			cal->week[day].n = 1;
			cal->week[day].r[0].open = 0;
			cal->week[day].r[0].close = (gint32)DAY;
		}
	} else if (!parse_hours(business_hours, cal->week, error))
		goto fail;
	if (holidays_file != NULL && !load_holidays(cal, holidays_file, error))
		goto fail;
	return cal;
fail:
	sla_calendar_free(cal);
	return NULL;
}

void
sla_calendar_free(struct sla_calendar *cal)
{
	if (cal == NULL)
		return;
	if (cal->tz != NULL)
		g_time_zone_unref(cal->tz);
	g_free(cal->holidays);
	g_free(cal);
}

/* --- targets ---------------------------------------------------------------- */

bool
sla_duration_parse(const char *text, struct sla_duration *out, GError **error)
{
	/* Units largest first; a part's unit must come after the previous one's. */
	static const struct {
		const char *name;
		gint64 max;
	} units[] = {
		{ "bd", SLA_DURATION_DAYS_MAX },
		{ "d", SLA_DURATION_DAYS_MAX },
		{ "h", SLA_DURATION_DAYS_MAX * 24 },
		{ "m", SLA_DURATION_DAYS_MAX * 24 * 60 },
	};
	struct sla_duration dur = { 0, 0, 0 };
	const char *p = text, *word;
	unsigned u, next = 0;
	gint64 n;

#define FAIL(...) do { \
		char *why_ = g_strdup_printf(__VA_ARGS__); \
		g_set_error(error, SLA_ERROR, SLA_ERROR_INVALID, \
		    "SLA target \"%s\": %s", text, why_); \
		g_free(why_); \
		return false; \
	} while (0)

	skip_blanks(&p);
	if (*p == '\0')
		FAIL("empty (write e.g. 30m, 4h, 1h30m, 1bd, 2d)");
	while (*p != '\0') {
		word = p;
		if (!g_ascii_isdigit(*p))
			FAIL("\"%.*s\" does not start with a number", word_len(word), word);
		for (n = 0; g_ascii_isdigit(*p); p++)
			if ((n = n * 10 + (*p - '0')) > 1000000000)
				FAIL("\"%.*s\" is too large", word_len(word), word);
		for (u = 0; u < G_N_ELEMENTS(units); u++)
			if (strncmp(p, units[u].name, strlen(units[u].name)) == 0)
				break;
		if (u == G_N_ELEMENTS(units) ||
		    g_ascii_isalpha(p[strlen(units[u].name)]))
			FAIL("\"%.*s\": the unit must be m, h, d or bd", word_len(word), word);
		if (u < next)
			FAIL("units must each come once, largest first (1bd 4h, 1h30m)");
		if (n > units[u].max)
			FAIL("\"%.*s\" is more than %d days", word_len(word), word,
			    SLA_DURATION_DAYS_MAX);
		p += strlen(units[u].name);
		next = u + 1;
		if (u == 0)
			dur.business_days = n;
		else if (u == 1)
			dur.days = n;
		else
			dur.seconds += n * (u == 2 ? 3600 : 60);
		skip_blanks(&p);
	}
	if (dur.seconds > SLA_DURATION_DAYS_MAX * DAY)
		FAIL("more than %d days", SLA_DURATION_DAYS_MAX);
	if (dur.business_days == 0 && dur.days == 0 && dur.seconds == 0)
		FAIL("a target must be longer than zero");
#undef FAIL
	*out = dur;
	return true;
}

/* --- due times ---------------------------------------------------------------- */

/*
 * Returns the instant secs seconds of open time after t, or SLA_NEVER when
 * that lies past day limit. Starting a day before t's local day costs one
 * day's lookups and guards against zones whose offset changes twice within
 * two days, where local_to_utc() is only approximate and a range of the
 * day before might end after t.
 */
static gint64
add_open_seconds(const struct sla_calendar *cal, gint64 t, gint64 secs, gint64 limit)
{
	struct span sp[RANGES_MAX];
	gint64 day, from;
	unsigned i, n;

	for (day = local_day(cal, t) - 1; day <= limit; day++) {
		n = day_spans(cal, day, sp);
		for (i = 0; i < n; i++) {
			if (sp[i].end <= t)
				continue;
			from = MAX(sp[i].start, t);
			if (secs <= sp[i].end - from)
				return from + secs;
			secs -= sp[i].end - from;
		}
	}
	return SLA_NEVER;
}

/*
 * Returns the instant on day at local time of day tod, clamped into the
 * day's open hours: the closing before tod if the day has closed by then,
 * the first opening if it has not yet opened.
 */
static gint64
due_on(const struct sla_calendar *cal, gint64 day, gint32 tod)
{
	const struct weekday *w = &cal->week[weekday_of(day)];
	gint32 at = w->r[0].open;
	unsigned i;

	for (i = 0; i < w->n && w->r[i].open <= tod; i++)
		at = MIN(tod, w->r[i].close);
	return local_to_utc(cal, day * DAY + at);
}

/* Returns the due time n business days after t (see sla.h), or SLA_NEVER. */
static gint64
add_business_days(const struct sla_calendar *cal, gint64 t, gint64 n, gint64 limit)
{
	struct span sp[RANGES_MAX];
	const struct weekday *w;
	gint64 day;
	gint32 tod = -1;
	unsigned i, k;

	/* The first open instant at or after t, and its local time of day. */
	for (day = local_day(cal, t) - 1; day <= limit && tod < 0; day++) {
		w = &cal->week[weekday_of(day)];
		k = day_spans(cal, day, sp);
		for (i = 0; i < k && tod < 0; i++) {
			if (sp[i].end <= t || sp[i].end <= sp[i].start)
				continue;
			if (t <= sp[i].start)
				tod = w->r[i].open;
			else
				tod = (gint32)CLAMP(utc_to_local(cal, t) - day * DAY,
				    w->r[i].open, w->r[i].close);
		}
	}
	if (tod < 0)
		return SLA_NEVER;
	day--;		/* the loop stepped past the day it found */
	while (n-- > 0) {
		do
			day++;
		while (day <= limit && !business_day(cal, day));
		if (day > limit)
			return SLA_NEVER;
	}
	return due_on(cal, day, tod);
}

gint64
sla_due(const struct sla_calendar *cal, gint64 start, const struct sla_duration *d)
{
	gint64 t = CLAMP(start, 0, SLA_TIME_MAX);
	gint64 limit = local_day(cal, t) + SLA_HORIZON_DAYS;
	gint64 bdays = CLAMP(d->business_days, 0, SLA_DURATION_DAYS_MAX);
	gint64 days = CLAMP(d->days, 0, SLA_DURATION_DAYS_MAX);
	gint64 secs = CLAMP(d->seconds, 0, SLA_DURATION_DAYS_MAX * DAY);

	if (bdays > 0 && (t = add_business_days(cal, t, bdays, limit)) == SLA_NEVER)
		return SLA_NEVER;
	if (days > 0)
		t = local_to_utc(cal, utc_to_local(cal, t) + days * DAY);
	if (secs > 0)
		t = add_open_seconds(cal, t, secs, limit);
	return t;
}

gint64
sla_business_seconds(const struct sla_calendar *cal, gint64 from, gint64 to)
{
	struct span sp[RANGES_MAX];
	gint64 day, last, total = 0, lo, hi;
	unsigned i, n;

	from = CLAMP(from, 0, SLA_TIME_MAX);
	to = CLAMP(to, 0, SLA_TIME_MAX);
	if (to <= from)
		return 0;
	last = local_day(cal, to) + 1;
	for (day = local_day(cal, from) - 1; day <= last; day++) {
		n = day_spans(cal, day, sp);
		for (i = 0; i < n; i++) {
			lo = MAX(sp[i].start, from);
			hi = MIN(sp[i].end, to);
			if (hi > lo)
				total += hi - lo;
		}
	}
	return total;
}
