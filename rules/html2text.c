/*
 * html2text.c - rendering an HTML body as the plain text a person reads.
 *
 * libxml2's HTML parser builds a tree the way a browser would from whatever
 * mail clients and spammers send; this file walks that tree once, without
 * recursion, and lays its text out in lines.
 */
#include <limits.h>
#include <string.h>

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "html2text.h"

/* What an element does to the text around it. */
enum html_kind {
	HTML_INLINE = 0,	/* its text flows with its neighbours' */
	HTML_SKIP,		/* its content is never shown */
	HTML_BLOCK,		/* starts and ends a line */
	HTML_PARA,		/* starts and ends a paragraph: a blank line */
	HTML_BREAK,		/* <br>: one more line break */
	HTML_ITEM,		/* <li>: a line of its own starting with "- " */
	HTML_CELL,		/* <td>, <th>: a tab from the cell before */
	HTML_PRE		/* a block whose whitespace is kept */
};

/*
 * The elements that are not inline. Names are lower case: libxml2 folds
 * the case of the names of the elements it parses.
 */
static const struct html_tag {
	const char	*name;
	enum html_kind	 kind;
} html_tags[] = {
	{ "head",	HTML_SKIP },
	{ "script",	HTML_SKIP },
	{ "style",	HTML_SKIP },
	{ "template",	HTML_SKIP },
	{ "noscript",	HTML_SKIP },
	{ "title",	HTML_SKIP },
	{ "p",		HTML_PARA },
	{ "br",		HTML_BREAK },
	{ "li",		HTML_ITEM },
	{ "td",		HTML_CELL },
	{ "th",		HTML_CELL },
	{ "pre",	HTML_PRE },
	{ "listing",	HTML_PRE },
	{ "div",	HTML_BLOCK },
	{ "h1",		HTML_BLOCK },
	{ "h2",		HTML_BLOCK },
	{ "h3",		HTML_BLOCK },
	{ "h4",		HTML_BLOCK },
	{ "h5",		HTML_BLOCK },
	{ "h6",		HTML_BLOCK },
	{ "ul",		HTML_BLOCK },
	{ "ol",		HTML_BLOCK },
	{ "dl",		HTML_BLOCK },
	{ "dt",		HTML_BLOCK },
	{ "dd",		HTML_BLOCK },
	{ "table",	HTML_BLOCK },
	{ "caption",	HTML_BLOCK },
	{ "tr",		HTML_BLOCK },
	{ "blockquote",	HTML_BLOCK },
	{ "section",	HTML_BLOCK },
	{ "article",	HTML_BLOCK },
	{ "aside",	HTML_BLOCK },
	{ "nav",	HTML_BLOCK },
	{ "main",	HTML_BLOCK },
	{ "header",	HTML_BLOCK },
	{ "footer",	HTML_BLOCK },
	{ "figure",	HTML_BLOCK },
	{ "figcaption",	HTML_BLOCK },
	{ "center",	HTML_BLOCK },
	{ "hr",		HTML_BLOCK },
	{ "address",	HTML_BLOCK },
	{ "form",	HTML_BLOCK },
	{ "fieldset",	HTML_BLOCK },
	{ "legend",	HTML_BLOCK },
};

/*
 * Classes that mark quoted history. They are matched as substrings of the
 * class attribute, so that "gmail_quote gmail_quote_container" matches too.
 */
static const char *const html_quote_classes[] = {
	"gmail_quote",		/* Gmail: the message replied to */
	"gmail_attr",		/* Gmail: the "On ... wrote:" line above it */
	"yahoo_quoted",		/* Yahoo Mail */
	"moz-cite-prefix",	/* Thunderbird: its "On ... wrote:" line */
};

/* How the walk goes on after an element has been entered. */
enum html_walk {
	WALK_DESCEND,		/* render its content */
	WALK_SKIP,		/* go on with its next sibling */
	WALK_STOP		/* render nothing more */
};

/*
 * The text rendered so far and what is owed before the next character.
 * Separators are owed rather than written, so that none ends up at the
 * start or the end of a line or of the output.
 */
struct render {
	GString	*out;
	size_t	 max_out;	/* out->len never exceeds it */
	int	 full;		/* a character did not fit: stop */
	int	 pre;		/* depth of open <pre> elements */
	int	 pre_lead;	/* a newline right after <pre> is not shown */
	int	 newlines;	/* the next text starts after this many, 0-2 */
	char	 space;		/* or after this separator: 0, ' ' or '\t' */
	int	 bullet;	/* and after "- " */
};

/*
 * Returns the kind of the element named name.
 */
static enum html_kind
html_kind(const xmlChar *name)
{
	size_t i;

	if (name == NULL)
		return HTML_INLINE;
	for (i = 0; i < G_N_ELEMENTS(html_tags); i++)
		if (strcmp((const char *)name, html_tags[i].name) == 0)
			return html_tags[i].kind;
	return HTML_INLINE;
}

/*
 * Returns whether node starts the message being replied to or forwarded
 * as Outlook (desktop and web) writes it. Outlook keeps no structure
 * around the old message: its headers and body follow as siblings, so
 * this node and everything after it in document order is history.
 */
static int
html_is_cut(const xmlNode *node)
{
	xmlChar *id;
	int cut;

	if ((id = xmlGetNoNsProp(node, BAD_CAST "id")) == NULL)
		return 0;
	cut = g_ascii_strcasecmp((const char *)id, "divRplyFwdMsg") == 0 ||
	    g_ascii_strcasecmp((const char *)id, "appendonsend") == 0;
	xmlFree(id);
	return cut;
}

/*
 * Returns whether the element node, with all it holds, is quoted history:
 * <blockquote type="cite"> (Apple Mail, Thunderbird) or an element of one
 * of html_quote_classes.
 */
static int
html_is_quote(const xmlNode *node)
{
	xmlChar *value;
	size_t i;
	int quote = 0;

	if (strcmp((const char *)node->name, "blockquote") == 0 &&
	    (value = xmlGetNoNsProp(node, BAD_CAST "type")) != NULL) {
		quote = g_ascii_strcasecmp((const char *)value, "cite") == 0;
		xmlFree(value);
		if (quote)
			return 1;
	}
	if ((value = xmlGetNoNsProp(node, BAD_CAST "class")) == NULL)
		return 0;
	for (i = 0; i < G_N_ELEMENTS(html_quote_classes) && !quote; i++)
		quote = strstr((const char *)value,
		    html_quote_classes[i]) != NULL;
	xmlFree(value);
	return quote;
}

/*
 * Removes the spaces and tabs at the end of the output: <pre> writes them
 * as they come, and a line must not end in them.
 */
static void
render_strip(struct render *r)
{
	size_t len = r->out->len;

	while (len > 0 && (r->out->str[len - 1] == ' ' ||
	    r->out->str[len - 1] == '\t'))
		len--;
	g_string_truncate(r->out, len);
}

/*
 * Returns how many newlines (at most 2) end the output.
 */
static int
render_trailing_newlines(const struct render *r)
{
	size_t len = r->out->len;
	int n = 0;

	while (n < 2 && len > 0 && r->out->str[len - 1] == '\n') {
		len--;
		n++;
	}
	return n;
}

/*
 * Writes what is owed before a character of next bytes. Returns 0, or -1
 * with r->full set and nothing written when the owed separators and the
 * character together would take the output past max_out.
 */
static int
render_flush(struct render *r, size_t next)
{
	size_t newlines = 0, need;
	int have, space = 0;

	if (r->newlines > 0)
		render_strip(r);
	if (r->out->len == 0) {
		/* Nothing goes before the first character. */
		r->newlines = 0;
		r->space = 0;
	}
	if (r->newlines > 0) {
		have = render_trailing_newlines(r);
		if (r->newlines > have)
			newlines = (size_t)(r->newlines - have);
	} else if (r->space != 0 && r->out->str[r->out->len - 1] != '\n')
		space = 1;
	need = newlines + (size_t)space + (r->bullet ? 2 : 0) + next;
	if (need > r->max_out - r->out->len) {
		r->full = 1;
		return -1;
	}
	while (newlines-- > 0)
		g_string_append_c(r->out, '\n');
	if (space)
		g_string_append_c(r->out, r->space);
	if (r->bullet)
		g_string_append_len(r->out, "- ", 2);
	r->newlines = 0;
	r->space = 0;
	r->bullet = 0;
	return 0;
}

/*
 * Writes the owed separators and then the n bytes of one character at p,
 * or, if they do not fit, nothing.
 */
static void
render_char(struct render *r, const char *p, size_t n)
{
	if (render_flush(r, n) == 0)
		g_string_append_len(r->out, p, (gssize)n);
}

/*
 * Owes the next text at least n line breaks: 1 to start a line, 2 to
 * start a paragraph.
 */
static void
render_lines(struct render *r, int n)
{
	if (r->newlines < n)
		r->newlines = n;
}

/*
 * Owes one more line break than the output or the debt already has, as
 * <br> or a newline in <pre> does: two in a row leave a blank line. More
 * than one blank line is never owed.
 */
static void
render_break(struct render *r)
{
	int have;

	render_strip(r);
	have = render_trailing_newlines(r);
	r->newlines = MIN(MAX(r->newlines, have) + 1, 2);
}

/*
 * Renders the text of a text node. Outside <pre>, each run of whitespace
 * becomes one owed space; U+00A0 and the other Unicode spaces count as
 * whitespace, since they separate words all the same.
 */
static void
render_text(struct render *r, const char *s)
{
	const char *p, *q;
	gunichar c;

	if (r->pre > 0 && r->pre_lead) {
		/* Browsers do not show a newline that follows <pre>. */
		if (s[0] == '\r' && s[1] == '\n')
			s += 2;
		else if (s[0] == '\n' || s[0] == '\r')
			s++;
	}
	r->pre_lead = 0;
	for (p = s; *p != '\0' && !r->full; p = q) {
		c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			/*
			 * html_to_text() fed libxml2 valid UTF-8, so this
			 * does not happen; if it did, the output would
			 * still be valid UTF-8.
			 */
			q = p + 1;
			render_char(r, "\357\277\275", 3);
			continue;
		}
		q = g_utf8_next_char(p);
		if (r->pre > 0) {
			if (c == '\r') {
				if (*q == '\n')
					continue;
				c = '\n';
			}
			if (c == '\n')
				render_break(r);
			else if (c == '\t')
				render_char(r, "\t", 1);
			else if (g_unichar_isspace(c))
				render_char(r, " ", 1);
			else if (!g_unichar_iscntrl(c))
				render_char(r, p, (size_t)(q - p));
		} else if (g_unichar_isspace(c)) {
			if (r->space == 0)
				r->space = ' ';
		} else if (!g_unichar_iscntrl(c)) {
			/* Control characters are not text a person reads. */
			render_char(r, p, (size_t)(q - p));
		}
	}
}

/*
 * Begins the element node: owes the separators it starts with and says
 * whether its content is rendered.
 */
static enum html_walk
render_enter(struct render *r, const xmlNode *node)
{
	enum html_kind kind = html_kind(node->name);

	r->pre_lead = 0;
	if (html_is_cut(node))
		return WALK_STOP;
	if (kind == HTML_SKIP || html_is_quote(node))
		return WALK_SKIP;
	switch (kind) {
	case HTML_BLOCK:
		render_lines(r, 1);
		break;
	case HTML_PARA:
		render_lines(r, 2);
		break;
	case HTML_BREAK:
		render_break(r);
		break;
	case HTML_ITEM:
		render_lines(r, 1);
		r->bullet = 1;
		break;
	case HTML_CELL:
		r->space = '\t';
		break;
	case HTML_PRE:
		render_lines(r, 1);
		if (r->pre < INT_MAX)
			r->pre++;
		r->pre_lead = 1;
		break;
	default:
		break;
	}
	return WALK_DESCEND;
}

/*
 * Ends the element node, which render_enter() said to descend into: owes
 * the separators it ends with.
 */
static void
render_leave(struct render *r, const xmlNode *node)
{
	switch (html_kind(node->name)) {
	case HTML_BLOCK:
		render_lines(r, 1);
		break;
	case HTML_PARA:
		render_lines(r, 2);
		break;
	case HTML_ITEM:
		render_lines(r, 1);
		/* An item that showed no text gets no bullet. */
		r->bullet = 0;
		break;
	case HTML_CELL:
		r->space = '\t';
		break;
	case HTML_PRE:
		render_lines(r, 1);
		if (r->pre > 0)
			r->pre--;
		break;
	default:
		break;
	}
}

/*
 * Renders doc in document order. The walk follows the tree's own parent
 * and sibling links, so it needs no stack however deep the tree is.
 * Only text nodes are rendered: libxml2 puts the content of <script> and
 * <style> in CDATA nodes, and comments are not shown.
 */
static void
render_tree(struct render *r, xmlDoc *doc)
{
	xmlNode *top = (xmlNode *)doc;
	xmlNode *node = doc->children;
	enum html_walk walk;

	while (node != NULL && !r->full) {
		walk = WALK_SKIP;
		if (node->type == XML_ELEMENT_NODE)
			walk = render_enter(r, node);
		else if (node->type == XML_TEXT_NODE && node->content != NULL)
			render_text(r, (const char *)node->content);
		if (walk == WALK_STOP)
			return;
		if (walk == WALK_DESCEND && node->children != NULL) {
			node = node->children;
			continue;
		}
		if (walk == WALK_DESCEND)
			render_leave(r, node);
		while (node->next == NULL) {
			node = node->parent;
			if (node == NULL || node == top)
				return;
			render_leave(r, node);
		}
		node = node->next;
	}
}

/*
 * Returns a copy of the len bytes at html without NUL bytes and with each
 * byte that is not part of valid UTF-8 replaced by U+FFFD; *outlen
 * receives its length. libxml2 copies such bytes into the tree as they
 * are, and the output must be valid UTF-8. The caller frees the copy with
 * g_free().
 */
static char *
html_sanitize(const char *html, size_t len, size_t *outlen)
{
	GString *s = g_string_sized_new(len + 1);
	const char *p = html, *end = html + len, *bad;

	while (p < end) {
		if (g_utf8_validate_len(p, (gsize)(end - p), &bad)) {
			g_string_append_len(s, p, end - p);
			break;
		}
		g_string_append_len(s, p, bad - p);
		if (*bad != '\0')
			g_string_append(s, "\357\277\275");
		p = bad + 1;
	}
	*outlen = s->len;
	return g_string_free(s, FALSE);
}

char *
html_to_text(const char *html, size_t len, size_t max_out)
{
	const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;
	struct render r;
	char *clean = NULL, *text;
	htmlDocPtr doc;

	if (html == NULL)
		len = 0;
	/*
	 * htmlReadMemory() takes an int; a third of that leaves room for
	 * the sanitized copy, in which a bad byte becomes three.
	 */
	if (len > INT_MAX / 3)
		len = INT_MAX / 3;
	memset(&r, 0, sizeof(r));
	r.out = g_string_sized_new(MIN(MIN(len, max_out), 4096) + 1);
	r.max_out = max_out;
	if (len > 0 && max_out > 0) {
		if (!g_utf8_validate_len(html, len, NULL)) {
			clean = html_sanitize(html, len, &len);
			html = clean;
		}
		/*
		 * Initialisation is idempotent and thread-safe; the matching
		 * xmlCleanupParser() is the program's to call, at exit, since
		 * other threads may be using libxml2. The encoding given
		 * overrides any <meta charset>: the caller has already
		 * converted the body to UTF-8. The parser gives up at 256
		 * levels of nesting and keeps only what came before; only
		 * hostile mail nests that deep, and the limit bounds the
		 * parser's own stacks.
		 */
		xmlInitParser();
		doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", options);
		if (doc != NULL) {
			render_tree(&r, doc);
			xmlFreeDoc(doc);
		}
		g_free(clean);
	}
	text = g_string_free(r.out, FALSE);
	return g_strstrip(text);
}
