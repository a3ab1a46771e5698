/*
 * fuzz_ruleset.c - the rule-file parser (triage-rules(5)).
 *
 * Each input is one rule file given to ruleset_load_string(). A set that
 * loads is then used: one sample message (read once) is classified with
 * it, so the meta expressions, evals and scores the parser built are
 * evaluated too. PCRE2's JIT is off (TRIAGE_PCRE2_JIT=0): compiling every
 * pattern to machine code on every input would cost far more than it
 * finds, and the JIT is PCRE2's code, not ours.
 */
#include <gmime/gmime.h>

#include "classify.h"
#include "message.h"
#include "ruleset.h"
#include "verdict.h"
#include "fuzz.h"

#define FUZZ_DEADLINE_MS 1000

static struct message_view *sample;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GError *error = NULL;
	char *path, *bytes;
	gsize len;

	(void)argc;
	(void)argv;
	setenv("TRIAGE_PCRE2_JIT", "0", 1);
	g_mime_init();
	path = g_build_filename(fuzz_srcdir(), "tests", "data", "en-plain-outage.eml", NULL);
	if (!g_file_get_contents(path, &bytes, &len, &error))
		fuzz_die("%s", error->message);
	sample = message_read(bytes, len, NULL);
	g_free(bytes);
	g_free(path);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct classify_input in = { 0 };
	struct verdict verdict;
	struct ruleset *set;
	GError *error = NULL;
	char *text, *json;

	text = fuzz_strndup(data, size);
	set = ruleset_load_string("fuzz.cf", text, &error);
	g_free(text);
	if (set == NULL) {
		/* The contract: NULL comes with an error saying where. */
		if (error == NULL || error->message == NULL)
			abort();
		g_error_free(error);
		return 0;
	}
	if (error != NULL)
		abort();
	(void)ruleset_rule_count(set);
	(void)ruleset_has_rule(set, "EN_OUTAGE");
	in.view = sample;
	in.language = size % 3 == 0 ? "und" : NULL;
	in.deadline = g_get_monotonic_time() + FUZZ_DEADLINE_MS * G_TIME_SPAN_MILLISECOND;
	verdict_init(&verdict);
	classify(set, NULL, &in, &verdict);
	json = verdict_to_json(&verdict, true, false);
	g_free(json);
	verdict_clear(&verdict);
	ruleset_unref(set);
	return 0;
}
