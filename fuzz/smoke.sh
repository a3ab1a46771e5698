#!/bin/sh
# fuzz/smoke.sh [TARGET...] - runs each libFuzzer harness for a while.
#
# Builds the harnesses (fuzz/build.sh), then runs each one, one at a time,
# for FUZZ_SECONDS (default 60) from its seeds: the checkout's own inputs
# (tests/data/*.eml, rules/cf/*.cf, contrib/triage-milter.conf,
# templates/*/*.txt), the hand-made seeds of fuzz/seeds/TARGET, and for
# the message reader the MIME corpus beside the checkout
# (${TRIAGE_CORPUS_DIR:-../shared/corpus}/mime, read in place, never
# copied). What a run discovers stays in fuzz/build/corpus/TARGET for the
# next run. A harness passes when it ran its time without a crash, leak,
# timeout (-timeout=10) or going over -rss_limit_mb=2048; a failing input is
# saved in fuzz/crashes/TARGET/. Ends with "N passed, N failed"; exits 77
# when clang cannot build the harnesses.
#
#   fuzz/smoke.sh                      # all six, 60 s each
#   FUZZ_SECONDS=10 fuzz/smoke.sh sla  # one, briefly
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${FUZZ_BUILD:-$here/build}
seconds=${FUZZ_SECONDS:-60}
corpus_dir=${TRIAGE_CORPUS_DIR:-$top/../shared/corpus}

"$here/build.sh" || exit $?

# TARGET MAX_LEN: the longest input worth trying for each.
all="message:65536 ruleset:65536 config:8192 ack_template:8192 ack_suppress:16384 sla:256"
[ $# -gt 0 ] || set -- $(for t in $all; do echo "${t%%:*}"; done)

# seeds TARGET: fills $out/seeds/TARGET with links to (or, for templates,
# prefixed copies of) the checkout's inputs for it; prints any extra
# directory to read seeds from.
seeds() {
	d="$out/seeds/$1"
	rm -rf "$d" && mkdir -p "$d"
	case $1 in
	message)
		for f in "$top"/tests/data/*.eml; do ln -s "$f" "$d/"; done
		[ -d "$corpus_dir/mime" ] && echo "$corpus_dir/mime"
		;;
	ack_suppress)
		for f in "$top"/tests/data/*.eml; do ln -s "$f" "$d/"; done
		;;
	ruleset)
		for f in "$top"/rules/cf/*.cf; do ln -s "$f" "$d/"; done
		;;
	config)
		ln -s "$top/contrib/triage-milter.conf" "$d/"
		;;
	ack_template)
		# Byte 0 picks the language (fuzz_ack_template.c), byte 1 the values.
		i=0
		for lang in en sv nb da de bg; do
			for f in "$top"/templates/$lang/*.txt; do
				[ -f "$f" ] || continue
				{ printf "\\$(printf '%03o' $((48 + i)))\\377"; cat "$f"; } \
					>"$d/$lang-$(basename "$f")"
			done
			i=$((i + 1))
		done
		;;
	esac
	[ -d "$here/seeds/$1" ] && echo "$here/seeds/$1"
}

passed=0 failed=0
mkdir -p "$out/logs"
for target in "$@"; do
	max_len=""
	for t in $all; do [ "${t%%:*}" = "$target" ] && max_len=${t#*:}; done
	if [ -z "$max_len" ] || [ ! -x "$out/fuzz_$target" ]; then
		echo "fuzz_$target: no such harness" >&2
		failed=$((failed + 1))
		continue
	fi
	extra=$(seeds "$target")
	mkdir -p "$out/corpus/$target" "$here/crashes/$target"
	dict=""
	[ -f "$here/dict/$target.dict" ] && dict="-dict=$here/dict/$target.dict"
	log="$out/logs/$target.log"
	# shellcheck disable=SC2086
	FUZZ_SRCDIR="$top" "$out/fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$here/crashes/$target/" $dict \
		"$out/corpus/$target" "$out/seeds/$target" $extra >"$log" 2>&1
	rc=$?
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
	execs=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log" | tail -1)
	cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	runs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "fuzz_$target: PASS ${seconds} s, ${runs:-?} runs, ${execs:-?} exec/s, cov ${cov:-?}, features ${ft:-?}"
	else
		failed=$((failed + 1))
		echo "fuzz_$target: FAIL (exit $rc), see $log; input saved in fuzz/crashes/$target/"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|==[0-9]+==' "$log" | head -20
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
