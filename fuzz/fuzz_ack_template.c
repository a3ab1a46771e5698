/*
 * fuzz_ack_template.c - acknowledgement templates: loading and rendering.
 *
 * ack_templates_load() reads a directory tree, so at start-up this makes
 * one tree per language under a temporary directory: LANGS[i]/ holds
 * en/ (the last fallback the loader insists on) and, for a language other
 * than en, LANG/, each with the four types as small valid templates.
 * Input byte 0 picks the language, byte 1 the values (flags below); the
 * rest is written over that tree's LANG/functional.txt, the tree is
 * loaded and, when it loads, rendered in that language for each type
 * with those values. Each tree is only ever written for its own language,
 * so the others stay valid. The temporary directory is removed at exit.
 */
#include <errno.h>
#include <unistd.h>

#include "ack_template.h"
#include "fuzz.h"

/* The six with date tables, and one without (ISO dates). */
static const char *const langs[] = { "en", "sv", "nb", "da", "de", "bg", "xx" };
#define NLANGS G_N_ELEMENTS(langs)
static const char *const types[] = { "analytical", "personal", "functional", "intuitive" };

static char *top;			/* the temporary directory */
static char *trees[NLANGS];		/* top/LANG: builtin_dir for that language */
static char *targets[NLANGS];		/* top/LANG/LANG/functional.txt */
static GTimeZone *stockholm;

static const char minimal[] =
    "# a comment\n"
    "Hello {{name}}, ticket {{ticket}} ({{subject}}).\n"
    "{{#due}}\nDue {{due}} ({{due_date}}, {{due_time}}).\n{{/due}}\n"
    "{{^complaint}}Thanks.{{/complaint}}\n";

static void
remove_tree(void)
{
	char *argv[] = { "rm", "-rf", top, NULL };

	if (top != NULL)
		g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
		    NULL);
}

/* Replaces path's contents (plain stdio: g_file_set_contents may fsync). */
static void
write_or_die(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || (len > 0 && fwrite(text, 1, len, fp) != len) || fclose(fp) != 0)
		fuzz_die("%s: %s", path, g_strerror(errno));
}

static void
make_language(const char *tree, const char *lang)
{
	char *dir = g_build_filename(tree, lang, NULL);

	if (g_mkdir_with_parents(dir, 0700) != 0)
		fuzz_die("%s: %s", dir, g_strerror(errno));
	for (size_t t = 0; t < G_N_ELEMENTS(types); t++) {
		char *name = g_strconcat(types[t], ".txt", NULL);
		char *path = g_build_filename(dir, name, NULL);

		write_or_die(path, minimal, strlen(minimal));
		g_free(path);
		g_free(name);
	}
	g_free(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GError *error = NULL;

	(void)argc;
	(void)argv;
	if ((top = g_dir_make_tmp("fuzz-ack-template-XXXXXX", &error)) == NULL)
		fuzz_die("%s", error->message);
	atexit(remove_tree);
	for (size_t i = 0; i < NLANGS; i++) {
		trees[i] = g_build_filename(top, langs[i], NULL);
		make_language(trees[i], "en");
		if (i > 0)
			make_language(trees[i], langs[i]);
		targets[i] = g_build_filename(trees[i], langs[i], "functional.txt", NULL);
	}
	stockholm = g_time_zone_new_identifier("Europe/Stockholm");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ack_templates *set;
	struct ack_values v = { 0 };
	const char *used;
	GError *error = NULL;
	unsigned lang, flags;

	if (size < 2)
		return 0;
	lang = data[0] % NLANGS;
	flags = data[1];
	write_or_die(targets[lang], (const char *)data + 2, size - 2);
	if ((set = ack_templates_load(trees[lang], NULL, &error)) == NULL) {
		if (error == NULL)
			abort();
		g_error_free(error);
		return 0;
	}

	/* flags: 1 name, 2 subject, 4 due, 8 Stockholm, 16 complaint, 32 hostile values */
	if (flags & 32) {
		v.name = "\xe2\x80\xae" "Ev\xc3\xa9 \x01\r\n{{ticket}}  \xff\xfe" "\xc2\x85";
		v.subject = "Re: {{#due}}\t{{/due}} \xe2\x80\xa8 very long subject text "
		    "that goes on and on and on and on and on and on and on and on and on "
		    "and on and on and on and on and on and on and on and on and on and on "
		    "and on and on and on and on and on and on and on and \xc3\xa5\xc3\xa4\xc3\xb6";
		v.ticket = "T-\x7f" "000123456789012345678901234567890123";
	} else {
		v.name = "\xc3\x85sa \xc3\x96lund";
		v.subject = "Order 1234 not delivered";
		v.ticket = "T-000123";
	}
	if (!(flags & 1))
		v.name = NULL;
	if (!(flags & 2))
		v.subject = NULL;
	v.due = (flags & 4) ? 1732611600 + (gint64)(flags >> 6) * 86400 * 183 : 0;
	v.zone = (flags & 8) ? stockholm : NULL;
	v.complaint = (flags & 16) != 0;

	for (size_t t = 0; t < G_N_ELEMENTS(types); t++) {
		char *body = ack_render(set, langs[lang], "en", types[t], &v, &used);

		/* ack_template.h: never NULL, UTF-8, one \n at the end, no empty
		 * line first or last, no run of empty lines. A template whose
		 * every line is in a section left out renders as the one line
		 * end "\n". */
		if (body == NULL || used == NULL || !g_utf8_validate(body, -1, NULL) ||
		    (strcmp(body, "\n") != 0 && (!g_str_has_suffix(body, "\n") ||
		    g_str_has_suffix(body, "\n\n") || body[0] == '\n' ||
		    strstr(body, "\n\n\n") != NULL))) {
			fprintf(stderr, "bad rendering: [%s]\n", body != NULL ? body : "(null)");
			abort();
		}
		g_free(body);
	}
	ack_templates_free(set);
	return 0;
}
