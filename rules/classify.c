/*
 * classify.c - the classification core: a message view in, a verdict out.
 *
 * Body, header and eval rules are independent and run first; meta rules run
 * after them in definition order, so a meta sees every rule it names (the
 * loader allows a meta to name only metas defined before it). Each rule that
 * fires adds its score vector; the learned model adds its weighted
 * log-odds; the axes then decide the verdict as triage-rules(5) says.
 */
#include "classify.h"

#include <math.h>
#include <string.h>

#include "prefilter.h"
#include "ruleset_int.h"
#include "textstats.h"

/*
 * Log-odds from the model are clipped: a model trained on short tweets is
 * sure of itself on a short e-mail, and must not drown the rules.
 */
#define MODEL_LOGODDS_MAX 3.0
/*
 * The model reads the opening of the message only: it learned from short
 * texts, the opening says what a message is about, and the cost of its
 * features grows with the length.
 */
#define MODEL_INPUT_MAX 2048

/* Per-call state: nothing here is shared between threads. */
struct evaluation {
	const struct ruleset *set;
	const struct message_view *view;
	const char *language;
	char *body;			/* Subject, newline, text */
	char *fields[FIELD_COUNT];	/* built on first use */
	struct text_stats stats;
	pcre2_match_data *match;
	bool *fired;			/* per rule, by index */
	bool *skip;			/* per rule: a body rule the prefilter ruled out */
};

static void
append_addresses(GString *out, const GPtrArray *list)
{
	for (guint i = 0; i < list->len; i++) {
		const struct message_address *a = g_ptr_array_index(list, i);

		if (out->len > 0)
			g_string_append(out, ", ");
		if (*a->name != '\0')
			g_string_append_printf(out, "%s <%s>", a->name, a->address);
		else
			g_string_append(out, a->address);
	}
}

static void
append_lines(GString *out, const GPtrArray *list)
{
	for (guint i = 0; i < list->len; i++) {
		if (i > 0)
			g_string_append_c(out, '\n');
		g_string_append(out, g_ptr_array_index(list, i));
	}
}

/* Returns the text a header rule on field tests; "" when absent. */
static const char *
field_text(struct evaluation *ev, enum header_field field)
{
	const struct message_view *v = ev->view;
	GString *s;

	if (ev->fields[field] != NULL)
		return ev->fields[field];
	s = g_string_new(NULL);
	switch (field) {
	case FIELD_SUBJECT: g_string_append(s, v->subject); break;
	case FIELD_FROM:
		if (v->from != NULL && *v->from->name != '\0')
			g_string_append_printf(s, "%s <%s>", v->from->name, v->from->address);
		else if (v->from != NULL)
			g_string_append(s, v->from->address);
		break;
	case FIELD_FROM_ADDR: if (v->from != NULL) g_string_append(s, v->from->address); break;
	case FIELD_FROM_NAME: if (v->from != NULL) g_string_append(s, v->from->name); break;
	case FIELD_TO: append_addresses(s, v->to); break;
	case FIELD_CC: append_addresses(s, v->cc); break;
	case FIELD_REPLY_TO: append_addresses(s, v->reply_to); break;
	case FIELD_MESSAGE_ID: if (v->message_id) g_string_append(s, v->message_id); break;
	case FIELD_IN_REPLY_TO: if (v->in_reply_to) g_string_append(s, v->in_reply_to); break;
	case FIELD_REFERENCES: append_lines(s, v->references); break;
	case FIELD_AUTO_SUBMITTED: if (v->auto_submitted) g_string_append(s, v->auto_submitted); break;
	case FIELD_PRECEDENCE: if (v->precedence) g_string_append(s, v->precedence); break;
	case FIELD_X_AUTO_RESPONSE_SUPPRESS:
		if (v->x_auto_response_suppress)
			g_string_append(s, v->x_auto_response_suppress);
		break;
	case FIELD_LIST: append_lines(s, v->list_headers); break;
	case FIELD_AUTHENTICATION_RESULTS: append_lines(s, v->authentication_results); break;
	case FIELD_COUNT: break;
	}
	ev->fields[field] = g_string_free(s, FALSE);
	return ev->fields[field];
}

/*
 * True when pattern matches text. A match that hits the backtracking limit
 * counts as no match: a hostile message cannot stall a milter thread.
 */
static bool
pattern_matches(struct evaluation *ev, const pcre2_code *pattern, const char *text)
{
	return pcre2_match(pattern, (PCRE2_SPTR)text, strlen(text), 0, PCRE2_NO_UTF_CHECK,
	    ev->match, ev->set->match_context) >= 0;
}

static double
eval_value(const struct text_stats *s, enum eval_function function)
{
	switch (function) {
	case EVAL_CAPS_RATIO: return s->caps_ratio;
	case EVAL_EXCLAMATIONS: return s->exclamations;
	case EVAL_QUESTIONS: return s->questions;
	case EVAL_LENGTH: return s->length;
	case EVAL_WORDS: return s->words;
	case EVAL_NUMBERS: return s->numbers;
	case EVAL_ORDER_IDS: return s->order_ids;
	case EVAL_VERSIONS: return s->versions;
	case EVAL_GREETING: return s->greeting ? 1 : 0;
	case EVAL_SIGNOFF: return s->signoff ? 1 : 0;
	case EVAL_REPEAT_CONTACT: return s->repeat_contact ? 1 : 0;
	case EVAL_COUNT: break;
	}
	return 0;
}

static double
meta_value(const struct evaluation *ev, const struct meta_node *node)
{
	switch (node->op) {
	case META_RULE: return ev->fired[node->rule] ? 1.0 : 0.0;
	case META_NUMBER: return node->number;
	case META_NOT: return meta_value(ev, node->left) != 0.0 ? 0.0 : 1.0;
	case META_AND:
		return meta_value(ev, node->left) != 0.0 && meta_value(ev, node->right) != 0.0;
	case META_OR:
		return meta_value(ev, node->left) != 0.0 || meta_value(ev, node->right) != 0.0;
	case META_SUM: return meta_value(ev, node->left) + meta_value(ev, node->right);
	case META_COMPARE:
		return compare_apply(node->compare, meta_value(ev, node->left),
		    meta_value(ev, node->right)) ? 1.0 : 0.0;
	}
	return 0.0;
}

/* Tests rule number index of the set on the message. */
static bool
rule_fires(struct evaluation *ev, guint index)
{
	const struct rule *rule = g_ptr_array_index(ev->set->rules, index);

	switch (rule->kind) {
	case RULE_BODY:
		return !ev->skip[index] && pattern_matches(ev, rule->pattern, ev->body);
	case RULE_HEADER:
		return pattern_matches(ev, rule->pattern, field_text(ev, rule->field)) !=
		    rule->negate;
	case RULE_EVAL:
		return compare_apply(rule->compare, eval_value(&ev->stats, rule->function),
		    rule->operand);
	case RULE_META:
		return meta_value(ev, rule->meta) != 0.0;
	}
	return false;
}

static void
record_hit(struct verdict *out, const struct rule *rule)
{
	struct verdict_hit hit;

	if (!rule->reported)
		return;
	hit.name = rule->name;
	hit.description = rule->description;
	memcpy(hit.score, rule->score, sizeof(hit.score));
	for (int a = 0; a < AXIS_COUNT; a++)
		out->axes[a] += rule->score[a];
	g_array_append_val(out->hits, hit);
}

static double
logit(double p)
{
	p = CLAMP(p, 1e-6, 1.0 - 1e-6);
	return log(p / (1.0 - p));
}

/*
 * Returns the features of the opening of the body, the first
 * MODEL_INPUT_MAX bytes cut before a character that straddles the bound;
 * made on the first call, kept in *text for the next.
 */
static const struct model_text *
opening_text(const struct evaluation *ev, struct model_text **text)
{
	char *opening;

	if (*text != NULL)
		return *text;
	opening = g_strdup(ev->body);
	if (strlen(opening) > MODEL_INPUT_MAX)
		*g_utf8_find_prev_char(opening, opening + MODEL_INPUT_MAX + 1) = '\0';
	*text = model_text_new(opening);
	g_free(opening);
	return *text;
}

/* The heads whose class names are axes (other than complaint's yes/no). */
static const char *const class_heads[] = { "personality", "topic" };

/* Adds the model's weighted log-odds, as one hit named LEARNED_MODEL. */
static void
add_model(const struct ruleset *set, const struct model *model, const struct evaluation *ev,
    struct verdict *out)
{
	struct verdict_hit hit = { .name = "LEARNED_MODEL",
	    .description = "learned model (triage learn), weighted by model_weight" };
	bool any = false;
	double probs[MODEL_MAX_CLASSES], weight[AXIS_COUNT];
	struct model_text *text = NULL;	/* the opening's features, made on first use */

	ruleset_model_weights(set, ev->language, weight);

	/*
	 * The complaint axis uses the "complaint" head's log-odds of "yes"; so
	 * does urgency, when weighted: the likelier a complaint, the sooner a
	 * person should read it.
	 */
	if ((weight[AXIS_COMPLAINT] != 0.0 || weight[AXIS_URGENCY] != 0.0) &&
	    model_text_predict(model, "complaint", opening_text(ev, &text), probs,
	    MODEL_MAX_CLASSES) == 2) {
		double logodds = CLAMP(logit(probs[1]), -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX);

		out->model_complaint = probs[1];
		hit.score[AXIS_COMPLAINT] = weight[AXIS_COMPLAINT] * logodds;
		hit.score[AXIS_URGENCY] = weight[AXIS_URGENCY] * logodds;
		any = true;
	}
	/*
	 * Other axes use any head with a class of the axis's name
	 * ("personality": analytical ...), as the log ratio to a uniform guess.
	 */
	for (size_t h = 0; h < G_N_ELEMENTS(class_heads); h++) {
		size_t n = 0;
		const char *const *classes = model_classes(model, class_heads[h], &n);
		bool predicted = false;

		for (size_t c = 0; classes != NULL && c < n; c++) {
			int a = axis_from_name(classes[c]);
			double ratio;

			if (a < 0 || a == AXIS_COMPLAINT || a == AXIS_URGENCY || weight[a] == 0.0)
				continue;
			if (!predicted && model_text_predict(model, class_heads[h],
			    opening_text(ev, &text), probs, MODEL_MAX_CLASSES) != (int)n)
				break;
			predicted = true;
			ratio = log(CLAMP(probs[c], 1e-6, 1.0) * (double)n);
			hit.score[a] = weight[a] * CLAMP(ratio, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX);
			any = true;
		}
	}
	model_text_free(text);
	if (!any)
		return;
	for (int a = 0; a < AXIS_COUNT; a++)
		out->axes[a] += hit.score[a];
	g_array_append_val(out->hits, hit);
}

/* Turns the summed axes into the levels of the verdict. */
static void
decide(const struct ruleset *set, struct verdict *out)
{
	const double *axes = out->axes;
	double best = 0.0, positive = 0.0;

	if (axes[AXIS_URGENCY] >= set->urgency_critical)
		out->urgency = URGENCY_CRITICAL;
	else if (axes[AXIS_URGENCY] >= set->urgency_high)
		out->urgency = URGENCY_HIGH;
	else if (axes[AXIS_URGENCY] <= set->urgency_low)
		out->urgency = URGENCY_LOW;
	else
		out->urgency = URGENCY_NORMAL;

	out->complaint = axes[AXIS_COMPLAINT] >= set->complaint_threshold;

	out->personality = set->default_personality;
	out->personality_confidence = 0.0;
	for (int p = 0; p < PERSONALITY_COUNT; p++) {
		double s = axes[AXIS_FIRST_PERSONALITY + p];

		if (s > 0.0)
			positive += s;
		if (s > best) {
			best = s;
			out->personality = (enum personality)p;
		}
	}
	if (positive > 0.0)
		out->personality_confidence = best / positive;

	out->topic = TOPIC_OTHER;
	best = 0.0;
	for (int t = 0; t < TOPIC_OTHER; t++) {
		if (axes[AXIS_FIRST_TOPIC + t] > best) {
			best = axes[AXIS_FIRST_TOPIC + t];
			out->topic = (enum topic)t;
		}
	}
}

void
classify(const struct ruleset *set, const struct model *model,
    const struct classify_input *in, struct verdict *out)
{
	struct evaluation ev = { .set = set, .view = in->view };
	guint n = set->rules->len;

	ev.language = in->language != NULL ? in->language : in->view->language.code;
	g_strlcpy(out->language, ev.language, sizeof(out->language));
	out->language_confidence = in->language != NULL ? 1.0 : in->view->language.confidence;
	ev.body = g_strconcat(in->view->subject, "\n", in->view->text, NULL);
	textstats_compute(in->view, in->known_ticket, &ev.stats);
	/* One ovector pair is all a yes/no match needs, for every pattern. */
	ev.match = pcre2_match_data_create(1, NULL);
	ev.fired = g_new0(bool, n);
	ev.skip = g_new0(bool, n);
	/*
	 * One Hyperscan pass over the body rules of the language, when its
	 * prefilter is ready, spares PCRE2 the rules that cannot match; without
	 * one (none yet, "und", built without Hyperscan) nothing is skipped.
	 */
	(void)prefilter_scan(set, ev.language, ev.body, strlen(ev.body), ev.skip);

	for (int pass = 0; pass < 2; pass++) {
		/* Pass 0: body, header, eval. Pass 1: meta, in definition order. */
		for (guint i = 0; i < n; i++) {
			const struct rule *rule = g_ptr_array_index(set->rules, i);

			if ((rule->kind == RULE_META) != (pass == 1) ||
			    /* Unknown language: every rule, any may be right. */
			    !languages_hold(rule->languages, ev.language, true))
				continue;
			/* The clock every 8 rules: cheap, and a rule is at most milliseconds. */
			if (in->deadline != 0 && (i & 7) == 0 && !out->incomplete &&
			    g_get_monotonic_time() > in->deadline)
				out->incomplete = true;
			if (out->incomplete)
				continue;
			ev.fired[i] = rule_fires(&ev, i);
			if (ev.fired[i])
				record_hit(out, rule);
		}
	}
	if (model != NULL)
		add_model(set, model, &ev, out);
	decide(set, out);

	for (int f = 0; f < FIELD_COUNT; f++)
		g_free(ev.fields[f]);
	g_free(ev.fired);
	g_free(ev.skip);
	pcre2_match_data_free(ev.match);
	g_free(ev.body);
}
