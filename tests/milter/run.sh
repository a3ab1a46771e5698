#!/bin/sh
# tests/milter/run.sh - the real triage-milter under OpenDKIM's miltertest.
#
# Starts the built daemon on a unix socket in a temporary directory with a
# test configuration, runs every tests/milter/*.lua script against it, stops
# it by its PID, and prints "N passed, N failed". Needs MILTER (the binary)
# and TESTS_SRCDIR, set by `make check`.
set -u
: "${MILTER:?MILTER must point at the triage-milter binary}"
: "${TESTS_SRCDIR:?TESTS_SRCDIR must point at tests/}"
srcdir=$(cd "$TESTS_SRCDIR/.." && pwd)

if ! command -v miltertest >/dev/null 2>&1; then
	echo "SKIP: miltertest is not installed (scripts/install-deps installs it)" >&2
	exit 77
fi

dir=$(mktemp -d /tmp/triage-milter-test.XXXXXX)
pid="" inet_pid="" tempfail_pid=""
stop() {
	# stop PID: only a process this script started; libmilter takes a few
	# seconds to exit after SIGTERM, so wait for it, bounded, then force.
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill "$1" 2>/dev/null
		i=0
		while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$1" 2>/dev/null
	fi
}
cleanup() {
	stop "$pid"
	stop "$inet_pid"
	stop "$tempfail_pid"
	rm -rf "$dir"
	stop "${budget_accept_pid:-}"
	stop "${budget_tempfail_pid:-}"
}
trap cleanup EXIT INT TERM

# A copy of the default rules, so the reload test can change them.
cp -R "$srcdir/rules/cf" "$dir/cf"
# The database directory belongs to the user the filter runs as (SQLite
# writes its -wal and -shm files beside the database).
mkdir "$dir/db"
cat >"$dir/triage-milter.conf" <<CONF
Socket local:$dir/milter.sock
Syslog no
Database $dir/db/triage.db
RulesDir $dir/cf
SupportAddresses support@example.com
AgentAddresses agent2@example.com, agent3@example.com
RouteCritical urgent@example.com
TagSubject yes
PidFile $dir/triage-milter.pid
MaxScanBytes 4K
UMask 007
DatabaseTimeout 300
CONF
# As root, also check that UserID drops privileges after the socket is made.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	echo "UserID nobody" >>"$dir/triage-milter.conf"
	chmod 755 "$dir"	# the unprivileged daemon must still reach its files
	chmod -R a+rX "$dir/cf"
	chown nobody "$dir/db"
	want_uid=$(id -u nobody)
else
	want_uid=$(id -u)
fi

"$MILTER" -f -c "$dir/triage-milter.conf" 2>"$dir/milter.log" &
pid=$!
i=0
while [ ! -S "$dir/milter.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$dir/milter.sock" ]; then
	echo "FAIL: triage-milter did not open its socket" >&2
	cat "$dir/milter.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0 failed=0
# Start-up facts: PID file, socket mode from UMask, the user it runs as.
i=0
while [ ! -s "$dir/triage-milter.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(cat "$dir/triage-milter.pid" 2>/dev/null)" = "$pid" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1)); echo "FAIL: PidFile does not hold $pid" >&2
fi
mode=$(stat -c %a "$dir/milter.sock")
if [ "$mode" = 770 ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1)); echo "FAIL: socket mode $mode, want 770 (UMask 007)" >&2
fi
# With UserID the socket belongs to that user, so its group can reach it.
owner=$(stat -c %u "$dir/milter.sock")
if [ "$owner" = "$want_uid" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1)); echo "FAIL: socket owned by uid $owner, want $want_uid" >&2
fi
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
if [ "$uid" = "$want_uid" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1)); echo "FAIL: runs as uid $uid, want $want_uid" >&2
fi

for script in "$TESTS_SRCDIR"/milter/*.lua; do
	case "$script" in */common.lua | */reload-load.lua | */dbfault.lua | */budget.lua) continue ;; esac
	if timeout 60 miltertest -D sock="unix:$dir/milter.sock" -D srcdir="$srcdir" \
		-s "$script" >"$dir/out" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $(basename "$script")" >&2
		sed 's/^/  /' "$dir/out" >&2
	fi
done
# Reload under load: messages flow over successive connections while a
# SIGHUP brings in a rule set with one more rule, and a SIGUSR1 meets a
# broken rule file. Every message gets its verdict; each connection sees one
# rule set (old, then new, never back); the broken set is refused with its
# file and line, the new set stays, and the daemon is still there.
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
wait_for() {	# wait_for SECONDS COMMAND...: poll until COMMAND succeeds
	limit=$(($1 * 10)); shift; i=0
	while ! "$@" && [ $i -lt $limit ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
log_has() { [ "$(grep -c "$1" "$dir/milter.log")" -ge "$2" ]; }
reload_ok=true
timeout 120 miltertest -D sock="unix:$dir/milter.sock" -D srcdir="$srcdir" \
	-D stopfile="$dir/stop-load" -s "$TESTS_SRCDIR/milter/reload-load.lua" \
	>"$dir/load.out" 2>"$dir/load.err" &
load_pid=$!
wait_for 30 at_least "$dir/load.out" 50 || { reload_ok=false; echo "FAIL: load did not start" >&2; }
printf 'body TEST_RELOADED /\\bzebracorn\\b/\nscore TEST_RELOADED urgency=0.1\n' \
	>"$dir/cf/99-reload.cf"
chmod a+r "$dir/cf/99-reload.cf"
kill -HUP "$pid"
wait_for 30 log_has "reloaded:" 1 || { reload_ok=false; echo "FAIL: SIGHUP did not reload" >&2; }
seen=$(lines "$dir/load.out")
wait_for 30 at_least "$dir/load.out" $((seen + 50)) || reload_ok=false
printf 'body TEST_BROKEN /(/\n' >"$dir/cf/98-broken.cf"
kill -USR1 "$pid"
wait_for 30 log_has "reload failed.*98-broken.cf:1:" 1 ||
	{ reload_ok=false; echo "FAIL: a broken rule file was not refused with its line" >&2; }
seen=$(lines "$dir/load.out")
wait_for 30 at_least "$dir/load.out" $((seen + 50)) || reload_ok=false
touch "$dir/stop-load"
wait "$load_pid" || { reload_ok=false; echo "FAIL: reload-load.lua:" >&2; cat "$dir/load.err" >&2; }
rm -f "$dir/cf/98-broken.cf"
# old ... old new ... new: never old after new, and new at the end.
order=$(awk '{print $2}' "$dir/load.out" | uniq | tr '\n' ' ')
if [ "$order" != "old new " ]; then
	reload_ok=false; echo "FAIL: rule sets seen in order: $order (want: old new)" >&2
fi
kill -0 "$pid" 2>/dev/null || { reload_ok=false; echo "FAIL: the daemon died on a reload" >&2; }
if $reload_ok; then
	passed=$((passed + 1))
	echo "reload under load: $(lines "$dir/load.out") messages, all with a verdict"
else
	failed=$((failed + 1))
fi

# OnInternalError: a database another process keeps locked past
# DatabaseTimeout. The running filter (accept, the default) passes the
# message with its verdict; a second one with OnInternalError tempfail
# tempfails it; once the lock is gone, tickets are recorded again.
sed "s|^Socket .*|Socket local:$dir/tempfail.sock|; s|^PidFile .*|PidFile none|" \
	"$dir/triage-milter.conf" >"$dir/tempfail.conf"
echo "OnInternalError tempfail" >>"$dir/tempfail.conf"
"$MILTER" -f -c "$dir/tempfail.conf" 2>"$dir/tempfail.log" &
tempfail_pid=$!
i=0
while [ ! -S "$dir/tempfail.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if command -v sqlite3 >/dev/null 2>&1; then
	(echo "BEGIN EXCLUSIVE;"; sleep 4; echo "COMMIT;") | sqlite3 "$dir/db/triage.db" &
	locker=$!
	sleep 0.5
	for case in accept:milter.sock tempfail:tempfail.sock; do
		expect=${case%%:*} sock=${case#*:}
		if timeout 30 miltertest -D sock="unix:$dir/$sock" -D srcdir="$srcdir" \
			-D expect="$expect" -s "$TESTS_SRCDIR/milter/dbfault.lua" >"$dir/out" 2>&1; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1)); echo "FAIL: dbfault.lua, $expect:" >&2
			sed 's/^/  /' "$dir/out" >&2
		fi
	done
	wait "$locker"
	if timeout 30 miltertest -D sock="unix:$dir/milter.sock" -D srcdir="$srcdir" \
		-D expect=recorded -s "$TESTS_SRCDIR/milter/dbfault.lua" >"$dir/out" 2>&1 &&
		grep -q "cannot record the ticket.*message accepted (OnInternalError accept)" \
			"$dir/milter.log" &&
		grep -q "cannot record the ticket.*message tempfailed (OnInternalError tempfail)" \
			"$dir/tempfail.log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); echo "FAIL: dbfault: no recovery, or no log line saying why" >&2
		sed 's/^/  /' "$dir/out" "$dir/tempfail.log" >&2
	fi
	# The expected error lines must not trip the check for unexpected ones.
	grep -v "cannot record the ticket" "$dir/milter.log" >"$dir/milter.rest"
	mv "$dir/milter.rest" "$dir/milter.log"
else
	echo "SKIP: sqlite3 missing: no database fault test" >&2
fi
stop "$tempfail_pid"

# ClassifyBudget: two more filters with a 1 ms budget and room for a big
# body, one per OnInternalError policy; classification stops at the
# deadline, the message passes (stamped) or is tempfailed, one log line each.
for policy in accept tempfail; do
	sed "s|^Socket .*|Socket local:$dir/budget-$policy.sock|; s|^PidFile .*|PidFile none|;
		s|^MaxScanBytes .*|MaxScanBytes 4M|" "$dir/triage-milter.conf" >"$dir/budget-$policy.conf"
	printf 'ClassifyBudget 1\nOnInternalError %s\n' "$policy" >>"$dir/budget-$policy.conf"
	"$MILTER" -f -c "$dir/budget-$policy.conf" 2>"$dir/budget-$policy.log" &
	eval "budget_${policy}_pid=\$!"
done
for policy in accept tempfail; do
	i=0
	while [ ! -S "$dir/budget-$policy.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if timeout 60 miltertest -D sock="unix:$dir/budget-$policy.sock" -D srcdir="$srcdir" \
		-D expect="$policy" -s "$TESTS_SRCDIR/milter/budget.lua" >"$dir/out" 2>&1 &&
		grep -q "classification stopped at the 1 ms ClassifyBudget.*(OnInternalError $policy)" \
			"$dir/budget-$policy.log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); echo "FAIL: ClassifyBudget, $policy:" >&2
		sed 's/^/  /' "$dir/out" "$dir/budget-$policy.log" >&2
	fi
done
kill "$budget_accept_pid" "$budget_tempfail_pid" 2>/dev/null
stop "$budget_accept_pid"
stop "$budget_tempfail_pid"

# The same filter on a TCP socket on 127.0.0.1: it must set TCP_NODELAY
# (libmilter does not) and serve the same script.
port=""
for try in 1 2 3 4 5; do
	candidate=$((20000 + $$ % 10000 + try * 7))
	sed "s|^Socket .*|Socket inet:$candidate@127.0.0.1|; s|^PidFile .*|PidFile none|; /^UserID/d" \
		"$dir/triage-milter.conf" >"$dir/inet.conf"
	"$MILTER" -f -c "$dir/inet.conf" 2>"$dir/inet.log" &
	inet_pid=$!
	i=0
	while ! grep -q "TCP_NODELAY" "$dir/inet.log" 2>/dev/null && kill -0 "$inet_pid" 2>/dev/null &&
		[ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$inet_pid" 2>/dev/null; then port=$candidate; break; fi
	wait "$inet_pid" 2>/dev/null
done
if [ -n "$port" ] && grep -q "TCP_NODELAY set on 1 listening socket" "$dir/inet.log" &&
	timeout 60 miltertest -D sock="inet:$port@127.0.0.1" -D srcdir="$srcdir" \
		-s "$TESTS_SRCDIR/milter/passthrough.lua" >"$dir/out" 2>&1; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: inet socket (port ${port:-none})" >&2
	sed 's/^/  /' "$dir/inet.log" "$dir/out" >&2
fi
stop "$inet_pid"

if grep -qiE 'error|assert' "$dir/milter.log"; then
	echo "FAIL: error lines in the milter log:" >&2
	grep -iE 'error|assert' "$dir/milter.log" >&2
	failed=$((failed + 1))
fi
echo "milter log:"; sed 's/^/  /' "$dir/milter.log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
