/*
 * reload.h - SIGHUP and SIGUSR1 reload settings, rules and model.
 *
 * A reload builds a new snapshot aside from the configuration file (or the
 * embedded defaults) and installs it; connections in flight keep the one
 * they started with. A reload that fails logs why and keeps the old set.
 * Settings fixed at start-up (Socket, UMask, UserID, PidFile, Syslog,
 * SyslogFacility) are logged as needing a restart when they changed.
 */
#ifndef TRIAGE_RELOAD_H
#define TRIAGE_RELOAD_H

#include <stdbool.h>

/*
 * Blocks SIGHUP, SIGUSR1, SIGTERM and SIGINT in the calling thread, so in
 * every thread created afterwards: the first two are for our reload thread,
 * the others for libmilter's signal thread. Call first thing in main().
 */
bool reload_block_signals(void);

/*
 * Starts the thread that waits for SIGHUP and SIGUSR1. Call after daemon()
 * (a fork keeps only the calling thread) and before smfi_main().
 * config_file may be NULL (defaults). False when the thread cannot start.
 */
bool reload_start(const char *config_file);

/*
 * Builds and installs a new snapshot now; what the signal thread does.
 * Returns true when the new set is in force.
 */
bool reload_now(const char *config_file);

#endif
