#!/bin/sh
# tests/cli/tickets.sh - `triage resolve` and `triage purge` on a database
# made by schema 1 (tests/fixtures/schema-v1.sql: T-000001 and T-000007),
# which the first command migrates. Needs TRIAGE, TESTS_SRCDIR and sqlite3.
set -u
: "${TRIAGE:?TRIAGE must point at the triage binary}"
: "${TESTS_SRCDIR:?TESTS_SRCDIR must point at tests/}"
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "SKIP: sqlite3 is not installed (scripts/install-deps installs it)" >&2
	exit 77
fi

passed=0 failed=0
dir=$(mktemp -d) out=$(mktemp) err=$(mktemp)
trap 'rm -rf "$dir" "$out" "$err"' EXIT
db=$dir/triage.db
sqlite3 "$db" <"$TESTS_SRCDIR/fixtures/schema-v1.sql"

check() {
	# check NAME CONDITION...: counts and reports one assertion.
	name=$1; shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name" >&2
		sed 's/^/  stdout: /' "$out" | head -5 >&2
		sed 's/^/  stderr: /' "$err" | head -5 >&2
	fi
}
q() { sqlite3 "$db" "$1"; }

"$TRIAGE" resolve --db "$db" --by ann@example.com T-000007 >"$out" 2>"$err"
check "resolve exits 0" test $? -eq 0
check "resolve says so" grep -qx "T-000007 resolved" "$out"
check "resolve migrated the database" test "$(q 'PRAGMA user_version')" -ge 2
check "resolved_at set" test "$(q "SELECT resolved_at IS NOT NULL FROM tickets WHERE ref = 'T-000007'")" = 1
check "resolved event by --by" test "$(q "SELECT actor FROM events WHERE kind = 'resolved'")" = ann@example.com
check "other ticket still open" test "$(q "SELECT count(*) FROM v_open")" = 1

"$TRIAGE" resolve --db "$db" T-000007 >"$out" 2>"$err"
check "resolve again exits 0" test $? -eq 0
check "resolve again says already" grep -q "already resolved" "$out"
check "no second resolved event" test "$(q "SELECT count(*) FROM events WHERE kind = 'resolved'")" = 1

"$TRIAGE" resolve --db "$db" T-000099 >"$out" 2>"$err"
check "unknown ticket exits 1" test $? -eq 1
check "unknown ticket named" grep -q "no ticket T-000099" "$err"

# The database named by a triage-milter.conf.
printf 'Database %s\nSupportAddresses support@example.com\n' "$db" >"$dir/milter.conf"
"$TRIAGE" resolve -c "$dir/milter.conf" T-000001 >"$out" 2>"$err"
check "resolve -c exits 0" test $? -eq 0
check "resolve -c resolved T-000001" test "$(q "SELECT count(*) FROM v_open")" = 0
printf 'Database %s\nNoSuchKey 1\n' "$db" >"$dir/bad.conf"
"$TRIAGE" resolve -c "$dir/bad.conf" T-000001 >"$out" 2>"$err"
check "bad -c exits 1" test $? -eq 1
check "bad -c names file and line" grep -q "bad.conf:2:" "$err"
"$TRIAGE" resolve --db "$dir/typo.db" T-000001 >"$out" 2>"$err"
check "missing database exits 1" test $? -eq 1
check "missing database not created" test ! -e "$dir/typo.db"

"$TRIAGE" purge --db "$db" --older-than 0 --dry-run >"$out" 2>"$err"
check "dry run exits 0" test $? -eq 0
check "dry run counts" grep -q "would delete 2 tickets" "$out"
check "dry run deletes nothing" test "$(q "SELECT count(*) FROM tickets")" = 2
"$TRIAGE" purge --db "$db" --older-than 100000 >"$out" 2>"$err"
check "nothing that old" grep -q "deleted 0 tickets" "$out"
"$TRIAGE" purge --db "$db" --older-than 0 >"$out" 2>"$err"
check "purge exits 0" test $? -eq 0
check "purge deleted both" grep -q "deleted 2 tickets" "$out"
check "tickets gone" test "$(q "SELECT count(*) FROM tickets")" = 0
check "events gone" test "$(q "SELECT count(*) FROM events")" = 0
"$TRIAGE" purge --db "$db" >"$out" 2>"$err"
check "purge without --older-than is a usage error" test $? -eq 64

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
