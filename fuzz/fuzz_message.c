/*
 * fuzz_message.c - the reader and the classifier: bytes in, a view, a
 * verdict.
 *
 * Every input is read by message_read() (under the default limits, or,
 * for one input in seven, under tight ones so the truncation paths run
 * too), serialised with message_view_to_json(), then classified with the
 * shipped rules (rules/cf) and model (rules/model/triage.model), loaded
 * once. The verdict is serialised with its explanation. Classification
 * has a deadline of FUZZ_DEADLINE_MS (as the milter's ClassifyBudget
 * does, but generous for a sanitised build), so only a single rule or
 * step that ignores the deadline can make the fuzzer time out.
 */
#include <gmime/gmime.h>

#include "classify.h"
#include "message.h"
#include "model.h"
#include "ruleset.h"
#include "verdict.h"
#include "fuzz.h"

#define FUZZ_DEADLINE_MS 2000

static struct ruleset *rules;
static struct model *model;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GError *error = NULL;
	char *path;

	(void)argc;
	(void)argv;
	g_mime_init();
	path = g_build_filename(fuzz_srcdir(), "rules", "cf", NULL);
	if ((rules = ruleset_load_dir(path, &error)) == NULL)
		fuzz_die("%s", error->message);
	g_free(path);
	path = g_build_filename(fuzz_srcdir(), "rules", "model", "triage.model", NULL);
	if ((model = model_load(path, &error)) == NULL)
		fuzz_die("%s", error->message);
	g_free(path);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message_limits limits;
	struct message_view *view;
	struct classify_input in = { 0 };
	struct verdict verdict;
	char *json;

	message_limits_default(&limits);
	if (size % 7 == 3) {
		limits.max_bytes = size / 2 + 1;
		limits.max_depth = 2;
		limits.max_parts = 4;
		limits.max_headers = 8;
		limits.max_text = 256;
	}
	view = message_read((const char *)data, size, &limits);
	json = message_view_to_json(view, size % 2 == 0);
	g_free(json);

	in.view = view;
	in.known_ticket = view->in_reply_to != NULL;
	in.deadline = g_get_monotonic_time() + FUZZ_DEADLINE_MS * G_TIME_SPAN_MILLISECOND;
	verdict_init(&verdict);
	classify(rules, model, &in, &verdict);
	json = verdict_to_json(&verdict, true, false);
	g_free(json);
	verdict_clear(&verdict);
	message_view_free(view);
	return 0;
}
