# tests/postfix/private-postfix.sh - a private Postfix instance on 127.0.0.1,
# sourced (by bash: it uses /dev/tcp) by tests/postfix/run.sh and scripts/demo.
#
# Everything lives under one directory: its own config_directory, queue,
# log file (postlogd, no syslog needed) and a smtp-sink that saves each
# delivered message as a file. Postfix must run as root; the instance
# listens only on 127.0.0.1 and relays everything to the sink, so no mail
# leaves the machine. Facts this relies on are in shared/TESTING.md.
#
#   pp_init DIR          choose ports, write DIR/pf/{main,master}.cf
#   pp_listener VAR MILTER  add a 127.0.0.1 smtpd with that smtpd_milters; port in VAR
#   pp_start             start the sink and Postfix
#   pp_stop              stop both (by PID) and wait until they are gone
#   pp_wait_delivered N SECONDS   wait until the sink holds N messages
#
# After pp_init: PP_DIR, PP_SMTP_PORT (with the milter), PP_PLAIN_PORT
# (without: a baseline), PP_SINK_PORT, PP_SINK_DIR, PP_MILTER (the
# smtpd_milters value, set before pp_init; default none).

# pp_port_free PORT: true when nothing listens on 127.0.0.1:PORT.
pp_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pp_pick_port START: prints the first free port from START on.
pp_pick_port() {
	p=$1
	while ! pp_port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}

pp_init() {
	PP_DIR=$1
	PP_SINK_DIR=$PP_DIR/sink
	mkdir -p "$PP_DIR/pf" "$PP_SINK_DIR" "$PP_DIR/spool" "$PP_DIR/data"
	chown postfix "$PP_DIR/data"
	# smtp-sink runs as nobody and must write here.
	chown nobody "$PP_SINK_DIR"
	base=$((30000 + $$ % 20000))
	PP_SMTP_PORT=$(pp_pick_port "$base")
	PP_PLAIN_PORT=$(pp_pick_port $((PP_SMTP_PORT + 1)))
	PP_SINK_PORT=$(pp_pick_port $((PP_PLAIN_PORT + 1)))
	PP_NEXT_PORT=$((PP_SINK_PORT + 1))
	: "${PP_MILTER:=}"
	cat >"$PP_DIR/pf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PP_DIR/spool
data_directory = $PP_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.test
mydomain = test
myorigin = \$myhostname
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost = [127.0.0.1]:$PP_SINK_PORT
smtp_dns_support_level = disabled
smtpd_relay_restrictions = permit_mynetworks, reject
in_flow_delay = 0
maillog_file = $PP_DIR/maillog
maillog_file_prefixes = $PP_DIR
milter_default_action = tempfail
milter_protocol = 6
non_smtpd_milters = $PP_MILTER
default_destination_concurrency_limit = 20
smtpd_client_connection_count_limit = 0
smtpd_client_message_rate_limit = 0
default_process_limit = 120
EOF
	# chroot n everywhere: a chrooted smtpd cannot see a milter socket
	# outside the spool (Debian's stock master.cf chroots it).
	cat >"$PP_DIR/pf/master.cf" <<EOF
127.0.0.1:$PP_SMTP_PORT inet n - n - - smtpd -o smtpd_milters=$PP_MILTER
127.0.0.1:$PP_PLAIN_PORT inet n - n - - smtpd -o smtpd_milters=
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
}

# pp_listener VAR MILTER: one more smtpd on 127.0.0.1 with its own
# smtpd_milters (after pp_init, before pp_start); its port goes into VAR.
pp_listener() {
	port=$(pp_pick_port "$PP_NEXT_PORT")
	PP_NEXT_PORT=$((port + 1))
	echo "127.0.0.1:$port inet n - n - - smtpd -o smtpd_milters=$2" >>"$PP_DIR/pf/master.cf"
	eval "$1=$port"
}

pp_start() {
	smtp-sink -u nobody -d "$PP_SINK_DIR/%H%M%S." "127.0.0.1:$PP_SINK_PORT" 256 \
		>"$PP_DIR/sink.log" 2>&1 &
	PP_SINK_PID=$!
	postfix -c "$PP_DIR/pf" check >"$PP_DIR/check.log" 2>&1
	if ! postfix -c "$PP_DIR/pf" start >"$PP_DIR/start.log" 2>&1; then
		cat "$PP_DIR/start.log" >&2
		return 1
	fi
	i=0
	while ! [ -s "$PP_DIR/spool/pid/master.pid" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	PP_MASTER_PID=$(tr -d ' ' <"$PP_DIR/spool/pid/master.pid" 2>/dev/null)
	# Ready when smtpd answers on the milter port.
	i=0
	while pp_port_free "$PP_SMTP_PORT" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$PP_MASTER_PID" ] && ! pp_port_free "$PP_SMTP_PORT"
}

pp_stop() {
	if [ -n "${PP_MASTER_PID:-}" ]; then
		postfix -c "$PP_DIR/pf" stop >/dev/null 2>&1
		# `postfix stop` returns before the master has gone; a live master
		# with its spool deleted breaks in confusing ways.
		i=0
		while kill -0 "$PP_MASTER_PID" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$PP_MASTER_PID" 2>/dev/null
		PP_MASTER_PID=
	fi
	if [ -n "${PP_SINK_PID:-}" ]; then
		kill "$PP_SINK_PID" 2>/dev/null
		wait "$PP_SINK_PID" 2>/dev/null
		PP_SINK_PID=
	fi
}

# pp_delivered: how many messages the sink holds.
pp_delivered() {
	find "$PP_SINK_DIR" -type f | wc -l
}

pp_wait_delivered() {
	limit=$(($2 * 10)); i=0
	while [ "$(pp_delivered)" -lt "$1" ] && [ $i -lt $limit ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(pp_delivered)" -ge "$1" ]
}
