/*
 * ack_suppress.c - whether a customer's message gets an acknowledgement.
 *
 * Everything here reads strings the sender wrote, so every loop stops at
 * the terminating NUL whatever the bytes before it are, and every
 * malformed input falls on the side of not answering.
 */
#include "ack_suppress.h"

#include <string.h>

#define LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define DOMAIN_MAX	255	/* RFC 5321 4.5.3.1.2 */
#define LABEL_MAX	63	/* RFC 1035 2.3.4 */
#define ADDRESS_MAX	254	/* a 256-byte path less its angle brackets */

/* The longest word a run of local-part tokens is compared with. */
#define NOREPLY_WORD_MAX 10

/* --- lexical helpers --------------------------------------------------- */

static bool
is_wsp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Returns p past blanks and comments. Comments nest and may hold quoted
 * pairs; an unterminated one runs to the end of the string.
 */
static const char *
skip_cfws(const char *p)
{
	for (;;) {
		unsigned depth = 0;

		while (is_wsp((unsigned char)*p))
			p++;
		if (*p != '(')
			return p;
		do {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			p++;
		} while (*p != '\0' && depth > 0);
	}
}

/* Returns p (at a '"') past the quoted string, or at the end if unterminated. */
static const char *
skip_quoted(const char *p)
{
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : p;
}

/*
 * Appends the quoted string at *pp (at its '"') to out without quotes or
 * backslashes and moves *pp past it. False, *pp unmoved, when it does not end.
 */
static bool
read_quoted(const char **pp, GString *out)
{
	const char *p = *pp + 1;

	while (*p != '"') {
		if (*p == '\0')
			return false;
		if (*p == '\\' && p[1] != '\0')
			p++;
		g_string_append_c(out, *p);
		p++;
	}
	*pp = p + 1;
	return true;
}

/* RFC 8601 Keyword (ldh-str), with '_' tolerated. */
static bool
is_keyword_char(int c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_';
}

/* Reads a keyword at *pp as a new lower-case string; NULL, *pp unmoved, if none. */
static char *
read_keyword(const char **pp)
{
	const char *start = *pp;
	const char *p = start;

	while (is_keyword_char((unsigned char)*p))
		p++;
	if (p == start)
		return NULL;
	*pp = p;
	return g_ascii_strdown(start, p - start);
}

/* RFC 2045 token characters; UTF-8 bytes too (RFC 8601 with RFC 6532). */
static bool
is_token_char(int c)
{
	if (c >= 0x80)
		return true;
	if (c <= ' ' || c == 0x7f)
		return false;
	return strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Reads a value (token or quoted string) at *pp; NULL, *pp unmoved, if none. */
static char *
read_value(const char **pp)
{
	const char *p = *pp;
	const char *start = p;

	if (*p == '"') {
		GString *s = g_string_new(NULL);

		if (!read_quoted(&p, s)) {
			g_string_free(s, TRUE);
			return NULL;
		}
		*pp = p;
		return g_string_free(s, FALSE);
	}
	while (is_token_char((unsigned char)*p))
		p++;
	if (p == start)
		return NULL;
	*pp = p;
	return g_strndup(start, (gsize)(p - start));
}

/*
 * Reads a property value at *pp: everything up to a blank, a comment or a
 * ';', quoted strings unquoted in place, so "a@b"@example.com reads as
 * a@b@example.com and its domain is still what follows the last '@'.
 * May be "". NULL, *pp unmoved, on an unterminated quoted string.
 */
static char *
read_pvalue(const char **pp)
{
	const char *p = *pp;
	GString *s = g_string_new(NULL);

	while (*p != '\0' && !is_wsp((unsigned char)*p) && *p != ';' && *p != '(') {
		if (*p == '"') {
			if (!read_quoted(&p, s)) {
				g_string_free(s, TRUE);
				return NULL;
			}
		} else {
			g_string_append_c(s, *p++);
		}
	}
	*pp = p;
	return g_string_free(s, FALSE);
}

/* Returns p at the next ';' outside comments and quoted strings, or the end. */
static const char *
skip_to_semicolon(const char *p)
{
	while (*p != '\0' && *p != ';') {
		if (*p == '(')
			p = skip_cfws(p);
		else if (*p == '"')
			p = skip_quoted(p);
		else
			p++;
	}
	return p;
}

/* --- Authentication-Results (RFC 8601) ----------------------------------- */

/*
 * True when every comment and quoted string of value closes and no ')'
 * stands outside a comment; quoted pairs count inside both only, as in
 * the lexer below. A header that fails this is garbage as a
 * whole: the lexer below would otherwise read an unterminated comment as
 * running to the end, silently dropping whatever it swallowed.
 */
static bool
balanced(const char *p)
{
	unsigned depth = 0;
	bool quoted = false;

	for (; *p != '\0'; p++) {
		if ((quoted || depth > 0) && *p == '\\') {
			if (p[1] == '\0')
				return false;
			p++;
		} else if (quoted) {
			quoted = *p != '"';
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (depth == 0)
				return false;
			depth--;
		} else if (*p == '"' && depth == 0) {
			quoted = true;
		}
	}
	return depth == 0 && !quoted;
}

static void
prop_free(gpointer data)
{
	struct ack_authres_prop *prop = data;

	g_free(prop->ptype);
	g_free(prop->property);
	g_free(prop->value);
	g_free(prop);
}

static void
result_free(gpointer data)
{
	struct ack_authres_result *result = data;

	if (result == NULL)
		return;
	g_free(result->method);
	g_free(result->result);
	g_free(result->reason);
	g_ptr_array_unref(result->props);
	g_free(result);
}

void
ack_authres_free(struct ack_authres *authres)
{
	if (authres == NULL)
		return;
	g_free(authres->authserv_id);
	g_ptr_array_unref(authres->results);
	g_free(authres);
}

/*
 * Reads the properties of result at *pp up to the next top-level ';' or
 * the end: "ptype.property=value" is kept, "reason=value" too, any other
 * "key=value" is passed over. False on anything else.
 */
static bool
read_props(const char **pp, struct ack_authres_result *result)
{
	const char *p = *pp;

	for (;;) {
		char *key, *property, *value;

		p = skip_cfws(p);
		if (*p == '\0' || *p == ';')
			break;
		if ((key = read_keyword(&p)) == NULL)
			return false;
		p = skip_cfws(p);
		if (*p == '.') {
			p = skip_cfws(p + 1);
			if ((property = read_keyword(&p)) == NULL) {
				g_free(key);
				return false;
			}
			p = skip_cfws(p);
			value = NULL;
			if (*p == '=') {
				p = skip_cfws(p + 1);
				value = read_pvalue(&p);
			}
			if (value == NULL) {
				g_free(key);
				g_free(property);
				return false;
			}
			if (result->props->len < ACK_AUTHRES_MAX_PROPS) {
				struct ack_authres_prop *prop = g_new0(struct ack_authres_prop, 1);

				prop->ptype = key;
				prop->property = property;
				prop->value = value;
				g_ptr_array_add(result->props, prop);
			} else {
				g_free(key);
				g_free(property);
				g_free(value);
			}
		} else if (*p == '=') {
			p = skip_cfws(p + 1);
			if ((value = read_pvalue(&p)) == NULL) {
				g_free(key);
				return false;
			}
			if (strcmp(key, "reason") == 0 && result->reason == NULL)
				result->reason = value;
			else
				g_free(value);
			g_free(key);
		} else {
			g_free(key);
			return false;
		}
	}
	*pp = p;
	return true;
}

/*
 * Reads one resinfo after its ';': "method[/version]=result props". On
 * success *pp is at the next top-level ';' or the end; on failure NULL is
 * returned and *pp is unmoved.
 */
static struct ack_authres_result *
read_resinfo(const char **pp)
{
	const char *p = skip_cfws(*pp);
	struct ack_authres_result *result;
	char *method, *value;

	if ((method = read_keyword(&p)) == NULL)
		return NULL;
	p = skip_cfws(p);
	if (*p == '/') {
		p = skip_cfws(p + 1);
		if (!g_ascii_isdigit(*p)) {
			g_free(method);
			return NULL;
		}
		while (g_ascii_isdigit(*p))
			p++;
		p = skip_cfws(p);
	}
	if (*p != '=') {
		g_free(method);
		return NULL;
	}
	p = skip_cfws(p + 1);
	if ((value = read_keyword(&p)) == NULL) {
		g_free(method);
		return NULL;
	}
	result = g_new0(struct ack_authres_result, 1);
	result->method = method;
	result->result = value;
	result->props = g_ptr_array_new_with_free_func(prop_free);
	if (!read_props(&p, result)) {
		result_free(result);
		return NULL;
	}
	*pp = p;
	return result;
}

struct ack_authres *
ack_authres_parse(const char *value)
{
	struct ack_authres *authres;
	const char *p;
	char *id;

	if (value == NULL || !balanced(value))
		return NULL;
	p = skip_cfws(value);
	if ((id = read_value(&p)) == NULL)
		return NULL;
	authres = g_new0(struct ack_authres, 1);
	authres->authserv_id = id;
	authres->version = 1;
	authres->results = g_ptr_array_new_with_free_func(result_free);

	p = skip_cfws(p);
	if (g_ascii_isdigit(*p)) {
		unsigned version = 0;

		/* Capped, not overflowed: any version but 1 is unusable anyway. */
		for (; g_ascii_isdigit(*p); p++)
			if (version < 1000)
				version = version * 10 + (unsigned)(*p - '0');
		authres->version = version;
		p = skip_cfws(p);
	}
	/* Both "none" and every resinfo start with ';': nothing else may follow the id. */
	if (*p != ';') {
		ack_authres_free(authres);
		return NULL;
	}
	p = skip_cfws(p + 1);
	if (g_ascii_strncasecmp(p, "none", 4) == 0 && *skip_cfws(p + 4) == '\0')
		return authres;

	for (;;) {
		struct ack_authres_result *result;

		if (*skip_cfws(p) == '\0')
			break;		/* a trailing ';' */
		if ((result = read_resinfo(&p)) != NULL) {
			if (authres->results->len >= ACK_AUTHRES_MAX_RESULTS) {
				result_free(result);
				break;
			}
			g_ptr_array_add(authres->results, result);
		} else {
			/* One bad resinfo must not take the good ones with it. */
			p = skip_to_semicolon(p);
		}
		if (*p == '\0')
			break;
		p++;		/* the ';' */
	}
	return authres;
}

const char *
ack_authres_prop(const struct ack_authres_result *result, const char *ptype,
    const char *property)
{
	for (guint i = 0; i < result->props->len; i++) {
		const struct ack_authres_prop *prop = g_ptr_array_index(result->props, i);

		if (strcmp(prop->ptype, ptype) == 0 && strcmp(prop->property, property) == 0)
			return prop->value;
	}
	return NULL;
}

/* --- addresses and domains ----------------------------------------------- */

/* Returns the domain of addr (after the last '@'), or NULL when none or empty. */
static const char *
domain_of(const char *addr)
{
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

/* The length of domain d without one trailing dot. */
static size_t
domain_len(const char *d)
{
	size_t len = strlen(d);

	return len > 0 && d[len - 1] == '.' ? len - 1 : len;
}

static bool
domain_equal(const char *a, const char *b)
{
	size_t len;

	if (a == NULL || b == NULL || (len = domain_len(a)) == 0 || len != domain_len(b))
		return false;
	return g_ascii_strncasecmp(a, b, len) == 0;
}

bool
ack_domain_aligned(const char *a, const char *b)
{
	const char *parent, *child;
	size_t plen, clen;

	if (a == NULL || b == NULL)
		return false;
	if (domain_len(a) == domain_len(b))
		return domain_equal(a, b);
	if (domain_len(a) < domain_len(b)) {
		parent = a;
		child = b;
	} else {
		parent = b;
		child = a;
	}
	plen = domain_len(parent);
	clen = domain_len(child);
	/*
	 * Without the Public Suffix List we cannot find the organisational
	 * domain; a single-label parent is certainly a top-level domain, and
	 * "com" must not align everybody.
	 */
	if (plen == 0 || memchr(parent, '.', plen) == NULL || clen < plen + 2)
		return false;
	return child[clen - plen - 1] == '.' &&
	    g_ascii_strncasecmp(child + clen - plen, parent, plen) == 0;
}

/* RFC 5322 atext, and UTF-8 bytes (RFC 6531; validated as a whole elsewhere). */
static bool
is_atext(int c)
{
	return c >= 0x80 || g_ascii_isalnum(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Letters, digits, inner hyphens or UTF-8; two labels at least. */
static bool
domain_valid(const char *d)
{
	const char *label = d;
	unsigned labels = 0;
	size_t len = strlen(d);

	if (len == 0 || len > DOMAIN_MAX)
		return false;
	for (const char *p = d;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t label_len = (size_t)(p - label);

			if (label_len == 0 || label_len > LABEL_MAX || *label == '-' || p[-1] == '-')
				return false;
			labels++;
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!g_ascii_isalnum(*p) && *p != '-' && (unsigned char)*p < 0x80) {
			return false;
		}
	}
	return labels >= 2;
}

bool
ack_address_valid(const char *addr)
{
	const char *p;
	size_t len;

	if (addr == NULL)
		return false;
	len = strlen(addr);
	if (len == 0 || len > ADDRESS_MAX || !g_utf8_validate(addr, (gssize)len, NULL))
		return false;
	p = addr;
	if (*p == '"') {
		/* RFC 5321 Quoted-string: qtextSMTP and quoted-pairSMTP, not empty. */
		for (p++; *p != '"'; p++) {
			unsigned char c = (unsigned char)*p;

			if (c == '\\') {
				c = (unsigned char)p[1];
				if (c < 32 || c > 126)
					return false;
				p++;
			} else if (c < 32 || c == 127) {
				return false;	/* the NUL too: unterminated */
			}
		}
		if (p == addr + 1)
			return false;
		p++;
	} else {
		/* Dot-atom: atext runs joined by single dots. */
		bool after_atext = false;

		for (; *p != '\0' && *p != '@'; p++) {
			if (*p == '.') {
				if (!after_atext)
					return false;
				after_atext = false;
			} else if (is_atext((unsigned char)*p)) {
				after_atext = true;
			} else {
				return false;
			}
		}
		if (!after_atext)
			return false;
	}
	if (*p != '@' || p - addr > LOCAL_MAX)
		return false;
	return domain_valid(p + 1);
}

/* True when local part a (len bytes, lower case) is word, trailing digits aside. */
static bool
word_is(const char *a, size_t len, const char *word)
{
	while (len > 0 && g_ascii_isdigit(a[len - 1]))
		len--;
	return len == strlen(word) && memcmp(a, word, len) == 0;
}

static bool
is_noreply(const char *a, size_t len)
{
	return word_is(a, len, "noreply") || word_is(a, len, "donotreply") ||
	    word_is(a, len, "dontreply");
}

static bool
is_local_separator(int c)
{
	return c == '-' || c == '.' || c == '_' || c == '=' || c == ' ' || c == '\t';
}

/* The token rules of ack_robot_address() on a lower-case local part. */
static bool
robot_tokens(const char *local)
{
	for (const char *t = local; *t != '\0';) {
		const char *end = t;
		GString *run;
		bool hit = false;

		if (is_local_separator(*t)) {
			t++;
			continue;
		}
		while (*end != '\0' && !is_local_separator(*end))
			end++;
		if (word_is(t, (size_t)(end - t), "bounce") || word_is(t, (size_t)(end - t), "bounces"))
			return true;
		/* Runs of adjacent tokens from t: no + reply, do + not + reply, ... */
		run = g_string_new(NULL);
		for (const char *u = t; *u != '\0' && run->len <= NOREPLY_WORD_MAX && !hit;) {
			const char *uend = u;

			while (*uend != '\0' && !is_local_separator(*uend))
				uend++;
			g_string_append_len(run, u, uend - u);
			hit = is_noreply(run->str, run->len);
			/* Only single separators join tokens of one word. */
			if (*uend == '\0' || *(u = uend + 1) == '\0' || is_local_separator(*u))
				break;
		}
		g_string_free(run, TRUE);
		if (hit)
			return true;
		t = end;
	}
	return false;
}

bool
ack_robot_address(const char *addr)
{
	const char *at;
	char *local, *plus;
	size_t len;
	bool robot;

	if (addr == NULL || *addr == '\0')
		return false;
	at = strrchr(addr, '@');
	len = at != NULL ? (size_t)(at - addr) : strlen(addr);
	if (len >= 2 && addr[0] == '"' && addr[len - 1] == '"') {
		GString *s = g_string_new(NULL);

		for (size_t i = 1; i < len - 1; i++) {
			if (addr[i] == '\\' && i + 1 < len - 1)
				i++;
			g_string_append_c(s, addr[i]);
		}
		local = g_ascii_strdown(s->str, (gssize)s->len);
		g_string_free(s, TRUE);
	} else {
		local = g_ascii_strdown(addr, (gssize)len);
	}
	/* Subaddress and VERP detail: list-bounces+user=example.com. */
	if ((plus = strchr(local, '+')) != NULL)
		*plus = '\0';
	len = strlen(local);

	robot = strcmp(local, "mailer-daemon") == 0 || strcmp(local, "mailer_daemon") == 0 ||
	    strcmp(local, "mailerdaemon") == 0 || strcmp(local, "postmaster") == 0 ||
	    (len > 8 && g_str_has_suffix(local, "-request")) ||
	    (len > 6 && g_str_has_prefix(local, "owner-")) ||
	    (len > 6 && g_str_has_suffix(local, "-owner")) ||
	    robot_tokens(local);
	g_free(local);
	return robot;
}

/* --- the decision ------------------------------------------------------ */

/*
 * Returns sender without angle brackets (copied into buf when it had
 * them), or NULL when sender is NULL or too long to be an address.
 */
static const char *
unbracket(const char *sender, char *buf, size_t size)
{
	size_t len;

	if (sender == NULL)
		return NULL;
	len = strlen(sender);
	if (len < 2 || sender[0] != '<' || sender[len - 1] != '>')
		return sender;
	if (len - 2 >= size)
		return NULL;
	memcpy(buf, sender + 1, len - 2);
	buf[len - 2] = '\0';
	return buf;
}

/* True when addr, as it is or without its "+detail", is in list. */
static bool
address_in(char *const *list, const char *addr)
{
	const char *at, *plus;

	if (list == NULL || addr == NULL || *addr == '\0')
		return false;
	at = strrchr(addr, '@');
	plus = at != NULL ? memchr(addr, '+', (size_t)(at - addr)) : NULL;
	for (; *list != NULL; list++) {
		const char *own = *list;
		size_t local_len;

		if (g_ascii_strcasecmp(own, addr) == 0)
			return true;
		if (plus == NULL)
			continue;
		local_len = (size_t)(plus - addr);
		if (g_ascii_strncasecmp(own, addr, local_len) == 0 &&
		    g_ascii_strcasecmp(own + local_len, at) == 0)
			return true;
	}
	return false;
}

static bool
is_own(const struct ack_policy *policy, const char *addr)
{
	return address_in(policy->support_addresses, addr) ||
	    address_in(policy->agent_addresses, addr);
}

/*
 * Returns the first word of a header value (comments and blanks before it
 * skipped; it ends at a blank, ';', ',' or comment) and its length in *len.
 */
static const char *
first_word(const char *value, size_t *len)
{
	const char *start = skip_cfws(value);
	const char *p = start;

	while (*p != '\0' && !is_wsp((unsigned char)*p) && *p != ';' && *p != ',' && *p != '(')
		p++;
	*len = (size_t)(p - start);
	return start;
}

static bool
word_equal(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && g_ascii_strncasecmp(s, word, len) == 0;
}

/* RFC 3834 5: "no" is the only value that says a person sent it. */
static bool
auto_submitted(const char *value)
{
	size_t len;
	const char *word = first_word(value, &len);

	return !word_equal(word, len, "no");
}

static bool
precedence_bulk(const char *value)
{
	size_t len;
	const char *word = first_word(value, &len);

	return word_equal(word, len, "bulk") || word_equal(word, len, "list") ||
	    word_equal(word, len, "junk") || word_equal(word, len, "auto_reply");
}

/* Microsoft's list (MS-OXCMAIL 2.2.3.2.14): All, AutoReply, OOF stop us. */
static bool
auto_response_suppressed(const char *value)
{
	for (const char *p = value;;) {
		const char *start;

		while (*p == ',' || *p == ';' || is_wsp((unsigned char)*p) || *p == '(') {
			if (*p == '(')
				p = skip_cfws(p);
			else
				p++;
		}
		if (*p == '\0')
			return false;
		start = p;
		while (*p != '\0' && *p != ',' && *p != ';' && *p != '(' && !is_wsp((unsigned char)*p))
			p++;
		if (word_equal(start, (size_t)(p - start), "all") ||
		    word_equal(start, (size_t)(p - start), "autoreply") ||
		    word_equal(start, (size_t)(p - start), "oof"))
			return true;
	}
}

static bool
in_list(char *const *list, const char *s)
{
	if (list == NULL || s == NULL)
		return false;
	for (; *list != NULL; list++)
		if (g_ascii_strcasecmp(*list, s) == 0)
			return true;
	return false;
}

/* Returns the domain of an SPF identity: an address or a bare domain. */
static const char *
identity_domain(const char *value)
{
	const char *at = strrchr(value, '@');

	return at != NULL ? at + 1 : value;
}

/*
 * True when a result of a trusted header vouches for the From domain.
 * env_domain is the envelope sender's: SPF must be about the very
 * envelope we would answer, not one an earlier hop saw.
 */
static bool
result_vouches(const struct ack_authres_result *result, const char *from_domain,
    const char *env_domain)
{
	const char *value;

	if (strcmp(result->result, "pass") != 0)
		return false;
	if (strcmp(result->method, "dmarc") == 0) {
		/* DMARC has aligned already; make sure it was this From it judged. */
		value = ack_authres_prop(result, "header", "from");
		return value == NULL || domain_equal(identity_domain(value), from_domain);
	}
	if (strcmp(result->method, "spf") == 0) {
		/* No smtp.mailfrom: a HELO check, which says nothing of the sender. */
		if ((value = ack_authres_prop(result, "smtp", "mailfrom")) == NULL)
			return false;
		value = identity_domain(value);
		return domain_equal(value, env_domain) && ack_domain_aligned(value, from_domain);
	}
	if (strcmp(result->method, "dkim") == 0) {
		if ((value = ack_authres_prop(result, "header", "d")) == NULL &&
		    (value = ack_authres_prop(result, "header", "i")) != NULL)
			value = domain_of(value);
		return ack_domain_aligned(value, from_domain);
	}
	return false;
}

/*
 * True when an Authentication-Results header of a trusted authserv-id
 * vouches for the From domain. Any other header is ignored: anybody can
 * write one, and only our border strips forged ones of our own ids.
 */
static bool
authenticated(const struct message_view *view, const char *sender, const char *from,
    const struct ack_policy *policy)
{
	const char *from_domain = domain_of(from);
	const char *env_domain = domain_of(sender);

	if (from_domain == NULL || view->authentication_results == NULL)
		return false;
	for (guint i = 0; i < view->authentication_results->len; i++) {
		struct ack_authres *authres =
		    ack_authres_parse(g_ptr_array_index(view->authentication_results, i));
		bool pass = false;

		/* RFC 8601 2.5: a version we do not know is a header we cannot read. */
		if (authres != NULL && authres->version == 1 &&
		    in_list(policy->trusted_authserv_ids, authres->authserv_id)) {
			for (guint j = 0; j < authres->results->len && !pass; j++)
				pass = result_vouches(g_ptr_array_index(authres->results, j),
				    from_domain, env_domain);
		}
		ack_authres_free(authres);
		if (pass)
			return true;
	}
	return false;
}

/* Returns the reason not to answer, in the order ack_suppress.h gives, or NULL. */
static const char *
reason_for(const struct message_view *view, const char *sender,
    const struct ack_headers *extra, const struct ack_policy *policy)
{
	const char *from = view->from != NULL ? view->from->address : NULL;

	if ((extra != NULL && extra->x_triage_ack != NULL) ||
	    is_own(policy, sender) || is_own(policy, from))
		return ACK_REASON_OWN_MAIL;
	if (sender != NULL && *sender == '\0')
		return ACK_REASON_NULL_SENDER;
	if (!ack_address_valid(sender))
		return ACK_REASON_BAD_SENDER;
	if (view->auto_submitted != NULL && auto_submitted(view->auto_submitted))
		return ACK_REASON_AUTO_SUBMITTED;
	if (view->list_headers != NULL && view->list_headers->len > 0)
		return ACK_REASON_LIST;
	if (view->precedence != NULL && precedence_bulk(view->precedence))
		return ACK_REASON_PRECEDENCE;
	if (view->x_auto_response_suppress != NULL &&
	    auto_response_suppressed(view->x_auto_response_suppress))
		return ACK_REASON_X_AUTO_RESPONSE_SUPPRESS;
	if (ack_robot_address(sender) || ack_robot_address(from))
		return ACK_REASON_ROBOT_ADDRESS;
	if (policy->require_auth && !authenticated(view, sender, from, policy))
		return ACK_REASON_UNAUTHENTICATED;
	return NULL;
}

void
ack_decide(const struct message_view *view, const char *envelope_sender,
    const struct ack_headers *extra, const struct ack_policy *policy,
    struct ack_decision *out)
{
	char buf[ADDRESS_MAX + 1];

	if (view == NULL || policy == NULL) {
		out->answer = false;
		out->reason = ACK_REASON_INTERNAL;
		return;
	}
	out->reason = reason_for(view, unbracket(envelope_sender, buf, sizeof(buf)),
	    extra, policy);
	out->answer = out->reason == NULL;
}
