/*
 * bench/db.c - tickets written per second, with one writer and with 16.
 *
 * Usage: bench-db [SECONDS]   (default 3 per round)
 *
 * Each writer has its own connection, as each milter thread does, and
 * writes what the filter writes for a new customer message: one
 * transaction holding the ticket and its "received" event, with the
 * default settings (WAL, synchronous NORMAL). Rounds alternate one writer
 * and 16 writers on fresh databases, three of each; the medians are
 * printed, and on the last line the ratio of 16 writers to one (SQLite
 * has one writer at a time, so this shows what the lock costs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

#include "store.h"
#include "tickets.h"

#define ROUNDS 3

struct writer {
	const char *path;
	gint64 deadline;
	unsigned index;
	long written;
	bool failed;
};

static gpointer
write_tickets(gpointer data)
{
	struct writer *w = data;
	char err[256];
	struct store *store = store_open(w->path, NULL, err, sizeof(err));

	if (store == NULL) {
		fprintf(stderr, "bench-db: %s\n", err);
		w->failed = true;
		return NULL;
	}
	while (g_get_monotonic_time() < w->deadline) {
		char message_id[64];
		struct ticket_new n = { .customer_address = "c@example.net", .urgency = "normal",
		    .message_id = message_id, .subject = "Where is my parcel?", .language = "en",
		    .personality = "functional", .topic = "delivery", .received_at = 1700000000,
		    .due_at = 1700086400 };
		struct ticket t;

		g_snprintf(message_id, sizeof(message_id), "%u.%ld@example.net", w->index, w->written);
		if (store_begin(store) != 0 || tickets_create(store, &n, "T-", &t) != 0 ||
		    store_commit(store) != 0) {
			fprintf(stderr, "bench-db: %s\n", store_errmsg(store));
			w->failed = true;
			break;
		}
		w->written++;
	}
	store_close(store);
	return NULL;
}

/* Tickets per second with `writers` threads for `seconds`, on a fresh database. */
static double
round_rate(const char *dir, unsigned writers, int seconds, int round)
{
	char *path = g_strdup_printf("%s/bench-%u-%d.db", dir, writers, round);
	struct writer w[16];
	GThread *threads[16];
	char err[256];
	struct store *first = store_open(path, NULL, err, sizeof(err));
	gint64 start, elapsed;
	long total = 0;

	if (first == NULL) {
		fprintf(stderr, "bench-db: %s\n", err);
		exit(1);
	}
	store_close(first);
	start = g_get_monotonic_time();
	for (unsigned i = 0; i < writers; i++) {
		w[i] = (struct writer){ .path = path, .index = i,
		    .deadline = start + (gint64)seconds * G_USEC_PER_SEC };
		threads[i] = g_thread_new("writer", write_tickets, &w[i]);
	}
	for (unsigned i = 0; i < writers; i++) {
		g_thread_join(threads[i]);
		if (w[i].failed)
			exit(1);
		total += w[i].written;
	}
	elapsed = g_get_monotonic_time() - start;
	g_free(path);
	return (double)total * G_USEC_PER_SEC / (double)elapsed;
}

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 3;
	char *dir = g_dir_make_tmp("bench-db-XXXXXX", NULL);
	double one[ROUNDS], sixteen[ROUNDS];
	char *cmd;

	if (seconds <= 0 || dir == NULL) {
		fprintf(stderr, "usage: bench-db [SECONDS]\n");
		return 64;
	}
	for (int r = 0; r < ROUNDS; r++) {	/* interleaved: noise hits both alike */
		one[r] = round_rate(dir, 1, seconds, r);
		sixteen[r] = round_rate(dir, 16, seconds, r);
	}
	qsort(one, ROUNDS, sizeof(double), compare_doubles);
	qsort(sixteen, ROUNDS, sizeof(double), compare_doubles);
	printf("tickets written per second (ticket + event, one transaction each; WAL, "
	    "synchronous NORMAL), medians of %d rounds of %d s:\n", ROUNDS, seconds);
	printf("  1 writer:   %8.0f/s\n", one[ROUNDS / 2]);
	printf("  16 writers: %8.0f/s\n", sixteen[ROUNDS / 2]);
	printf("16 writers / 1 writer: %.2f\n", sixteen[ROUNDS / 2] / one[ROUNDS / 2]);
	cmd = g_strdup_printf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-db: could not remove %s\n", dir);
	g_free(cmd);
	g_free(dir);
	return 0;
}
