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
# make distcheck runs the suite a third time: the end-to-end tests ran
# already in build/ and build-asan/ (scripts/test), so they skip there.
if [ "${TRIAGE_DISTCHECK_QUICK:-}" = 1 ]; then
	echo "SKIP: not repeated inside make distcheck (TRIAGE_DISTCHECK_QUICK=1)" >&2
	exit 77
fi
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

PP_MILTER="unix:$dir/milter.sock"
pp_init "$dir"
mkdir "$dir/db" && chown nobody "$dir/db"	# the filter's user writes the database
# Acknowledgements go back into the same Postfix, through the filter, as an
# installation's would (AckRelay smtp://127.0.0.1:25).
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
AckRelay smtp://127.0.0.1:$PP_SMTP_PORT
AckRetrySeconds 1
# 50 sessions on 2 cores under AddressSanitizer take longer than the
# default 200 ms budget; the budget has its own test (tests/milter).
ClassifyBudget 20000
CONF
"$MILTER" -f -c "$dir/triage-milter.conf" 2>"$dir/milter.log" &
milter_pid=$!
i=0
while [ ! -S "$dir/milter.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

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
# wait_named SECONDS NAME...: wait until a message with each X-Test-Id arrived.
wait_named() {
	limit=$(($1 * 10)); shift
	for name in "$@"; do
		while [ -z "$(delivered "$name")" ] && [ "$limit" -gt 0 ]; do
			sleep 0.1; limit=$((limit - 1))
		done
		[ -n "$(delivered "$name")" ] || return 1
	done
}
# count_subject TEXT: messages (not acknowledgements) whose Subject holds TEXT.
count_subject() {
	grep -L "^X-Triage-Ack: " "$PP_SINK_DIR"/* 2>/dev/null | xargs -r grep -l "^Subject: .*$1" | wc -l
}
# wait_subject COUNT SECONDS TEXT
wait_subject() {
	limit=$(($2 * 10)); i=0
	while [ "$(count_subject "$3")" -lt "$1" ] && [ $i -lt $limit ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(count_subject "$3")" -ge "$1" ]
}
# acks_to ADDRESS: the acknowledgements the sink got for ADDRESS, one file a line.
acks_to() {
	grep -l "^X-Triage-Ack: " "$PP_SINK_DIR"/* 2>/dev/null |
		xargs -r grep -l "^X-Rcpt-Args: <$1>"
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

names=$(for eml in "$srcdir"/tests/data/*.verdict.json; do basename "$eml" .verdict.json; done)
# shellcheck disable=SC2086
if wait_named 60 $names forged elsewhere agent; then pass; else fail "not every message was delivered"; fi

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
if [ -n "$ref" ] && [ "$(q "SELECT urgency FROM tickets WHERE ref = '$ref'")" = critical ] &&
	[ "$(q "SELECT count(*) FROM ticket_rules r JOIN tickets t ON t.id = r.ticket_id
		WHERE t.ref = '$ref' AND r.rule = 'EN_OUTAGE'")" -eq 1 ]; then
	pass
else
	fail "forged: X-Triage-Ticket '$ref' is not a critical ticket with EN_OUTAGE in the database"
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
wait_named 60 c1 a1 c2 a2 || fail "the conversation was not delivered"

ref=$(q "SELECT ref FROM tickets WHERE message_id = 'c1@example.net'")
# The ticket and the filter's log line carry Postfix's queue id for c1.
qid=$(grep "message-id=<c1@example.net>" "$dir/maillog" | head -1 | sed -E 's/.*: ([0-9A-F]+): message-id=.*/\1/')
if [ -n "$qid" ] && [ "$(q "SELECT queue_id FROM tickets WHERE ref = '$ref'")" = "$qid" ] &&
	grep -q "^triage-milter: $qid: urgency=" "$dir/milter.log"; then
	pass
else
	fail "c1: queue id '$qid' not in its ticket ($(q "SELECT queue_id FROM tickets WHERE ref = '$ref'")) or log line"
fi
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
# The acknowledgement goes out on its own thread: its event may fall anywhere.
kinds=$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events e JOIN tickets t
	ON t.id = e.ticket_id WHERE t.ref = '$ref' AND kind != 'acknowledged' ORDER BY e.id)")
want="received agent_reply customer_followup urgency_raised ack_suppressed agent_reply resolved"
if [ "$kinds" = "$want" ]; then pass; else fail "conversation events: $kinds; want $want"; fi
# The follow-up came within the dedupe window: no second acknowledgement.
if [ "$(q "SELECT detail FROM events e JOIN tickets t ON t.id = e.ticket_id
	WHERE t.ref = '$ref' AND kind = 'ack_suppressed'")" = dedupe ]; then pass; else
	fail "conversation: the follow-up's acknowledgement was not suppressed as dedupe"; fi

# 6b. The acknowledgement, as the customer got it: one, RFC 3834, threaded.
i=0
while [ -z "$(acks_to robin@example.net)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ack=$(acks_to robin@example.net)
if [ "$(echo "$ack" | grep -c .)" -eq 1 ] &&
	grep -q "^X-Mail-Args: <>" "$ack" &&
	[ "$(header "$ack" Auto-Submitted)" = auto-replied ] &&
	[ "$(header "$ack" X-Auto-Response-Suppress)" = All ] &&
	[ "$(header "$ack" In-Reply-To)" = "<c1@example.net>" ] &&
	[ "$(header "$ack" X-Triage-Ack)" = "$ref" ] &&
	[ "$(header "$ack" Subject)" = "Re: [$ref] Where is my parcel?" ] &&
	[ "$(header "$ack" Content-Language)" = en ] &&
	grep -q "$ref" "$(echo "$ack" | head -1)" && ! grep -q "^X-Triage-Urgency" "$ack"; then
	pass
else
	fail "robin's acknowledgement: $(echo "$ack" | grep -c .) of them;" \
		"$(head -40 "$(echo "$ack" | head -1)" 2>/dev/null | tr '\n' '|')"
fi
if [ "$(q "SELECT ack_state FROM tickets WHERE ref = '$ref'")" = sent ] &&
	[ "$(q "SELECT count(*) FROM events e JOIN tickets t ON t.id = e.ticket_id
		WHERE t.ref = '$ref' AND kind = 'acknowledged'")" -eq 1 ]; then
	pass
else
	fail "robin's ticket: ack_state $(q "SELECT ack_state FROM tickets WHERE ref = '$ref'")"
fi
# A reply to the acknowledgement joins the ticket (and reopens it).
ack_id=$(header "$ack" Message-ID | tr -d '<>')
mail "$dir/c3.eml" "Robin <robin@example.net>" support@example.com c3@example.net "$ack_id" \
	"Re: [$ref] Where is my parcel?" "One more thing: the box was open. Robin"
send c3 robin@example.net support@example.com "$dir/c3.eml"
sent=$((sent + 1))
wait_named 30 c3 || fail "c3 not delivered"
if [ "$(header "$(delivered c3)" X-Triage-Ticket)" = "$ref" ] &&
	[ "$(q "SELECT contact_count || ' ' || (resolved_at IS NULL) FROM tickets
		WHERE ref = '$ref'")" = "3 1" ]; then
	pass
else
	fail "a reply to the acknowledgement did not join $ref and reopen it"
fi
# An automatic message is never answered: the out-of-office sample's reason.
reason=$(q "SELECT detail FROM events e JOIN tickets t ON t.id = e.ticket_id
	WHERE t.message_id = (SELECT message_id FROM tickets WHERE subject LIKE 'Out of office%')
	AND kind = 'ack_suppressed'")
case "$reason" in
auto-submitted | list | precedence | x-auto-response-suppress) pass ;;
*) fail "the out-of-office sample was not suppressed for what it is: '$reason'" ;;
esac

# 6c. Two robots: our acknowledgement reaches an auto-responder that
# answers everything without marking its answers (no Auto-Submitted). Its
# answer threads onto the ticket as a follow-up and gets no second
# acknowledgement: one message each way, then silence.
mail "$dir/loop1.eml" "Bot <loop@example.net>" support@example.com loop1@example.net "" \
	"Order status" "What is the status of order 1234?"
send loop1 loop@example.net support@example.com "$dir/loop1.eml"
i=0
while [ -z "$(acks_to loop@example.net)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
loop_ack=$(acks_to loop@example.net | head -1)
mail "$dir/loop2.eml" "Bot <loop@example.net>" support@example.com loop2@example.net \
	"$(header "${loop_ack:-/dev/null}" Message-ID | tr -d '<>')" \
	"$(header "${loop_ack:-/dev/null}" Subject)" "Thank you for your message. We will reply shortly."
send loop2 loop@example.net support@example.com "$dir/loop2.eml"
sent=$((sent + 2))
wait_named 30 loop1 loop2 || fail "loop messages not delivered"
sleep 2	# time for a second acknowledgement, were one queued
if [ "$(acks_to loop@example.net | grep -c .)" -eq 1 ] &&
	[ "$(q "SELECT contact_count FROM tickets WHERE message_id = 'loop1@example.net'")" -eq 2 ]; then
	pass
else
	fail "auto-responder loop: $(acks_to loop@example.net | grep -c .) acknowledgements to loop@example.net"
fi
# The marker line is gone from what the customer got; the rest is there.
if [ -n "$a2" ] && ! grep -q '#resolved' "$a2" && grep -q 'delivered to your neighbour' "$a2" &&
	grep -q 'Kind regards' "$a2" && ! grep -qi '^X-Triage-' "$a2"; then
	pass
else
	fail "a2: the resolve marker was not removed, or the reply was stamped"
fi

# 6d. The relay is down: the acknowledgement waits in the outbox, is
# retried, and goes out once the relay is back; one, not several.
reloads() { grep -c "reloaded:" "$dir/milter.log"; }
dead=$(pp_pick_port $((PP_SINK_PORT + 1)))
cp "$dir/triage-milter.conf" "$dir/live.conf"
sed -i "s|^AckRelay .*|AckRelay smtp://127.0.0.1:$dead|" "$dir/triage-milter.conf"
n=$(reloads); kill -HUP "$milter_pid"
i=0; while [ "$(reloads)" -le "$n" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mail "$dir/down.eml" "Dee <dee@example.net>" support@example.com down1@example.net "" \
	"Login problem" "I cannot log in since this morning. Dee"
send down dee@example.net support@example.com "$dir/down.eml"
sent=$((sent + 1))
i=0
while [ "$(grep -c "to dee@example.net: attempt .* failed" "$dir/milter.log")" -lt 2 ] &&
	[ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
early=$(acks_to dee@example.net | grep -c .)
cp "$dir/live.conf" "$dir/triage-milter.conf"
n=$(reloads); kill -HUP "$milter_pid"
i=0
while [ -z "$(acks_to dee@example.net)" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
row=$(q "SELECT o.state, o.attempts >= 3 FROM outbox o JOIN tickets t ON t.id = o.ticket_id
	WHERE t.message_id = 'down1@example.net'")
if [ "$early" -eq 0 ] && [ "$(acks_to dee@example.net | grep -c .)" -eq 1 ] && [ "$row" = "sent|1" ]; then
	pass
else
	fail "relay down: $early early, $(acks_to dee@example.net | grep -c .) in all, outbox '$row'"
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
if wait_subject 2000 240 "Load test"; then pass; else
	fail "load: $(count_subject "Load test") of 2000 delivered"; fi
seconds=$(($(date +%s) - started))
grep -L "^X-Triage-Ack: " "$PP_SINK_DIR"/* 2>/dev/null | xargs grep -l "^Subject: .*Load test" >"$dir/load.files"
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
wait_subject 150 60 "Crash test" || fail "crash: the stream did not start"
kill -9 "$milter_pid"
wait "$milter_pid" 2>/dev/null
milter_pid=""
wait "$source_pid"
i=0	# what Postfix accepted before the kill drains to the sink
while ! postqueue -c "$PP_DIR/pf" -p 2>/dev/null | grep -q "Mail queue is empty" && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -L "^X-Triage-Ack: " "$PP_SINK_DIR"/* 2>/dev/null | xargs grep -l "^Subject: .*Crash test" >"$dir/crash.files"
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
# Ready when it logs a second "started" (the socket file of the killed one is still there).
"$MILTER" -f -c "$dir/triage-milter.conf" 2>>"$dir/milter.log" &
milter_pid=$!
i=0
while [ "$(grep -c "^triage-milter: started" "$dir/milter.log")" -lt 2 ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 0.5
rows=$(q "SELECT count(*) FROM tickets")
mail "$dir/after.eml" "Robin <robin@example.net>" support@example.com after@example.net "" \
	"After the crash" "Hello again, is my refund on its way? Robin"
send after robin@example.net support@example.com "$dir/after.eml"
if wait_named 30 after && [ "$(q "SELECT count(*) FROM tickets")" -eq $((rows + 1)) ]; then
	pass
else
	fail "after the crash the restarted filter did not record a ticket"
fi

# Never two acknowledgements of one ticket, across the reloads, the relay
# outage, the SIGKILL and the restart.
dups=$(grep -h "^X-Triage-Ack: " "$PP_SINK_DIR"/* 2>/dev/null | sort | uniq -d)
if [ -z "$dups" ]; then pass; else fail "acknowledged twice: $(echo "$dups" | tr '\n' ' ')"; fi

# The relay-down retries are warnings by design, and nothing else may be.
expected='to dee@example.net: attempt .* failed|reload: '
if grep -vE "$expected" "$dir/milter.log" | grep -qiE 'error|warning|assert'; then
	fail "error lines in the milter log:"
	grep -vE "$expected" "$dir/milter.log" | grep -iE 'error|warning|assert' >&2
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
