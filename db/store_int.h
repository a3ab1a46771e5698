/*
 * store_int.h - the inside of a store, shared by store.c (which opens it)
 * and tickets.c (which reads and writes tickets). Nothing else includes it.
 */
#ifndef TRIAGE_STORE_INT_H
#define TRIAGE_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STORE_STMT_MAX 32	/* prepared statements a store keeps */
/* Each module's statements have slots of their own. */
#define STORE_SLOTS_TICKETS	0	/* tickets.c: 0..15 */
#define STORE_SLOTS_OUTBOX	16	/* outbox.c: 16..31 */

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmts[STORE_STMT_MAX];	/* by slot, prepared on first use */
	int writing;		/* holds the process's writer turn (store.c) */
};

/*
 * The statement in slot (< STORE_STMT_MAX), prepared from sql on first use
 * and kept; reset, bindings cleared. Each slot has one SQL text for the life
 * of the store. NULL when it does not prepare (store_errmsg() says why).
 */
sqlite3_stmt *store_stmt(struct store *store, unsigned slot, const char *sql);

#endif
