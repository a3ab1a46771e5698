#!/bin/bash
# tests/postfix/run.sh - triage-milter end to end through a real Postfix.
#
# Creates a private Postfix instance under a temporary directory (its own
# config, queue and log, listening on 127.0.0.1 only, relaying to a
# smtp-sink that saves every message it receives), starts the built
# triage-milter on a unix socket owned by nobody:postfix, sends real
# messages with swaks and smtp-source, and checks the delivered copies:
#
#   - every tests/data message arrives stamped as its golden verdict says;
#   - forged X-Triage-* headers are gone, the Subject is tagged, a critical
#     message is also delivered to RouteCritical;
#   - mail not to a support address, and an agent's mail, arrive untouched;
#   - 50 parallel SMTP sessions x 40 messages: each of the 2000 delivered
#     exactly once with exactly one set of headers, no error in either log.
#
# Needs root (Postfix), postfix, swaks, smtp-source, jq; otherwise skips.
# Stops everything it started, by PID, bounded in time. Prints "N passed,
# N failed".
set -u
: "${MILTER:?MILTER must point at the triage-milter binary}"
: "${TESTS_SRCDIR:?TESTS_SRCDIR must point at tests/}"
srcdir=$(cd "$TESTS_SRCDIR/.." && pwd)

for tool in postfix swaks smtp-source smtp-sink jq; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed (scripts/install-deps installs it)" >&2
		exit 77
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: a private Postfix instance needs root" >&2
	exit 77
fi

dir=$(mktemp -d /tmp/triage-postfix.XXXXXX)
chmod 755 "$dir"	# the unprivileged milter and postfix reach the socket here
milter_pid=""
. "$TESTS_SRCDIR/postfix/private-postfix.sh"

stop_milter() {
	if [ -n "$milter_pid" ] && kill -0 "$milter_pid" 2>/dev/null; then
		kill "$milter_pid"
		i=0	# libmilter takes a few seconds to go after SIGTERM
		while kill -0 "$milter_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$milter_pid" 2>/dev/null
	fi
	milter_pid=""
}
cleanup() {
	pp_stop
	stop_milter
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

mkdir "$dir/db" && chown nobody "$dir/db"	# the filter's user writes the database
cat >"$dir/triage-milter.conf" <<CONF
Socket local:$dir/milter.sock
UMask 007
UserID nobody:postfix
Syslog no
Database $dir/db/triage.db
SupportAddresses support@example.com
AgentAddresses agent@example.com
RouteCritical urgent@example.com
TagSubject yes
CONF
"$MILTER" -f -c "$dir/triage-milter.conf" 2>"$dir/milter.log" &
milter_pid=$!
i=0
while [ ! -S "$dir/milter.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

PP_MILTER="unix:$dir/milter.sock"
pp_init "$dir"
if ! [ -S "$dir/milter.sock" ] || ! pp_start; then
	fail "could not start triage-milter and Postfix"
	cat "$dir/milter.log" "$dir/maillog" >&2 2>/dev/null
	echo "$passed passed, $failed failed"
	exit 1
fi

# send NAME FROM RCPT FILE: one SMTP session through the filtered port; the
# delivered copy is found by its X-Test-Id header.
send() {
	if ! swaks --server "127.0.0.1:$PP_SMTP_PORT" --from "$2" --to "$3" --data "$4" \
		--add-header "X-Test-Id: $1" >"$dir/swaks.$1.log" 2>&1; then
		fail "$1: not accepted:"
		tail -5 "$dir/swaks.$1.log" >&2
	fi
}
# delivered NAME: the sink's file for the message with X-Test-Id NAME.
delivered() {
	grep -l "^X-Test-Id: $1\$" "$PP_SINK_DIR"/* 2>/dev/null | head -1
}
# header FILE NAME: the values of header NAME in FILE, one per line.
header() {
	awk -v name="$2" 'BEGIN { IGNORECASE = 1 }
		/^$/ { exit }
		tolower($0) ~ "^" tolower(name) ":" { sub(/^[^:]*: ?/, ""); print }' "$1"
}

# 1. Every sample message is stamped as its golden verdict says.
sent=0
for eml in "$srcdir"/tests/data/*.eml; do
	name=$(basename "$eml" .eml)
	[ -f "$srcdir/tests/data/$name.verdict.json" ] || continue
	send "$name" customer@example.net support@example.com "$eml"
	sent=$((sent + 1))
done
# 2. A forged verdict, for a message that is critical.
cat >"$dir/forged.eml" <<'EOF'
From: Dana Reyes <dana@example.net>
To: support@example.com
Subject: Checkout down for all our stores
X-Triage-Urgency: low
X-Triage-Complaint: no
Content-Type: text/plain; charset=utf-8

Your checkout API has returned HTTP 502 for every request since 09:00.
The whole shop is down for everyone and we are losing orders every minute.
EOF
send forged dana@example.net support@example.com "$dir/forged.eml"
# 3. Not to a support address; 4. from an agent.
send elsewhere dana@example.net sales@example.com "$dir/forged.eml"
sed 's/^From: .*/From: Agent <agent@example.com>/' "$dir/forged.eml" >"$dir/agent.eml"
send agent agent@example.com support@example.com "$dir/agent.eml"
sent=$((sent + 3))

if pp_wait_delivered "$sent" 60; then pass; else fail "only $(pp_delivered) of $sent messages delivered"; fi

for verdict in "$srcdir"/tests/data/*.verdict.json; do
	name=$(basename "$verdict" .verdict.json)
	file=$(delivered "$name")
	if [ -z "$file" ]; then fail "$name: not delivered"; continue; fi
	ok=true
	for field in urgency personality topic language; do
		want=$(jq -r ".$field" "$verdict")
		got=$(header "$file" "X-Triage-$field" | cut -d' ' -f1)
		[ "$got" = "$want" ] || { ok=false; fail "$name: X-Triage-$field '$got', golden '$want'"; }
	done
	want=$(jq -r 'if .complaint then "yes" else "no" end' "$verdict")
	got=$(header "$file" X-Triage-Complaint | cut -d' ' -f1)
	[ "$got" = "$want" ] || { ok=false; fail "$name: X-Triage-Complaint '$got', golden '$want'"; }
	$ok && pass
done

file=$(delivered forged)
if [ -n "$file" ] && [ "$(header "$file" X-Triage-Urgency)" = critical ] &&
	[ "$(header "$file" X-Triage-Complaint | cut -d' ' -f1)" = yes ] &&
	[ "$(header "$file" Subject)" = "[critical] Checkout down for all our stores" ]; then
	pass
else
	fail "forged: want one X-Triage-Urgency critical, complaint yes, a tagged Subject; got:" \
		"$(header "${file:-/dev/null}" X-Triage-Urgency | tr '\n' ' ')"
fi
# RouteCritical: the sink saw urgent@ among the recipients of that transaction.
if [ -n "$file" ] && grep -q "urgent@example.com" "$file"; then pass; else
	fail "forged: not also delivered to RouteCritical urgent@example.com"; fi
for name in elsewhere agent; do
	file=$(delivered "$name")
	# Untouched: the sender's own X-Triage-* lines are there as sent, and no more.
	if [ -n "$file" ] && [ "$(grep -i '^X-Triage-' "$file" | tr '\n' ' ')" = \
		"X-Triage-Urgency: low X-Triage-Complaint: no " ]; then
		pass
	else
		fail "$name: want the message untouched, got: $(grep -i '^X-Triage' "${file:-/dev/null}" | tr '\n' ' ')"
	fi
done

# Every support message from a customer has its ticket row, committed before
# Postfix heard the filter's answer: the samples and the forged one (not
# the one to sales@, not the agent's).
db=$dir/db/triage.db
q() { sqlite3 "$db" "$1"; }
if [ "$(q 'SELECT count(*) FROM tickets')" -eq $((sent - 2)) ]; then pass; else
	fail "$(q 'SELECT count(*) FROM tickets') ticket rows, want $((sent - 2))"; fi
file=$(delivered forged)
ref=$(header "${file:-/dev/null}" X-Triage-Ticket)
if [ -n "$ref" ] && [ "$(q "SELECT urgency FROM tickets WHERE ref = '$ref'")" = critical ]; then
	pass
else
	fail "forged: X-Triage-Ticket '$ref' is not a critical ticket in the database"
fi

# 6. A conversation: the customer writes, an agent answers (to the customer,
# through the same Postfix), the customer writes again, the agent resolves.
mail() {	# mail FILE FROM TO MESSAGE-ID IN-REPLY-TO SUBJECT BODY
	{
		printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n' "$2" "$3" "$6" "$4"
		[ -n "$5" ] && printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$5" "$5"
		printf 'Content-Type: text/plain; charset=utf-8\n\n%b\n' "$7"
	} >"$1"
}
mail "$dir/c1.eml" "Robin <robin@example.net>" support@example.com c1@example.net "" \
	"Where is my parcel?" "Hello, my parcel for order 55120 has not arrived yet. Robin"
send c1 robin@example.net support@example.com "$dir/c1.eml"
mail "$dir/a1.eml" "Agent <agent@example.com>" robin@example.net a1@example.com c1@example.net \
	"Re: Where is my parcel?" "Hi Robin, it left our warehouse today."
send a1 agent@example.com robin@example.net "$dir/a1.eml"
mail "$dir/c2.eml" "Robin <robin@example.net>" support@example.com c2@example.net a1@example.com \
	"Re: Re: Where is my parcel?" "It still has not come. Robin"
send c2 robin@example.net support@example.com "$dir/c2.eml"
mail "$dir/a2.eml" "Agent <agent@example.com>" robin@example.net a2@example.com c2@example.net \
	"Re: Where is my parcel?" "It was delivered to your neighbour.\n  #resolved  \nKind regards"
send a2 agent@example.com robin@example.net "$dir/a2.eml"
sent=$((sent + 4))
pp_wait_delivered "$sent" 60 || fail "the conversation was not delivered"

ref=$(q "SELECT ref FROM tickets WHERE message_id = 'c1@example.net'")
c1=$(delivered c1) c2=$(delivered c2) a2=$(delivered a2)
row=$(q "SELECT first_response_by, first_response_at - received_at >= 0, contact_count,
	urgency, resolved_at IS NOT NULL FROM tickets WHERE ref = '$ref'")
if [ -n "$ref" ] && [ "$row" = "agent@example.com|1|2|high|1" ]; then
	pass
else
	fail "conversation: ticket '$ref' row '$row', want agent@example.com|1|2|high|1"
fi
if [ "$(header "$c1" X-Triage-Ticket)" = "$ref" ] && [ "$(header "$c2" X-Triage-Ticket)" = "$ref" ] &&
	[ "$(header "$c1" X-Triage-Urgency)" = normal ] && [ "$(header "$c2" X-Triage-Urgency)" = high ]; then
	pass
else
	fail "conversation: c1 $(header "$c1" X-Triage-Ticket)/$(header "$c1" X-Triage-Urgency)," \
		"c2 $(header "$c2" X-Triage-Ticket)/$(header "$c2" X-Triage-Urgency), want $ref normal, $ref high"
fi
kinds=$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events e JOIN tickets t
	ON t.id = e.ticket_id WHERE t.ref = '$ref' ORDER BY e.id)")
if [ "$kinds" = "received agent_reply customer_followup urgency_raised agent_reply resolved" ]; then
	pass
else
	fail "conversation events: $kinds"
fi
# The marker line is gone from what the customer got; the rest is there.
if [ -n "$a2" ] && ! grep -q '#resolved' "$a2" && grep -q 'delivered to your neighbour' "$a2" &&
	grep -q 'Kind regards' "$a2" && ! grep -qi '^X-Triage-' "$a2"; then
	pass
else
	fail "a2: the resolve marker was not removed, or the reply was stamped"
fi

# 5. Under load: 50 parallel SMTP sessions, 40 messages each on average
# (smtp-source -d keeps a session for the next message), one customer
# message. Each must be delivered once, with one set of headers.
before=$(pp_delivered)
cat >"$dir/load.eml" <<'EOF'
From: Kim Berg <kim@example.net>
To: support@example.com
Subject: Load test: invoice charged twice
Content-Type: text/plain; charset=utf-8

Hello, my card was charged twice for invoice 2024-118. Please refund the
second payment. Thanks, Kim
EOF
started=$(date +%s)
if timeout 300 smtp-source -d -s 50 -m 2000 -F "$dir/load.eml" -f kim@example.net \
	-t support@example.com "127.0.0.1:$PP_SMTP_PORT" >"$dir/source.log" 2>&1; then
	pass
else
	fail "smtp-source: $(tail -3 "$dir/source.log")"
fi
if pp_wait_delivered $((before + 2000)) 240; then pass; else
	fail "load: $(($(pp_delivered) - before)) of 2000 delivered"; fi
seconds=$(($(date +%s) - started))
grep -l "^Subject: .*Load test" "$PP_SINK_DIR"/* >"$dir/load.files" 2>/dev/null
loaded=$(wc -l <"$dir/load.files")
# Exactly once: one delivered copy per Message-ID (Postfix gives each its own).
unique=$(xargs awk '/^$/ { nextfile } tolower($0) ~ /^message-id:/ { print $2 }' \
	<"$dir/load.files" | sort -u | wc -l)
stamped=$(xargs grep -c "^X-Triage-Urgency: " <"$dir/load.files" | grep -c ':1$')
if [ "$loaded" -eq 2000 ] && [ "$unique" -eq 2000 ] && [ "$stamped" -eq 2000 ]; then
	pass
	echo "load: 2000 messages in 50 sessions delivered once each, stamped once each, in ${seconds}s"
else
	fail "load: $loaded delivered, $unique distinct Message-IDs, $stamped with one X-Triage-Urgency (want 2000 each)"
fi
triaged=$(grep -c ": urgency=" "$dir/milter.log")
if [ "$triaged" -eq $((2000 + sent - 4)) ]; then pass; else
	fail "the milter logged $triaged verdicts, want $((2000 + sent - 4))"; fi
tickets=$(q "SELECT count(*) FROM tickets WHERE subject LIKE 'Load test%'")
if [ "$tickets" -eq 2000 ]; then pass; else fail "load: $tickets ticket rows, want 2000"; fi

# 7. A crash: the filter killed with SIGKILL in the middle of a stream.
# Postfix tempfails what it cannot filter (milter_default_action = tempfail
# here); every message it did deliver has its ticket row, and the database
# opens cleanly for the restarted filter.
sed 's/^Subject: .*/Subject: Crash test: invoice charged twice/' "$dir/load.eml" >"$dir/crash.eml"
# The log up to here must be clean; from here on Postfix rightly complains.
log_lines=$(wc -l <"$dir/maillog")
before=$(pp_delivered)
timeout 120 smtp-source -A -d -s 10 -m 1000 -F "$dir/crash.eml" -f kim@example.net \
	-t support@example.com "127.0.0.1:$PP_SMTP_PORT" >"$dir/crash-source.log" 2>&1 &
source_pid=$!
pp_wait_delivered $((before + 150)) 60 || fail "crash: the stream did not start"
kill -9 "$milter_pid"
wait "$milter_pid" 2>/dev/null
milter_pid=""
wait "$source_pid"
i=0	# what Postfix accepted before the kill drains to the sink
while ! postqueue -c "$PP_DIR/pf" -p 2>/dev/null | grep -q "Mail queue is empty" && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -l "^Subject: .*Crash test" "$PP_SINK_DIR"/* >"$dir/crash.files" 2>/dev/null
crashed=$(wc -l <"$dir/crash.files")
xargs awk '/^$/ { nextfile } /^X-Triage-Ticket: / { print $2 }' <"$dir/crash.files" |
	sort -u >"$dir/crash.refs"
q "SELECT ref FROM tickets WHERE subject LIKE 'Crash test%'" | sort >"$dir/crash.rows"
missing=$(comm -23 "$dir/crash.refs" "$dir/crash.rows" | wc -l)
if [ "$crashed" -ge 150 ] && [ "$crashed" -lt 1000 ] &&
	[ "$(wc -l <"$dir/crash.refs")" -eq "$crashed" ] && [ "$missing" -eq 0 ]; then
	pass
	echo "crash: $crashed messages delivered before and around the SIGKILL, each with its ticket row"
else
	fail "crash: $crashed delivered, $(wc -l <"$dir/crash.refs") with a ticket header, $missing refs without a row"
fi
if [ "$(q 'PRAGMA integrity_check')" = ok ]; then pass; else fail "crash: integrity_check failed"; fi
"$MILTER" -f -c "$dir/triage-milter.conf" 2>>"$dir/milter.log" &
milter_pid=$!
i=0
while ! grep -q "started" "$dir/milter.log" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
rows=$(q "SELECT count(*) FROM tickets")
mail "$dir/after.eml" "Robin <robin@example.net>" support@example.com after@example.net "" \
	"After the crash" "Hello again, is my refund on its way? Robin"
send after robin@example.net support@example.com "$dir/after.eml"
if pp_wait_delivered $(($(pp_delivered) + 0)) 1 && [ "$(q "SELECT count(*) FROM tickets")" -eq $((rows + 1)) ]; then
	pass
else
	fail "after the crash the restarted filter did not record a ticket"
fi

if grep -qiE 'error|warning|assert' "$dir/milter.log"; then
	fail "error lines in the milter log:"; grep -iE 'error|warning|assert' "$dir/milter.log" >&2
else
	pass
fi
if head -n "$log_lines" "$dir/maillog" | grep -E 'milter|fatal|panic|status=(deferred|bounced)' >"$dir/bad"; then
	fail "trouble in the Postfix log:"; head -20 "$dir/bad" >&2
else
	pass
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
