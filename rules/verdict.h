/*
 * verdict.h - what the classifier concludes about one message.
 */
#ifndef TRIAGE_VERDICT_H
#define TRIAGE_VERDICT_H

#include <stdbool.h>
#include <glib.h>

/* The axes rule scores add to; names as in triage-rules(5). */
enum axis {
	AXIS_URGENCY,
	AXIS_COMPLAINT,
	AXIS_ANALYTICAL,	/* the four personality axes, in enum personality order */
	AXIS_PERSONAL,
	AXIS_FUNCTIONAL,
	AXIS_INTUITIVE,
	AXIS_BILLING,		/* the five topic axes, in enum topic order */
	AXIS_DELIVERY,
	AXIS_DEFECT,
	AXIS_ACCOUNT,
	AXIS_STAFF,
	AXIS_COUNT
};

enum urgency { URGENCY_LOW, URGENCY_NORMAL, URGENCY_HIGH, URGENCY_CRITICAL };

enum personality {
	PERSONALITY_ANALYTICAL,
	PERSONALITY_PERSONAL,
	PERSONALITY_FUNCTIONAL,
	PERSONALITY_INTUITIVE,
	PERSONALITY_COUNT
};

enum topic {
	TOPIC_BILLING,
	TOPIC_DELIVERY,
	TOPIC_DEFECT,
	TOPIC_ACCOUNT,
	TOPIC_STAFF,
	TOPIC_OTHER,
	TOPIC_COUNT
};

#define AXIS_FIRST_PERSONALITY AXIS_ANALYTICAL
#define AXIS_FIRST_TOPIC AXIS_BILLING

/* One rule that fired, or the learned model's contribution. */
struct verdict_hit {
	const char *name;		/* borrowed from the rule set (or a literal) */
	const char *description;	/* borrowed, may be NULL */
	double score[AXIS_COUNT];
};

struct verdict {
	enum urgency urgency;
	bool complaint;
	enum personality personality;
	double personality_confidence;	/* 0..1: share of the positive personality scores */
	enum topic topic;
	char language[8];
	double language_confidence;
	double axes[AXIS_COUNT];	/* summed scores */
	double model_complaint;		/* learned P(complaint), or -1 when not consulted */
	GArray *hits;			/* of struct verdict_hit, in evaluation order */
	bool incomplete;		/* classification stopped at its deadline */
};

/*
 * Initialises v for use; verdict_clear() releases what it holds. The names
 * in hits are borrowed from the rule set: a verdict must not outlive the
 * rule set reference it was made with.
 */
void verdict_init(struct verdict *v);
void verdict_clear(struct verdict *v);

const char *axis_name(enum axis axis);
/* Returns the axis called name, or -1. */
int axis_from_name(const char *name);
const char *urgency_name(enum urgency urgency);
const char *personality_name(enum personality personality);
const char *topic_name(enum topic topic);
/* Return the value called name, or -1. */
int urgency_from_name(const char *name);
int personality_from_name(const char *name);
int topic_from_name(const char *name);

/*
 * Serialises v as one JSON object; with explain, every hit with its
 * contribution per axis. Returns a string to g_free().
 */
char *verdict_to_json(const struct verdict *v, bool explain, bool pretty);

#endif
