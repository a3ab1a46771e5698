/*
 * store.c - the SQLite store: opening, configuring and migrating the database.
 *
 * Migrations are an ordered list of SQL scripts; PRAGMA user_version records
 * how many have run. Each runs inside the same transaction as the version
 * bump, so a crash leaves the database at the old version, never between.
 */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

struct store {
	sqlite3 *db;
};

/*
 * Schema history. Never edit a published entry: add a new one. Entry i
 * takes the schema from version i to version i + 1.
 */
static const char *const migrations[] = {
	/* 1: tickets and their events. */
	"CREATE TABLE tickets ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL UNIQUE,"
	"  message_id TEXT,"
	"  queue_id TEXT,"
	"  customer_address TEXT NOT NULL,"
	"  customer_name TEXT,"
	"  subject TEXT,"
	"  language TEXT,"
	"  urgency TEXT NOT NULL CHECK (urgency IN ('critical','high','normal','low')),"
	"  personality TEXT CHECK (personality IN ('analytical','personal','functional','intuitive')),"
	"  topic TEXT,"
	"  complaint INTEGER NOT NULL DEFAULT 0,"
	"  score REAL,"
	"  received_at INTEGER NOT NULL,"
	"  due_at INTEGER,"
	"  ack_state TEXT NOT NULL DEFAULT 'pending',"
	"  first_response_at INTEGER,"
	"  first_response_by TEXT,"
	"  resolved_at INTEGER,"
	"  contact_count INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX tickets_received ON tickets(received_at);"
	"CREATE INDEX tickets_customer ON tickets(customer_address);"
	"CREATE INDEX tickets_message_id ON tickets(message_id);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  actor TEXT,"
	"  message_id TEXT,"
	"  detail TEXT"
	");"
	"CREATE INDEX events_ticket ON events(ticket_id, at);"
	"CREATE INDEX events_message_id ON events(message_id);",
};

int
store_schema_version_latest(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

void
store_options_default(struct store_options *opts)
{
	opts->sync = STORE_SYNC_NORMAL;
	opts->busy_timeout_ms = 5000;
	opts->read_only = 0;
}

static void
set_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static int
query_int(sqlite3 *db, const char *sql, int *value)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_schema_version(struct store *store)
{
	int version = -1;

	if (query_int(store->db, "PRAGMA user_version", &version) != 0)
		return -1;
	return version;
}

/* Runs the migrations from version `from` on, in one transaction. */
static int
migrate(sqlite3 *db, int from, char *errbuf, size_t errlen)
{
	int latest = store_schema_version_latest();
	char *err = NULL;
	char pragma[64];

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK)
		goto fail;
	/* Another process may have migrated while we waited for the lock. */
	if (query_int(db, "PRAGMA user_version", &from) != 0) {
		set_error(errbuf, errlen, "cannot read schema version: %s", sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	for (int v = from; v < latest; v++) {
		if (sqlite3_exec(db, migrations[v], NULL, NULL, &err) != SQLITE_OK) {
			set_error(errbuf, errlen, "migration to schema %d failed: %s", v + 1,
			    err != NULL ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	/* PRAGMA takes no bound parameters; latest is our own integer. */
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", latest);
	if (sqlite3_exec(db, pragma, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	set_error(errbuf, errlen, "migration failed: %s", err != NULL ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

struct store *
store_open(const char *path, const struct store_options *opts, char *errbuf, size_t errlen)
{
	struct store_options defaults;
	struct store *store;
	sqlite3 *db = NULL;
	char pragma[64];
	int flags, version;

	if (opts == NULL) {
		store_options_default(&defaults);
		opts = &defaults;
	}
	flags = opts->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX;	/* one connection per thread */
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		set_error(errbuf, errlen, "cannot open database %s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, opts->busy_timeout_ms);

	snprintf(pragma, sizeof(pragma), "PRAGMA synchronous = %d", (int)opts->sync);
	if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    (!opts->read_only &&
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)) {
		set_error(errbuf, errlen, "cannot configure database %s: %s", path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	if (query_int(db, "PRAGMA user_version", &version) != 0) {
		set_error(errbuf, errlen, "%s is not a SQLite database: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	if (version > store_schema_version_latest()) {
		set_error(errbuf, errlen, "database %s has schema %d, newer than this build's %d",
		    path, version, store_schema_version_latest());
		sqlite3_close(db);
		return NULL;
	}
	if (version < store_schema_version_latest()) {
		if (opts->read_only) {
			set_error(errbuf, errlen, "database %s has schema %d, older than %d; "
			    "open it read-write once to migrate", path, version,
			    store_schema_version_latest());
			sqlite3_close(db);
			return NULL;
		}
		if (migrate(db, version, errbuf, errlen) != 0) {
			sqlite3_close(db);
			return NULL;
		}
	}
	store = calloc(1, sizeof(*store));
	if (store == NULL) {
		set_error(errbuf, errlen, "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	store->db = db;
	return store;
}

void
store_close(struct store *store)
{
	if (store == NULL)
		return;
	sqlite3_close(store->db);
	free(store);
}
