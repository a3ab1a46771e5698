/*
 * ruleset_int.h - the inside of a rule set, shared by ruleset.c (which
 * builds it) and classify.c (which evaluates it). Nothing else includes it.
 */
#ifndef TRIAGE_RULESET_INT_H
#define TRIAGE_RULESET_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>

#include "ruleset.h"

enum rule_kind { RULE_BODY, RULE_HEADER, RULE_META, RULE_EVAL };

/* The header fields a header rule may test (triage-rules(5)). */
enum header_field {
	FIELD_SUBJECT, FIELD_FROM, FIELD_FROM_ADDR, FIELD_FROM_NAME, FIELD_TO, FIELD_CC,
	FIELD_REPLY_TO, FIELD_MESSAGE_ID, FIELD_IN_REPLY_TO, FIELD_REFERENCES,
	FIELD_AUTO_SUBMITTED, FIELD_PRECEDENCE, FIELD_X_AUTO_RESPONSE_SUPPRESS,
	FIELD_LIST, FIELD_AUTHENTICATION_RESULTS,
	FIELD_COUNT
};

enum eval_function {
	EVAL_CAPS_RATIO, EVAL_EXCLAMATIONS, EVAL_QUESTIONS, EVAL_LENGTH, EVAL_WORDS,
	EVAL_NUMBERS, EVAL_ORDER_IDS, EVAL_VERSIONS, EVAL_GREETING, EVAL_SIGNOFF,
	EVAL_REPEAT_CONTACT,
	EVAL_COUNT
};

enum compare_op { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE };

enum meta_op { META_RULE, META_NUMBER, META_NOT, META_AND, META_OR, META_SUM, META_COMPARE };

/* A node of a meta rule's expression tree. */
struct meta_node {
	enum meta_op op;
	enum compare_op compare;	/* META_COMPARE */
	unsigned rule;			/* META_RULE: index into ruleset.rules */
	double number;			/* META_NUMBER */
	struct meta_node *left, *right;	/* right unused by META_NOT */
};

struct rule {
	char *name;
	enum rule_kind kind;
	char *file;			/* where defined, for messages */
	unsigned line;
	char **languages;		/* NULL-terminated, or NULL for every language */
	bool reported;			/* false for __ sub-rules */

	pcre2_code *pattern;		/* RULE_BODY, RULE_HEADER */
	char *source;			/* the pattern's text, without delimiters or flags */
	uint32_t options;		/* and the PCRE2 options it was compiled with */
	enum header_field field;	/* RULE_HEADER */
	bool negate;			/* RULE_HEADER with !~ */
	struct meta_node *meta;		/* RULE_META */
	enum eval_function function;	/* RULE_EVAL */
	enum compare_op compare;
	double operand;

	char *description;
	double score[AXIS_COUNT];
};

/* A model_weight line, scoped by the language line in force where it stood. */
struct model_weight {
	char **languages;		/* NULL-terminated, or NULL for every language */
	enum axis axis;
	double weight;
};

struct ruleset {
	gint refcount;
	GPtrArray *rules;		/* of struct rule *, in definition order */
	GHashTable *index;		/* name -> GUINT_TO_POINTER(position + 1) */
	pcre2_match_context *match_context;	/* read-only while matching */
	double urgency_critical, urgency_high, urgency_low;
	double complaint_threshold;
	GPtrArray *model_weights;	/* of struct model_weight, in load order */
	enum personality default_personality;
	/*
	 * The Hyperscan prefilter of the body rules (prefilter.c): NULL until
	 * ruleset_prefilter_start(), then set once, atomically; read with
	 * g_atomic_pointer_get() since classify() may run meanwhile.
	 */
	struct prefilter *prefilter;
};

/*
 * Fills weights (AXIS_COUNT values) with the model weights that apply to
 * messages in language: the last line for each axis whose scope holds the
 * language wins; axes no line names weigh 0.
 */
void ruleset_model_weights(const struct ruleset *set, const char *language, double *weights);

/*
 * True when a scope (languages: NULL-terminated, or NULL for all) holds
 * language; with und_holds, every scope holds "und" (unknown language).
 */
bool languages_hold(char *const *languages, const char *language, bool und_holds);

/* Compares two numbers as a rule's operator says. */
bool compare_apply(enum compare_op op, double a, double b);

#endif
