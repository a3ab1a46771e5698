#!/bin/bash
# tests/sendmail/run.sh - triage-milter end to end through a real Sendmail.
#
# The Sendmail counterpart of tests/postfix/run.sh. Sendmail cannot be
# installed beside Postfix (sendmail-bin conflicts with postfix), so the
# Debian packages are fetched with `apt-get download` (cached between runs,
# see SENDMAIL_DEB_CACHE) and unpacked with `dpkg -x` into a temporary
# directory; its .cf is built with m4 from tests/sendmail/test.mc.in, which
# holds README.md's INPUT_MAIL_FILTER line. That Sendmail runs as a daemon
# on 127.0.0.1 (its own queue, hosts file and host name, in private UTS and
# mount namespaces) and relays everything to a smtp-sink that saves each
# message; the built triage-milter listens on a unix socket beside it and
# submits its acknowledgements to that same daemon (AckRelay
# smtp://127.0.0.1:PORT), as an installation would. Checked:
#
#   - the tests/data samples arrive stamped as their golden verdicts say;
#   - a customer's message is a ticket row with Sendmail's queue id, and its
#     acknowledgement reaches the sink sent from the null reverse-path to
#     the envelope sender, threaded with In-Reply-To;
#   - list mail (List-Id), submitted with `sendmail -bs`, is not answered,
#     and its ack_suppressed event says why;
#   - an agent's reply is delivered untouched and is the ticket's first
#     response;
#   - the filter stopped: with F=T Sendmail answers 451, over SMTP and on
#     the command line, and the message is neither delivered nor queued.
#
# Needs root, network access once (or a filled cache), swaks, smtp-sink, jq,
# sqlite3, m4, unshare; otherwise skips (exit 77). Talks only to 127.0.0.1,
# stops only what it started, by PID, bounded in time. Prints "N passed,
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

skip() {
	echo "SKIP: $*" >&2
	exit 77
}
for tool in apt-get dpkg-deb m4 unshare mount hostname timeout swaks smtp-sink jq sqlite3; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip "$tool is not installed (scripts/install-deps installs what this test needs)"
done
[ "$(id -u)" -eq 0 ] || skip "a private Sendmail needs root"

# Every daemon this test starts runs under `timeout $LIFETIME`: should the
# test itself be killed, nothing it started outlives it by more than this.
LIFETIME=110
dir=$(mktemp -d /tmp/triage-sendmail.XXXXXX)
chmod 755 "$dir"	# the filter, as nobody, and smtp-sink reach their files here
root=$dir/root		# the unpacked packages
mta=$dir/mta		# the Sendmail configuration, hosts file, PID file
sink_pid="" milter_pid="" mta_pid=""

# stop PID: TERM, wait up to 10 s (libmilter takes ~5 s), then KILL.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	stop "$mta_pid"
	stop "$milter_pid"
	stop "$sink_pid"
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# --- Sendmail, unpacked -------------------------------------------------------
# The .deb files are kept between runs (outside the build tree, so that
# distcheck's distclean check is not upset); SENDMAIL_DEB_CACHE overrides.
PKGS="sendmail-bin sendmail-cf sendmail-base libwrap0"
cache=${SENDMAIL_DEB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/triage-milter/sendmail-debs}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache=$dir/debs
mkdir -p "$cache"
# cached PKG: the newest cached .deb of PKG, if any.
cached() {
	find "$cache" -maxdepth 1 -name "$1_*.deb" 2>/dev/null | sort -V | tail -1
}
have_all=true
for p in $PKGS; do [ -n "$(cached "$p")" ] || have_all=false; done
if ! $have_all; then
	# shellcheck disable=SC2086
	if ! (cd "$cache" && timeout 120 apt-get download -q -o APT::Sandbox::User=root $PKGS) \
		>"$dir/download.log" 2>&1; then
		tail -3 "$dir/download.log" >&2
		skip "cannot download $PKGS with apt-get (no network, or no package lists: apt-get update)"
	fi
fi
for p in $PKGS; do
	deb=$(cached "$p")
	if [ -z "$deb" ] || ! timeout 60 dpkg-deb -x "$deb" "$root" 2>"$dir/unpack.log"; then
		fail "cannot unpack $p ($deb): $(cat "$dir/unpack.log")"
		rm -f "$deb"	# a damaged download is fetched again next time
		finish
	fi
done
SENDMAIL=$root/usr/libexec/sendmail/sendmail
# Not setgid: the loader ignores LD_LIBRARY_PATH for setgid binaries, and
# libwrap.so.0 is only in the private root.
chmod g-s "$SENDMAIL"
libdir=$(dirname "$(find "$root/usr/lib" -name 'libwrap.so.0' | head -1)")

# --- ports, configuration ---------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
	p=$1
	while ! port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}
# Away from the Postfix test's ports (30000 + PID % 20000), which may run at once.
SMTP_PORT=$(pick_port $((20000 + $$ % 9000)))
SINK_PORT=$(pick_port $((SMTP_PORT + 1)))
SOCKET=$dir/milter.sock
mkdir -p "$mta" "$dir/queue" "$dir/sink" "$dir/db"
chmod 700 "$dir/queue"
chown nobody "$dir/sink" "$dir/db"	# smtp-sink and the filter run as nobody

# Sendmail sleeps 60 s when its host name is not fully qualified, and asks
# DNS about it when /etc/hosts does not know it: it runs in its own UTS and
# mount namespaces, with host name mta.test and this hosts file over
# /etc/hosts (IPv6 too, or the AAAA query goes out).
printf '127.0.0.1\tmta.test localhost\n::1\tmta.test localhost\n' >"$mta/hosts"
# Sendmail's own host lookups: the file above, never DNS.
printf 'hosts\tfiles\naliases\tfiles\n' >"$mta/service.switch"
cat >"$dir/sendmail" <<EOF
#!/bin/sh
# The private Sendmail: sendmail -C $mta/test.cf ARGS...
export LD_LIBRARY_PATH='$libdir'
exec unshare -mu sh -c 'mount --bind "\$0" /etc/hosts && hostname mta.test && exec "\$@"' \\
	'$mta/hosts' '$SENDMAIL' -C '$mta/test.cf' "\$@"
EOF
chmod 755 "$dir/sendmail"
# shellcheck disable=SC2016 # $0 is for the inner sh
if ! timeout 10 unshare -mu sh -c 'mount --bind "$0" /etc/hosts && hostname mta.test' "$mta/hosts" \
	>"$dir/unshare.log" 2>&1; then
	skip "cannot give Sendmail its own host name and hosts file (unshare -mu: $(head -1 "$dir/unshare.log"))"
fi

sed -e "s|@DIR@|$dir|g" -e "s|@SMTP_PORT@|$SMTP_PORT|g" -e "s|@SINK_PORT@|$SINK_PORT|g" \
	-e "s|@SOCKET@|$SOCKET|g" "$TESTS_SRCDIR/sendmail/test.mc.in" >"$mta/test.mc"
if timeout 30 m4 "$root/usr/share/sendmail/cf/m4/cf.m4" "$mta/test.mc" >"$mta/test.cf" 2>"$dir/m4.log" &&
	grep -qxF "Xtriage, S=local:$SOCKET, F=T, T=S:10s;R:10s;E:30s" "$mta/test.cf" &&
	grep -qxF "O QueueDirectory=$dir/queue" "$mta/test.cf" &&
	grep -qxF "O DaemonPortOptions=Port=$SMTP_PORT, Addr=127.0.0.1, Name=MTA" "$mta/test.cf"; then
	pass
else
	fail "m4 did not make the expected test.cf: $(head -3 "$dir/m4.log")"
	finish
fi

cat >"$dir/triage-milter.conf" <<CONF
Socket local:$SOCKET
UMask 007
UserID nobody
Syslog no
Database $dir/db/triage.db
SupportAddresses support@example.com
AgentAddresses agent@example.com
AckRelay smtp://127.0.0.1:$SMTP_PORT
AckRetrySeconds 1
CONF

# start_milter: start the filter and wait until it listens (a socket file
# left from the last run does not count: its "started" line does).
start_milter() {
	# The log exists before the filter starts: the background job opens it
	# after the fork, and the wait below must not race that.
	: >>"$dir/milter.log"
	n=$(grep -c '^triage-milter: started' "$dir/milter.log")
	timeout "$LIFETIME" "$MILTER" -f -c "$dir/triage-milter.conf" 2>>"$dir/milter.log" &
	milter_pid=$!
	i=0
	# Loading the rules and the model takes a while on a loaded machine.
	while [ "$(grep -c '^triage-milter: started' "$dir/milter.log")" -le "${n:-0}" ] &&
		kill -0 "$milter_pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$SOCKET" ] && [ "$(grep -c '^triage-milter: started' "$dir/milter.log")" -gt "${n:-0}" ]
}
timeout "$LIFETIME" smtp-sink -u nobody -d "$dir/sink/%H%M%S." "127.0.0.1:$SINK_PORT" 256 \
	>"$dir/sink.log" 2>&1 &
sink_pid=$!
t0=$(date +%s)
start_milter || { fail "triage-milter did not start in 30 s: $(tail -3 "$dir/milter.log")"; finish; }
echo "triage-milter started in $(($(date +%s) - t0)) s"

started=$(date +%s)
# -bD: a daemon that stays in the foreground, so the PID in $! (timeout's,
# which passes the TERM on to it: unshare and sh exec) ends with it.
# DeliveryMode=i: each message is at the sink before the client gets 250.
timeout "$LIFETIME" "$dir/sendmail" -bD -ODeliveryMode=i >"$dir/sendmail.log" 2>&1 &
mta_pid=$!
i=0
while port_free "$SMTP_PORT" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if ! port_free "$SMTP_PORT" && [ $(($(date +%s) - started)) -lt 10 ]; then
	pass
else
	fail "Sendmail did not listen on 127.0.0.1:$SMTP_PORT within 10 s: $(head -3 "$dir/sendmail.log")"
	finish
fi

# --- helpers ------------------------------------------------------------------
# send NAME FROM RCPT FILE: one SMTP session with the daemon; the delivered
# copy is found by its X-Test-Id header; $dir/swaks.NAME.log is the session.
send() {
	if ! timeout 30 swaks --server "127.0.0.1:$SMTP_PORT" --from "$2" --to "$3" --data "@$4" \
		--add-header "X-Test-Id: $1" >"$dir/swaks.$1.log" 2>&1; then
		fail "$1: not accepted: $(grep -E '^<\*\*|^\*\*\*' "$dir/swaks.$1.log" | head -3)"
	fi
}
# queue_id NAME: Sendmail's queue id from the 250 that accepted NAME.
queue_id() {
	sed -n 's/^<-  250 2\.0\.0 \([^ ]*\) Message accepted.*/\1/p' "$dir/swaks.$1.log" | head -1
}
delivered() {
	grep -l "^X-Test-Id: $1\$" "$dir"/sink/* 2>/dev/null | head -1
}
wait_named() {	# wait_named SECONDS NAME...
	limit=$(($1 * 10)); shift
	for name in "$@"; do
		while [ -z "$(delivered "$name")" ] && [ "$limit" -gt 0 ]; do
			sleep 0.1; limit=$((limit - 1))
		done
		[ -n "$(delivered "$name")" ] || return 1
	done
}
# acks_to ADDRESS: the acknowledgements the sink got for ADDRESS, one file a line.
acks_to() {
	grep -l "^X-Triage-Ack: " "$dir"/sink/* 2>/dev/null | xargs -r grep -l "^X-Rcpt-Args: <$1>"
}
wait_ack() {	# wait_ack SECONDS ADDRESS
	i=0
	while [ -z "$(acks_to "$2")" ] && [ $i -lt $(($1 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$(acks_to "$2")" ]
}
header() {	# header FILE NAME: the values of header NAME, unfolded, one a line
	awk -v name="$2" 'BEGIN { IGNORECASE = 1 }
		/^$/ { exit }
		/^[ \t]/ { if (keep) v = v " " substr($0, 2); next }
		{ if (keep) print v; keep = 0 }
		tolower($0) ~ "^" tolower(name) ":" { v = $0; sub(/^[^:]*: ?/, "", v); keep = 1 }
		END { if (keep) print v }' "$1"
}
q() { timeout 10 sqlite3 "$dir/db/triage.db" "$1"; }
mail() {	# mail FILE FROM TO MESSAGE-ID IN-REPLY-TO SUBJECT BODY [HEADER]
	{
		printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n' "$2" "$3" "$6" "$4"
		[ -n "$5" ] && printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$5" "$5"
		[ -n "${8:-}" ] && printf '%s\n' "$8"
		printf 'Content-Type: text/plain; charset=utf-8\n\n%b\n' "$7"
	} >"$1"
}

# --- 1. the samples, stamped as their golden verdicts say -----------------------
names=""
for verdict in "$srcdir"/tests/data/*.verdict.json; do
	name=$(basename "$verdict" .verdict.json)
	send "$name" customer@example.net support@example.com "$srcdir/tests/data/$name.eml"
	names="$names $name"
done
# shellcheck disable=SC2086
wait_named 30 $names || fail "not every sample was delivered"
for name in $names; do
	verdict=$srcdir/tests/data/$name.verdict.json
	file=$(delivered "$name")
	if [ -z "$file" ]; then fail "$name: not delivered"; continue; fi
	ok=true
	# One jq a file: the golden urgency, personality, topic, language, complaint.
	# shellcheck disable=SC2046 # five words
	set -- $(timeout 10 jq -r '[.urgency, .personality, .topic, .language,
		(if .complaint then "yes" else "no" end)] | join(" ")' "$verdict")
	for field in urgency personality topic language complaint; do
		want=${1:-?}; shift
		got=$(header "$file" "X-Triage-$field" | cut -d' ' -f1)
		[ "$got" = "$want" ] || { ok=false; fail "$name: X-Triage-$field '$got', golden '$want'"; }
	done
	[ "$(header "$file" X-Triage-Urgency | wc -l)" -eq 1 ] ||
		{ ok=false; fail "$name: not exactly one X-Triage-Urgency"; }
	$ok && pass
done

# --- 2. a customer's message: the ticket row and the acknowledgement ------------
# The envelope sender differs from the From: the acknowledgement goes to the
# envelope sender (RFC 3834).
mail "$dir/c1.eml" "Robin <robin@example.net>" support@example.com c1@example.net "" \
	"Where is my parcel?" "Hello, my parcel for order 55120 has not arrived yet. Robin"
send c1 robin.lee@example.net support@example.com "$dir/c1.eml"
wait_named 30 c1 || fail "c1 was not delivered"
c1=$(delivered c1)
ref=$(header "${c1:-/dev/null}" X-Triage-Ticket)
qid=$(queue_id c1)
row=$(q "SELECT message_id, queue_id, customer_address, subject, language, urgency
	FROM tickets WHERE ref = '$ref'")
if [ -n "$ref" ] && [ -n "$qid" ] &&
	[ "$row" = "c1@example.net|$qid|robin@example.net|Where is my parcel?|en|normal" ] &&
	[ "$(header "$c1" X-Triage-Urgency)" = normal ]; then
	pass
else
	fail "c1: ticket '$ref' row '$row', want c1@example.net|$qid|robin@example.net|Where is my parcel?|en|normal"
fi
if grep -q "^triage-milter: $qid: urgency=" "$dir/milter.log"; then pass; else
	fail "c1: no log line with Sendmail's queue id $qid: $(grep ': urgency=' "$dir/milter.log" | tail -1)"; fi
wait_ack 15 robin.lee@example.net
ack=$(acks_to robin.lee@example.net)
if [ "$(echo "$ack" | grep -c .)" -eq 1 ] &&
	grep -q "^X-Mail-Args: <>\$" "$ack" &&
	[ "$(header "$ack" To)" = robin.lee@example.net ] &&
	[ "$(header "$ack" In-Reply-To)" = "<c1@example.net>" ] &&
	[ "$(header "$ack" References)" = "<c1@example.net>" ] &&
	[ "$(header "$ack" X-Triage-Ack)" = "$ref" ] &&
	[ "$(header "$ack" Auto-Submitted)" = auto-replied ] &&
	[ "$(header "$ack" Subject)" = "Re: [$ref] Where is my parcel?" ] &&
	! grep -qi "^X-Triage-Urgency" "$ack"; then
	pass
else
	fail "c1's acknowledgement: $(echo "$ack" | grep -c .) of them;" \
		"$(head -30 "$(echo "$ack" | head -1)" 2>/dev/null | tr '\n' '|')"
fi
i=0	# the sender thread marks it sent after the relay's 250
while [ "$(q "SELECT ack_state FROM tickets WHERE ref = '$ref'")" != sent ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
if [ "$(q "SELECT ack_state FROM tickets WHERE ref = '$ref'")" = sent ] &&
	[ "$(q "SELECT count(*) FROM events e JOIN tickets t ON t.id = e.ticket_id
		WHERE t.ref = '$ref' AND kind = 'acknowledged'")" -eq 1 ]; then
	pass
else
	fail "c1: ack_state '$(q "SELECT ack_state FROM tickets WHERE ref = '$ref'")', want sent with one acknowledged event"
fi

# --- 3. list mail, through `sendmail -bs`: stamped, a ticket, not answered -------
mail "$dir/list.eml" "Lena <lena@example.org>" support@example.com list1@example.org "" \
	"Checkout broken again" "Since the update the checkout page shows an error. Lena" \
	"List-Id: Shop users <users.lists.example.org>"
if timeout 30 swaks --pipe "$dir/sendmail -bs -odi" --from lena@example.org --to support@example.com \
	--data "@$dir/list.eml" --add-header "X-Test-Id: list" >"$dir/swaks.list.log" 2>&1; then
	pass
else
	fail "list: sendmail -bs did not accept it: $(grep -E '^<\*\*|^\*\*\*' "$dir/swaks.list.log" | head -3)"
fi
wait_named 30 list || fail "list: not delivered"
reason=$(q "SELECT e.detail FROM events e JOIN tickets t ON t.id = e.ticket_id
	WHERE t.message_id = 'list1@example.org' AND e.kind = 'ack_suppressed'")
if [ -n "$(header "$(delivered list)" X-Triage-Ticket)" ] && [ "$reason" = list ]; then pass; else
	fail "list: ticket '$(header "$(delivered list)" X-Triage-Ticket)', ack_suppressed '$reason' (want list)"; fi

# --- 4. the agent answers the customer: untouched, the first response -----------
mail "$dir/a1.eml" "Agent <agent@example.com>" robin@example.net a1@example.com c1@example.net \
	"Re: Where is my parcel?" "Hi Robin, it left our warehouse today. Kind regards"
send a1 agent@example.com robin@example.net "$dir/a1.eml"
wait_named 30 a1 || fail "a1 was not delivered"
a1=$(delivered a1)
if [ -n "$a1" ] && ! grep -qi '^X-Triage-' "$a1" && grep -q 'left our warehouse' "$a1"; then pass; else
	fail "a1: the agent's reply was not delivered untouched"; fi
row=$(q "SELECT first_response_by, first_response_at >= received_at,
	first_response_at - received_at < 60, contact_count FROM tickets WHERE ref = '$ref'")
events=$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events e JOIN tickets t
	ON t.id = e.ticket_id WHERE t.ref = '$ref' AND kind != 'acknowledged' ORDER BY e.id)")
if [ "$row" = "agent@example.com|1|1|1" ] && [ "$events" = "received agent_reply" ]; then pass; else
	fail "a1: ticket $ref row '$row' events '$events', want agent@example.com|1|1|1, received agent_reply"; fi

# Every support message from a customer is a ticket; the agent's reply is not.
samples=$(echo "$names" | wc -w)
tickets=$(q "SELECT count(*) FROM tickets")
if [ "$tickets" -eq $((samples + 2)) ]; then pass; else fail "$tickets tickets, want $((samples + 2))"; fi

# Now quiet: no acknowledgement to the list's sender has come meanwhile, and
# the one to c1's sender came once.
sleep 1
if [ -z "$(acks_to lena@example.org)" ] && [ "$(acks_to robin.lee@example.net | grep -c .)" -eq 1 ]; then
	pass
else
	fail "acknowledgements: $(acks_to lena@example.org | grep -c .) to the list's sender," \
		"$(acks_to robin.lee@example.net | grep -c .) to c1's"
fi

# --- 5. the filter stopped: F=T tempfails, nothing is lost ---------------------
stop "$milter_pid"
milter_pid=""
mail "$dir/down.eml" "Dee <dee@example.net>" support@example.com down1@example.net "" \
	"Login problem" "I cannot log in since this morning. Dee"
timeout 30 swaks --server "127.0.0.1:$SMTP_PORT" --from dee@example.net --to support@example.com \
	--data "@$dir/down.eml" --add-header "X-Test-Id: down-smtp" >"$dir/swaks.down-smtp.log" 2>&1
smtp_rc=$?
timeout 30 swaks --pipe "$dir/sendmail -bs -odi" --from dee@example.net --to support@example.com \
	--data "@$dir/down.eml" --add-header "X-Test-Id: down-bs" >"$dir/swaks.down-bs.log" 2>&1
bs_rc=$?
sleep 1	# were either accepted, it would be at the sink by now (DeliveryMode=i)
for name in down-smtp down-bs; do
	rc=$smtp_rc; [ $name = down-bs ] && rc=$bs_rc
	reply=$(grep -E '^<\*\* +[0-9]{3}' "$dir/swaks.$name.log" | head -1)
	if [ "$rc" -ne 0 ] && echo "$reply" | grep -qE '^<\*\* +451 ' &&
		! grep -qE '^<\*\* +5[0-9][0-9] |^<-  250 2\.0\.0 .*accepted' "$dir/swaks.$name.log" &&
		[ -z "$(delivered $name)" ]; then
		pass
	else
		fail "$name: with the filter down want 451 and nothing delivered; swaks exit $rc," \
			"'$reply', delivered '$(delivered $name)'"
	fi
done
if [ -z "$(find "$dir/queue" -type f -name 'qf*')" ]; then pass; else
	fail "with the filter down Sendmail queued: $(ls "$dir/queue")"; fi
if [ "$(q "SELECT count(*) FROM tickets WHERE message_id = 'down1@example.net'")" -eq 0 ]; then pass; else
	fail "a ticket for a message that was tempfailed"; fi

# --- 6. the filter back: mail flows again --------------------------------------
if start_milter; then
	send up dee@example.net support@example.com "$dir/down.eml"
	if wait_named 30 up && [ -n "$(header "$(delivered up)" X-Triage-Ticket)" ]; then pass; else
		fail "after the restart the message was not delivered stamped"; fi
else
	fail "triage-milter did not restart: $(tail -3 "$dir/milter.log")"
fi

# Logs: no errors from the filter, nothing from the Sendmail daemon.
if grep -iE 'error|warning|assert' "$dir/milter.log" >"$dir/bad"; then
	fail "error lines in the milter log:"; head -10 "$dir/bad" >&2
else
	pass
fi
if [ -s "$dir/sendmail.log" ]; then
	fail "Sendmail said: $(head -5 "$dir/sendmail.log")"
else
	pass
fi
echo "sendmail: $(q 'SELECT count(*) FROM tickets') tickets, $(find "$dir/sink" -type f | wc -l) messages at the sink, $(($(date +%s) - started)) s after the daemons started"
finish
