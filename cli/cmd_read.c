/*
 * cmd_read.c - `triage read FILE|-`: print what the reader understood.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "input.h"
#include "message.h"

static void
usage(FILE *out)
{
	fprintf(out, "usage: triage read [--compact] FILE|-\n"
	    "Reads one RFC 5322 message and prints the normalised view as JSON.\n");
}

int
cmd_read(int argc, char **argv)
{
	struct message_limits limits;
	struct message_view *view;
	const char *path = NULL;
	bool pretty = true;
	GError *error = NULL;
	size_t len, total;
	char *bytes, *json;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--compact") == 0)
			pretty = false;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (path == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
			path = argv[i];
		else {
			usage(stderr);
			return 64;	/* EX_USAGE */
		}
	}
	if (path == NULL) {
		usage(stderr);
		return 64;
	}

	message_limits_default(&limits);
	bytes = input_read(path, limits.max_bytes, &len, &total, &error);
	if (bytes == NULL) {
		fprintf(stderr, "triage: %s\n", error->message);
		g_error_free(error);
		return 66;	/* EX_NOINPUT */
	}
	view = message_read(bytes, len, &limits);
	/* The reader saw only the bounded prefix; report the real size. */
	if (total > view->bytes_total) {
		view->bytes_total = total;
		view->truncated = true;
	}
	json = message_view_to_json(view, pretty);
	printf("%s\n", json);
	g_free(json);
	message_view_free(view);
	g_free(bytes);
	return 0;
}
