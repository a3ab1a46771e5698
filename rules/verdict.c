/*
 * verdict.c - names of the verdict's values and its JSON form.
 */
#include "verdict.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "jsonout.h"

static const char *const axis_names[AXIS_COUNT] = {
	"urgency", "complaint", "analytical", "personal", "functional", "intuitive",
	"billing", "delivery", "defect", "account", "staff",
};
static const char *const urgency_names[] = { "low", "normal", "high", "critical" };
static const char *const personality_names[PERSONALITY_COUNT] = {
	"analytical", "personal", "functional", "intuitive",
};
static const char *const topic_names[TOPIC_COUNT] = {
	"billing", "delivery", "defect", "account", "staff", "other",
};

static int
index_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *axis_name(enum axis axis) { return axis_names[axis]; }
const char *urgency_name(enum urgency u) { return urgency_names[u]; }
const char *personality_name(enum personality p) { return personality_names[p]; }
const char *topic_name(enum topic t) { return topic_names[t]; }
int axis_from_name(const char *name) { return index_of(axis_names, AXIS_COUNT, name); }
int urgency_from_name(const char *name) { return index_of(urgency_names, 4, name); }
int personality_from_name(const char *name)
{
	return index_of(personality_names, PERSONALITY_COUNT, name);
}
int topic_from_name(const char *name) { return index_of(topic_names, TOPIC_COUNT, name); }

void
verdict_init(struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	strcpy(v->language, "und");
	v->model_complaint = -1.0;
	v->urgency = URGENCY_NORMAL;
	v->topic = TOPIC_OTHER;
	v->hits = g_array_new(FALSE, FALSE, sizeof(struct verdict_hit));
}

void
verdict_clear(struct verdict *v)
{
	if (v->hits != NULL)
		g_array_unref(v->hits);
	v->hits = NULL;
}

static void
add_axes(JsonBuilder *b, const double *axes, bool skip_zero)
{
	json_builder_begin_object(b);
	for (int a = 0; a < AXIS_COUNT; a++) {
		if (skip_zero && axes[a] == 0.0)
			continue;
		json_builder_set_member_name(b, axis_names[a]);
		json_builder_add_double_value(b, jsonout_round2(axes[a]));
	}
	json_builder_end_object(b);
}

char *
verdict_to_json(const struct verdict *v, bool explain, bool pretty)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "urgency");
	json_builder_add_string_value(b, urgency_name(v->urgency));
	json_builder_set_member_name(b, "complaint");
	json_builder_add_boolean_value(b, v->complaint);
	json_builder_set_member_name(b, "personality");
	json_builder_add_string_value(b, personality_name(v->personality));
	json_builder_set_member_name(b, "personality_confidence");
	json_builder_add_double_value(b, jsonout_round2(v->personality_confidence));
	json_builder_set_member_name(b, "topic");
	json_builder_add_string_value(b, topic_name(v->topic));
	json_builder_set_member_name(b, "language");
	json_builder_add_string_value(b, v->language);
	json_builder_set_member_name(b, "scores");
	add_axes(b, v->axes, false);
	if (v->model_complaint >= 0) {
		json_builder_set_member_name(b, "model_complaint");
		json_builder_add_double_value(b, jsonout_round2(v->model_complaint));
	}
	json_builder_set_member_name(b, "rules");
	json_builder_begin_array(b);
	for (guint i = 0; i < v->hits->len; i++)
		json_builder_add_string_value(b, g_array_index(v->hits, struct verdict_hit, i).name);
	json_builder_end_array(b);
	if (explain) {
		json_builder_set_member_name(b, "explain");
		json_builder_begin_array(b);
		for (guint i = 0; i < v->hits->len; i++) {
			const struct verdict_hit *h = &g_array_index(v->hits, struct verdict_hit, i);

			json_builder_begin_object(b);
			json_builder_set_member_name(b, "rule");
			json_builder_add_string_value(b, h->name);
			json_builder_set_member_name(b, "description");
			if (h->description != NULL)
				json_builder_add_string_value(b, h->description);
			else
				json_builder_add_null_value(b);
			json_builder_set_member_name(b, "scores");
			add_axes(b, h->score, true);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
	return jsonout_finish(b, pretty);
}
