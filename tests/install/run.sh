#!/bin/bash
# tests/install/run.sh PREFIX - the README's "Installing" section, step by
# step, on an installation made with `make install` into PREFIX (scripts/test
# does that in build/prefix). Only the places differ: the socket, the
# database and the relay live in a temporary directory, the filter's user is
# nobody, and Postfix is a private instance on 127.0.0.1 instead of the
# system's. Needs root (Postfix, UserID). Prints "N passed, N failed".
set -u
prefix=${1:?usage: tests/install/run.sh PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
milter=$prefix/sbin/triage-milter triage=$prefix/bin/triage
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the install test needs root (a private Postfix, UserID)" >&2
	exit 77
fi
dir=$(mktemp -d /tmp/triage-install.XXXXXX)
chmod 755 "$dir"
pid=""
. "$here/../postfix/private-postfix.sh"
cleanup() {
	pp_stop
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# 1. What `make install` put in place.
for f in "$milter" "$triage" "$prefix/etc/triage-milter.conf" \
	"$prefix/share/triage-milter/rules/10-en.cf" "$prefix/share/triage-milter/triage.model" \
	"$prefix/share/triage-milter/templates/sv/personal.txt" \
	"$prefix/share/triage-milter/contrib/triage-milter.service" \
	"$prefix/share/man/man8/triage-milter.8" "$prefix/share/man/man5/triage-milter.conf.5" \
	"$prefix/share/man/man1/triage.1" "$prefix/share/man/man5/triage-rules.5"; do
	[ -e "$f" ] || fail "not installed: $f"
done
[ "$failed" -eq 0 ] && pass
if grep -q "^ExecStart=$prefix/sbin/triage-milter -f -c $prefix/etc/triage-milter.conf" \
	"$prefix/share/triage-milter/contrib/triage-milter.service"; then pass; else
	fail "the systemd unit does not name this installation's paths"; fi

# 2. Edit the settings (README: Socket, Database, SupportAddresses), as the
# filter's user would have them.
PP_MILTER="unix:$dir/run/triage-milter.sock"
pp_init "$dir"
mkdir -p "$dir/run" "$dir/lib"
chown nobody:postfix "$dir/run" "$dir/lib"
conf=$dir/triage-milter.conf
sed -e "s|^Socket.*|Socket local:$dir/run/triage-milter.sock|" \
	-e "s|^Database.*|Database $dir/lib/triage.db|" \
	-e "s|^SupportAddresses.*|SupportAddresses support@example.com|" \
	-e "s|^# UserID.*|UserID nobody:postfix|" \
	"$prefix/etc/triage-milter.conf" >"$conf"
cat >>"$conf" <<CONF
PidFile $dir/run/triage-milter.pid
AckRelay smtp://127.0.0.1:$PP_SMTP_PORT
Syslog no
CONF

# 3. triage-milter -n: the settings check, with the installed rules and model.
if "$milter" -n -c "$conf" >"$dir/n.out" 2>&1 &&
	grep -q "rules from $prefix/share/triage-milter/rules; model $prefix/share/triage-milter/triage.model" \
		"$dir/n.out"; then
	pass
else
	fail "triage-milter -n:"; cat "$dir/n.out" >&2
fi

# 4. Start it as a daemon (root, dropping to UserID), point Postfix at it.
"$milter" -c "$conf" 2>"$dir/start.log"
for _ in $(seq 100); do [ -s "$dir/run/triage-milter.pid" ] && [ -S "$dir/run/triage-milter.sock" ] && break; sleep 0.1; done
pid=$(cat "$dir/run/triage-milter.pid" 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
	[ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = "$(id -u nobody)" ]; then
	pass
else
	fail "the daemon did not start as nobody: $(cat "$dir/start.log")"
fi
pp_start || fail "Postfix did not start"

# 5. A customer's message: stamped, recorded, acknowledged from the installed templates.
cat >"$dir/msg.eml" <<'EOF'
From: Lena Berg <lena@example.net>
To: support@example.com
Subject: Var är mitt paket?
Message-ID: <install-1@example.net>
Content-Type: text/plain; charset=utf-8

Hej! Jag beställde en lampa för två veckor sedan (order 55120) och den har
fortfarande inte kommit. Kan ni kolla vad som hänt? Tack, Lena
EOF
swaks --server "127.0.0.1:$PP_SMTP_PORT" --from lena@example.net --to support@example.com \
	--data "$dir/msg.eml" >"$dir/swaks.log" 2>&1 || fail "swaks: $(tail -3 "$dir/swaks.log")"
for _ in $(seq 100); do [ "$(pp_delivered)" -ge 2 ] && break; sleep 0.1; done
msg=$(grep -L "^X-Triage-Ack:" "$PP_SINK_DIR"/* 2>/dev/null | head -1)
ack=$(grep -l "^X-Triage-Ack:" "$PP_SINK_DIR"/* 2>/dev/null | head -1)
if [ -n "$msg" ] && grep -q "^X-Triage-Language: sv" "$msg" && grep -q "^X-Triage-Ticket: T-000001" "$msg"; then
	pass
else
	fail "the customer's message was not stamped"
fi
if [ -n "$ack" ] && grep -q "^Content-Language: sv" "$ack" && grep -q "^X-Rcpt-Args: <lena@example.net>" "$ack"; then
	pass
else
	fail "no Swedish acknowledgement to lena@example.net"
fi

# 6. The supervisor's side: the installed triage finds the database through -c.
if "$triage" resolve -c "$conf" --by ann T-000001 >"$dir/resolve.out" 2>&1 &&
	grep -q "T-000001 resolved" "$dir/resolve.out"; then
	pass
else
	fail "triage resolve -c: $(cat "$dir/resolve.out")"
fi

# 7. The manual pages render.
for page in "$prefix/share/man/man8/triage-milter.8" "$prefix/share/man/man5/triage-milter.conf.5" \
	"$prefix/share/man/man1/triage.1"; do
	groff -man -Tutf8 -ww "$page" >/dev/null 2>"$dir/groff.err" && [ ! -s "$dir/groff.err" ] ||
		fail "$page: $(cat "$dir/groff.err")"
done
[ "$failed" -eq 0 ] && pass

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
