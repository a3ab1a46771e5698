/*
 * ruleset.c - rule files: loading, compiling, sharing (triage-rules(5)).
 *
 * Loading is all or nothing: every file is parsed and every pattern
 * compiled into a new set; the first error names its file and line and the
 * half-built set is thrown away, so a reload that fails leaves the caller
 * with the set it already had. Statements that may refer to rules defined
 * later (describe, score, meta) are kept aside and resolved at the end.
 */
#include "ruleset_int.h"
#include "jit.h"
#include "prefilter.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RULE_NAME_MAX 64
#define META_DEPTH_MAX 64
#define PATTERN_MATCH_LIMIT 1000000	/* backtracking steps per match: no ReDoS */
#define PATTERN_DEPTH_LIMIT 10000

G_DEFINE_QUARK(triage-ruleset-error-quark, ruleset_error)

/* A statement resolved after all files are read, with where it was written. */
struct deferred {
	char *file;
	unsigned line;
	char *name;
	char *text;			/* describe: the text; meta: the expression */
	double score[AXIS_COUNT];	/* score */
};

struct loader {
	struct ruleset *set;
	GPtrArray *describes;		/* of struct deferred * */
	GPtrArray *scores;
	GHashTable *metas;		/* rule name -> struct deferred * (expression) */
	char **file_languages;		/* from the last "language" line of this file */
	const char *file;
	unsigned line;
};

static void
deferred_free(gpointer data)
{
	struct deferred *d = data;

	g_free(d->file);
	g_free(d->name);
	g_free(d->text);
	g_free(d);
}

static void
meta_free(struct meta_node *node)
{
	if (node == NULL)
		return;
	meta_free(node->left);
	meta_free(node->right);
	g_free(node);
}

static void
rule_free(gpointer data)
{
	struct rule *rule = data;

	g_free(rule->name);
	g_free(rule->file);
	g_strfreev(rule->languages);
	pcre2_code_free(rule->pattern);
	g_free(rule->source);
	meta_free(rule->meta);
	g_free(rule->description);
	g_free(rule);
}

static void
model_weight_free(gpointer data)
{
	struct model_weight *w = data;

	g_strfreev(w->languages);
	g_free(w);
}

static struct ruleset *
ruleset_new(void)
{
	struct ruleset *set = g_new0(struct ruleset, 1);

	set->refcount = 1;
	set->rules = g_ptr_array_new_with_free_func(rule_free);
	set->index = g_hash_table_new(g_str_hash, g_str_equal);
	set->match_context = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(set->match_context, PATTERN_MATCH_LIMIT);
	pcre2_set_depth_limit(set->match_context, PATTERN_DEPTH_LIMIT);
	set->urgency_critical = 8.0;
	set->urgency_high = 4.0;
	set->urgency_low = -1.0;
	set->complaint_threshold = 1.0;
	set->default_personality = PERSONALITY_FUNCTIONAL;
	set->model_weights = g_ptr_array_new_with_free_func(model_weight_free);
	return set;
}

struct ruleset *
ruleset_ref(struct ruleset *set)
{
	g_atomic_int_inc(&set->refcount);
	return set;
}

void
ruleset_unref(struct ruleset *set)
{
	if (set == NULL || !g_atomic_int_dec_and_test(&set->refcount))
		return;
	/* A prefilter compile in progress holds a reference: none runs now. */
	prefilter_free(set->prefilter);
	g_hash_table_unref(set->index);
	g_ptr_array_unref(set->rules);
	g_ptr_array_unref(set->model_weights);
	pcre2_match_context_free(set->match_context);
	g_free(set);
}

unsigned
ruleset_rule_count(const struct ruleset *set)
{
	return set->rules->len;
}

bool
ruleset_has_rule(const struct ruleset *set, const char *name)
{
	return g_hash_table_contains(set->index, name);
}

bool
compare_apply(enum compare_op op, double a, double b)
{
	switch (op) {
	case CMP_LT: return a < b;
	case CMP_LE: return a <= b;
	case CMP_GT: return a > b;
	case CMP_GE: return a >= b;
	case CMP_EQ: return a == b;
	case CMP_NE: return a != b;
	}
	return false;
}

static bool
fail(struct loader *ld, GError **error, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Sets *error to "FILE:LINE: message" and returns false. */
static bool
fail(struct loader *ld, GError **error, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, RULESET_ERROR, 1, "%s:%u: %s", ld->file, ld->line, msg);
	g_free(msg);
	return false;
}

/* Splits off the next blank-separated word of *p; returns it (in place) or NULL. */
static char *
next_word(char **p)
{
	char *s = *p, *word;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	word = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	*p = s;
	return word;
}

static bool
valid_rule_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > RULE_NAME_MAX)
		return false;
	if (!g_ascii_isalpha(name[0]) && !(name[0] == '_' && name[1] == '_'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isalnum(name[i]) && name[i] != '_')
			return false;
	return true;
}

/* Parses "sv,nb,da" or "*" into a NULL-terminated vector (NULL for "*"). */
static bool
parse_languages(struct loader *ld, const char *text, char ***out, GError **error)
{
	char **codes;

	*out = NULL;
	if (strcmp(text, "*") == 0)
		return true;
	codes = g_strsplit(text, ",", -1);
	for (char **c = codes; *c != NULL; c++) {
		size_t len = strlen(*c);
		bool ok = len >= 2 && len <= 3;

		for (size_t i = 0; ok && i < len; i++)
			ok = g_ascii_islower((*c)[i]);
		if (!ok) {
			fail(ld, error, "bad language code '%s' (want ISO 639-1, e.g. sv)", *c);
			g_strfreev(codes);
			return false;
		}
	}
	*out = codes;
	return true;
}

/*
 * Compiles "/pattern/flags" or "m{pattern}flags". Caseless unless the flags
 * say I; always UTF-8 with Unicode properties.
 */
static bool
compile_pattern(struct loader *ld, const char *text, struct rule *rule, GError **error)
{
	pcre2_code **out = &rule->pattern;
	const char *start, *end, *flags;
	uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS;
	PCRE2_UCHAR message[256];
	PCRE2_SIZE offset;
	int code;

	if (text[0] == '/') {
		start = text + 1;
		end = strrchr(text, '/');
		if (end == text)
			return fail(ld, error, "pattern '%s' has no closing /", text);
	} else if (text[0] == 'm' && text[1] == '{') {
		start = text + 2;
		end = strrchr(text, '}');
		if (end == NULL)
			return fail(ld, error, "pattern '%s' has no closing }", text);
	} else {
		return fail(ld, error, "pattern must be /.../ or m{...}, got '%s'", text);
	}
	for (flags = end + 1; *flags != '\0'; flags++) {
		switch (*flags) {
		case 'i': options |= PCRE2_CASELESS; break;
		case 'I': options &= ~(uint32_t)PCRE2_CASELESS; break;
		case 'x': options |= PCRE2_EXTENDED; break;
		case 's': options |= PCRE2_DOTALL; break;
		case 'm': options |= PCRE2_MULTILINE; break;
		default:
			return fail(ld, error, "unknown pattern flag '%c'", *flags);
		}
	}
	*out = pcre2_compile((PCRE2_SPTR)start, (PCRE2_SIZE)(end - start), options, &code,
	    &offset, NULL);
	if (*out == NULL) {
		pcre2_get_error_message(code, message, sizeof(message));
		return fail(ld, error, "bad pattern at offset %zu: %s", (size_t)offset,
		    (char *)message);
	}
	jit_compile(*out);
	/* Kept for the prefilter, which rewrites it for Hyperscan. */
	rule->source = g_strndup(start, (gsize)(end - start));
	rule->options = options;
	return true;
}

static bool
parse_number(struct loader *ld, const char *text, double *out, GError **error)
{
	char *end;

	errno = 0;
	*out = g_ascii_strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !isfinite(*out))
		return fail(ld, error, "'%s' is not a number", text);
	return true;
}

/* The comparison operators, two-character ones first so a prefix match
 * in a meta expression never takes "<" for "<=". */
static const struct { const char *text; enum compare_op op; } compare_ops[] = {
	{ "<=", CMP_LE }, { ">=", CMP_GE }, { "==", CMP_EQ }, { "!=", CMP_NE },
	{ "<", CMP_LT }, { ">", CMP_GT },
};

static bool
parse_compare(const char *text, enum compare_op *op)
{
	for (size_t i = 0; i < G_N_ELEMENTS(compare_ops); i++)
		if (strcmp(text, compare_ops[i].text) == 0) {
			*op = compare_ops[i].op;
			return true;
		}
	return false;
}

static const char *const field_names[FIELD_COUNT] = {
	"Subject", "From", "From:addr", "From:name", "To", "Cc", "Reply-To", "Message-ID",
	"In-Reply-To", "References", "Auto-Submitted", "Precedence",
	"X-Auto-Response-Suppress", "List", "Authentication-Results",
};

static const char *const eval_names[EVAL_COUNT] = {
	"caps_ratio()", "exclamations()", "questions()", "length()", "words()", "numbers()",
	"order_ids()", "versions()", "greeting()", "signoff()", "repeat_contact()",
};

/* Creates a rule called name, refusing a name defined before. */
static struct rule *
define_rule(struct loader *ld, const char *name, enum rule_kind kind, char **line_languages,
    GError **error)
{
	struct rule *rule;

	if (!valid_rule_name(name)) {
		fail(ld, error, "bad rule name '%s' (letters, digits, _; at most %d)", name,
		    RULE_NAME_MAX);
		return NULL;
	}
	if (g_hash_table_contains(ld->set->index, name)) {
		struct rule *old = g_ptr_array_index(ld->set->rules,
		    GPOINTER_TO_UINT(g_hash_table_lookup(ld->set->index, name)) - 1);

		fail(ld, error, "rule %s already defined at %s:%u", name, old->file, old->line);
		return NULL;
	}
	rule = g_new0(struct rule, 1);
	rule->name = g_strdup(name);
	rule->kind = kind;
	rule->file = g_strdup(ld->file);
	rule->line = ld->line;
	rule->reported = !(name[0] == '_' && name[1] == '_');
	rule->languages = g_strdupv(line_languages != NULL ? line_languages : ld->file_languages);
	g_ptr_array_add(ld->set->rules, rule);
	g_hash_table_insert(ld->set->index, rule->name, GUINT_TO_POINTER(ld->set->rules->len));
	return rule;
}

static bool
parse_body(struct loader *ld, char *rest, char **langs, GError **error)
{
	char *name = next_word(&rest);
	struct rule *rule;

	if (name == NULL || *rest == '\0')
		return fail(ld, error, "usage: body NAME /PATTERN/FLAGS");
	if ((rule = define_rule(ld, name, RULE_BODY, langs, error)) == NULL)
		return false;
	return compile_pattern(ld, g_strchomp(rest), rule, error);
}

static bool
parse_header(struct loader *ld, char *rest, char **langs, GError **error)
{
	char *name = next_word(&rest), *field = next_word(&rest), *op = next_word(&rest);
	struct rule *rule;
	int f = -1;

	if (name == NULL || field == NULL || op == NULL || *rest == '\0')
		return fail(ld, error, "usage: header NAME FIELD =~ /PATTERN/FLAGS");
	for (int i = 0; i < FIELD_COUNT; i++)
		if (g_ascii_strcasecmp(field, field_names[i]) == 0)
			f = i;
	if (f < 0)
		return fail(ld, error, "unknown header field '%s'", field);
	if (strcmp(op, "=~") != 0 && strcmp(op, "!~") != 0)
		return fail(ld, error, "header operator must be =~ or !~, got '%s'", op);
	if ((rule = define_rule(ld, name, RULE_HEADER, langs, error)) == NULL)
		return false;
	rule->field = (enum header_field)f;
	rule->negate = op[0] == '!';
	return compile_pattern(ld, g_strchomp(rest), rule, error);
}

static bool
parse_eval(struct loader *ld, char *rest, char **langs, GError **error)
{
	char *name = next_word(&rest), *function = next_word(&rest), *op = next_word(&rest);
	char *number = next_word(&rest);
	struct rule *rule;
	int fn = -1;
	enum compare_op cmp;
	double value;

	if (name == NULL || function == NULL || op == NULL || number == NULL || *rest != '\0')
		return fail(ld, error, "usage: eval NAME FUNCTION() OP NUMBER");
	for (int i = 0; i < EVAL_COUNT; i++)
		if (strcmp(function, eval_names[i]) == 0)
			fn = i;
	if (fn < 0)
		return fail(ld, error, "unknown eval function '%s'", function);
	if (!parse_compare(op, &cmp))
		return fail(ld, error, "unknown comparison '%s'", op);
	if (!parse_number(ld, number, &value, error))
		return false;
	if ((rule = define_rule(ld, name, RULE_EVAL, langs, error)) == NULL)
		return false;
	rule->function = (enum eval_function)fn;
	rule->compare = cmp;
	rule->operand = value;
	return true;
}

static bool
parse_meta(struct loader *ld, char *rest, char **langs, GError **error)
{
	char *name = next_word(&rest);
	struct deferred *d;

	if (name == NULL || *rest == '\0')
		return fail(ld, error, "usage: meta NAME EXPRESSION");
	if (define_rule(ld, name, RULE_META, langs, error) == NULL)
		return false;
	d = g_new0(struct deferred, 1);
	d->file = g_strdup(ld->file);
	d->line = ld->line;
	d->name = g_strdup(name);
	d->text = g_strdup(g_strchomp(rest));
	g_hash_table_insert(ld->metas, d->name, d);
	return true;
}

static bool
parse_describe(struct loader *ld, char *rest, GError **error)
{
	char *name = next_word(&rest);
	struct deferred *d;

	if (name == NULL || *rest == '\0')
		return fail(ld, error, "usage: describe NAME TEXT");
	d = g_new0(struct deferred, 1);
	d->file = g_strdup(ld->file);
	d->line = ld->line;
	d->name = g_strdup(name);
	d->text = g_strdup(g_strchomp(rest));
	g_ptr_array_add(ld->describes, d);
	return true;
}

static bool
parse_score(struct loader *ld, char *rest, GError **error)
{
	char *name = next_word(&rest), *pair;
	struct deferred *d;

	if (name == NULL || *rest == '\0')
		return fail(ld, error, "usage: score NAME AXIS=VALUE ...");
	d = g_new0(struct deferred, 1);
	d->file = g_strdup(ld->file);
	d->line = ld->line;
	d->name = g_strdup(name);
	g_ptr_array_add(ld->scores, d);
	while ((pair = next_word(&rest)) != NULL) {
		char *eq = strchr(pair, '=');
		int axis;

		if (eq == NULL)
			return fail(ld, error, "score wants AXIS=VALUE, got '%s'", pair);
		*eq = '\0';
		if ((axis = axis_from_name(pair)) < 0)
			return fail(ld, error, "unknown axis '%s'", pair);
		if (!parse_number(ld, eq + 1, &d->score[axis], error))
			return false;
	}
	return true;
}

static bool
parse_threshold(struct loader *ld, char *rest, GError **error)
{
	char *what = next_word(&rest), *a = next_word(&rest), *b = next_word(&rest);
	double value;

	if (what != NULL && strcmp(what, "complaint") == 0 && a != NULL && b == NULL) {
		if (!parse_number(ld, a, &value, error))
			return false;
		ld->set->complaint_threshold = value;
		return true;
	}
	if (what == NULL || strcmp(what, "urgency") != 0 || a == NULL || b == NULL ||
	    *rest != '\0')
		return fail(ld, error, "usage: threshold urgency critical|high|low VALUE, "
		    "or threshold complaint VALUE");
	if (!parse_number(ld, b, &value, error))
		return false;
	if (strcmp(a, "critical") == 0)
		ld->set->urgency_critical = value;
	else if (strcmp(a, "high") == 0)
		ld->set->urgency_high = value;
	else if (strcmp(a, "low") == 0)
		ld->set->urgency_low = value;
	else
		return fail(ld, error, "urgency level must be critical, high or low, got '%s'", a);
	return true;
}

static bool
parse_model_weight(struct loader *ld, char *rest, GError **error)
{
	char *axis = next_word(&rest), *value = next_word(&rest);
	struct model_weight *w;
	double weight;
	int a;

	if (axis == NULL || value == NULL || *rest != '\0')
		return fail(ld, error, "usage: model_weight AXIS VALUE");
	if ((a = axis_from_name(axis)) < 0)
		return fail(ld, error, "unknown axis '%s'", axis);
	if (!parse_number(ld, value, &weight, error))
		return false;
	/* A model learns one language's words: its weight follows "language". */
	w = g_new0(struct model_weight, 1);
	w->languages = g_strdupv(ld->file_languages);
	w->axis = (enum axis)a;
	w->weight = weight;
	g_ptr_array_add(ld->set->model_weights, w);
	return true;
}

bool
languages_hold(char *const *languages, const char *language, bool und_holds)
{
	if (languages == NULL || (und_holds && strcmp(language, "und") == 0))
		return true;
	for (char *const *l = languages; *l != NULL; l++)
		if (strcmp(*l, language) == 0)
			return true;
	return false;
}

void
ruleset_model_weights(const struct ruleset *set, const char *language, double *weights)
{
	for (int a = 0; a < AXIS_COUNT; a++)
		weights[a] = 0.0;
	for (guint i = 0; i < set->model_weights->len; i++) {
		const struct model_weight *w = g_ptr_array_index(set->model_weights, i);

		/*
		 * Unlike rules, a model's weight does not extend to "und": a text
		 * in no known language is one whose words the model never saw,
		 * and what it says then is its training prior, not evidence.
		 */
		if (languages_hold(w->languages, language, false))
			weights[w->axis] = w->weight;
	}
}

static bool
parse_default(struct loader *ld, char *rest, GError **error)
{
	char *what = next_word(&rest), *type = next_word(&rest);
	int p;

	if (what == NULL || strcmp(what, "personality") != 0 || type == NULL || *rest != '\0')
		return fail(ld, error, "usage: default personality TYPE");
	if ((p = personality_from_name(type)) < 0)
		return fail(ld, error, "unknown personality '%s'", type);
	ld->set->default_personality = (enum personality)p;
	return true;
}

/* Parses one non-blank, non-comment line. */
static bool
parse_line(struct loader *ld, char *line, GError **error)
{
	char **line_languages = NULL;
	char *rest = line, *directive;
	bool ok;

	directive = next_word(&rest);
	if (strcmp(directive, "lang") == 0) {
		char *codes = next_word(&rest);

		if (codes == NULL || *rest == '\0')
			return fail(ld, error, "usage: lang CODES STATEMENT");
		if (!parse_languages(ld, codes, &line_languages, error))
			return false;
		directive = next_word(&rest);
	}

	if (strcmp(directive, "body") == 0)
		ok = parse_body(ld, rest, line_languages, error);
	else if (strcmp(directive, "header") == 0)
		ok = parse_header(ld, rest, line_languages, error);
	else if (strcmp(directive, "eval") == 0)
		ok = parse_eval(ld, rest, line_languages, error);
	else if (strcmp(directive, "meta") == 0)
		ok = parse_meta(ld, rest, line_languages, error);
	else if (line_languages != NULL)
		ok = fail(ld, error, "lang applies to body, header, eval and meta lines only");
	else if (strcmp(directive, "describe") == 0)
		ok = parse_describe(ld, rest, error);
	else if (strcmp(directive, "score") == 0)
		ok = parse_score(ld, rest, error);
	else if (strcmp(directive, "threshold") == 0)
		ok = parse_threshold(ld, rest, error);
	else if (strcmp(directive, "model_weight") == 0)
		ok = parse_model_weight(ld, rest, error);
	else if (strcmp(directive, "default") == 0)
		ok = parse_default(ld, rest, error);
	else if (strcmp(directive, "language") == 0) {
		char *codes = next_word(&rest);

		g_strfreev(ld->file_languages);
		ld->file_languages = NULL;
		ok = codes != NULL && *rest == '\0' ?
		    parse_languages(ld, codes, &ld->file_languages, error) :
		    fail(ld, error, "usage: language CODES|*");
	} else
		ok = fail(ld, error, "unknown statement '%s'", directive);
	g_strfreev(line_languages);
	return ok;
}

static bool
parse_text(struct loader *ld, const char *text, GError **error)
{
	char **lines = g_strsplit(text, "\n", -1);
	bool ok = true;

	ld->line = 0;
	for (char **l = lines; ok && *l != NULL; l++) {
		char *line = g_strstrip(*l);	/* also drops a CR of CRLF files */

		ld->line++;
		if (*line == '\0' || *line == '#')
			continue;
		if (!g_utf8_validate(line, -1, NULL))
			ok = fail(ld, error, "line is not valid UTF-8");
		else
			ok = parse_line(ld, line, error);
	}
	g_strfreev(lines);
	g_strfreev(ld->file_languages);
	ld->file_languages = NULL;
	return ok;
}

/* --- meta expressions ------------------------------------------------------ */

struct meta_parser {
	struct loader *ld;
	const char *p;
	unsigned self;		/* index of the meta rule being parsed */
	unsigned depth;
	GError **error;
};

static void
meta_skip_blanks(struct meta_parser *mp)
{
	while (*mp->p == ' ' || *mp->p == '\t')
		mp->p++;
}

static bool
meta_accept(struct meta_parser *mp, const char *token)
{
	size_t len = strlen(token);

	meta_skip_blanks(mp);
	if (strncmp(mp->p, token, len) != 0)
		return false;
	/* "<" must not take the first half of "<=", nor "!" of "!=". */
	if (len == 1 && (token[0] == '<' || token[0] == '>' || token[0] == '!' ||
	    token[0] == '=') && mp->p[1] == '=')
		return false;
	mp->p += len;
	return true;
}

static struct meta_node *meta_parse_or(struct meta_parser *mp);

static struct meta_node *
meta_node_new(enum meta_op op, struct meta_node *left, struct meta_node *right)
{
	struct meta_node *node = g_new0(struct meta_node, 1);

	node->op = op;
	node->left = left;
	node->right = right;
	return node;
}

static struct meta_node *
meta_parse_primary(struct meta_parser *mp)
{
	struct loader *ld = mp->ld;
	struct meta_node *node;

	meta_skip_blanks(mp);
	if (meta_accept(mp, "(")) {
		node = meta_parse_or(mp);
		if (node != NULL && !meta_accept(mp, ")")) {
			meta_free(node);
			fail(ld, mp->error, "missing ) in meta expression");
			return NULL;
		}
		return node;
	}
	if (g_ascii_isdigit(*mp->p)) {
		char *end;

		node = meta_node_new(META_NUMBER, NULL, NULL);
		node->number = g_ascii_strtod(mp->p, &end);
		mp->p = end;
		return node;
	}
	if (g_ascii_isalpha(*mp->p) || *mp->p == '_') {
		const char *start = mp->p;
		char *name;
		gpointer pos;
		unsigned index;

		while (g_ascii_isalnum(*mp->p) || *mp->p == '_')
			mp->p++;
		name = g_strndup(start, (gsize)(mp->p - start));
		pos = g_hash_table_lookup(ld->set->index, name);
		if (pos == NULL) {
			fail(ld, mp->error, "meta refers to undefined rule %s", name);
			g_free(name);
			return NULL;
		}
		index = GPOINTER_TO_UINT(pos) - 1;
		if (((struct rule *)g_ptr_array_index(ld->set->rules, index))->kind == RULE_META &&
		    index >= mp->self) {
			/* Only earlier metas: evaluation is one pass, and no cycles. */
			fail(ld, mp->error, "meta refers to meta rule %s defined after it", name);
			g_free(name);
			return NULL;
		}
		g_free(name);
		node = meta_node_new(META_RULE, NULL, NULL);
		node->rule = index;
		return node;
	}
	fail(ld, mp->error, "unexpected '%.10s' in meta expression", *mp->p ? mp->p : "end");
	return NULL;
}

static struct meta_node *
meta_parse_unary(struct meta_parser *mp)
{
	struct meta_node *operand;

	if (++mp->depth > META_DEPTH_MAX) {
		fail(mp->ld, mp->error, "meta expression nested too deeply");
		return NULL;
	}
	if (meta_accept(mp, "!")) {
		operand = meta_parse_unary(mp);
		mp->depth--;
		return operand != NULL ? meta_node_new(META_NOT, operand, NULL) : NULL;
	}
	operand = meta_parse_primary(mp);
	mp->depth--;
	return operand;
}

/*
 * Parses operands joined by token ("+", "&&", "||"), left-associative:
 * a op b op c is (a op b) op c.
 */
static struct meta_node *
meta_parse_chain(struct meta_parser *mp, const char *token, enum meta_op op,
    struct meta_node *(*operand)(struct meta_parser *))
{
	struct meta_node *left = operand(mp);

	while (left != NULL && meta_accept(mp, token)) {
		struct meta_node *right = operand(mp);

		if (right == NULL) {
			meta_free(left);
			return NULL;
		}
		left = meta_node_new(op, left, right);
	}
	return left;
}

static struct meta_node *
meta_parse_sum(struct meta_parser *mp)
{
	return meta_parse_chain(mp, "+", META_SUM, meta_parse_unary);
}

static struct meta_node *
meta_parse_compare(struct meta_parser *mp)
{
	struct meta_node *left = meta_parse_sum(mp), *node;

	if (left == NULL)
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(compare_ops); i++) {
		if (!meta_accept(mp, compare_ops[i].text))
			continue;
		node = meta_node_new(META_COMPARE, left, meta_parse_sum(mp));
		node->compare = compare_ops[i].op;
		if (node->right == NULL) {
			meta_free(node);
			return NULL;
		}
		return node;
	}
	return left;
}

static struct meta_node *
meta_parse_and(struct meta_parser *mp)
{
	return meta_parse_chain(mp, "&&", META_AND, meta_parse_compare);
}

static struct meta_node *
meta_parse_or(struct meta_parser *mp)
{
	return meta_parse_chain(mp, "||", META_OR, meta_parse_and);
}

/* Resolves every deferred statement now that all rules are known. */
static bool
resolve(struct loader *ld, GError **error)
{
	struct ruleset *set = ld->set;

	for (guint i = 0; i < set->rules->len; i++) {
		struct rule *rule = g_ptr_array_index(set->rules, i);
		struct deferred *d;
		struct meta_parser mp = { .ld = ld, .self = i, .error = error };

		if (rule->kind != RULE_META)
			continue;
		d = g_hash_table_lookup(ld->metas, rule->name);
		ld->file = d->file;
		ld->line = d->line;
		mp.p = d->text;
		rule->meta = meta_parse_or(&mp);
		if (rule->meta == NULL)
			return false;
		meta_skip_blanks(&mp);
		if (*mp.p != '\0')
			return fail(ld, error, "unexpected '%.10s' in meta expression", mp.p);
	}
	for (guint i = 0; i < ld->describes->len; i++) {
		struct deferred *d = g_ptr_array_index(ld->describes, i);
		gpointer pos = g_hash_table_lookup(set->index, d->name);
		struct rule *rule;

		ld->file = d->file;
		ld->line = d->line;
		if (pos == NULL)
			return fail(ld, error, "describe for undefined rule %s", d->name);
		rule = g_ptr_array_index(set->rules, GPOINTER_TO_UINT(pos) - 1);
		g_free(rule->description);
		rule->description = g_strdup(d->text);
	}
	for (guint i = 0; i < ld->scores->len; i++) {
		struct deferred *d = g_ptr_array_index(ld->scores, i);
		gpointer pos = g_hash_table_lookup(set->index, d->name);
		struct rule *rule;

		ld->file = d->file;
		ld->line = d->line;
		if (pos == NULL)
			return fail(ld, error, "score for undefined rule %s", d->name);
		rule = g_ptr_array_index(set->rules, GPOINTER_TO_UINT(pos) - 1);
		if (!rule->reported)
			return fail(ld, error, "%s is a __ sub-rule: it cannot score", d->name);
		/* A later score line replaces an earlier one as a whole. */
		memcpy(rule->score, d->score, sizeof(rule->score));
	}
	return true;
}

static void
loader_init(struct loader *ld)
{
	memset(ld, 0, sizeof(*ld));
	ld->set = ruleset_new();
	ld->describes = g_ptr_array_new_with_free_func(deferred_free);
	ld->scores = g_ptr_array_new_with_free_func(deferred_free);
	ld->metas = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, deferred_free);
}


/* Finishes loading: returns the set, or NULL (freeing it) when !ok. */
static struct ruleset *
loader_finish(struct loader *ld, bool ok, GError **error)
{
	struct ruleset *set = ld->set;

	if (ok)
		ok = resolve(ld, error);
	g_ptr_array_unref(ld->describes);
	g_ptr_array_unref(ld->scores);
	g_hash_table_unref(ld->metas);
	g_strfreev(ld->file_languages);
	if (!ok) {
		ruleset_unref(set);
		return NULL;
	}
	return set;
}

struct ruleset *
ruleset_load_string(const char *name, const char *text, GError **error)
{
	struct loader ld;
	bool ok;

	loader_init(&ld);
	ld.file = name;
	ok = parse_text(&ld, text, error);
	return loader_finish(&ld, ok, error);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct ruleset *
ruleset_load_dir(const char *dir, GError **error)
{
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	GError *io_error = NULL;
	struct ruleset *set;
	struct loader ld;
	GDir *d;
	const char *entry;
	bool ok = true;

	d = g_dir_open(dir, 0, &io_error);
	if (d == NULL) {
		g_set_error(error, RULESET_ERROR, 2, "cannot read rule directory %s: %s", dir,
		    io_error->message);
		g_error_free(io_error);
		g_ptr_array_unref(paths);
		return NULL;
	}
	while ((entry = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(entry, ".cf"))
			g_ptr_array_add(paths, g_build_filename(dir, entry, NULL));
	g_dir_close(d);
	g_ptr_array_sort(paths, compare_strings);
	if (paths->len == 0) {
		g_set_error(error, RULESET_ERROR, 2, "no *.cf rule files in %s", dir);
		g_ptr_array_unref(paths);
		return NULL;
	}

	loader_init(&ld);
	for (guint i = 0; ok && i < paths->len; i++) {
		char *text = NULL;

		ld.file = g_ptr_array_index(paths, i);
		if (!g_file_get_contents(ld.file, &text, NULL, &io_error)) {
			g_set_error(error, RULESET_ERROR, 2, "%s", io_error->message);
			g_clear_error(&io_error);
			ok = false;
		} else {
			ok = parse_text(&ld, text, error);
		}
		g_free(text);
	}
	/* ld.file points into paths: free them only after resolving. */
	set = loader_finish(&ld, ok, error);
	g_ptr_array_unref(paths);
	return set;
}
