/*
 * store.c - the SQLite store: opening, configuring and migrating the database.
 *
 * Migrations are an ordered list of SQL scripts; PRAGMA user_version records
 * how many have run. Each runs inside the same transaction as the version
 * bump, so a crash leaves the database at the old version, never between.
 */
#include "store.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "store_int.h"

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

	/*
	 * 2: the customer's text (only with StoreText yes), the last contact,
	 * open tickets by due time, and the views supervisors query with
	 * sqlite3. Times are Unix seconds; the views show them in UTC.
	 */
	"ALTER TABLE tickets ADD COLUMN customer_text TEXT;"
	"ALTER TABLE tickets ADD COLUMN last_contact_at INTEGER;"
	"UPDATE tickets SET last_contact_at = received_at;"
	"CREATE INDEX tickets_open ON tickets(resolved_at, due_at);"
	/* Ticket numbers are never reused, even after a purge empties the table. */
	"CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT INTO counters VALUES ('ticket', (SELECT IFNULL(MAX(id), 0) FROM tickets));"
	"CREATE VIEW v_tickets AS SELECT"
	"  ref, urgency, personality, topic, language,"
	"  CASE complaint WHEN 0 THEN 'no' ELSE 'yes' END AS complaint, score,"
	"  customer_address, customer_name, subject,"
	"  datetime(received_at, 'unixepoch') AS received_utc,"
	"  datetime(due_at, 'unixepoch') AS due_utc,"
	"  ack_state,"
	"  datetime(first_response_at, 'unixepoch') AS first_response_utc, first_response_by,"
	"  datetime(resolved_at, 'unixepoch') AS resolved_utc,"
	"  contact_count,"
	"  datetime(last_contact_at, 'unixepoch') AS last_contact_utc,"
	"  message_id, queue_id"
	"  FROM tickets;"
	"CREATE VIEW v_open AS SELECT v.* FROM v_tickets v JOIN tickets t ON t.ref = v.ref"
	"  WHERE t.resolved_at IS NULL;"
	/* Overdue: the SLA is for the first answer; no answer and past due. */
	"CREATE VIEW v_overdue AS SELECT v.*,"
	"  (CAST(strftime('%s', 'now') AS INTEGER) - t.due_at) / 60 AS minutes_overdue"
	"  FROM v_tickets v JOIN tickets t ON t.ref = v.ref"
	"  WHERE t.resolved_at IS NULL AND t.first_response_at IS NULL"
	"  AND t.due_at < CAST(strftime('%s', 'now') AS INTEGER);"
	"CREATE VIEW v_response_times AS SELECT"
	"  ref, urgency, personality, topic, language,"
	"  datetime(received_at, 'unixepoch') AS received_utc,"
	"  datetime(first_response_at, 'unixepoch') AS first_response_utc, first_response_by,"
	"  first_response_at - received_at AS response_seconds,"
	"  CASE WHEN first_response_at <= due_at THEN 1 ELSE 0 END AS within_sla"
	"  FROM tickets WHERE first_response_at IS NOT NULL;",

	/*
	 * 3: the outbox of acknowledgements, written in the transaction that
	 * records the ticket and drained by the sender thread. state: queued
	 * (waiting for next_attempt_at), sending (handed to the MTA, outcome
	 * not yet recorded), sent, failed.
	 */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  message_id TEXT NOT NULL,"
	"  message BLOB NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (state IN ('queued', 'sending', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  sent_at INTEGER,"
	"  last_reply TEXT"
	");"
	"CREATE INDEX outbox_due ON outbox(state, next_attempt_at);"
	"CREATE INDEX outbox_recipient ON outbox(recipient, created_at);"
	"CREATE INDEX outbox_created ON outbox(created_at);"
	"CREATE INDEX outbox_message_id ON outbox(message_id);",

	/* 4: the rules each customer message fired, for `triage themes`. */
	"CREATE TABLE ticket_rules ("
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  rule TEXT NOT NULL"
	");"
	"CREATE INDEX ticket_rules_ticket ON ticket_rules(ticket_id);"
	"CREATE INDEX ticket_rules_at ON ticket_rules(at, rule);",
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
	opts->schema_version = 0;
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
migrate(sqlite3 *db, int from, int latest, char *errbuf, size_t errlen)
{
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
	int flags, version, target;

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
	target = opts->schema_version > 0 && opts->schema_version < store_schema_version_latest() ?
	    opts->schema_version : store_schema_version_latest();
	if (version < target) {
		if (opts->read_only) {
			set_error(errbuf, errlen, "database %s has schema %d, older than %d; "
			    "open it read-write once to migrate", path, version,
			    store_schema_version_latest());
			sqlite3_close(db);
			return NULL;
		}
		if (migrate(db, version, target, errbuf, errlen) != 0) {
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
	store_rollback(store);	/* and give up the writer's turn, if held */
	for (size_t i = 0; i < STORE_STMT_MAX; i++)
		sqlite3_finalize(store->stmts[i]);
	sqlite3_close(store->db);
	free(store);
}

sqlite3_stmt *
store_stmt(struct store *store, unsigned slot, const char *sql)
{
	sqlite3_stmt *stmt = store->stmts[slot];

	if (stmt == NULL) {
		if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
		    NULL) != SQLITE_OK)
			return NULL;
		store->stmts[slot] = stmt;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return stmt;
}

/*
 * One writer at a time in this process, queued on a mutex. SQLite allows
 * one writer per database anyway; left to itself, each waiting connection
 * polls with growing sleeps (the busy handler), which is unfair: under
 * load one thread can lose every race until its busy timeout runs out and
 * SQLITE_BUSY reaches the caller (seen with 16 writers on a loaded
 * machine). Threads now wait their turn on the mutex, and the busy timeout
 * only covers other processes (`triage resolve`, a second filter).
 */
static pthread_mutex_t process_writer = PTHREAD_MUTEX_INITIALIZER;

static void
writer_release(struct store *store)
{
	if (store->writing) {
		store->writing = 0;
		pthread_mutex_unlock(&process_writer);
	}
}

/*
 * Writers take the lock at BEGIN (IMMEDIATE), not at their first write:
 * a deferred transaction that reads and then writes can fail with
 * SQLITE_BUSY that no busy timeout cures, when another writer got in
 * between.
 */
int
store_begin(struct store *store)
{
	if (!store->writing) {
		pthread_mutex_lock(&process_writer);
		store->writing = 1;
	}
	if (sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	writer_release(store);
	return -1;
}

int
store_commit(struct store *store)
{
	if (sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
		writer_release(store);
		return 0;
	}
	/* COMMIT can fail busy and leave the transaction open: end it. */
	store_rollback(store);
	return -1;
}

void
store_rollback(struct store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		(void)sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	writer_release(store);
}

const char *
store_errmsg(struct store *store)
{
	return sqlite3_errmsg(store->db);
}
