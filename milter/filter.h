/*
 * filter.h - the libmilter callbacks of triage-milter.
 */
#ifndef TRIAGE_FILTER_H
#define TRIAGE_FILTER_H

#include <libmilter/mfapi.h>

/* The filter description handed to smfi_register(). */
extern struct smfiDesc filter_description;

struct store_pool;

/*
 * Where tickets are recorded: set once before smfi_main(), read by every
 * connection thread afterwards (the pool has its own lock). NULL: nothing
 * is recorded, which only the protocol tests use.
 */
void filter_set_store_pool(struct store_pool *pool);

struct sender;

/* The acknowledgement sender to wake after queueing; set like the pool. */
void filter_set_sender(struct sender *sender);

#endif
