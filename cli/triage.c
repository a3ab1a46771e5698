/*
 * triage.c - the command-line tool for administrators and supervisors.
 *
 * `triage SUBCOMMAND [ARGS]`: a table of subcommands, each in its own file.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <gmime/gmime.h>

#include "commands.h"

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "read", cmd_read, "print what the reader understood of a message, as JSON" },
	{ "classify", cmd_classify, "print the verdict for messages: urgency, personality, topic" },
	{ "learn", cmd_learn, "train the learned model from a labelled CSV file" },
	{ "resolve", cmd_resolve, "mark tickets resolved" },
	{ "purge", cmd_purge, "delete tickets (and their events) older than some days" },
	{ "report", cmd_report, "first response times, SLA shares, spread over weeks, backlog" },
	{ "overdue", cmd_overdue, "tickets to chase now (a Nagios-style check for cron)" },
	{ "themes", cmd_themes, "complaints by topic and week, and the rules they fire" },
	{ "ticket", cmd_ticket, "one ticket's fields, events and rules" },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: triage SUBCOMMAND [ARGS]\n\nsubcommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(out, "\n`triage SUBCOMMAND --help` for its options.\n");
}

int
main(int argc, char **argv)
{
	int status;

	if (argc < 2) {
		usage(stderr);
		return 64;	/* EX_USAGE */
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("triage %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name) != 0)
			continue;
		g_mime_init();
		status = subcommands[i].run(argc - 1, argv + 1);
		g_mime_shutdown();
		return status;
	}
	fprintf(stderr, "triage: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return 64;
}
