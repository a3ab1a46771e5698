/*
 * fuzz_sla.c - SLA targets and business hours (db/sla.c).
 *
 * The first line of an input is a target for sla_duration_parse(), the
 * rest business hours for sla_calendar_new() (no zone, no holidays, as the
 * settings check does). When both parse, the due time is computed from a
 * few instants, on that calendar and on the same hours in a zone with
 * daylight saving time, and checked against sla.h's contract: never
 * before the start (within bounds), and for a target of hours and minutes
 * the business seconds from the start to the due time are the target.
 */
#include "sla.h"
#include "fuzz.h"

static const gint64 starts[] = {
	0, 1732611600 /* Tue 2024-11-26 09:00Z */, 1711846800 /* DST change, 2024-03-31 */,
	1729990800 /* 2024-10-27 */, SLA_TIME_MAX - 86400, -86400,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check(const struct sla_calendar *cal, const struct sla_duration *d)
{
	for (size_t i = 0; i < G_N_ELEMENTS(starts); i++) {
		gint64 start = CLAMP(starts[i], 0, SLA_TIME_MAX);
		gint64 due = sla_due(cal, starts[i], d);

		if (due == SLA_NEVER)
			continue;
		if (due < start) {
			fprintf(stderr, "due %" G_GINT64_FORMAT " before start %" G_GINT64_FORMAT "\n",
			    due, start);
			abort();
		}
		if (d->business_days == 0 && d->days == 0 && due < SLA_TIME_MAX) {
			gint64 got = sla_business_seconds(cal, starts[i], due);

			if (got != d->seconds) {
				fprintf(stderr, "start %" G_GINT64_FORMAT " due %" G_GINT64_FORMAT
				    ": business seconds %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT "\n",
				    starts[i], due, got, d->seconds);
				abort();
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sla_calendar *cal;
	struct sla_duration d = { 0 };
	GError *error = NULL;
	char *text = fuzz_strndup(data, size);
	char *hours = strchr(text, '\n');
	bool have_duration;

	if (hours != NULL)
		*hours++ = '\0';
	have_duration = sla_duration_parse(text, &d, &error);
	if (!have_duration) {
		if (error == NULL)
			abort();
		g_clear_error(&error);
	}
	if (hours == NULL) {
		g_free(text);
		return 0;
	}
	if (*hours == '\0')
		hours = NULL;	/* always open */
	if ((cal = sla_calendar_new(hours, NULL, NULL, &error)) == NULL) {
		if (error == NULL)
			abort();
		g_clear_error(&error);
		g_free(text);
		return 0;
	}
	if (have_duration) {
		check(cal, &d);
		sla_calendar_free(cal);
		if ((cal = sla_calendar_new(hours, "Europe/Stockholm", NULL, &error)) == NULL)
			abort();	/* the same hours cannot fail for a zone */
		check(cal, &d);
	}
	sla_calendar_free(cal);
	g_free(text);
	return 0;
}
