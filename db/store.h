/*
 * store.h - the SQLite store: opening, configuring and migrating the database.
 *
 * The interface is small on purpose so that another engine could sit behind
 * it later. A struct store belongs to one thread at a time (SQLite's
 * multi-thread mode); each milter worker opens its own.
 */
#ifndef TRIAGE_STORE_H
#define TRIAGE_STORE_H

#include <stddef.h>

struct store;

/* How hard SQLite syncs to disk: PRAGMA synchronous. */
enum store_sync {
	STORE_SYNC_OFF = 0,
	STORE_SYNC_NORMAL = 1,	/* the default: safe with WAL against application crashes */
	STORE_SYNC_FULL = 2,
};

struct store_options {
	enum store_sync sync;
	int busy_timeout_ms;	/* how long a writer waits for a lock */
	int read_only;		/* open without creating or migrating */
	int schema_version;	/* migrate only this far; 0 for the latest (tests use it) */
};

/* Fills opts with the defaults: NORMAL sync, 5000 ms busy timeout, read-write. */
void store_options_default(struct store_options *opts);

/* The schema version this build creates and understands. */
int store_schema_version_latest(void);

/*
 * Opens (creating if needed, unless read-only) the database at path, turns
 * on WAL, foreign keys and the busy timeout, and migrates the schema to the
 * latest version in one transaction. On error, NULL is returned, nothing is
 * left open, and a one-line reason is written to errbuf (errlen bytes).
 * A database whose schema is newer than this build is refused.
 */
struct store *store_open(const char *path, const struct store_options *opts,
    char *errbuf, size_t errlen);

/* Returns the schema version of an open store (PRAGMA user_version). */
int store_schema_version(struct store *store);

/* Closes the store; NULL is accepted. */
void store_close(struct store *store);

/*
 * A write transaction: store_begin takes the write lock at once (waiting up
 * to the busy timeout), so what is read inside it stays true until commit.
 * Each returns 0, or -1 with store_errmsg() saying why; a failed commit
 * rolls back. store_rollback does nothing outside a transaction.
 */
int store_begin(struct store *store);
int store_commit(struct store *store);
void store_rollback(struct store *store);

/* The last error of this store, in SQLite's words. */
const char *store_errmsg(struct store *store);

#endif
