#!/bin/sh
# tests/cli/reports.sh - `triage report`, `overdue`, `themes` and `ticket` on
# the seven tickets of tests/fixtures/reports.sql (every expected figure is
# worked out there), loaded into a database the store itself migrated.
# Needs TRIAGE, TESTS_SRCDIR, sqlite3 and jq; the --notify part needs root
# (smtp-sink runs as nobody) and is skipped, with a message, otherwise.
set -u
: "${TRIAGE:?TRIAGE must point at the triage binary}"
: "${TESTS_SRCDIR:?TESTS_SRCDIR must point at tests/}"
for tool in sqlite3 jq; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed (scripts/install-deps installs it)" >&2
		exit 77
	fi
done

passed=0 failed=0 sink_pid=
dir=$(mktemp -d) out=$(mktemp) err=$(mktemp)
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$dir" "$out" "$err"' EXIT
db=$dir/triage.db
# An empty database at the latest schema: schema 1 emptied, then migrated by
# `triage purge` (the only way the tool writes a schema), then the rows.
sqlite3 "$db" <"$TESTS_SRCDIR/fixtures/schema-v1.sql"
sqlite3 "$db" "DELETE FROM events; DELETE FROM tickets;"
"$TRIAGE" purge --db "$db" --older-than 0 >/dev/null
sqlite3 "$db" <"$TESTS_SRCDIR/fixtures/reports.sql"

check() {
	# check NAME CONDITION...: counts and reports one assertion.
	name=$1; shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name" >&2
		sed 's/^/  stdout: /' "$out" | head -8 >&2
		sed 's/^/  stderr: /' "$err" | head -5 >&2
	fi
}
run() { "$TRIAGE" "$@" >"$out" 2>"$err"; status=$?; }
j() { jq -r "$1" "$out"; }
period="--since 2024-01-01 --until 2024-01-15"

# --- report: the table ----------------------------------------------------
run report --db "$db" $period --by urgency
check "report exits 0" test $status -eq 0
check "table: all row" grep -Eq '^  all +7 +3 +5 +4 +30m 00s +1d 01h +1d 01h +1d 01h +80\.0% +60\.0%$' "$out"
check "table: high row (n=2)" grep -Eq '^  high +2 +1 +2 +1 +30m 00s +1h 05m +1h 05m +1h 05m +100\.0% +50\.0%$' "$out"
check "table: low has no answers" grep -Eq '^  low +1 +0 +0 +1 +- +- +- +- +- +-$' "$out"
check "table: urgency order" test "$(grep -Eo '^  (critical|high|normal|low) ' "$out" | tr -d ' ' | tr '\n' ,)" = "critical,high,normal,low,"
check "table: week W01" grep -Eq '^  2024-W01 +3 +3 +1h 05m +66\.7% +1$' "$out"
check "table: week W02" grep -Eq '^  2024-W02 +4 +2 +10m 00s +100\.0% +4$' "$out"
check "table: weekly CV" grep -q "vary by 0.73" "$out"
check "table: backlog now" grep -qx "Open backlog now: 4" "$out"

# --- report: CSV ------------------------------------------------------------
run report --db "$db" $period --by agent --csv
check "csv exits 0" test $status -eq 0
check "csv: CRLF line ends" test "$(tr -cd '\r' <"$out" | wc -c)" -eq "$(wc -l <"$out")"
tr -d '\r' <"$out" >"$dir/csv"
check "csv: header" grep -q '^section,group,tickets,complaints,answered,open,median_seconds,' "$dir/csv"
check "csv: total in seconds" grep -qx 'total,all,7,3,5,4,1800,90000,90000,90000,0.8000,0.6000,4,0.7333' "$dir/csv"
check "csv: agent ann" grep -qx 'group,ann@example.com,3,2,3,1,600,90000,90000,90000,0.6667,0.6667,,' "$dir/csv"
check "csv: unanswered under (none)" grep -qx 'group,(none),2,0,0,2,,,,,,,,' "$dir/csv"
check "csv: weeks" test "$(grep -c '^week,' "$dir/csv")" -eq 2
check "csv: 14 fields a line" test "$(awk -F, '{ print NF }' "$dir/csv" | sort -u)" = 14

# --- report: JSON -------------------------------------------------------------
run report --db "$db" $period --by week --json
check "json exits 0" test $status -eq 0
check "json: one object" test "$(jq -s 'length' "$out")" = 1
check "json: by" test "$(j .by)" = week
check "json: median seconds" test "$(j .total.first_response_seconds.median)" = 1800
check "json: p95 seconds" test "$(j .total.first_response_seconds.p95)" = 90000
check "json: within_sla" test "$(j .total.within_sla)" = 0.8
check "json: within_half_sla" test "$(j .total.within_half_sla)" = 0.6
check "json: groups are weeks" test "$(j '[.groups[].group] | join(",")')" = "2024-W01,2024-W02"
check "json: W01 median" test "$(j '.groups[0].first_response_seconds.median')" = 3900
check "json: weekly backlog" test "$(j '[.weeks[].backlog] | join(",")')" = "1,4"
check "json: cv" test "$(j '.weekly_median_cv * 10000 | round')" = 7333
check "json: period" test "$(j .since)/$(j .until)" = "2024-01-01T00:00:00Z/2024-01-15T00:00:00Z"
run report --db "$db" --since 2024-01-02 --until 2024-01-03 --by day --json
check "json: one day" test "$(j '[.groups[] | .group + "=" + (.tickets|tostring)] | join(",")')" = "2024-01-02=1"
check "json: that day's median" test "$(j .total.first_response_seconds.median)" = 90000
run report --db "$db" --since 2024-01-16 --until 2024-01-17 --json
check "json: empty period medians null" test "$(j .total.first_response_seconds.median)" = null
check "ISO 8601 times accepted" sh -c '"$0" report --db "$1" --since 2024-01-01T01:00:00Z --until "2024-01-01 01:00:01" --json | jq -e ".total.tickets == 2" >/dev/null' "$TRIAGE" "$db"

# --- report: errors -------------------------------------------------------------
run report --db "$db" --since 2024-13-01
check "bad date exits 64" test $status -eq 64
check "bad date says so" grep -q "^triage report: --since 2024-13-01: not a date" "$err"
run report --db "$db" --since 2024-02-30
check "impossible date exits 64" test $status -eq 64
run report --db "$db" --by month
check "unknown --by exits 64" test $status -eq 64
check "unknown --by says so" grep -q "^triage report: --by month: not one of" "$err"
run report --db "$db" --csv --json
check "--csv --json exits 64" test $status -eq 64
run report --db "$db" --since 2024-01-15 --until 2024-01-01
check "empty period exits 64" test $status -eq 64
run report --db "$dir/none.db"
check "missing database exits 1" test $status -eq 1
check "missing database one line" test "$(wc -l <"$err")" -eq 1
check "missing database not created" test ! -e "$dir/none.db"
cp "$db" "$dir/newer.db"
sqlite3 "$dir/newer.db" "PRAGMA user_version = 99"
run report --db "$dir/newer.db"
check "newer schema exits 1" test $status -eq 1
check "newer schema says so" grep -q "newer than this build" "$err"
TRIAGE_DB=$db "$TRIAGE" report $period --json >"$out" 2>"$err"
check "\$TRIAGE_DB names the database" test "$(j .total.tickets)" = 7

# --- overdue ---------------------------------------------------------------------
run overdue --db "$db" --now 2024-01-13T23:45:00Z
check "overdue critical exits 2" test $status -eq 2
check "overdue status line" grep -qx "TRIAGE OVERDUE CRITICAL - 1 overdue, 1 due within 30m, 1 follow-up unanswered, 1 resolved without a reply | overdue=1 due_soon=1 followup=1 unclosed=1" "$out"
check "overdue: past due line" grep -Eq '^overdue +T-000004 +normal +di@example.net +3d 23h late' "$out"
check "overdue: due soon line" grep -Eq '^due-soon +T-000005 +low .*due in 15m 00s' "$out"
check "overdue: follow-up line" grep -Eq '^follow-up +T-000006 ' "$out"
check "overdue: unclosed line" grep -Eq '^unclosed +T-000007 ' "$out"
check "overdue: one line a ticket" test "$(wc -l <"$out")" -eq 5
run overdue --db "$db" --now 2024-01-09T23:45:00Z
check "overdue warning exits 1" test $status -eq 1
check "overdue warning line" grep -q "^TRIAGE OVERDUE WARNING - 0 overdue, 1 due within 30m" "$out"
run overdue --db "$db" --now 2024-01-09T23:45:00Z --within 10m
check "overdue ok exits 0" test $status -eq 0
check "overdue ok line" grep -q "^TRIAGE OVERDUE OK - nothing overdue" "$out"
run overdue --db "$db" --within soon
check "bad --within is UNKNOWN" test $status -eq 3
check "bad --within says so" grep -q "^TRIAGE OVERDUE UNKNOWN - --within soon" "$out"
run overdue --db "$dir/none.db"
check "missing database is UNKNOWN" test $status -eq 3
run overdue --db "$db" --notify "not an address" --now 2024-01-13T23:45:00Z
check "bad --notify is UNKNOWN" test $status -eq 3

# --- themes -----------------------------------------------------------------------
run themes --db "$db" $period
check "themes exits 0" test $status -eq 0
check "themes: W01 billing" grep -Eq '^  2024-W01 billing +1 *$' "$out"
check "themes: W02 billing unchanged" grep -Eq '^  2024-W02 billing +1 +\+0$' "$out"
check "themes: W02 delivery fell" grep -Eq '^  2024-W02 delivery +0 +-1$' "$out"
check "themes: rules" test "$(grep -c 'en.tone.angry' "$out")" -eq 2
run themes --db "$db" $period --top 1
check "themes --top 1" test "$(grep -Ec '^  2024-W0[12] +1  en\.' "$out")" -eq 2
run themes --db "$db" --top -1
check "themes bad --top exits 64" test $status -eq 64

# --- ticket -----------------------------------------------------------------------
run ticket --db "$db" T-000007
check "ticket exits 0" test $status -eq 0
check "ticket fields" grep -Eq '^First response +2024-01-10 00:10:00 UTC by ann@example.com, after 10m 00s, within the SLA$' "$out"
check "ticket events in order" test "$(grep -Eo '(received|agent_reply|customer_followup|resolved) ' "$out" | tr -d ' ' | tr '\n' ,)" = "received,agent_reply,customer_followup,resolved,"
run ticket --db "$db" T-1
check "T-1 is T-000001" grep -q "^Ticket  *T-000001$" "$out"
check "control characters shown as ?" grep -q "^Subject  *Invoice wrong?\[31m$" "$out"
check "rules fired" grep -q "en.billing.refund" "$out"
run ticket --db "$db" T-000099
check "unknown ticket exits 1" test $status -eq 1
check "unknown ticket says so" grep -q "^triage ticket: no ticket T-000099" "$err"
run ticket --db "$db"
check "ticket without a ref exits 64" test $status -eq 64

# --- overdue --notify through a smtp-sink on 127.0.0.1 --------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v smtp-sink >/dev/null 2>&1 || ! command -v bash >/dev/null 2>&1; then
	echo "SKIP: --notify needs root and smtp-sink (Postfix); not tested here" >&2
else
	sink=$dir/sink
	mkdir -p "$sink"
	chmod 755 "$dir"
	chown nobody "$sink"	# smtp-sink -u nobody writes here
	port=$((40000 + $$ % 20000))
	while bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; do port=$((port + 1)); done
	smtp-sink -u nobody -d "$sink/%H%M%S." "127.0.0.1:$port" 16 >"$dir/sink.log" 2>&1 &
	sink_pid=$!
	tries=0
	until bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null || [ $tries -ge 50 ]; do
		sleep 0.1; tries=$((tries + 1))
	done
	printf 'Database %s\nSupportAddresses help@example.com, other@example.com\nAckRelay smtp://127.0.0.1:%s\n' \
		"$db" "$port" >"$dir/milter.conf"
	run overdue -c "$dir/milter.conf" --notify boss@example.com --now 2024-01-13T23:45:00Z
	check "notify: state kept" test $status -eq 2
	tries=0
	while [ -z "$(ls "$sink")" ] && [ $tries -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
	mail=$(ls "$sink" | head -1)
	check "notify: one mail" test "$(ls "$sink" | wc -l)" -eq 1
	if [ -n "$mail" ]; then
		tr -d '\r' <"$sink/$mail" >"$dir/mail"
		check "notify: From the first support address" grep -qx "From: help@example.com" "$dir/mail"
		check "notify: To" grep -qx "To: boss@example.com" "$dir/mail"
		check "notify: Auto-Submitted" grep -qx "Auto-Submitted: auto-generated" "$dir/mail"
		check "notify: Subject is the status" grep -q "^Subject: TRIAGE OVERDUE CRITICAL - 1 overdue" "$dir/mail"
		check "notify: UTF-8 text" grep -qi "^Content-Type: text/plain; charset=utf-8" "$dir/mail"
		check "notify: digest in body" grep -q "T-000004" "$dir/mail"
	fi
	rm -f "$sink"/*
	run overdue -c "$dir/milter.conf" --notify boss@example.com --now 2024-01-09T23:45:00Z --within 10m
	check "notify: nothing to report, no mail" sh -c 'sleep 0.5; [ -z "$(ls "$0")" ]' "$sink"
	check "notify: ok exits 0" test $status -eq 0
	kill "$sink_pid" 2>/dev/null
	wait "$sink_pid" 2>/dev/null
	sink_pid=
	run overdue -c "$dir/milter.conf" --notify boss@example.com --now 2024-01-13T23:45:00Z
	check "notify: relay down still CRITICAL" test $status -eq 2
	check "notify: relay down said on stderr" grep -q "^triage overdue: --notify boss@example.com: temporary failure" "$err"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
