/*
 * cmd_classify.c - `triage classify`: the verdict for each message.
 */
#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "commands.h"
#include "input.h"
#include "paths.h"

struct classify_options {
	bool json;
	bool explain;
	bool text;		/* stdin is a plain UTF-8 body, not a message */
	const char *rules_dir;
	const char *model_file;	/* "" for none */
	const char *language;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: triage classify [--json] [--explain] [--rules DIR] [--model FILE|--no-model]\n"
	    "                       [--lang CODE] FILE...|-\n"
	    "       triage classify --text [--json] [--explain] ... < body.txt\n"
	    "Prints the verdict for each message: urgency, complaint, personality, topic,\n"
	    "language and the rules that fired (--explain: with each rule's contribution).\n");
}

/* Prints one verdict as a line of text, or as JSON. */
static void
print_verdict(const char *label, const struct verdict *v, const struct classify_options *o)
{
	if (o->json) {
		char *json = verdict_to_json(v, o->explain, false);

		printf("%s\n", json);
		g_free(json);
		return;
	}
	printf("%s: urgency=%s complaint=%s personality=%s(%.2f) topic=%s language=%s rules=",
	    label, urgency_name(v->urgency), v->complaint ? "yes" : "no",
	    personality_name(v->personality), v->personality_confidence, topic_name(v->topic),
	    v->language);
	for (guint i = 0; i < v->hits->len; i++)
		printf("%s%s", i ? "," : "", g_array_index(v->hits, struct verdict_hit, i).name);
	printf("\n");
	if (!o->explain)
		return;
	for (guint i = 0; i < v->hits->len; i++) {
		const struct verdict_hit *h = &g_array_index(v->hits, struct verdict_hit, i);

		printf("  %-28s", h->name);
		for (int a = 0; a < AXIS_COUNT; a++)
			if (h->score[a] != 0.0)
				printf(" %s=%+.2f", axis_name((enum axis)a), h->score[a]);
		printf("%s%s\n", h->description ? "  # " : "", h->description ? h->description : "");
	}
	printf("  %-28s", "= total");
	for (int a = 0; a < AXIS_COUNT; a++)
		if (v->axes[a] != 0.0)
			printf(" %s=%+.2f", axis_name((enum axis)a), v->axes[a]);
	printf("\n");
}

static int
classify_one(const char *path, const struct ruleset *set, const struct model *model,
    const struct classify_options *o)
{
	struct message_limits limits;
	struct message_view *view;
	struct classify_input in = { 0 };
	struct verdict v;
	GError *error = NULL;
	size_t len, total;
	char *bytes;

	message_limits_default(&limits);
	bytes = input_read(path, limits.max_bytes, &len, &total, &error);
	if (bytes == NULL) {
		fprintf(stderr, "triage: %s\n", error->message);
		g_error_free(error);
		return -1;
	}
	view = o->text ? message_view_from_text(bytes, len, &limits) :
	    message_read(bytes, len, &limits);
	in.view = view;
	in.language = o->language;
	verdict_init(&v);
	classify(set, model, &in, &v);
	print_verdict(strcmp(path, "-") == 0 ? "(stdin)" : path, &v, o);
	verdict_clear(&v);
	message_view_free(view);
	g_free(bytes);
	return 0;
}

int
cmd_classify(int argc, char **argv)
{
	struct classify_options o = { 0 };
	GPtrArray *files = g_ptr_array_new();
	struct ruleset *set = NULL;
	struct model *model = NULL;
	GError *error = NULL;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--json") == 0)
			o.json = true;
		else if (strcmp(a, "--explain") == 0)
			o.explain = true;
		else if (strcmp(a, "--text") == 0)
			o.text = true;
		else if (strcmp(a, "--no-model") == 0)
			o.model_file = "";
		else if ((strcmp(a, "--rules") == 0 || strcmp(a, "--model") == 0 ||
		    strcmp(a, "--lang") == 0) && value != NULL) {
			if (a[2] == 'r')
				o.rules_dir = value;
			else if (a[2] == 'm')
				o.model_file = value;
			else
				o.language = value;
			i++;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			g_ptr_array_unref(files);
			return 0;
		} else if (a[0] != '-' || strcmp(a, "-") == 0) {
			g_ptr_array_add(files, (gpointer)a);
		} else {
			usage(stderr);
			g_ptr_array_unref(files);
			return 64;
		}
	}
	if (o.text && files->len == 0)
		g_ptr_array_add(files, (gpointer)"-");
	if (files->len == 0 || (o.text && files->len != 1)) {
		usage(stderr);
		g_ptr_array_unref(files);
		return 64;
	}

	if (o.rules_dir == NULL)
		o.rules_dir = paths_rules_dir();
	set = ruleset_load_dir(o.rules_dir, &error);
	if (set == NULL) {
		fprintf(stderr, "triage: %s\n", error->message);
		g_error_free(error);
		g_ptr_array_unref(files);
		return 78;	/* EX_CONFIG */
	}
	if (o.model_file == NULL)
		o.model_file = paths_model_file();
	if (*o.model_file != '\0') {
		model = model_load(o.model_file, &error);
		if (model == NULL) {
			fprintf(stderr, "triage: %s\n", error->message);
			g_error_free(error);
			ruleset_unref(set);
			g_ptr_array_unref(files);
			return 78;
		}
	}

	for (guint i = 0; i < files->len; i++)
		if (classify_one(g_ptr_array_index(files, i), set, model, &o) != 0)
			status = 66;	/* EX_NOINPUT: the others were still done */
	model_free(model);
	ruleset_unref(set);
	g_ptr_array_unref(files);
	return status;
}
