/*
 * triage-milter.c - the daemon: options, start-up, then libmilter's loop.
 *
 *   triage-milter [-c FILE] [-f] [-n] [-T] [-V]
 *
 * Without -c the embedded defaults apply: a unix socket and a SQLite file
 * in the working directory, the rules and model of the installation (or of
 * the source tree it was built in).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>
#include <gmime/gmime.h>

#include "filter.h"
#include "log.h"
#include "reload.h"
#include "sender.h"
#include "snapshot.h"
#include "storepool.h"

/* Database connections kept open between messages; more are opened when
 * more threads write at once, and closed after. */
#define STORE_POOL_IDLE 16

struct options {
	const char *config_file;
	bool foreground;
	bool check_only;
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: triage-milter [-c FILE] [-f] [-n] [-T] [-V]\n"
	    "  -c FILE  read settings from FILE (triage-milter.conf(5))\n"
	    "  -f       stay in the foreground and log to standard error\n"
	    "  -n       check the settings, rules and model, print the settings, exit\n"
	    "  -T       print every setting: name, type, default, help, and exit\n"
	    "  -V       print the version and exit\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt(argc, argv, "c:fnTVh")) != -1) {
		switch (c) {
		case 'c': o->config_file = optarg; break;
		case 'f': o->foreground = true; break;
		case 'n': o->check_only = true; break;
		case 'T': config_print_table(stdout); exit(0);
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

/*
 * Sets TCP_NODELAY on libmilter's listening TCP socket, which accepted
 * sockets inherit on Linux. libmilter writes an action and its reply as
 * separate small writes; with Nagle and delayed ACKs each message then
 * waits 40 ms twice (measured: 48-90 ms per message, ~5 ms with it).
 * libmilter does not hand out the socket, so it is found by SO_ACCEPTCONN.
 * Returns how many sockets were changed.
 */
static int
set_tcp_nodelay(void)
{
	int changed = 0;
	long max_fd = sysconf(_SC_OPEN_MAX);

	for (int fd = 0; fd < (max_fd > 0 && max_fd < 4096 ? max_fd : 4096); fd++) {
		struct sockaddr_storage addr;
		socklen_t len = sizeof(addr), optlen = sizeof(int);
		int listening = 0, on = 1;

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 ||
		    !listening || getsockname(fd, (struct sockaddr *)&addr, &len) != 0 ||
		    (addr.ss_family != AF_INET && addr.ss_family != AF_INET6))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0)
			changed++;
	}
	return changed;
}

/*
 * Tells whoever started the filter by hand how to plug it into Postfix:
 * the quick start runs it in the foreground with a socket in the working
 * directory, and Postfix needs the absolute path, spelt its own way.
 */
static void
print_mta_hint(FILE *out, const char *socket)
{
	const char *path = unix_socket_path(socket);
	char *postfix_socket;

	if (path != NULL) {
		char *absolute = g_canonicalize_filename(path, NULL);

		postfix_socket = g_strconcat("unix:", absolute, NULL);
		g_free(absolute);
	} else {
		/* inet:port@host -> inet:host:port, inet6:port@::1 -> inet:[::1]:port */
		bool v6 = g_str_has_prefix(socket, "inet6:");
		const char *spec = strchr(socket, ':') + 1;
		const char *at = strchr(spec, '@');

		postfix_socket = g_strdup_printf(v6 ? "inet:[%s]:%.*s" : "inet:%s:%.*s",
		    at != NULL ? at + 1 : v6 ? "::1" : "127.0.0.1",
		    (int)(at != NULL ? at - spec : (ptrdiff_t)strlen(spec)), spec);
	}
	fprintf(out, "To filter mail through it, add to Postfix's main.cf and run `postfix reload`:\n"
	    "  smtpd_milters = %s\n"
	    "  non_smtpd_milters = $smtpd_milters\n"
	    "  milter_default_action = accept\n"
	    "  milter_protocol = 6\n"
	    "(SIGHUP or SIGUSR1 reloads settings and rules; SIGTERM stops.)\n", postfix_socket);
	g_free(postfix_socket);
}

/*
 * Writes our PID to path, replacing what is there. 0, or -1 with errno:
 * written to a temporary file and renamed, so a reader never sees half.
 */
static int
write_pid_file(const char *path)
{
	char *tmp = g_strconcat(path, ".tmp", NULL);
	char pid[32];
	GError *error = NULL;
	int rc = 0;

	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (!g_file_set_contents(tmp, pid, -1, &error) || rename(tmp, path) != 0) {
		if (error != NULL) {
			errno = EIO;
			g_error_free(error);
		}
		rc = -1;
	}
	g_free(tmp);
	return rc;
}

/* Who UserID names: a user, and a group (the user's own unless given). */
struct identity {
	char *user;
	uid_t uid;
	gid_t gid;
};

/* Resolves "user[:group]". 0, or -1 with a message in *why. */
static int
identity_resolve(const char *user_id, struct identity *id, char **why)
{
	char **parts = g_strsplit(user_id, ":", 2);
	struct passwd *pw = getpwnam(parts[0]);
	int rc = -1;

	if (pw == NULL) {
		*why = g_strdup_printf("UserID: no user '%s'", parts[0]);
		goto out;
	}
	id->user = g_strdup(pw->pw_name);
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	if (parts[1] != NULL) {
		struct group *gr = getgrnam(parts[1]);

		if (gr == NULL) {
			*why = g_strdup_printf("UserID: no group '%s'", parts[1]);
			g_free(id->user);
			goto out;
		}
		id->gid = gr->gr_gid;
	}
	rc = 0;
out:
	g_strfreev(parts);
	return rc;
}

/*
 * Becomes the identity: the group first, then the supplementary groups,
 * then the user, so no privilege is left behind. Only root can; for anyone
 * else an identity naming themselves is fine and any other fails.
 * 0, or -1 with a message in *why.
 */
static int
drop_privileges(const struct identity *id, char **why)
{
	if (getuid() == id->uid && getgid() == id->gid)
		return 0;
	if (setgid(id->gid) != 0 || initgroups(id->user, id->gid) != 0 ||
	    setuid(id->uid) != 0) {
		*why = g_strdup_printf("UserID %s: %s", id->user, g_strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct config *config;
	struct snapshot *snap;
	struct store_pool *pool;
	struct sender *sender;
	GError *error = NULL;
	int status;

	if (parse_options(argc, argv, &o) != 0)
		return 64;	/* EX_USAGE */
	if (!reload_block_signals())
		return 71;	/* EX_OSERR */
	config = o.config_file != NULL ? config_load(o.config_file, &error) : config_defaults();
	if (config == NULL) {
		fprintf(stderr, "triage-milter: %s\n", error->message);
		return 78;	/* EX_CONFIG */
	}
	g_mime_init();
	/* Not thread-safe: before any thread exists. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "triage-milter: cannot initialise libcurl\n");
		return 71;
	}
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
	if (unix_socket_path(config->socket) == NULL)
		log_msg(LOG_INFO, "TCP_NODELAY set on %d listening socket(s)", set_tcp_nodelay());
	if (!o.foreground && daemon(1, 0) != 0) {
		log_msg(LOG_ERR, "cannot become a daemon: %s", g_strerror(errno));
		return 71;
	}
	/* The PID file and the socket exist before privileges go. */
	if (config->pid_file != NULL && write_pid_file(config->pid_file) != 0) {
		log_msg(LOG_ERR, "cannot write PidFile %s: %s", config->pid_file, g_strerror(errno));
		return 73;	/* EX_CANTCREAT */
	}
	if (config->user_id != NULL) {
		struct identity id = { 0 };
		const char *path = unix_socket_path(config->socket);
		char *why = NULL;

		if (identity_resolve(config->user_id, &id, &why) != 0) {
			log_msg(LOG_ERR, "%s", why);
			g_free(why);
			return 67;	/* EX_NOUSER */
		}
		/*
		 * The socket is made as root; it goes to the UserID's user and
		 * group, so that with UMask 007 the MTA reaches it by being in
		 * that group (UserID triage:postfix, or postfix in triage's group).
		 */
		if (path != NULL && getuid() == 0 && chown(path, id.uid, id.gid) != 0)
			log_msg(LOG_WARNING, "cannot give socket %s to %s: %s", path,
			    config->user_id, g_strerror(errno));
		if (drop_privileges(&id, &why) != 0) {
			log_msg(LOG_ERR, "%s", why);
			g_free(why);
			g_free(id.user);
			return 77;	/* EX_NOPERM */
		}
		g_free(id.user);
	}
	/*
	 * The database is opened (created, migrated) as the user the filter
	 * runs as, so the files it makes are that user's, and a database it
	 * cannot use stops the start-up rather than the first message.
	 */
	{
		struct store_options opts;
		char err[512] = "";

		store_options_default(&opts);
		opts.sync = strcmp(config->database_sync, "off") == 0 ? STORE_SYNC_OFF :
		    strcmp(config->database_sync, "full") == 0 ? STORE_SYNC_FULL : STORE_SYNC_NORMAL;
		opts.busy_timeout_ms = (int)config->database_timeout_ms;
		pool = store_pool_new(config->database, &opts, STORE_POOL_IDLE, err, sizeof(err));
		if (pool == NULL) {
			log_msg(LOG_ERR, "Database: %s", err);
			return 73;	/* EX_CANTCREAT */
		}
		filter_set_store_pool(pool);
		/* Its own connection: it must never wait for a filter thread's. */
		sender = sender_start(config->database, &opts, err, sizeof(err));
		if (sender == NULL) {
			log_msg(LOG_ERR, "Database: %s", err);
			return 73;
		}
		filter_set_sender(sender);
	}
	if (!reload_start(o.config_file))
		return 71;
	/*
	 * The body-rule prefilter compiles in a thread of its own, so after
	 * daemon() (a fork keeps only the calling thread); until it is ready,
	 * PCRE2 alone classifies.
	 */
	ruleset_prefilter_start(snap->rules);
	log_msg(LOG_INFO, "started: socket %s, %u rules, model %s", config->socket,
	    ruleset_rule_count(snap->rules), snap->model != NULL ? config->model_file : "none");
	if (o.foreground)
		print_mta_hint(stderr, config->socket);
	status = smfi_main();
	log_msg(LOG_INFO, "stopped");
	filter_set_sender(NULL);
	sender_stop(sender);
	filter_set_store_pool(NULL);
	store_pool_free(pool);
	curl_global_cleanup();
	if (config->pid_file != NULL)
		(void)unlink(config->pid_file);
	snapshot_unref(snap);
	config_unref(config);
	return status == MI_SUCCESS ? 0 : 70;
}
