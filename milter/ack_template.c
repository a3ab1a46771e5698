/*
 * ack_template.c - acknowledgement templates and their renderer.
 *
 * A template is compiled at load time into a flat list of operations:
 * text, a value, a line break, and "if" operations that jump past their
 * section when it is not to be rendered. Rendering walks the list once,
 * appending to a string, so a value is never looked at again after it is
 * appended: that is what keeps "{{...}}" in a subject inert.
 */
#include "ack_template.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK(ack-template-error-quark, ack_template_error)

/* --- names ------------------------------------------------------------ */

enum field {
	FIELD_NAME,
	FIELD_TICKET,
	FIELD_SUBJECT,
	FIELD_DUE,
	FIELD_DUE_DATE,
	FIELD_DUE_TIME,
	FIELD_COMPLAINT,	/* "yes" or empty: for {{#complaint}} sections */
	FIELD_COUNT
};

/* format_due_all() fills the three due values in this order. */
G_STATIC_ASSERT(FIELD_DUE_DATE == FIELD_DUE + ACK_DUE_DATE);
G_STATIC_ASSERT(FIELD_DUE_TIME == FIELD_DUE + ACK_DUE_TIME);

static const char *const field_names[FIELD_COUNT] = {
	"name", "ticket", "subject", "due", "due_date", "due_time", "complaint",
};

#define TYPE_COUNT 4

static const char *const type_names[TYPE_COUNT] = {
	"analytical", "personal", "functional", "intuitive",
};

static int
field_from_name(const char *name, size_t len)
{
	for (int i = 0; i < FIELD_COUNT; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
			return i;
	return -1;
}

static int
type_from_name(const char *name)
{
	for (int i = 0; i < TYPE_COUNT; i++)
		if (strcmp(type_names[i], name) == 0)
			return i;
	return -1;
}

/* --- dates -------------------------------------------------------------- */

/*
 * Patterns are read by format_pattern(), not by strftime: %A weekday, %B
 * month, %e day of month, %H hour (two digits), %M minute, %Y year, %%.
 */
struct date_names {
	const char *language;
	const char *weekday[7];		/* Monday first, as GDateTime counts */
	const char *month[12];
	const char *date;		/* {{due_date}} */
	const char *time;		/* {{due_time}} */
	const char *full;		/* {{due}} */
};

static const struct date_names date_tables[] = {
	{ "en",
	  { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" },
	  { "January", "February", "March", "April", "May", "June", "July", "August",
	    "September", "October", "November", "December" },
	  "%A %e %B", "%H:%M", "%A %e %B at %H:%M" },
	{ "sv",
	  { "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag" },
	  { "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
	    "september", "oktober", "november", "december" },
	  "%A %e %B", "%H:%M", "%A %e %B kl. %H:%M" },
	/* Språkrådet's and Dansk Sprognævn's norm writes the clock with a point. */
	{ "nb",
	  { "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag" },
	  { "januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
	    "september", "oktober", "november", "desember" },
	  "%A %e. %B", "%H.%M", "%A %e. %B kl. %H.%M" },
	{ "da",
	  { "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag" },
	  { "januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
	    "september", "oktober", "november", "december" },
	  "%A den %e. %B", "%H.%M", "%A den %e. %B kl. %H.%M" },
	{ "de",
	  { "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag" },
	  { "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
	    "September", "Oktober", "November", "Dezember" },
	  "%A, %e. %B", "%H:%M", "%A, %e. %B, %H:%M Uhr" },
	{ "bg",
	  { "понеделник", "вторник", "сряда", "четвъртък", "петък", "събота", "неделя" },
	  { "януари", "февруари", "март", "април", "май", "юни", "юли", "август",
	    "септември", "октомври", "ноември", "декември" },
	  "%A, %e %B", "%H:%M", "%A, %e %B, в %H:%M" },
};

/* For a language without a table: nothing in it is a word. */
static const struct date_names iso_dates = {
	NULL, { NULL }, { NULL }, "%Y-%m-%d", "%H:%M", "%Y-%m-%d %H:%M",
};

static const struct date_names *
date_names_for(const char *language)
{
	for (size_t i = 0; i < G_N_ELEMENTS(date_tables); i++)
		if (language != NULL && strcmp(date_tables[i].language, language) == 0)
			return &date_tables[i];
	return &iso_dates;
}

static void
format_pattern(GString *out, const char *pattern, const struct date_names *names,
    GDateTime *dt)
{
	for (const char *p = pattern; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			g_string_append_c(out, *p);
			continue;
		}
		switch (*++p) {
		case 'A':
			g_string_append(out, names->weekday[g_date_time_get_day_of_week(dt) - 1]);
			break;
		case 'B':
			g_string_append(out, names->month[g_date_time_get_month(dt) - 1]);
			break;
		case 'e':
			g_string_append_printf(out, "%d", g_date_time_get_day_of_month(dt));
			break;
		case 'm':
			g_string_append_printf(out, "%02d", g_date_time_get_month(dt));
			break;
		case 'd':
			g_string_append_printf(out, "%02d", g_date_time_get_day_of_month(dt));
			break;
		case 'Y':
			g_string_append_printf(out, "%d", g_date_time_get_year(dt));
			break;
		case 'H':
			g_string_append_printf(out, "%02d", g_date_time_get_hour(dt));
			break;
		case 'M':
			g_string_append_printf(out, "%02d", g_date_time_get_minute(dt));
			break;
		default:
			g_string_append_c(out, *p);
			break;
		}
	}
}

/* Fills the three due strings; all "" when when is not a usable time. */
static void
format_due_all(const struct date_names *names, gint64 when, GTimeZone *zone,
    char *out[3])
{
	GDateTime *utc = when > 0 ? g_date_time_new_from_unix_utc(when) : NULL;
	GDateTime *local = NULL;

	if (utc != NULL) {
		GTimeZone *z = zone != NULL ? g_time_zone_ref(zone) : g_time_zone_new_utc();

		local = g_date_time_to_timezone(utc, z);
		g_time_zone_unref(z);
		g_date_time_unref(utc);
	}
	for (int i = 0; i < 3; i++) {
		GString *s = g_string_new(NULL);

		if (local != NULL)
			format_pattern(s, i == ACK_DUE_FULL ? names->full :
			    i == ACK_DUE_DATE ? names->date : names->time, names, local);
		out[i] = g_string_free(s, FALSE);
	}
	if (local != NULL)
		g_date_time_unref(local);
}

char *
ack_format_due(const char *language, gint64 when, GTimeZone *zone, enum ack_due_part part)
{
	char *all[3];

	if (part > ACK_DUE_TIME)
		return NULL;
	format_due_all(date_names_for(language), when, zone, all);
	for (int i = 0; i < 3; i++)
		if (i != (int)part)
			g_free(all[i]);
	if (*all[part] == '\0') {
		g_free(all[part]);
		return NULL;
	}
	return all[part];
}

/* --- compiled templates ---------------------------------------------------- */

enum op_kind {
	OP_TEXT,	/* text */
	OP_VALUE,	/* field */
	OP_NEWLINE,
	OP_IF,		/* render on when field present != inverted, else go to jump */
};

struct op {
	enum op_kind kind;
	enum field field;
	gboolean inverted;
	guint jump;		/* index of the first op after the section */
	char *text;
};

struct template {
	GArray *ops;		/* of struct op */
};

struct language {
	char *code;
	struct template *types[TYPE_COUNT];
	const struct date_names *dates;
};

struct ack_templates {
	GPtrArray *languages;	/* of struct language *, sorted by code */
};

static void
op_clear(gpointer p)
{
	g_free(((struct op *)p)->text);
}

static void
template_free(struct template *tp)
{
	if (tp == NULL)
		return;
	g_array_unref(tp->ops);
	g_free(tp);
}

static void
language_free(gpointer p)
{
	struct language *lang = p;

	for (int i = 0; i < TYPE_COUNT; i++)
		template_free(lang->types[i]);
	g_free(lang->code);
	g_free(lang);
}

void
ack_templates_free(struct ack_templates *t)
{
	if (t == NULL)
		return;
	g_ptr_array_unref(t->languages);
	g_free(t);
}

/* --- parsing -------------------------------------------------------------- */

struct open_section {
	guint op;		/* index of its OP_IF */
	enum field field;
	char sigil;		/* '#' or '^' */
	int line;
};

struct parser {
	const char *path;
	int line;
	struct template *tp;
	struct open_section open[ACK_SECTION_DEPTH_MAX];
	int depth;
	gboolean has_text;	/* something but blanks and tags was seen */
};

static void G_GNUC_PRINTF(3, 4)
set_line_error(GError **error, const struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_SYNTAX, "%s:%d: %s",
	    ps->path, ps->line, msg);
	g_free(msg);
}

static void
push_op(struct parser *ps, enum op_kind kind, enum field field, gboolean inverted,
    const char *text, size_t len)
{
	struct op op = { kind, field, inverted, 0, NULL };

	if (kind == OP_TEXT) {
		if (len == 0)
			return;
		op.text = g_strndup(text, len);
		for (size_t i = 0; i < len; i++)
			if (text[i] != ' ' && text[i] != '\t')
				ps->has_text = TRUE;
	}
	g_array_append_val(ps->tp->ops, op);
}

/*
 * Handles the tag whose inside (braces stripped) is tag[0..len). 0, or -1
 * with *error set.
 */
static int
parse_tag(struct parser *ps, const char *tag, size_t len, GError **error)
{
	char sigil = '\0';
	char sigil_str[2] = "";
	int field;

	while (len > 0 && (*tag == ' ' || *tag == '\t'))
		tag++, len--;
	while (len > 0 && (tag[len - 1] == ' ' || tag[len - 1] == '\t'))
		len--;
	if (len > 0 && (*tag == '#' || *tag == '^' || *tag == '/')) {
		sigil = *tag++;
		sigil_str[0] = sigil;
		len--;
		while (len > 0 && (*tag == ' ' || *tag == '\t'))
			tag++, len--;
	}
	field = field_from_name(tag, len);
	if (field < 0) {
		set_line_error(error, ps, "unknown placeholder {{%s%.*s}} (known: name, "
		    "ticket, subject, due, due_date, due_time)", sigil_str,
		    (int)MIN(len, 40), tag);
		return -1;
	}
	switch (sigil) {
	case '\0':
		push_op(ps, OP_VALUE, field, FALSE, NULL, 0);
		ps->has_text = TRUE;
		return 0;
	case '#':
	case '^':
		if (ps->depth == ACK_SECTION_DEPTH_MAX) {
			set_line_error(error, ps, "sections nested more than %d deep",
			    ACK_SECTION_DEPTH_MAX);
			return -1;
		}
		ps->open[ps->depth].op = ps->tp->ops->len;
		ps->open[ps->depth].field = field;
		ps->open[ps->depth].sigil = sigil;
		ps->open[ps->depth].line = ps->line;
		ps->depth++;
		push_op(ps, OP_IF, field, sigil == '^', NULL, 0);
		return 0;
	default: {
		struct open_section *top;

		if (ps->depth == 0) {
			set_line_error(error, ps, "{{/%s}} closes a section that is not open",
			    field_names[field]);
			return -1;
		}
		top = &ps->open[ps->depth - 1];
		if (top->field != (enum field)field) {
			set_line_error(error, ps, "{{/%s}} closes {{%c%s}} of line %d",
			    field_names[field], top->sigil, field_names[top->field], top->line);
			return -1;
		}
		g_array_index(ps->tp->ops, struct op, top->op).jump = ps->tp->ops->len;
		ps->depth--;
		return 0;
	}
	}
}

/* True when line (blanks aside) is one section tag and nothing else. */
static gboolean
is_standalone(const char *line, size_t len)
{
	const char *end = line + len;

	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - line < 5 || memcmp(line, "{{", 2) != 0 || memcmp(end - 2, "}}", 2) != 0)
		return FALSE;
	/* One tag only: no other braces inside. */
	if (g_strstr_len(line + 2, end - line - 4, "{{") != NULL ||
	    g_strstr_len(line + 2, end - line - 4, "}}") != NULL)
		return FALSE;
	for (line += 2; *line == ' ' || *line == '\t'; line++)
		;
	return *line == '#' || *line == '^' || *line == '/';
}

static int
parse_line(struct parser *ps, const char *line, size_t len, GError **error)
{
	gboolean standalone;
	size_t i = 0, text_start = 0;

	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)line[k];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			set_line_error(error, ps, "control character 0x%02x in column %zu",
			    c, k + 1);
			return -1;
		}
	}
	if (len > 0 && line[0] == '#')
		return 0;
	standalone = is_standalone(line, len);
	while (i + 1 < len) {
		const char *close;

		if (line[i] != '{' || line[i + 1] != '{') {
			i++;
			continue;
		}
		if (!standalone)
			push_op(ps, OP_TEXT, 0, FALSE, line + text_start, i - text_start);
		close = g_strstr_len(line + i + 2, len - i - 2, "}}");
		if (close == NULL) {
			set_line_error(error, ps, "\"{{\" without \"}}\" on the same line");
			return -1;
		}
		if (parse_tag(ps, line + i + 2, close - (line + i + 2), error) != 0)
			return -1;
		i = text_start = close + 2 - line;
	}
	if (!standalone) {
		push_op(ps, OP_TEXT, 0, FALSE, line + text_start, len - text_start);
		push_op(ps, OP_NEWLINE, 0, FALSE, NULL, 0);
	}
	return 0;
}

/* The line (from 1) that offset lies on. */
static int
line_of(const char *text, size_t offset)
{
	int line = 1;

	for (size_t i = 0; i < offset; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/*
 * Compiles the text of a template read from path. NULL with *error set
 * when it breaks a rule.
 */
static struct template *
template_parse(const char *path, const char *text, size_t len, GError **error)
{
	struct parser ps = { .path = path, .line = 0 };
	const char *end, *p = text, *limit = text + len;

	if (!g_utf8_validate(text, len, &end)) {
		ps.line = line_of(text, end - text);
		set_line_error(error, &ps, "not valid UTF-8 (byte 0x%02x)", (unsigned char)*end);
		return NULL;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* a byte-order mark, as some Windows editors write */
	ps.tp = g_new0(struct template, 1);
	ps.tp->ops = g_array_new(FALSE, TRUE, sizeof(struct op));
	g_array_set_clear_func(ps.tp->ops, op_clear);
	while (p < limit) {
		const char *nl = memchr(p, '\n', limit - p);
		size_t n = (nl != NULL ? nl : limit) - p;

		ps.line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (parse_line(&ps, p, n, error) != 0)
			goto fail;
		p = nl != NULL ? nl + 1 : limit;
	}
	if (ps.depth > 0) {
		struct open_section *top = &ps.open[ps.depth - 1];

		ps.line = top->line;
		set_line_error(error, &ps, "{{%c%s}} is never closed", top->sigil,
		    field_names[top->field]);
		goto fail;
	}
	if (!ps.has_text) {
		g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_SYNTAX,
		    "%s: no text, only comments and blank lines", path);
		goto fail;
	}
	return ps.tp;
fail:
	template_free(ps.tp);
	return NULL;
}

/* Reads and compiles one template file. */
static struct template *
template_load(const char *path, GError **error)
{
	GStatBuf st;
	char *text;
	gsize len;
	struct template *tp;
	GError *io_error = NULL;

	if (g_stat(path, &st) != 0) {
		g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_IO, "%s: %s",
		    path, g_strerror(errno));
		return NULL;
	}
	/* Checked before reading, so a device or a huge file is never read. */
	if (!S_ISREG(st.st_mode) || st.st_size > ACK_TEMPLATE_FILE_MAX) {
		g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_IO,
		    "%s: not a regular file of at most %d bytes", path, ACK_TEMPLATE_FILE_MAX);
		return NULL;
	}
	if (!g_file_get_contents(path, &text, &len, &io_error)) {
		g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_IO, "%s",
		    io_error->message);
		g_error_free(io_error);
		return NULL;
	}
	if (len > ACK_TEMPLATE_FILE_MAX) {	/* grew since the stat */
		g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_IO,
		    "%s: more than %d bytes", path, ACK_TEMPLATE_FILE_MAX);
		g_free(text);
		return NULL;
	}
	tp = template_parse(path, text, len, error);
	g_free(text);
	return tp;
}

/* --- directories ------------------------------------------------------------ */

static gboolean
is_language_code(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 3)
		return FALSE;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return FALSE;
	return TRUE;
}

static gint
compare_languages(gconstpointer a, gconstpointer b)
{
	return strcmp((*(struct language *const *)a)->code,
	    (*(struct language *const *)b)->code);
}

static struct language *
language_find(const struct ack_templates *t, const char *code)
{
	for (guint i = 0; i < t->languages->len; i++) {
		struct language *lang = g_ptr_array_index(t->languages, i);

		if (strcmp(lang->code, code) == 0)
			return lang;
	}
	return NULL;
}

static struct language *
language_get(struct ack_templates *t, const char *code)
{
	struct language *lang = language_find(t, code);

	if (lang == NULL) {
		lang = g_new0(struct language, 1);
		lang->code = g_strdup(code);
		lang->dates = date_names_for(code);
		g_ptr_array_add(t->languages, lang);
	}
	return lang;
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir (not starting with "."), sorted so that errors come in a stable order. */
static GPtrArray *
list_dir(const char *path, GError **error)
{
	GError *io_error = NULL;
	GDir *dir = g_dir_open(path, 0, &io_error);
	GPtrArray *names;
	const char *entry;

	if (dir == NULL) {
		g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_IO, "%s: %s", path,
		    io_error->message);
		g_error_free(io_error);
		return NULL;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((entry = g_dir_read_name(dir)) != NULL)
		if (entry[0] != '.')
			g_ptr_array_add(names, g_strdup(entry));
	g_dir_close(dir);
	g_ptr_array_sort(names, compare_strings);
	return names;
}

/* Loads DIR/LANG/ *.txt of one language directory into lang. */
static int
load_language_dir(struct language *lang, const char *lang_dir, GError **error)
{
	GPtrArray *names = list_dir(lang_dir, error);
	int rc = 0;

	if (names == NULL)
		return -1;
	for (guint i = 0; i < names->len && rc == 0; i++) {
		const char *entry = g_ptr_array_index(names, i);
		char *path, *type_name;
		struct template *tp;
		int type;

		if (!g_str_has_suffix(entry, ".txt"))
			continue;
		path = g_build_filename(lang_dir, entry, NULL);
		type_name = g_strndup(entry, strlen(entry) - 4);
		type = type_from_name(type_name);
		if (type < 0) {
			g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_SYNTAX,
			    "%s: \"%s\" is not a type (analytical, personal, functional, "
			    "intuitive)", path, type_name);
			rc = -1;
		} else if ((tp = template_load(path, error)) == NULL) {
			rc = -1;
		} else {
			template_free(lang->types[type]);
			lang->types[type] = tp;
		}
		g_free(type_name);
		g_free(path);
	}
	g_ptr_array_unref(names);
	return rc;
}

/* Loads every language directory under dir into t. */
static int
load_dir(struct ack_templates *t, const char *dir, GError **error)
{
	GPtrArray *names = list_dir(dir, error);
	int rc = 0;

	if (names == NULL)
		return -1;
	for (guint i = 0; i < names->len && rc == 0; i++) {
		const char *entry = g_ptr_array_index(names, i);
		char *path = g_build_filename(dir, entry, NULL);

		if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
			g_free(path);
			continue;	/* a README beside the languages */
		}
		if (!is_language_code(entry)) {
			g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_SYNTAX,
			    "%s: not a language code (two or three letters a-z, as \"sv\")",
			    path);
			rc = -1;
		} else {
			rc = load_language_dir(language_get(t, entry), path, error);
		}
		g_free(path);
	}
	g_ptr_array_unref(names);
	return rc;
}

/* Every language has all four types; dir is where a missing one is looked for. */
static int
check_complete(const struct ack_templates *t, const char *dir, GError **error)
{
	for (guint i = 0; i < t->languages->len; i++) {
		const struct language *lang = g_ptr_array_index(t->languages, i);

		for (int k = 0; k < TYPE_COUNT; k++) {
			char *path;

			if (lang->types[k] != NULL)
				continue;
			path = g_strdup_printf("%s/%s/%s.txt", dir, lang->code, type_names[k]);
			g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_MISSING,
			    "%s: missing; the language %s needs all of analytical, personal, "
			    "functional and intuitive", path, lang->code);
			g_free(path);
			return -1;
		}
	}
	return 0;
}

struct ack_templates *
ack_templates_load(const char *builtin_dir, const char *override_dir, GError **error)
{
	struct ack_templates *t = g_new0(struct ack_templates, 1);

	t->languages = g_ptr_array_new_with_free_func(language_free);
	if (load_dir(t, builtin_dir, error) != 0 || check_complete(t, builtin_dir, error) != 0)
		goto fail;
	if (language_find(t, ACK_LAST_LANGUAGE) == NULL) {
		g_set_error(error, ACK_TEMPLATE_ERROR, ACK_TEMPLATE_ERROR_MISSING,
		    "%s/%s: missing; it is the language of last resort", builtin_dir,
		    ACK_LAST_LANGUAGE);
		goto fail;
	}
	if (override_dir != NULL && (load_dir(t, override_dir, error) != 0 ||
	    check_complete(t, override_dir, error) != 0))
		goto fail;
	g_ptr_array_sort(t->languages, compare_languages);
	return t;
fail:
	ack_templates_free(t);
	return NULL;
}

/* --- rendering ---------------------------------------------------------------- */

/* Characters a value must not carry into the text (see the header). */
static gboolean
is_unsafe_char(gunichar c)
{
	return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) ||
	    c == 0x2028 || c == 0x2029 ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/*
 * Returns value cleaned and cut to max_chars characters, "" for NULL. The
 * work is bounded by max_chars whatever the length of value.
 */
static char *
clean_value(const char *value, glong max_chars)
{
	/* No character takes more than 4 bytes, and each byte that is not
	 * UTF-8 becomes one character: this many bytes always hold max_chars
	 * characters and one more, to know whether there was more. */
	size_t cap = (size_t)(max_chars + 1) * 4, n;
	GString *out;
	char *valid;
	glong chars = 0;
	gboolean space = TRUE;	/* the last character put out is a space (or none yet) */
	gboolean cut = FALSE;

	if (value == NULL)
		return g_strdup("");
	/* Leading blanks and breaks would be dropped anyway: skip them before
	 * the cap, so that a value padded with them keeps its text. */
	while (*value != '\0' && ((unsigned char)*value <= ' ' || *value == 0x7f))
		value++;
	n = strnlen(value, cap + 1);
	if (n > cap) {
		n = cap;
		cut = TRUE;
	}
	valid = g_utf8_make_valid(value, n);
	out = g_string_sized_new(n);
	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (is_unsafe_char(c))
			c = ' ';
		if ((c == ' ' && space) || (c == '\t' && out->len == 0))
			continue;
		if (chars == max_chars) {
			cut = TRUE;
			break;
		}
		g_string_append_unichar(out, c);
		space = c == ' ';
		chars++;
	}
	g_free(valid);
	while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\t'))
		g_string_truncate(out, out->len - 1);
	if (cut && out->len > 0)
		g_string_append(out, "…");
	return g_string_free(out, FALSE);
}

/*
 * Trims trailing blanks of each line, folds runs of empty lines into one,
 * drops empty lines at both ends and ends the text with one \n.
 */
static char *
normalise_lines(const char *text)
{
	GString *out = g_string_sized_new(strlen(text) + 1);
	gboolean pending_blank = FALSE;

	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0) {
			pending_blank = out->len > 0;
		} else {
			if (pending_blank)
				g_string_append_c(out, '\n');
			g_string_append_len(out, p, n);
			g_string_append_c(out, '\n');
			pending_blank = FALSE;
		}
		p += nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
	}
	return g_string_free(out, FALSE);
}

static const struct language *
language_lookup(const struct ack_templates *t, const char *code)
{
	char buf[16];
	size_t n;
	const struct language *lang;

	if (code == NULL || *code == '\0')
		return NULL;
	n = strcspn(code, "-_");
	if (strlen(code) >= sizeof(buf))
		return NULL;
	for (size_t i = 0; code[i] != '\0'; i++)
		buf[i] = g_ascii_tolower(code[i]);
	buf[strlen(code)] = '\0';
	if ((lang = language_find(t, buf)) != NULL)
		return lang;
	buf[n] = '\0';
	return language_find(t, buf);
}

char *
ack_render(const struct ack_templates *t, const char *language,
    const char *fallback_language, const char *personality, const struct ack_values *v,
    const char **language_used)
{
	const struct language *lang = language_lookup(t, language);
	const struct template *tp;
	char *values[FIELD_COUNT];
	GString *out = g_string_sized_new(2048);
	int type = personality != NULL ? type_from_name(personality) : -1;
	char *body;

	if (lang == NULL)
		lang = language_lookup(t, fallback_language);
	if (lang == NULL)
		lang = language_find(t, ACK_LAST_LANGUAGE);	/* checked at load */
	if (type < 0)
		type = type_from_name(ACK_DEFAULT_PERSONALITY);
	tp = lang->types[type];

	values[FIELD_NAME] = clean_value(v->name, ACK_NAME_MAX);
	values[FIELD_TICKET] = clean_value(v->ticket, ACK_TICKET_MAX);
	values[FIELD_SUBJECT] = clean_value(v->subject, ACK_SUBJECT_MAX);
	format_due_all(lang->dates, v->due, v->zone, &values[FIELD_DUE]);
	values[FIELD_COMPLAINT] = g_strdup(v->complaint ? "yes" : "");

	for (guint i = 0; i < tp->ops->len;) {
		const struct op *op = &g_array_index(tp->ops, struct op, i);

		switch (op->kind) {
		case OP_TEXT:
			g_string_append(out, op->text);
			break;
		case OP_VALUE:
			g_string_append(out, values[op->field]);
			break;
		case OP_NEWLINE:
			g_string_append_c(out, '\n');
			break;
		case OP_IF:
			if ((*values[op->field] != '\0') == op->inverted) {
				i = op->jump;
				continue;
			}
			break;
		}
		i++;
	}
	for (int i = 0; i < FIELD_COUNT; i++)
		g_free(values[i]);
	body = normalise_lines(out->str);
	g_string_free(out, TRUE);
	/* A template whose every line sat in sections left out: still one line end. */
	if (*body == '\0') {
		g_free(body);
		body = g_strdup("\n");
	}
	if (language_used != NULL)
		*language_used = lang->code;
	return body;
}
