/*
 * reload.c - SIGHUP and SIGUSR1 reload settings, rules and model.
 *
 * libmilter starts its own signal thread in smfi_main(): it sigwait()s for
 * SIGHUP, SIGTERM and SIGINT and stops the filter on any of them. Every
 * daemon an administrator runs reloads on SIGHUP, so we take SIGHUP from
 * libmilter (see sigwait() below) and leave it SIGTERM and SIGINT, which
 * stop cleanly as before. SIGUSR1 reloads too, as in OpenDKIM, for scripts
 * written for it.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <glib.h>

#include "log.h"
#include "reload.h"
#include "snapshot.h"

/*
 * libmilter's signal thread is the only caller of sigwait() in this
 * program (our own thread uses sigwaitinfo()). Defining sigwait() here
 * interposes on libmilter's call to the C library's: the same wait, less
 * SIGHUP. As every thread blocks SIGHUP (reload_start() runs before
 * smfi_main() creates any), only our thread ever takes it: no race between
 * two waiters for one signal. Checked by tests/milter/run.sh, which sends
 * SIGHUP and expects a reload and a daemon still serving.
 */
int
sigwait(const sigset_t *restrict set, int *restrict sig)
{
	sigset_t without_hup = *set;
	int got;

	(void)sigdelset(&without_hup, SIGHUP);
	do
		got = sigwaitinfo(&without_hup, NULL);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return errno;
	*sig = got;
	return 0;
}

/* Settings read only at start-up: changing them needs a restart. */
static void
warn_fixed_settings(const struct config *old, const struct config *new)
{
	static const struct {
		const char *name;
		size_t offset;
	} fixed[] = {
		{ "Socket", G_STRUCT_OFFSET(struct config, socket) },
		{ "UserID", G_STRUCT_OFFSET(struct config, user_id) },
		{ "PidFile", G_STRUCT_OFFSET(struct config, pid_file) },
		{ "SyslogFacility", G_STRUCT_OFFSET(struct config, syslog_facility) },
		{ "Database", G_STRUCT_OFFSET(struct config, database) },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++) {
		const char *a = G_STRUCT_MEMBER(const char *, old, fixed[i].offset);
		const char *b = G_STRUCT_MEMBER(const char *, new, fixed[i].offset);

		if (g_strcmp0(a, b) != 0)
			log_msg(LOG_WARNING, "reload: %s changed; it takes effect at the next "
			    "restart", fixed[i].name);
	}
	if (old->umask != new->umask || old->syslog != new->syslog)
		log_msg(LOG_WARNING, "reload: UMask or Syslog changed; it takes effect at the "
		    "next restart");
}

bool
reload_now(const char *config_file)
{
	GError *error = NULL;
	struct config *config;
	struct snapshot *snap, *old;

	config = config_file != NULL ? config_load(config_file, &error) : config_defaults();
	snap = config != NULL ? snapshot_build(config, &error) : NULL;
	config_unref(config);
	if (snap == NULL) {
		log_msg(LOG_ERR, "reload failed, the previous settings and rules stay in force: %s",
		    error->message);
		g_error_free(error);
		return false;
	}
	ruleset_prefilter_start(snap->rules);
	old = snapshot_current();
	if (old != NULL)
		warn_fixed_settings(old->config, snap->config);
	snapshot_unref(old);
	snapshot_install(snap);
	log_msg(LOG_INFO, "reloaded: %u rules from %s, model %s",
	    ruleset_rule_count(snap->rules), snap->config->rules_dir,
	    snap->model != NULL ? snap->config->model_file : "none");
	snapshot_unref(snap);
	return true;
}

static sigset_t
reload_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	return set;
}

static gpointer
reload_thread(gpointer data)
{
	const char *config_file = data;
	sigset_t set = reload_signals();

	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig < 0)
			continue;	/* EINTR */
		log_msg(LOG_INFO, "%s: reloading %s", sig == SIGHUP ? "SIGHUP" : "SIGUSR1",
		    config_file != NULL ? config_file : "the embedded defaults");
		(void)reload_now(config_file);
	}
	return NULL;
}

bool
reload_block_signals(void)
{
	sigset_t set = reload_signals();

	/*
	 * SIGTERM and SIGINT too: libmilter's signal thread waits for them
	 * once smfi_main() runs, and a thread that left them unblocked would
	 * take them with the default action and end the process on the spot.
	 */
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0;
}

bool
reload_start(const char *config_file)
{
	GThread *thread;
	GError *error = NULL;

	/* Runs until the process exits; nothing joins it. */
	thread = g_thread_try_new("reload", reload_thread, (gpointer)config_file, &error);
	if (thread == NULL) {
		log_msg(LOG_ERR, "cannot start the reload thread: %s", error->message);
		g_error_free(error);
		return false;
	}
	g_thread_unref(thread);
	return true;
}
