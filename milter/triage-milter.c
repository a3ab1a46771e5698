/*
 * triage-milter.c - the daemon: options, start-up, then libmilter's loop.
 *
 *   triage-milter [-c FILE] [-f] [-n] [-V]
 *
 * Without -c the embedded defaults apply: a unix socket and a SQLite file
 * in the working directory, the rules and model of the installation (or of
 * the source tree it was built in).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gmime/gmime.h>

#include "filter.h"
#include "log.h"
#include "snapshot.h"

struct options {
	const char *config_file;
	bool foreground;
	bool check_only;
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: triage-milter [-c FILE] [-f] [-n] [-V]\n"
	    "  -c FILE  read settings from FILE (triage-milter.conf(5))\n"
	    "  -f       stay in the foreground and log to standard error\n"
	    "  -n       check the settings, rules and model, print the settings, exit\n"
	    "  -V       print the version and exit\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt(argc, argv, "c:fnVh")) != -1) {
		switch (c) {
		case 'c': o->config_file = optarg; break;
		case 'f': o->foreground = true; break;
		case 'n': o->check_only = true; break;
		case 'V': printf("triage-milter %s\n", PACKAGE_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The unix socket path of a "local:" or "unix:" socket, or NULL. */
static const char *
unix_socket_path(const char *socket)
{
	if (g_str_has_prefix(socket, "local:"))
		return socket + 6;
	if (g_str_has_prefix(socket, "unix:"))
		return socket + 5;
	return NULL;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct config *config;
	struct snapshot *snap;
	GError *error = NULL;
	int status;

	if (parse_options(argc, argv, &o) != 0)
		return 64;	/* EX_USAGE */
	config = o.config_file != NULL ? config_load(o.config_file, &error) : config_defaults();
	if (config == NULL) {
		fprintf(stderr, "triage-milter: %s\n", error->message);
		return 78;	/* EX_CONFIG */
	}
	g_mime_init();
	snap = snapshot_build(config, &error);
	if (snap == NULL) {
		fprintf(stderr, "triage-milter: %s\n", error->message);
		config_unref(config);
		return 78;
	}
	if (o.check_only) {
		config_print(config, stdout);
		printf("# %u rules from %s; model %s\n", ruleset_rule_count(snap->rules),
		    config->rules_dir, snap->model != NULL ? config->model_file : "none");
		snapshot_unref(snap);
		config_unref(config);
		return 0;
	}

	log_open(config->syslog && !o.foreground, config->syslog_facility);
	snapshot_install(snap);
	umask((mode_t)config->umask);
	if (smfi_register(filter_description) == MI_FAILURE ||
	    smfi_setconn(config->socket) == MI_FAILURE) {
		log_msg(LOG_ERR, "cannot register with libmilter (socket %s)", config->socket);
		return 70;	/* EX_SOFTWARE */
	}
	/* A socket file left by a crash would make the listen fail. */
	if (unix_socket_path(config->socket) != NULL)
		(void)unlink(unix_socket_path(config->socket));
	if (smfi_opensocket(true) == MI_FAILURE) {
		log_msg(LOG_ERR, "cannot open socket %s: %s", config->socket, g_strerror(errno));
		return 71;	/* EX_OSERR */
	}
	if (!o.foreground && daemon(1, 0) != 0) {
		log_msg(LOG_ERR, "cannot become a daemon: %s", g_strerror(errno));
		return 71;
	}
	log_msg(LOG_INFO, "started: socket %s, %u rules, model %s", config->socket,
	    ruleset_rule_count(snap->rules), snap->model != NULL ? config->model_file : "none");
	status = smfi_main();
	log_msg(LOG_INFO, "stopped");
	snapshot_unref(snap);
	config_unref(config);
	return status == MI_SUCCESS ? 0 : 70;
}
