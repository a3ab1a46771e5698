/*
 * storepool.h - database connections for the milter's threads.
 *
 * libmilter runs each SMTP connection in a thread of its own, and a SQLite
 * connection must be used by one thread at a time. Opening one per message
 * would cost an open and the pragmas every time; the pool keeps idle
 * connections and lends them out: a thread takes one for the length of a
 * transaction and gives it back. The pool is the only shared part, and it
 * has its own lock.
 */
#ifndef TRIAGE_STOREPOOL_H
#define TRIAGE_STOREPOOL_H

#include <stddef.h>

#include "store.h"

struct store_pool;

/*
 * Opens the database at path once, creating and migrating it, so that a
 * bad path or a newer schema stops the start-up, not the first message.
 * Keeps at most max_idle connections open between uses. NULL with errbuf.
 */
struct store_pool *store_pool_new(const char *path, const struct store_options *opts,
    unsigned max_idle, char *errbuf, size_t errlen);

/* Lends a connection (an idle one, or a new one). NULL with errbuf. */
struct store *store_pool_take(struct store_pool *pool, char *errbuf, size_t errlen);

/* Gives a connection back; one that is not to be kept is closed. */
void store_pool_give(struct store_pool *pool, struct store *store);

/* Closes every idle connection and frees the pool; NULL is accepted. */
void store_pool_free(struct store_pool *pool);

#endif
