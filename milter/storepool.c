/*
 * storepool.c - database connections for the milter's threads.
 */
#include "storepool.h"

#include <glib.h>

struct store_pool {
	GMutex lock;		/* guards idle */
	GPtrArray *idle;	/* of struct store *, not in use */
	char *path;
	struct store_options opts;
	unsigned max_idle;
};

struct store_pool *
store_pool_new(const char *path, const struct store_options *opts, unsigned max_idle,
    char *errbuf, size_t errlen)
{
	struct store *first = store_open(path, opts, errbuf, errlen);
	struct store_pool *pool;

	if (first == NULL)
		return NULL;
	pool = g_new0(struct store_pool, 1);
	g_mutex_init(&pool->lock);
	pool->idle = g_ptr_array_new();
	pool->path = g_strdup(path);
	if (opts != NULL)
		pool->opts = *opts;
	else
		store_options_default(&pool->opts);
	pool->max_idle = max_idle;
	g_ptr_array_add(pool->idle, first);
	return pool;
}

struct store *
store_pool_take(struct store_pool *pool, char *errbuf, size_t errlen)
{
	struct store *store = NULL;

	g_mutex_lock(&pool->lock);
	if (pool->idle->len > 0)
		store = g_ptr_array_steal_index_fast(pool->idle, pool->idle->len - 1);
	g_mutex_unlock(&pool->lock);
	/* Opened outside the lock: an open may wait on the file system. */
	return store != NULL ? store : store_open(pool->path, &pool->opts, errbuf, errlen);
}

void
store_pool_give(struct store_pool *pool, struct store *store)
{
	if (store == NULL)
		return;
	/* A transaction left open by an error path must not reach the next user. */
	store_rollback(store);
	g_mutex_lock(&pool->lock);
	if (pool->idle->len < pool->max_idle) {
		g_ptr_array_add(pool->idle, store);
		store = NULL;
	}
	g_mutex_unlock(&pool->lock);
	store_close(store);
}

void
store_pool_free(struct store_pool *pool)
{
	if (pool == NULL)
		return;
	for (guint i = 0; i < pool->idle->len; i++)
		store_close(g_ptr_array_index(pool->idle, i));
	g_ptr_array_unref(pool->idle);
	g_mutex_clear(&pool->lock);
	g_free(pool->path);
	g_free(pool);
}
